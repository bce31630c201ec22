"""Typed settings for every system and environment the source documents name.

``load(system, environment)`` returns the defaults of ``infra/config/<system>.py``
with ``config/<system>/<environment>.toml`` merged over them (see overrides).
The override directory is ``config/`` at the repository root, or
``$INFRA_CONFIG_DIR`` when set.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Protocol

from infra.config import overrides
from infra.config.model import StateBackendSettings, SystemSettings
from infra.validation import ConfigError

CONFIG_DIR_ENV = "INFRA_CONFIG_DIR"
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]

# system -> module holding ENVIRONMENTS and defaults(environment)
SYSTEMS = ("solobase", "luneo", "replaydash", "freeside", "link")


class SystemModule(Protocol):
    ENVIRONMENTS: tuple[str, ...]

    def defaults(self, environment: str) -> SystemSettings: ...


def config_dir() -> Path:
    """Where per-environment override files live."""
    return Path(os.environ.get(CONFIG_DIR_ENV) or REPOSITORY_ROOT / "config")


def _module(system: str) -> ModuleType:
    if system not in SYSTEMS:
        raise ConfigError("system", f"one of {SYSTEMS!r}", system)
    return importlib.import_module(f"infra.config.{system}")


def environments(system: str) -> tuple[str, ...]:
    """The environments the system's document names, in its order."""
    environments: tuple[str, ...] = _module(system).ENVIRONMENTS
    return environments


def load(system: str, environment: str, directory: Path | None = None) -> SystemSettings:
    """Validated settings of one system environment, overrides applied."""
    module = _module(system)
    if environment not in module.ENVIRONMENTS:
        raise ConfigError(f"{system} environment", f"one of {module.ENVIRONMENTS!r}", environment)
    path = f"{system}.{environment}"
    try:
        settings: SystemSettings = module.defaults(environment)
    except ConfigError as error:
        raise error.within(path) from None
    values = overrides.read(directory or config_dir(), system, environment)
    overrides.reject_secrets(path, values)
    return overrides.merge(settings, values, path)


def load_all(directory: Path | None = None) -> list[SystemSettings]:
    """Every system environment, after checking the override directory has no stray files."""
    directory = directory or config_dir()
    _reject_stray_files(directory)
    loaded = [load(system, env, directory) for system in SYSTEMS for env in environments(system)]
    _check_shared_state(loaded)
    return loaded


def _reject_stray_files(directory: Path) -> None:
    """A typo in a file name would silently apply no override: refuse it instead."""
    if not directory.is_dir():
        return
    for path in sorted(directory.rglob("*.toml")):
        relative = path.relative_to(directory)
        system = relative.parts[0] if len(relative.parts) == 2 else None
        if system not in SYSTEMS:
            raise ConfigError(
                f"config file {relative}",
                f"config/<system>/<environment>.toml with a system from {SYSTEMS!r}",
                str(relative),
            )
        if path.stem not in environments(system):
            raise ConfigError(f"config file {relative}", f"an environment from {environments(system)!r}", path.stem)


def _check_shared_state(loaded: list[SystemSettings]) -> None:
    """Environments sharing a state bucket share one bootstrap stack, so they must agree on it."""
    by_bucket: dict[str, tuple[str, StateBackendSettings]] = {}
    for settings in loaded:
        state = settings.state
        name = f"{settings.system}.{settings.environment}.state"
        first = by_bucket.setdefault(state.bucket, (name, state))
        other_name, other = first
        if (other.region, other.lock_table, other.store) != (state.region, state.lock_table, state.store):
            raise ConfigError(
                name,
                f"the same region, lock_table and store as {other_name} (same bucket {state.bucket})",
                (state.region, state.lock_table),
            )
        for earlier in loaded:
            if earlier is settings:
                break
            if earlier.state.bucket == state.bucket and earlier.state.key == state.key:
                raise ConfigError(f"{name}.key", "a key no other stack uses in this bucket", state.key)
