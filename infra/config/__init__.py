"""Typed settings for every system and environment the source documents name, and the stacks they yield.

``load(system, environment)`` returns the defaults of ``infra/config/<system>.py``
with ``config/<system>/<environment>.toml`` merged over them (see overrides).
The override directory is ``config/`` at the repository root, or
``$INFRA_CONFIG_DIR`` when set. ``stack_specs()`` lists every stack of every
system (see infra.registry), validated, before anything is built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infra.config import overrides
from infra.config.model import SystemSettings
from infra.config.teardown import Overlays
from infra.registry import StackSpec, System, bootstrap_specs, check_unique, systems
from infra.validation import ConfigError, closest

CONFIG_DIR_ENV = "INFRA_CONFIG_DIR"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def config_dir() -> Path:
    """Where per-environment override files live: ``$INFRA_CONFIG_DIR``, which must exist, or ``config/``.

    A directory named but missing would silently apply no override: it is refused.
    """
    configured = os.environ.get(CONFIG_DIR_ENV)
    if not configured:
        return REPOSITORY_ROOT / "config"
    directory = Path(configured)
    if not directory.is_dir():
        raise ConfigError(
            CONFIG_DIR_ENV, "an existing directory of config/<system>/<environment>.toml files", configured
        )
    return directory


def system(name: str) -> System[Any]:
    """The registered system called ``name``."""
    known = systems()
    if name not in known:
        raise ConfigError("system", f"one of {tuple(known)!r}", name)
    return known[name]


def environments(name: str) -> tuple[str, ...]:
    """The environments the system's document names, in its order."""
    return system(name).environments


def load(
    name: str, environment: str, directory: Path | None = None, overlay: Mapping[str, Any] | None = None
) -> SystemSettings:
    """Validated settings of one system environment, overrides applied (then ``overlay``, a table merged over
    the file's, as for a teardown: see infra.config.teardown)."""
    declared = system(name)
    if environment not in declared.environments:
        raise ConfigError(f"{name} environment", f"one of {declared.environments!r}", environment)
    path = f"{name}.{environment}"
    try:
        settings: SystemSettings = declared.defaults(environment)
    except ConfigError as error:
        raise error.within(path) from None
    values = overrides.read(directory or config_dir(), name, environment)
    overrides.reject_secrets(path, values)
    if overlay:
        values = overrides.deep_merge(values, overlay)
    return overrides.merge(settings, values, path)


def load_all(directory: Path | None = None, overlays: Overlays | None = None) -> list[SystemSettings]:
    """Every system environment, after checking the override directory has no stray files."""
    directory = directory or config_dir()
    _reject_stray_files(directory)
    return [
        load(name, env, directory, (overlays or {}).get((name, env)))
        for name, declared in systems().items()
        for env in declared.environments
    ]


def stack_specs(directory: Path | None = None, overlays: Overlays | None = None) -> list[StackSpec]:
    """Every stack of every system: bootstrap stacks first, then each environment's, in a stable order."""
    specs: list[StackSpec] = []
    loaded = load_all(directory, overlays)
    for settings in loaded:
        try:
            specs += system(settings.system).stacks(settings)
        except ConfigError as error:
            raise error.within(f"{settings.system}.{settings.environment}") from None
    everything = bootstrap_specs(loaded, specs) + specs
    check_unique(everything)
    return everything


def _ignored(relative: Path) -> bool:
    """Hidden files (``.gitkeep``, editor swap files) and notes (``*.md``) are not config files."""
    return any(part.startswith(".") for part in relative.parts) or relative.suffix.lower() == ".md"


def _reject_stray_files(directory: Path) -> None:
    """A typo in a file name would silently apply no override: refuse it, naming the closest valid name.

    Every file under the directory but hidden ones and ``*.md`` notes must be
    ``<system>/<environment>.toml``: ``staging.tml``, ``Staging.toml`` and
    ``freside/staging.toml`` are errors, not ignored.
    """
    if not directory.is_dir():
        return
    known = systems()
    valid = [f"{name}/{env}.toml" for name, declared in known.items() for env in declared.environments]
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory)
        if _ignored(relative):
            continue
        name = relative.parts[0] if len(relative.parts) == 2 else None
        if name not in known or path.suffix != ".toml":
            raise ConfigError(
                f"config file {relative}",
                f"config/<system>/<environment>.toml with a system from {tuple(known)!r}",
                str(relative),
                suggestion=closest(relative.as_posix(), valid),
            )
        if path.stem not in known[name].environments:
            raise ConfigError(
                f"config file {relative}",
                f"an environment from {known[name].environments!r}",
                path.stem,
                suggestion=closest(path.stem, known[name].environments),
            )
