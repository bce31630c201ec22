"""``make link-rotate``: raise one role's password version in the environment's committed config file.

A role's password changes when its version does (``[databases.password_versions]``,
infra.props.postgres_databases): the deploy generates a new one and writes it,
write-only, to the role and to its secret in the same run. The version lives in
``config/link/<env>.toml`` (``$INFRA_CONFIG_DIR``), committed like every
setting, so whichever machine deploys next sets the same rotation once and
no machine ever rotates a password by accident.

The file is edited as text, keeping its comments and layout: the one line
``<role> = <version>`` under ``[databases.password_versions]`` (the table is
added when missing). The edit is checked by parsing the result: it must
differ from the old file in that one value alone and load as valid
settings; otherwise nothing is written and the error says what to set by hand.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from infra import registry
from infra.registry import System
from infra.validation import ConfigError, OperatorError

TABLE = "databases.password_versions"
_HEADER = re.compile(r"^\[\s*databases\s*\.\s*password_versions\s*\][ \t]*(#.*)?$", re.MULTILINE)
_NEXT_TABLE = re.compile(r"^\s*\[", re.MULTILINE)


def _edited(text: str, role: str, version: int) -> str:
    line = f"{role} = {version}"
    header = _HEADER.search(text)
    if header is None:
        separator = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        return f"{text}{separator}[{TABLE}]\n{line}\n"
    start = header.end()
    following = _NEXT_TABLE.search(text, start + 1)
    end = following.start() if following else len(text)
    table = text[start:end]
    entry = re.compile(rf"^[ \t]*{re.escape(role)}[ \t]*=[ \t]*[0-9_]+[ \t]*(#.*)?$", re.MULTILINE)
    table = entry.sub(line, table, count=1) if entry.search(table) else f"\n{line}{table}"
    return text[:start] + table + text[end:]


def _without(values: dict[str, Any], role: str) -> dict[str, Any]:
    databases = dict(values.get("databases", {}))
    versions = dict(databases.get("password_versions", {}))
    versions.pop(role, None)
    if versions:
        databases["password_versions"] = versions
    else:
        databases.pop("password_versions", None)
    result = {**values, "databases": databases}
    if not databases:
        result.pop("databases")
    return result


def raise_version(system: System[Any], environment: str, role: str, version: int) -> Path:
    """Set ``role``'s password version to ``version`` in the environment's config file; returns its path."""
    path = registry.config_dir() / system.name / f"{environment}.toml"
    before = path.read_text() if path.is_file() else ""
    after = _edited(before, role, version)
    by_hand = f"set {role} = {version} under [{TABLE}] in {path} by hand"
    try:
        old, new = tomllib.loads(before), tomllib.loads(after)
    except tomllib.TOMLDecodeError as error:
        raise OperatorError(f"{path} would not be valid TOML after the edit ({error}): {by_hand}") from None
    if new.get("databases", {}).get("password_versions", {}).get(role) != version or _without(new, role) != _without(
        old, role
    ):
        raise OperatorError(f"{path} does not take this edit cleanly (an inline table, say): {by_hand}")
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.write_text(after)
    scratch.replace(path)
    try:
        registry.load(system, environment)
    except ConfigError:
        if before:
            path.write_text(before)
        else:
            path.unlink()
        raise
    return path
