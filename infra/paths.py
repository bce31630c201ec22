"""Where the repository is, and the one check for directories of per-environment data files."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from infra.validation import ConfigError, closest

REPOSITORY_ROOT = Path(__file__).resolve().parents[1]
LOCAL_STATE_DIR_ENV = "INFRA_LOCAL_STATE_DIR"


def local_state_dir() -> Path:
    """Where bootstrap stacks keep their local state: the repository root unless overridden.

    ``make emulator`` points it elsewhere so emulator runs never touch real bootstrap state.
    """
    return Path(os.environ.get(LOCAL_STATE_DIR_ENV) or REPOSITORY_ROOT)


def _ignored(relative: Path) -> bool:
    """Hidden files (``.gitkeep``, editor swap files) and notes (``*.md``) are not data files."""
    return any(part.startswith(".") for part in relative.parts) or relative.suffix.lower() == ".md"


def reject_stray_files(
    directory: Path,
    expected: Mapping[str, Sequence[str]],
    *,
    what: str,
    layout: str,
    error: type[ConfigError] = ConfigError,
) -> None:
    """Every file under ``directory`` must be ``<group>/<environment>.toml`` with both named in ``expected``.

    ``what`` names such a file in errors, ``layout`` says what one must look like.
    A typo in a file name would silently apply nothing (no override, no tenant):
    ``staging.tml``, ``Staging.toml`` and ``freside/staging.toml`` are refused,
    naming the closest valid name. Hidden files and ``*.md`` notes are ignored;
    a missing directory holds nothing to check.
    """
    if not directory.is_dir():
        return
    valid = [f"{group}/{env}.toml" for group, envs in expected.items() for env in envs]
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory)
        if _ignored(relative):
            continue
        group = relative.parts[0] if len(relative.parts) == 2 else ""
        if group not in expected or path.suffix != ".toml":
            raise error(f"{what} {relative}", layout, str(relative), suggestion=closest(relative.as_posix(), valid))
        if path.stem not in expected[group]:
            raise error(
                f"{what} {relative}",
                f"an environment from {tuple(expected[group])!r}",
                path.stem,
                suggestion=closest(path.stem, expected[group]),
            )
