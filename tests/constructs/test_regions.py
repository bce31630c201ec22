"""Constructs created under an aliased provider use it, and ask it (not the stack's default) for region and account."""

from __future__ import annotations

import json
from typing import Any

from cdktf import Testing as CdktfTesting

from infra.constructs.container_registry import ContainerRegistry
from infra.constructs.ecs_cluster import EcsCluster
from infra.constructs.fargate_service import FargateService
from infra.constructs.kms_key import KmsKey
from infra.constructs.network import Network
from infra.constructs.postgres_instance import PostgresInstance
from infra.props.container_registry import ContainerRegistryProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.network import InterfaceEndpoint, NetworkProps
from infra.props.postgres_instance import PostgresInstanceProps
from tests.support.synth import eu_stack, resources

NETWORK = NetworkProps(
    cidr_block="10.40.0.0/16",
    availability_zones=("us-east-1a", "us-east-1b"),
    public_subnet_cidrs=("10.40.0.0/24", "10.40.1.0/24"),
    private_subnet_cidrs=("10.40.10.0/24", "10.40.11.0/24"),
    interface_endpoints=(InterfaceEndpoint.ECR_API, InterfaceEndpoint.LOGS),
)


def two_regions() -> dict[str, Any]:
    stack = eu_stack()
    secondary = stack.region("secondary", "us-east-1")
    network = Network(secondary, "Network", name="demo-secondary", props=NETWORK)
    cluster = EcsCluster(secondary, "Cluster", name="demo-secondary", props=EcsClusterProps())
    registry = ContainerRegistry(secondary, "Registry", name="demo-worker", props=ContainerRegistryProps())
    FargateService(
        secondary,
        "Worker",
        name="demo-worker",
        container_name="worker",
        cluster=cluster,
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        repository=registry,
        log_group_name="/ecs/demo-worker",
        secrets={},
        props=FargateServiceProps(cpu=256, memory=512, desired_count=1, image_tag="1"),
    )
    KmsKey(secondary, "Key", alias="demo-secondary", description="demo")
    PostgresInstance(
        secondary,
        "Replica",
        identifier="demo-secondary",
        vpc_id=network.vpc_id,
        subnet_ids=network.private_subnet_ids,
        storage_key=None,
        secret_key=None,
        props=PostgresInstanceProps(instance_class="db.t3.small", engine_version="15", master_password="write_only"),
    )
    KmsKey(stack, "PrimaryKey", alias="demo-primary", description="demo")
    result: dict[str, Any] = json.loads(CdktfTesting.synth(stack))
    return result


def test_the_stack_has_a_default_provider_and_one_per_purpose() -> None:
    providers = two_regions()["provider"]["aws"]
    assert [(p.get("alias"), p["region"]) for p in providers] == [(None, "eu-west-1"), ("secondary", "us-east-1")]


def test_every_resource_under_the_scope_uses_its_provider() -> None:
    stack = two_regions()
    for kind in ("resource", "data"):
        for resource_type, found in stack[kind].items():
            for name, body in found.items():
                expected = "aws.secondary" if name.startswith("Secondary_") else None
                assert body.get("provider") == expected, f"{kind}.{resource_type}.{name}"


def test_endpoint_service_names_are_the_scope_region() -> None:
    names = sorted(e["service_name"] for e in resources(two_regions(), "aws_vpc_endpoint"))
    assert names == ["com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.logs", "com.amazonaws.us-east-1.s3"]


def test_container_logs_go_to_the_scope_region() -> None:
    (task,) = resources(two_regions(), "aws_ecs_task_definition")
    (container,) = json.loads(task["container_definitions"])
    assert container["logConfiguration"]["options"]["awslogs-region"] == "us-east-1"


def test_account_lookups_and_key_policies_follow_the_provider() -> None:
    stack = two_regions()
    identities = stack["data"]["aws_caller_identity"]
    secondary = next(name for name in identities if name.startswith("Secondary_"))
    assert {name: body.get("provider") for name, body in identities.items()} == {
        "CallerIdentity": None,
        secondary: "aws.secondary",
    }
    by_scope = {
        name.split("_")[0]: json.loads(body["policy"])["Statement"][0]["Principal"]["AWS"]
        for name, body in stack["resource"]["aws_kms_key"].items()
    }
    assert by_scope == {
        "PrimaryKey": "arn:aws:iam::${data.aws_caller_identity.CallerIdentity.account_id}:root",
        "Secondary": f"arn:aws:iam::${{data.aws_caller_identity.{secondary}.account_id}}:root",
    }


def test_blocks_added_by_override_name_the_scope_provider() -> None:
    ephemeral = two_regions()["ephemeral"]["aws_secretsmanager_random_password"]
    (block,) = ephemeral.values()
    assert block["provider"] == "aws.secondary"


def test_lookups_answer_from_the_memo_without_calling_node_again(monkeypatch: Any) -> None:
    """Region, account and stack lookups walk the tree once per construct; repeats cost no jsii call."""
    import jsii

    from infra.constructs import aws_context

    stack = eu_stack()
    secondary = stack.region("secondary", "us-east-1")
    key = KmsKey(secondary, "Key", alias="demo-secondary", description="demo")
    first = (aws_context.region_name(key), aws_context.account_id(key), aws_context.partition(key))
    calls: list[str] = []
    for name in ("get", "invoke", "sinvoke", "sget", "create"):
        original = getattr(jsii, name)
        monkeypatch.setattr(jsii, name, lambda *a, _o=original, _n=name, **k: (calls.append(_n), _o(*a, **k))[1])
    again = (aws_context.region_name(key), aws_context.account_id(key), aws_context.partition(key))
    assert aws_context.stack_of(key) is stack
    assert aws_context.provider_of(key) is secondary.provider
    assert again == first == ("us-east-1", again[1], "aws")
    assert calls == [], f"lookups called into node again: {calls}"
    # The default region's answers are kept apart from the scope's.
    assert aws_context.region_name(stack) == "eu-west-1"
