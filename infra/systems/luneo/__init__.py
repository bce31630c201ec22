"""Luneo (document 001): eu-west-1 and us-east-1 in one stack: EKS on Spot, RDS with a replica or Aurora
Global, Redis, S3 and CloudFront with replication, ECR, KMS per purpose, Route 53 failover.

One stack per environment (``luneo-<env>``); settings and defaults in
:mod:`.settings`, the stack class in :mod:`.stacks`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from infra.registry import ConfiguredStack, StackSpec, System, platform_stack
from infra.systems.luneo.settings import ENVIRONMENTS, LuneoSettings, cost_preset, defaults


def platform_class() -> ConfiguredStack:
    from infra.systems.luneo.stacks import LuneoStack

    return LuneoStack


def stack_specs(settings: LuneoSettings) -> list[StackSpec]:
    """``luneo-<env>``: both regions in one stack (default provider eu-west-1, ``secondary`` us-east-1)."""
    return [platform_stack(settings, platform_class, regions=settings.secondary_regions)]


def across_environments(environments: Sequence[LuneoSettings]) -> list[LuneoSettings]:
    """Where environments share an account and region, the one owning its resources writes ECR's one
    replication configuration with every other's repositories too (``account_replicated_repositories``)."""
    by_name = {settings.environment: settings for settings in environments}
    completed = []
    for settings in environments:
        if settings.shares_account and settings.owns_account_resources:
            others = [by_name[env] for env in settings.account_environments if env != settings.environment]
            repositories = tuple(
                (other.repository_name(name), other.secondary.region)
                for other in others
                if other.enable_registry_replication
                for name in other.repositories
            )
            settings = dataclasses.replace(settings, account_replicated_repositories=repositories)
        completed.append(settings)
    return completed


SYSTEM = System(
    name="luneo",
    environments=ENVIRONMENTS,
    defaults=defaults,
    stacks=stack_specs,
    cost_preset=cost_preset,
    across_environments=across_environments,
)
