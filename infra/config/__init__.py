"""Typed settings for every system and environment the source documents name, and the stacks they yield.

``load(system, environment)`` returns the defaults of ``infra/config/<system>.py``
with ``config/<system>/<environment>.toml`` merged over them (see overrides).
The override directory is ``config/`` at the repository root, or
``$INFRA_CONFIG_DIR`` when set. ``stack_specs()`` lists every stack of every
system (see infra.registry), validated, before anything is built.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from infra.config import overrides
from infra.config.model import SystemSettings
from infra.registry import StackSpec, System, bootstrap_specs, check_unique, systems
from infra.validation import ConfigError

CONFIG_DIR_ENV = "INFRA_CONFIG_DIR"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def config_dir() -> Path:
    """Where per-environment override files live."""
    return Path(os.environ.get(CONFIG_DIR_ENV) or REPOSITORY_ROOT / "config")


def system(name: str) -> System[Any]:
    """The registered system called ``name``."""
    known = systems()
    if name not in known:
        raise ConfigError("system", f"one of {tuple(known)!r}", name)
    return known[name]


def environments(name: str) -> tuple[str, ...]:
    """The environments the system's document names, in its order."""
    return system(name).environments


def load(name: str, environment: str, directory: Path | None = None) -> SystemSettings:
    """Validated settings of one system environment, overrides applied."""
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
    return overrides.merge(settings, values, path)


def load_all(directory: Path | None = None) -> list[SystemSettings]:
    """Every system environment, after checking the override directory has no stray files."""
    directory = directory or config_dir()
    _reject_stray_files(directory)
    return [load(name, env, directory) for name, declared in systems().items() for env in declared.environments]


def stack_specs(directory: Path | None = None) -> list[StackSpec]:
    """Every stack of every system: bootstrap stacks first, then each environment's, in a stable order."""
    specs: list[StackSpec] = []
    loaded = load_all(directory)
    for settings in loaded:
        try:
            specs += system(settings.system).stacks(settings)
        except ConfigError as error:
            raise error.within(f"{settings.system}.{settings.environment}") from None
    everything = bootstrap_specs(loaded, specs) + specs
    check_unique(everything)
    return everything


def _reject_stray_files(directory: Path) -> None:
    """A typo in a file name would silently apply no override: refuse it instead."""
    if not directory.is_dir():
        return
    known = systems()
    for path in sorted(directory.rglob("*.toml")):
        relative = path.relative_to(directory)
        name = relative.parts[0] if len(relative.parts) == 2 else None
        if name not in known:
            raise ConfigError(
                f"config file {relative}",
                f"config/<system>/<environment>.toml with a system from {tuple(known)!r}",
                str(relative),
            )
        if path.stem not in known[name].environments:
            raise ConfigError(f"config file {relative}", f"an environment from {known[name].environments!r}", path.stem)
