"""ReplayDash (document 002): ECS Fargate API behind an HTTPS ALB, RDS, Redis, S3, VPC endpoints, dashboard.

One platform stack per environment (``replaydash-<env>``); settings and
defaults in :mod:`.settings`, the stack class in :mod:`.stacks`.
"""

from __future__ import annotations

import functools

from infra.config.presets import gateway_only
from infra.registry import ConfiguredStack, StackSpec, System, platform_stack
from infra.systems.replaydash.settings import ENVIRONMENTS, ReplayDashSettings, defaults


def platform_class() -> ConfiguredStack:
    from infra.systems.replaydash.stacks import ReplayDashStack

    return ReplayDashStack


def stack_specs(settings: ReplayDashSettings) -> list[StackSpec]:
    return [platform_stack(settings, platform_class)]


SYSTEM = System(
    name="replaydash",
    environments=ENVIRONMENTS,
    defaults=defaults,
    stacks=stack_specs,
    cost_preset=functools.partial(gateway_only, "replaydash"),
)
