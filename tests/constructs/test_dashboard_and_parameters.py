"""ServiceDashboard widgets and SsmParameters references."""

from __future__ import annotations

import json

import pytest
from cdktf import TerraformOutput

from infra.constructs.container_platform import ContainerPlatform
from infra.constructs.dashboard import ServiceDashboard
from infra.constructs.load_balancer import DEFAULT_ROUTE
from infra.constructs.ssm_parameters import SsmParameters
from infra.props.container_platform import ContainerPlatformProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.network import NetworkProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.validation import ConfigError
from tests.support.synth import only, synth

PLATFORM = ContainerPlatformProps(
    network=NetworkProps(
        cidr_block="10.5.0.0/16",
        availability_zones=("us-east-1a",),
        public_subnet_cidrs=("10.5.0.0/24",),
        private_subnet_cidrs=("10.5.1.0/24",),
    ),
    load_balancer=LoadBalancerProps(domain_name="api.example.com"),
    database=PostgresInstanceProps(instance_class="db.t4g.medium", engine_version="16"),
    cache=RedisProps(node_type="cache.t4g.micro"),
)


def dashboard() -> dict:
    def make(stack):
        platform = ContainerPlatform(stack, "Platform", prefix="demo", repository_name="demo-api", props=PLATFORM)
        api = platform.add_service(
            "Api",
            container_name="api",
            log_group_name="/ecs/demo-api",
            secrets={},
            route=DEFAULT_ROUTE,
            props=FargateServiceProps(cpu=256, memory=512, desired_count=1, image_tag="1", container_port=3000),
        )
        ServiceDashboard(
            stack,
            "Dashboard",
            name="demo",
            services=[api],
            load_balancer=platform.load_balancer.reference,
            databases=[platform.database],
            cache=platform.cache,
        )

    return synth(make)


def test_dashboard_covers_ecs_alb_rds_and_redis() -> None:
    body = json.loads(only(dashboard(), "aws_cloudwatch_dashboard")["dashboard_body"])
    namespaces = {metric[0] for widget in body["widgets"] for metric in widget["properties"]["metrics"]}
    assert namespaces == {"AWS/ECS", "AWS/ApplicationELB", "AWS/RDS", "AWS/ElastiCache"}
    latency = next(w for w in body["widgets"] if w["properties"]["title"] == "ALB latency (s)")
    assert [m[-1]["stat"] for m in latency["properties"]["metrics"]] == ["p50", "p95", "p99"]
    assert all(w["width"] == 12 and w["height"] == 6 for w in body["widgets"])


def test_platform_wires_services_to_database_cache_and_alarms() -> None:
    stack = dashboard()
    alarms = {a["alarm_name"] for a in stack["resource"]["aws_cloudwatch_metric_alarm"].values()}
    assert {"demo-api-cpu-high", "demo-alb-5xx-rate", "demo-postgres-cpu-high", "demo-redis-001-cpu-high"} <= alarms
    ports = sorted(
        r["from_port"]
        for r in stack["resource"]["aws_vpc_security_group_ingress_rule"].values()
        if "referenced_security_group_id" in r
    )
    assert ports == [3000, 5432, 6379]


def test_parameters_live_under_one_path_and_containers_get_them_by_arn() -> None:
    """(What reading them takes: tests/constructs/test_grants.py.)"""

    def make(stack):
        parameters = SsmParameters(
            stack, "Parameters", path="/demo/staging", description="demo", values={"redis-url": "rediss://cache:6379"}
        )
        reference = parameters.reference("redis-url")
        assert reference.value_from == reference.arn
        TerraformOutput(stack, "value_from", value=reference.value_from)

    stack = synth(make)
    parameter = only(stack, "aws_ssm_parameter")
    (name,) = stack["resource"]["aws_ssm_parameter"]
    assert stack["output"]["value_from"]["value"] == f"${{aws_ssm_parameter.{name}.arn}}"
    assert (parameter["name"], parameter["type"], parameter["value"]) == (
        "/demo/staging/redis-url",
        "String",
        "rediss://cache:6379",
    )


@pytest.mark.parametrize(
    ("path", "name", "message"),
    [
        ("demo/staging", "x", "parameter path must be an absolute path"),
        ("/demo", "Bad_Name", "parameter name must be lower-case letters"),
    ],
)
def test_bad_parameter_names(path: str, name: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        synth(lambda stack: SsmParameters(stack, "P", path=path, description="d", values={name: "v"}))
