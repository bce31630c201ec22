"""The engine versions RDS still creates: ``data/rds-engine-versions.json``, dated, with its AWS source page.

AWS retires RDS PostgreSQL minor versions on a schedule; a retired minor
cannot be created, so a stack pinned to one fails at its first deploy in a new
account or region (and at any replacement). Settings naming a minor outside
the table are refused before anything is synthesized; the emulator reads the
same file and refuses to create one (emulator/fills/rds.py). A version given
as a major alone lets RDS choose the minor (it must list some for that major).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from infra.paths import REPOSITORY_ROOT
from infra.validation import ConfigError

ENGINE_VERSIONS_PATH = REPOSITORY_ROOT / "data" / "rds-engine-versions.json"
_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?$")


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class EngineVersions:
    """The minors one engine (``postgres``, ``aurora-postgresql``) can be created with, and where that is from."""

    engine: str
    versions: tuple[str, ...]
    source: str
    retrieved: str

    def of_major(self, major: int) -> tuple[str, ...]:
        return tuple(v for v in self.versions if _key(v)[0] == major)

    def check(self, field: str, version: str, *, major_alone: bool) -> None:
        """Refuse ``version`` unless RDS creates it: a listed minor, or (``major_alone``) a major with listed minors."""
        match = _VERSION.match(version)
        where = f"data/rds-engine-versions.json, {self.source} as of {self.retrieved}"
        if match and match.group(2) is None and major_alone:
            if self.of_major(int(match.group(1))):
                return
            raise ConfigError(field, f"a major {self.engine} versions are listed for ({where})", version)
        if version in self.versions:
            return
        same_major = self.of_major(int(match.group(1))) if match else ()
        listed = same_major or self.versions
        raise ConfigError(
            field,
            f"a {self.engine} version RDS still creates: one of {', '.join(listed)} ({where})",
            version,
            suggestion=same_major[-1] if same_major else None,
        )


def load(path: Path = ENGINE_VERSIONS_PATH) -> dict[str, EngineVersions]:
    """Every engine of the table, its versions in ascending order; a malformed table names what is wrong."""
    data = json.loads(path.read_text())
    retrieved = str(data["retrieved"])
    engines: dict[str, EngineVersions] = {}
    for engine, entry in data["engines"].items():
        versions = [str(v) for v in entry["versions"]]
        bad = [v for v in versions if not _VERSION.match(v) or "." not in v]
        if bad or len(set(versions)) != len(versions) or not str(entry["source"]).startswith("https://docs.aws."):
            raise ValueError(f"{path}: {engine} needs distinct <major>.<minor> versions and its AWS source: {bad}")
        engines[engine] = EngineVersions(engine, tuple(sorted(versions, key=_key)), str(entry["source"]), retrieved)
    return engines


@functools.cache
def engine_versions(engine: str) -> EngineVersions:
    """The table's entry for ``engine`` (read once per process)."""
    return load()[engine]
