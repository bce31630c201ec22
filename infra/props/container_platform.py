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
from infra.props.network import ExistingNetworkProps, NetworkProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps


@dataclass(frozen=True, kw_only=True)
class ContainerPlatformProps:
    """Settings of every part of the platform."""

    network: NetworkProps | ExistingNetworkProps
    """A VPC to create, or one made elsewhere."""
    load_balancer: LoadBalancerProps
    database: PostgresInstanceProps
    cache: RedisProps | None = None
    """None: no Redis."""
    cluster: EcsClusterProps = field(default_factory=EcsClusterProps)
    registry: ContainerRegistryProps = field(default_factory=ContainerRegistryProps)
    secrets: SecretProps = field(default_factory=SecretProps)
    keys: KmsKeyProps = field(default_factory=KmsKeyProps)
    monitoring: MonitoringProps = field(default_factory=MonitoringProps)
