"""Freeside: ECS API and worker, PostgreSQL, Redis, ALB, ECR, secrets and alarms (``arrakis-*``)."""

from __future__ import annotations

from constructs import Construct

from infra.config.freeside import FreesideSettings
from infra.constructs.network import Network
from infra.stacks.base import SystemStack


class FreesideStack(SystemStack):
    """One Freeside environment."""

    def __init__(self, scope: Construct, stack_id: str, *, settings: FreesideSettings) -> None:
        super().__init__(scope, stack_id, settings=settings)
        self.network = Network(self, "Network", name=settings.name_prefix, props=settings.network)
