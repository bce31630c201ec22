"""Props of infra/constructs/ecs_cluster.py: data only (no cdktf), so settings can be made of them.

An ECS cluster for Fargate and Fargate Spot, with Container Insights.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class EcsClusterProps:
    """Cluster-wide settings."""

    enable_container_insights: bool = True
    """Per-task CPU, memory and network metrics in CloudWatch; the services' alarms read them."""
