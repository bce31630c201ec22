"""A CloudWatch dashboard of a platform: ECS, load balancer, databases, cache, Lambda, whichever it has."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from cdktf_cdktf_provider_aws.cloudwatch_dashboard import CloudwatchDashboard
from constructs import Construct

from infra.constructs.aws_context import region_name
from infra.constructs.fargate_service import FargateService
from infra.constructs.load_balancer import ListenerReference
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.validation import ConfigError

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
WIDTH = 12
HEIGHT = 6


class ServiceDashboard(Construct):
    """Dashboard ``name``: one row per concern, five-minute periods, for whichever parts are given.

    ECS CPU and memory per service; load balancer requests, 5xx and latency
    (p50/p95/p99); database CPU, connections, free storage and latency (one
    line per instance); cache CPU, memory and connections per node; with
    ``lambda_functions``, the account's Lambda invocations, errors, throttles,
    duration and concurrent executions in the region. ``url`` opens it in the console.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        services: Sequence[FargateService] = (),
        load_balancer: ListenerReference | None = None,
        databases: Sequence[PostgresInstance] = (),
        cache: RedisReplicationGroup | None = None,
        lambda_functions: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError("dashboard name", "1 to 255 letters, digits, hyphens or underscores", name)
        self.region = region_name(self)
        widgets: list[dict[str, Any]] = []
        if services:
            widgets += self._service_widgets(services)
        if load_balancer is not None:
            widgets += self._load_balancer_widgets(load_balancer)
        if databases:
            widgets += self._database_widgets(databases)
        if cache is not None:
            widgets += self._cache_widgets(cache)
        if lambda_functions:
            widgets += self._lambda_widgets()
        if not widgets:
            raise ConfigError(f"dashboard {name}", "at least one part to show", None)
        for index, widget in enumerate(widgets):
            widget.update({"x": (index % 2) * WIDTH, "y": (index // 2) * HEIGHT, "width": WIDTH, "height": HEIGHT})
        self.dashboard = CloudwatchDashboard(
            self, "Dashboard", dashboard_name=name, dashboard_body=json.dumps({"widgets": widgets})
        )
        self.name = name
        self.url = (
            f"https://{self.region}.console.aws.amazon.com/cloudwatch/home?region={self.region}#dashboards:name={name}"
        )

    def _service_widgets(self, services: Sequence[FargateService]) -> list[dict[str, Any]]:
        return [
            self._widget(
                f"ECS {title}",
                [["AWS/ECS", metric, "ClusterName", s.cluster.name, "ServiceName", s.service_name] for s in services],
            )
            for title, metric in (("CPU (%)", "CPUUtilization"), ("memory (%)", "MemoryUtilization"))
        ]

    def _load_balancer_widgets(self, load_balancer: ListenerReference) -> list[dict[str, Any]]:
        lb = self._flat({"LoadBalancer": load_balancer.arn_suffix})
        return [
            self._widget("ALB requests", [["AWS/ApplicationELB", "RequestCount", *lb]], stat="Sum"),
            self._widget(
                "ALB 5xx",
                [
                    ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *lb],
                    ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", *lb],
                ],
                stat="Sum",
            ),
            self._widget(
                "ALB latency (s)",
                [
                    ["AWS/ApplicationELB", "TargetResponseTime", *lb, {"stat": stat, "label": stat}]
                    for stat in ("p50", "p95", "p99")
                ],
            ),
        ]

    def _database_widgets(self, databases: Sequence[PostgresInstance]) -> list[dict[str, Any]]:
        dbs = [["DBInstanceIdentifier", database.identifier] for database in databases]
        return [
            self._widget(
                "RDS CPU (%) and connections",
                [["AWS/RDS", "CPUUtilization", *db] for db in dbs]
                + [["AWS/RDS", "DatabaseConnections", *db, {"yAxis": "right"}] for db in dbs],
            ),
            self._widget(
                "RDS free storage (bytes)", [["AWS/RDS", "FreeStorageSpace", *db] for db in dbs], stat="Minimum"
            ),
            self._widget(
                "RDS latency (s)",
                [["AWS/RDS", metric, *db] for db in dbs for metric in ("ReadLatency", "WriteLatency")],
            ),
        ]

    def _cache_widgets(self, cache: RedisReplicationGroup) -> list[dict[str, Any]]:
        nodes = cache.member_cluster_ids
        return [
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

    def _lambda_widgets(self) -> list[dict[str, Any]]:
        return [
            self._widget("Lambda invocations", [["AWS/Lambda", "Invocations"]], stat="Sum"),
            self._widget(
                "Lambda errors and throttles", [["AWS/Lambda", "Errors"], ["AWS/Lambda", "Throttles"]], stat="Sum"
            ),
            self._widget(
                "Lambda duration (ms)",
                [["AWS/Lambda", "Duration", {"stat": stat, "label": stat}] for stat in ("Average", "p99")],
            ),
            self._widget("Lambda concurrent executions", [["AWS/Lambda", "ConcurrentExecutions"]], stat="Maximum"),
        ]

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
