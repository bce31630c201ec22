"""FargateService: roles, secrets, logs, capacity mix, deployment safety, validation."""

from __future__ import annotations

import dataclasses
import json

import pytest

from infra.constructs.container_registry import ContainerRegistry
from infra.constructs.ecs_cluster import EcsCluster
from infra.constructs.fargate_service import FargateService
from infra.constructs.kms_key import KmsKey
from infra.constructs.load_balancer import LoadBalancer
from infra.constructs.secret import Secret
from infra.props.container_registry import ContainerRegistryProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.secret import SecretProps
from infra.props.service_autoscaling import ServiceAutoscalingProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, resources, synth

API = FargateServiceProps(cpu=512, memory=1024, desired_count=2, image_tag="1.0.0", container_port=8080)


def build(props: FargateServiceProps = API, *, behind_load_balancer: bool = True) -> dict:
    def make(stack):
        cluster = EcsCluster(stack, "Cluster", name="demo-cluster", props=EcsClusterProps())
        registry = ContainerRegistry(stack, "Registry", name="demo-api", props=ContainerRegistryProps())
        key = KmsKey(stack, "Key", alias="demo-secrets", description="secrets")
        secret = Secret(stack, "Db", name="demo/db-credentials", description="db", kms_key=key, props=SecretProps())
        target = None
        if behind_load_balancer:
            lb = LoadBalancer(
                stack,
                "Lb",
                name="demo-alb",
                vpc_id="vpc-1",
                public_subnet_ids=["subnet-a", "subnet-b"],
                props=LoadBalancerProps(domain_name="api.example.com"),
            )
            target = lb.add_target("Api", name="demo-api", port=8080, health_check_path="/health")
        FargateService(
            stack,
            "Api",
            name="demo-api",
            container_name="api",
            cluster=cluster,
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            repository=registry,
            log_group_name="/ecs/demo/api",
            secrets={"DATABASE_URL": secret.key("url")},
            props=props,
            target=target,
        )

    return synth(make)


def container(stack: dict) -> dict:
    (definition,) = json.loads(only(stack, "aws_ecs_task_definition")["container_definitions"])
    return definition


def test_task_definition_sizes_image_and_logs() -> None:
    stack = build()
    task = only(stack, "aws_ecs_task_definition")
    assert (task["cpu"], task["memory"]) == ("512", "1024")
    assert task["requires_compatibilities"] == ["FARGATE"] and task["network_mode"] == "awsvpc"
    definition = container(stack)
    assert definition["image"].endswith(":1.0.0") and "aws_ecr_repository" in definition["image"]
    assert definition["logConfiguration"]["options"]["awslogs-group"].startswith("${aws_cloudwatch_log_group.")
    assert definition["readonlyRootFilesystem"] is True
    assert only(stack, "aws_cloudwatch_log_group")["name"] == "/ecs/demo/api"


def test_secrets_are_injected_by_arn_never_as_plain_environment() -> None:
    definition = container(build())
    assert definition["environment"] == []
    (secret,) = definition["secrets"]
    assert secret["name"] == "DATABASE_URL"
    assert secret["valueFrom"].startswith("${aws_secretsmanager_secret.") and secret["valueFrom"].endswith(":url::")


def test_execution_role_reads_exactly_its_secrets_and_pulls_its_repository() -> None:
    stack = build()
    policies = {p["name"]: policy(p["policy"]) for p in resources(stack, "aws_iam_role_policy")}
    read = policies["ReadSecrets"]["Statement"]
    assert read[0]["Action"] == "secretsmanager:GetSecretValue"
    assert read[0]["Resource"].startswith("${aws_secretsmanager_secret.")
    assert read[1]["Action"] == "kms:Decrypt" and "kms:ViaService" in read[1]["Condition"]["StringLike"]
    pull = policies["PullImages"]["Statement"]
    assert pull[0]["Resource"] == "${aws_ecr_repository.Registry_Repository_5A933889.arn}"
    roles = {r["name"] for r in resources(stack, "aws_iam_role")}
    assert {"demo-api-execution", "demo-api-task"} <= roles


def test_circuit_breaker_rolls_back_and_tasks_stay_private() -> None:
    service = only(build(), "aws_ecs_service")
    assert service["deployment_circuit_breaker"] == {"enable": True, "rollback": True}
    assert service["network_configuration"]["assign_public_ip"] is False
    assert service["desired_count"] == 2
    assert service["capacity_provider_strategy"] == [{"base": 0, "capacity_provider": "FARGATE", "weight": 1}]


def test_spot_weight_adds_fargate_spot() -> None:
    props = dataclasses.replace(API, spot_weight=3, on_demand_base=1)
    strategy = only(build(props), "aws_ecs_service")["capacity_provider_strategy"]
    assert {"capacity_provider": "FARGATE_SPOT", "weight": 3} in strategy
    assert {"base": 1, "capacity_provider": "FARGATE", "weight": 1} in strategy


def test_tasks_accept_traffic_only_from_the_load_balancer() -> None:
    stack = build()
    ingress = [r for r in resources(stack, "aws_vpc_security_group_ingress_rule") if r["from_port"] == 8080]
    (from_alb,) = ingress
    assert from_alb["referenced_security_group_id"].startswith("${aws_security_group.Lb_SecurityGroup")
    assert "cidr_ipv4" not in from_alb
    service = only(stack, "aws_ecs_service")
    assert service["load_balancer"][0]["container_port"] == 8080


def test_service_without_load_balancer_has_no_ingress() -> None:
    stack = build(dataclasses.replace(API, container_port=None), behind_load_balancer=False)
    assert resources(stack, "aws_vpc_security_group_ingress_rule") == []
    assert "load_balancer" not in only(stack, "aws_ecs_service")


def test_autoscaling_tracks_cpu_and_memory_and_owns_desired_count() -> None:
    props = dataclasses.replace(API, desired_count=1, autoscaling=ServiceAutoscalingProps())
    stack = build(props)
    target = only(stack, "aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (1, 4)
    targets = {
        p["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"][
            "predefined_metric_type"
        ]: p["target_tracking_scaling_policy_configuration"]["target_value"]
        for p in resources(stack, "aws_appautoscaling_policy")
    }
    assert targets == {"ECSServiceAverageCPUUtilization": 70, "ECSServiceAverageMemoryUtilization": 80}
    assert only(stack, "aws_ecs_service")["lifecycle"] == {"ignore_changes": ["desired_count"]}


def test_execute_command_grants_the_ssm_channels_to_the_task_role_only() -> None:
    stack = build(dataclasses.replace(API, enable_execute_command=True))
    assert only(stack, "aws_ecs_service")["enable_execute_command"] is True
    exec_policy = next(p for p in resources(stack, "aws_iam_role_policy") if p["name"] == "ExecuteCommand")
    assert "TaskRole" in exec_policy["role"]
    assert "ssmmessages:OpenDataChannel" in policy(exec_policy["policy"])["Statement"][0]["Action"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cpu": 256, "memory": 4096}, "memory must be one of (512, 1024, 2048) MiB for 256 CPU units"),
        ({"cpu": 300}, "cpu must be one of (256, 512, 1024"),
        ({"spot_weight": -1}, "spot_weight must be an integer from 0 to 1000; got -1"),
        ({"spot_weight": 0, "on_demand_weight": 0}, "spot_weight must be positive when on_demand_weight is 0"),
        ({"log_retention_days": 10}, "log_retention_days must be one of (1, 3, 5, 7, 14, 30"),
        ({"image_tag": "bad tag"}, "image_tag must be a Docker tag"),
        (
            {"autoscaling": ServiceAutoscalingProps(min_tasks=3, max_tasks=4)},
            "desired_count must be between autoscaling",
        ),
    ],
)
def test_invalid_service_props(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        dataclasses.replace(API, **change)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"min_tasks": 5, "max_tasks": 4}, "min_tasks must be at most max_tasks (4); got 5"),
        ({"max_tasks": 0}, "max_tasks must be an integer from 1 to 1000; got 0"),
        ({"cpu_target_percent": 120}, "cpu_target_percent must be a number from 10 to 95"),
    ],
)
def test_invalid_autoscaling_bounds(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        ServiceAutoscalingProps(**change)
    assert message in str(raised.value)


def test_secret_named_like_a_plain_variable_is_refused() -> None:
    props = dataclasses.replace(API, environment={"DATABASE_URL": "x"})
    with pytest.raises(ConfigError, match="variable names not also set as plain environment"):
        build(props)
