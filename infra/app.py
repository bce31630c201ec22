"""Which stacks exist, which ones a run builds, and the synth entry point.

Every system environment whose system has a stack class becomes a stack
``<system>-<environment>``; every state bucket becomes a bootstrap stack
``bootstrap-<bucket>``. ``INFRA_STACKS`` (comma-separated stack ids) limits a
run to those stacks: the make targets set it so ``make diff STACK=…`` builds
one stack, not all. All settings are loaded and validated either way, before
anything is written.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf import App, TerraformStack

from infra import config
from infra.config.model import SystemSettings
from infra.stacks.bootstrap import StateBootstrapStack, bootstrap_stack_id
from infra.validation import ConfigError

STACKS_ENV = "INFRA_STACKS"

# system -> "module:Class" of its stack; imported only when one of its stacks is built.
STACK_CLASSES = {
    "freeside": "infra.stacks.freeside:FreesideStack",
    "replaydash": "infra.stacks.replaydash:ReplayDashStack",
}


@dataclass(frozen=True)
class StackPlan:
    """A stack that can be built: its id, what it is for, and how to build it."""

    stack_id: str
    kind: str
    """"system" (state in S3) or "bootstrap" (creates the S3 state store, local state)."""
    system: str
    environments: tuple[str, ...]
    build: Callable[[App], TerraformStack]
    account_id: str | None
    region: str


def _stack_class(system: str) -> type[TerraformStack]:
    module_name, class_name = STACK_CLASSES[system].split(":")
    stack_class: type[TerraformStack] = getattr(importlib.import_module(module_name), class_name)
    return stack_class


def _system_plan(settings: SystemSettings) -> StackPlan:
    stack_id = f"{settings.system}-{settings.environment}"

    def build(app: App) -> TerraformStack:
        stack_class: Callable[..., TerraformStack] = _stack_class(settings.system)
        return stack_class(app, stack_id, settings=settings)

    return StackPlan(
        stack_id, "system", settings.system, (settings.environment,), build, settings.account_id, settings.region
    )


def _bootstrap_plan(stack_id: str, group: Sequence[SystemSettings]) -> StackPlan:
    first = group[0]

    def build(app: App) -> TerraformStack:
        return StateBootstrapStack(app, stack_id, state=first.state, system=first.system, account_id=first.account_id)

    environments = tuple(settings.environment for settings in group)
    return StackPlan(stack_id, "bootstrap", first.system, environments, build, first.account_id, first.state.region)


def plans(all_settings: Sequence[SystemSettings]) -> list[StackPlan]:
    """Every stack, bootstrap stacks first, in a stable order."""
    groups: dict[str, list[SystemSettings]] = {}
    for settings in all_settings:
        groups.setdefault(bootstrap_stack_id(settings.state), []).append(settings)
    bootstraps = [_bootstrap_plan(stack_id, group) for stack_id, group in groups.items()]
    systems = [_system_plan(settings) for settings in all_settings if settings.system in STACK_CLASSES]
    return bootstraps + systems


def select(available: Sequence[StackPlan], requested: str | None) -> list[StackPlan]:
    """The plans named in ``requested`` (comma-separated ids); all when it is empty."""
    if not requested or not requested.strip():
        return list(available)
    by_id = {plan.stack_id: plan for plan in available}
    chosen = []
    for stack_id in (part.strip() for part in requested.split(",")):
        if stack_id not in by_id:
            raise ConfigError(STACKS_ENV, f"stack ids from {tuple(by_id)!r}", stack_id)
        if by_id[stack_id] not in chosen:
            chosen.append(by_id[stack_id])
    return chosen


def synth(outdir: str | None = None, requested: str | None = None, config_dir: Path | None = None) -> list[str]:
    """Validate all settings, build the requested stacks and write them; return their ids."""
    chosen = select(plans(config.load_all(config_dir)), requested)
    app = App(outdir=outdir) if outdir else App()
    for plan in chosen:
        plan.build(app)
    app.synth()
    return [plan.stack_id for plan in chosen]


def main() -> int:
    """Entry point of ``main.py`` (the cdktf app command)."""
    try:
        synth(requested=os.environ.get(STACKS_ENV))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
