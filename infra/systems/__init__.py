"""The systems, in the order of the source documents: the one place that lists them.

Each system is a package of its own (``infra/systems/<name>/``) declaring a
:class:`~infra.registry.System`: its settings and defaults, the stacks an
environment yields, its stack classes and its own logic. Nothing below this
module imports it, and no system imports another.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from infra import registry
from infra.config.model import SystemSettings
from infra.config.teardown import Overlays
from infra.delivery import settings as delivery_settings
from infra.delivery.specs import ci_specs
from infra.registry import StackSpec, System
from infra.stacks import bootstrap_stack, ci_stack
from infra.systems import freeside, link, luneo, replaydash, solobase
from infra.validation import ConfigError

SYSTEMS: tuple[System[Any], ...] = (solobase.SYSTEM, luneo.SYSTEM, replaydash.SYSTEM, freeside.SYSTEM, link.SYSTEM)


def system(name: str) -> System[Any]:
    """The system called ``name``."""
    known = {item.name: item for item in SYSTEMS}
    if name not in known:
        raise ConfigError("system", f"one of {tuple(known)!r}", name)
    return known[name]


def environments(name: str) -> tuple[str, ...]:
    """The environments the system's document names, in its order."""
    return system(name).environments


def load(name: str, environment: str, directory: Path | None = None) -> SystemSettings:
    """One environment's validated settings (see infra.registry.load)."""
    settings: SystemSettings = registry.load(system(name), environment, directory)
    return settings


def load_all(directory: Path | None = None, overlays: Overlays | None = None) -> list[SystemSettings]:
    """Every environment of every system, the override directory checked for stray files first."""
    return registry.load_all(SYSTEMS, directory, overlays)


def check_deployable(spec: StackSpec) -> None:
    """Refuse what may be synthesized and run on the emulator but never planned or applied against AWS (a
    placeholder domain in production, production alarms nobody receives): every plan and apply path calls it."""
    if spec.settings is None:
        return
    try:
        spec.settings.check_deployable()
    except ConfigError as error:
        raise error.within(f"{spec.system}.{spec.settings.environment}") from None


def terraform_environment(spec: StackSpec) -> dict[str, str]:
    """What Terraform needs in its environment for ``spec`` beyond credentials: the HCP Terraform workspace
    of a stack on the cloud backend (nothing else: every secret a stack needs is generated at apply time)."""
    environment: dict[str, str] = {}
    if spec.cloud is not None:
        # The cloud block selects workspaces by tag; this names the stack's own (created on first init).
        environment["TF_WORKSPACE"] = spec.stack_id
    return environment


def declared_environments() -> dict[str, tuple[str, ...]]:
    """Each system's environments, in order (what delivery.toml is checked against)."""
    return {item.name: item.environments for item in SYSTEMS}


def delivery() -> delivery_settings.DeliverySettings:
    """``delivery.toml``, validated against the systems (infra.delivery.settings)."""
    return delivery_settings.load(declared_environments())


def _ci_specs(loaded: Sequence[SystemSettings]) -> list[StackSpec]:
    # Issue 22: each system's CI deployer roles, a stack of their own (kind ci; infra.delivery.specs).
    return ci_specs(loaded, delivery(), ci_stack)


def stack_specs(directory: Path | None = None, overlays: Overlays | None = None) -> list[StackSpec]:
    """Every stack of every system, validated, bootstrap stacks first, ci stacks last (see
    infra.registry.stack_specs)."""
    return registry.stack_specs(SYSTEMS, bootstrap_stack, directory, overlays, extra=_ci_specs)
