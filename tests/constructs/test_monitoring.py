"""Monitoring: an encrypted topic and the alarms each watch_* method adds."""

from __future__ import annotations

import pytest

from infra.constructs.container_registry import ContainerRegistry
from infra.constructs.ecs_cluster import EcsCluster
from infra.constructs.fargate_service import FargateService
from infra.constructs.kms_key import KmsKey
from infra.constructs.load_balancer import LoadBalancer
from infra.constructs.monitoring import Monitoring
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.props.container_registry import ContainerRegistryProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.monitoring import MonitoringProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.validation import ConfigError
from tests.support.synth import only, resources, synth


def watched(props: MonitoringProps | None = None) -> dict:
    props = props or MonitoringProps()

    def make(stack):
        key = KmsKey(stack, "Key", alias="demo", description="demo", allowed_services=("cloudwatch.amazonaws.com",))
        monitoring = Monitoring(stack, "Monitoring", name="demo", kms_key=key, props=props)
        cluster = EcsCluster(stack, "Cluster", name="demo-cluster", props=EcsClusterProps())
        registry = ContainerRegistry(stack, "Registry", name="demo", props=ContainerRegistryProps())
        lb = LoadBalancer(
            stack,
            "Lb",
            name="demo-alb",
            vpc_id="v",
            public_subnet_ids=["a"],
            props=LoadBalancerProps(domain_name="api.example.com"),
        )
        target = lb.add_target("Api", name="demo-api", port=80, health_check_path="/")
        service = FargateService(
            stack,
            "Api",
            name="demo-api",
            container_name="api",
            cluster=cluster,
            vpc_id="v",
            subnet_ids=["s"],
            repository=registry,
            log_group_name="/ecs/demo/api",
            secrets={},
            props=FargateServiceProps(cpu=256, memory=512, desired_count=1, image_tag="1", container_port=80),
            target=target,
        )
        db = PostgresInstance(
            stack,
            "Db",
            identifier="demo-postgres",
            vpc_id="v",
            subnet_ids=["s"],
            storage_key=None,
            secret_key=None,
            props=PostgresInstanceProps(instance_class="db.t3.small", engine_version="15"),
        )
        redis = RedisReplicationGroup(
            stack,
            "Cache",
            name="demo-redis",
            vpc_id="v",
            subnet_ids=["s"],
            kms_key=None,
            props=RedisProps(node_type="cache.t3.micro", num_cache_clusters=2, automatic_failover=True),
        )
        monitoring.watch_service(service, key="Api")
        monitoring.watch_load_balancer(lb.reference)
        monitoring.watch_target(target, key="Api")
        monitoring.watch_database(db)
        monitoring.watch_redis(redis)

    return synth(make)


def test_topic_is_encrypted_and_every_alarm_notifies_it() -> None:
    stack = watched()
    assert only(stack, "aws_sns_topic")["kms_master_key_id"].startswith("${aws_kms_key.")
    alarms = resources(stack, "aws_cloudwatch_metric_alarm")
    assert alarms
    (topic,) = stack["resource"]["aws_sns_topic"]
    for alarm in alarms:
        assert alarm["alarm_actions"] == alarm["ok_actions"] == [f"${{aws_sns_topic.{topic}.arn}}"]
    assert "aws_sns_topic_subscription" not in stack["resource"]


def test_alarm_set_covers_service_alb_database_and_each_redis_node() -> None:
    names = sorted(a["alarm_name"] for a in resources(watched(), "aws_cloudwatch_metric_alarm"))
    assert names == [
        "demo-alb-5xx-rate",
        "demo-api-cpu-high",
        "demo-api-memory-high",
        "demo-api-unhealthy-targets",
        "demo-postgres-connections-high",
        "demo-postgres-cpu-high",
        "demo-postgres-free-storage-low",
        "demo-redis-001-cpu-high",
        "demo-redis-001-memory-high",
        "demo-redis-002-cpu-high",
        "demo-redis-002-memory-high",
    ]


def test_5xx_rate_is_metric_math_over_requests() -> None:
    alarm = next(
        a for a in resources(watched(), "aws_cloudwatch_metric_alarm") if a["alarm_name"] == "demo-alb-5xx-rate"
    )
    expression = next(q for q in alarm["metric_query"] if q.get("expression"))
    assert "100 * (target5xx + elb5xx) / requests" in expression["expression"]
    assert alarm["threshold"] == 5


def test_email_subscription_when_configured() -> None:
    stack = watched(MonitoringProps(alert_email="ops@example.com"))
    subscription = only(stack, "aws_sns_topic_subscription")
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "ops@example.com")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"alert_email": "not-an-address"}, "alert_email must be an e-mail address"),
        ({"period_seconds": 120}, "period_seconds must be one of (60, 300, 900, 3600)"),
        ({"service_cpu_percent": 150}, "service_cpu_percent must be a number from 1 to 100"),
    ],
)
def test_invalid_monitoring_props(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        MonitoringProps(**kwargs)
    assert message in str(raised.value)
