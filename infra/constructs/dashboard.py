"""A CloudWatch dashboard of a service platform: ECS, load balancer, database and cache."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import region_name
from infra.constructs.fargate_service import FargateService
from infra.constructs.load_balancer import ListenerReference
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup

WIDTH = 12
HEIGHT = 6


class ServiceDashboard(Construct):
    """Dashboard ``name``: one row per concern, five-minute periods.

    ECS CPU and memory per service; load balancer requests, 5xx and latency
    (p50/p95/p99); database CPU, connections, free storage and latency; cache
    CPU, memory and connections per node. ``url`` opens it in the console.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        services: Sequence[FargateService],
        load_balancer: ListenerReference,
        database: PostgresInstance,
        cache: RedisReplicationGroup,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("dashboard name", name, max_length=255)
        self.region = region_name(self)
        lb = {"LoadBalancer": load_balancer.arn_suffix}
        db = ["DBInstanceIdentifier", database.identifier]
        nodes = cache.member_cluster_ids
        widgets = [
            self._widget(
                "ECS CPU (%)",
                [
                    ["AWS/ECS", "CPUUtilization", "ClusterName", s.cluster.name, "ServiceName", s.service_name]
                    for s in services
                ],
            ),
            self._widget(
                "ECS memory (%)",
                [
                    ["AWS/ECS", "MemoryUtilization", "ClusterName", s.cluster.name, "ServiceName", s.service_name]
                    for s in services
                ],
            ),
            self._widget("ALB requests", [["AWS/ApplicationELB", "RequestCount", *self._flat(lb)]], stat="Sum"),
            self._widget(
                "ALB 5xx",
                [
                    ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *self._flat(lb)],
                    ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *self._flat(lb)],
                ],
                stat="Sum",
            ),
            self._widget(
                "ALB latency (s)",
                [
                    ["AWS/ApplicationELB", "TargetResponseTime", *self._flat(lb), {"stat": stat, "label": stat}]
                    for stat in ("p50", "p95", "p99")
                ],
            ),
            self._widget(
                "RDS CPU (%) and connections",
                [
                    ["AWS/RDS", "CPUUtilization", *db],
                    ["AWS/RDS", "DatabaseConnections", *db, {"yAxis": "right"}],
                ],
            ),
            self._widget("RDS free storage (bytes)", [["AWS/RDS", "FreeStorageSpace", *db]], stat="Minimum"),
            self._widget("RDS latency (s)", [["AWS/RDS", "ReadLatency", *db], ["AWS/RDS", "WriteLatency", *db]]),
            self._widget(
                "Redis engine CPU (%)",
                [["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", node] for node in nodes],
            ),
            self._widget(
                "Redis memory (%) and connections",
                [
                    metric
                    for node in nodes
                    for metric in (
                        ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", node],
                        ["AWS/ElastiCache", "CurrConnections", "CacheClusterId", node, {"yAxis": "right"}],
                    )
                ],
            ),
        ]
        for index, widget in enumerate(widgets):
            widget.update({"x": (index % 2) * WIDTH, "y": (index // 2) * HEIGHT, "width": WIDTH, "height": HEIGHT})
        self.dashboard = CloudwatchDashboard(
            self, "Dashboard", dashboard_name=name, dashboard_body=json.dumps({"widgets": widgets})
        )
        self.name = name
        self.url = (
            f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}#dashboards:name={name}"
        )

    @staticmethod
    def _flat(dimensions: dict[str, str]) -> list[str]:
        return [item for pair in dimensions.items() for item in pair]

    def _widget(self, title: str, metrics: list[list[Any]], *, stat: str = "Average") -> dict[str, Any]:
        return {
            "type": "metric",
            "properties": {
                "title": title,
                "region": self.region,
                "stat": stat,
                "period": 300,
                "view": "timeSeries",
                "metrics": metrics,
            },
        }
