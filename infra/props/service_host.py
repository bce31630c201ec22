"""Props of infra/constructs/service_host.py: data only (no cdktf), so settings can be made of them.

Where services run: an ECS cluster and an internet-facing load balancer they share, routed by host or path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.props.ecs_cluster import EcsClusterProps
from infra.props.load_balancer import LoadBalancerProps


@dataclass(frozen=True, kw_only=True)
class ServiceHostProps:
    """The cluster, and the load balancer if anything is public."""

    cluster: EcsClusterProps = field(default_factory=EcsClusterProps)
    load_balancer: LoadBalancerProps | None = None
    """None: no load balancer (only internal services, such as workers)."""
