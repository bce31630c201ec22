"""Props of infra/constructs/container_platform.py: data only (no cdktf), so settings can be made of them.

The shape Freeside and ReplayDash share, composed of the parts any stack can use on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.props.container_registry import ContainerRegistryProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.kms_key import KmsKeyProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.monitoring import MonitoringProps
from infra.props.network import NetworkProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps


@dataclass(frozen=True, kw_only=True)
class ContainerPlatformProps:
    """Settings of every part of the platform."""

    network: NetworkProps
    """The VPC to create (or, through ``existing``, one made elsewhere)."""
    load_balancer: LoadBalancerProps
    """The internet-facing HTTPS load balancer and its certificate."""
    database: PostgresInstanceProps
    """The platform's PostgreSQL instance."""
    cache: RedisProps | None = None
    """The Redis replication group; None: no Redis."""
    cluster: EcsClusterProps = field(default_factory=EcsClusterProps)
    """The ECS cluster the services run on."""
    registry: ContainerRegistryProps = field(default_factory=ContainerRegistryProps)
    """The ECR repository the services' images come from."""
    secrets: SecretProps = field(default_factory=SecretProps)
    """Lifecycle of the platform's Secrets Manager secrets."""
    keys: KmsKeyProps = field(default_factory=KmsKeyProps)
    """Lifecycle of the platform's KMS keys (secrets, data at rest, alerts)."""
    monitoring: MonitoringProps = field(default_factory=MonitoringProps)
    """Who is told, and the thresholds of the platform's alarms."""
