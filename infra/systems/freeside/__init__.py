"""Freeside (``arrakis-<env>-*``, document 003): ECS API and worker, PostgreSQL, Redis, ALB, ECR, secrets, alarms.

One platform stack per environment (``freeside-<env>``); settings and defaults
in :mod:`.settings`, the stack class in :mod:`.stacks`.
"""

from __future__ import annotations

import functools

from infra.config.presets import gateway_only
from infra.registry import ConfiguredStack, StackSpec, System, platform_stack
from infra.systems.freeside.settings import ENVIRONMENTS, FreesideSettings, defaults


def platform_class() -> ConfiguredStack:
    from infra.systems.freeside.stacks import FreesideStack

    return FreesideStack


def stack_specs(settings: FreesideSettings) -> list[StackSpec]:
    return [platform_stack(settings, platform_class)]


SYSTEM = System(
    name="freeside",
    environments=ENVIRONMENTS,
    defaults=defaults,
    stacks=stack_specs,
    cost_preset=functools.partial(gateway_only, "freeside"),
)
