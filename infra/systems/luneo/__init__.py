"""Luneo (document 001): eu-west-1 and us-east-1 in one stack: EKS on Spot, RDS with a replica or Aurora
Global, Redis, S3 and CloudFront with replication, ECR, KMS per purpose, Route 53 failover.

One stack per environment (``luneo-<env>``); settings and defaults in
:mod:`.settings`, the stack class in :mod:`.stacks`.
"""

from __future__ import annotations

from infra.registry import ConfiguredStack, StackSpec, System, platform_stack
from infra.systems.luneo.settings import ENVIRONMENTS, LuneoSettings, cost_preset, defaults


def platform_class() -> ConfiguredStack:
    from infra.systems.luneo.stacks import LuneoStack

    return LuneoStack


def stack_specs(settings: LuneoSettings) -> list[StackSpec]:
    """``luneo-<env>``: both regions in one stack (default provider eu-west-1, ``secondary`` us-east-1)."""
    return [platform_stack(settings, platform_class, regions=settings.secondary_regions)]


SYSTEM = System(name="luneo", environments=ENVIRONMENTS, defaults=defaults, stacks=stack_specs, cost_preset=cost_preset)
