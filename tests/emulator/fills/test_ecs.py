"""The ECS fills (emulator/fills/ecs.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.fills.ecs import ASSOCIATION_MESSAGE, IN_USE_MESSAGE
from emulator.server import Emulator
from tests.support.terraform import Terraform, TerraformError


def test_ecs_service_settings(emulator: Emulator) -> None:
    account = "210000000006"
    ec2 = emulator.client("ec2", account)
    ecs = emulator.client("ecs", account)
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="service", Description="service", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="settings", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    created = ecs.create_service(
        cluster="settings",
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        capacityProviderStrategy=strategy,
        enableECSManagedTags=True,
        enableExecuteCommand=True,
        healthCheckGracePeriodSeconds=60,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        propagateTags="SERVICE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}
        },
    )["service"]
    (described,) = ecs.describe_services(cluster="settings", services=["web"])["services"]
    for service in (created, described):
        assert "launchType" not in service
        assert service["capacityProviderStrategy"] == strategy
        assert service["enableECSManagedTags"] is True
        assert service["enableExecuteCommand"] is True
        assert service["healthCheckGracePeriodSeconds"] == 60
        assert service["deploymentConfiguration"] == {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        }
        assert service["availabilityZoneRebalancing"] == "DISABLED"
        assert service["propagateTags"] == "SERVICE"

    # UpdateService changes what it is given and keeps the rest.
    updated = ecs.update_service(
        cluster="settings",
        service="web",
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": False, "rollback": False}},
        enableExecuteCommand=False,
        availabilityZoneRebalancing="ENABLED",
    )["service"]
    assert updated["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert (updated["enableExecuteCommand"], updated["enableECSManagedTags"]) == (False, True)
    assert updated["healthCheckGracePeriodSeconds"] == 60
    assert updated["availabilityZoneRebalancing"] == "ENABLED"
    assert updated["capacityProviderStrategy"] == strategy

    # Not over-filled: nothing asked for, AWS's defaults; a launch type stays; invalid input still fails.
    plain = ecs.create_service(cluster="settings", serviceName="plain", taskDefinition="web", launchType="FARGATE")[
        "service"
    ]
    assert plain["launchType"] == "FARGATE"
    assert "capacityProviderStrategy" not in plain
    assert "healthCheckGracePeriodSeconds" not in plain
    assert (plain["enableECSManagedTags"], plain["enableExecuteCommand"]) == (False, False)
    assert plain["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert plain["availabilityZoneRebalancing"] == "DISABLED"
    with pytest.raises(ClientError, match="InvalidParameterException"):
        ecs.create_service(
            cluster="settings",
            serviceName="both",
            taskDefinition="web",
            launchType="FARGATE",
            capacityProviderStrategy=strategy,
        )
    with pytest.raises(ClientError, match="launch type should be one of"):
        ecs.create_service(cluster="settings", serviceName="bad", taskDefinition="web", launchType="EXTERNAL")
    assert sorted(arn.rsplit("/", 1)[1] for arn in ecs.list_services(cluster="settings")["serviceArns"]) == [
        "plain",
        "web",
    ]

    for name in ("web", "plain"):
        ecs.delete_service(cluster="settings", service=name, force=True)
    ecs.delete_cluster(cluster="settings")
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def _fargate_cluster(emulator: Emulator, account: str, cluster: str, **settings: Any) -> tuple[Any, list[str]]:
    """A cluster and a Fargate task definition ``web``; returns the ECS client and what to clean up in EC2."""
    ec2 = emulator.client("ec2", account)
    ecs = emulator.client("ecs", account)
    vpc = ec2.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24")["Subnet"]["SubnetId"]
    ecs.create_cluster(clusterName=cluster, **settings)
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    return ecs, [subnet, vpc]


def _remove(emulator: Emulator, account: str, ecs: Any, cluster: str, ec2_ids: list[str]) -> None:
    for arn in ecs.list_services(cluster=cluster)["serviceArns"]:
        ecs.delete_service(cluster=cluster, service=arn, force=True)
    ecs.delete_cluster(cluster=cluster)
    ec2 = emulator.client("ec2", account)
    subnet, vpc = ec2_ids
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def _service(ecs: Any, cluster: str, name: str, **settings: Any) -> dict[str, Any]:
    service: dict[str, Any] = ecs.create_service(
        cluster=cluster, serviceName=name, taskDefinition="web", desiredCount=1, **settings
    )["service"]
    return service


FARGATE = [{"capacityProvider": "FARGATE", "weight": 1, "base": 0}]
SPOT = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]


def test_ecs_service_strategy_needs_associated_capacity_provider(emulator: Emulator) -> None:
    account = "210000000009"
    ecs, ec2_ids = _fargate_cluster(emulator, account, "bare")

    # A cluster with no capacity provider: a strategy naming one is refused, with AWS's message.
    with pytest.raises(ClientError) as refused:
        _service(ecs, "bare", "on-fargate", capacityProviderStrategy=FARGATE)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert refused.value.response["Error"]["Message"] == ASSOCIATION_MESSAGE
    # Neither a strategy nor a launch type, and no default strategy: refused (fail closed).
    with pytest.raises(ClientError, match="InvalidParameterException") as refused:
        _service(ecs, "bare", "on-nothing")
    assert "no default capacity provider strategy" in refused.value.response["Error"]["Message"]
    assert ecs.list_services(cluster="bare")["serviceArns"] == []

    # Not over-filled: a launch type needs no capacity provider; an associated one is accepted.
    assert _service(ecs, "bare", "launch-type", launchType="FARGATE")["launchType"] == "FARGATE"
    ecs.put_cluster_capacity_providers(
        cluster="bare", capacityProviders=["FARGATE"], defaultCapacityProviderStrategy=FARGATE
    )
    assert _service(ecs, "bare", "on-fargate", capacityProviderStrategy=FARGATE)["capacityProviderStrategy"] == FARGATE
    with pytest.raises(ClientError, match="not associated with the cluster"):
        _service(ecs, "bare", "on-spot", capacityProviderStrategy=SPOT)

    # Neither given: the cluster's default strategy, as on AWS.
    defaulted = _service(ecs, "bare", "defaulted")
    (described,) = ecs.describe_services(cluster="bare", services=["defaulted"])["services"]
    for service in (defaulted, described):
        assert "launchType" not in service
        assert service["capacityProviderStrategy"] == FARGATE

    # UpdateService is held to the same rule, and a refused update changes nothing.
    with pytest.raises(ClientError, match="not associated with the cluster"):
        ecs.update_service(cluster="bare", service="on-fargate", capacityProviderStrategy=SPOT)
    (unchanged,) = ecs.describe_services(cluster="bare", services=["on-fargate"])["services"]
    assert unchanged["capacityProviderStrategy"] == FARGATE
    ecs.put_cluster_capacity_providers(
        cluster="bare", capacityProviders=["FARGATE", "FARGATE_SPOT"], defaultCapacityProviderStrategy=FARGATE
    )
    updated = ecs.update_service(cluster="bare", service="on-fargate", capacityProviderStrategy=SPOT)["service"]
    assert updated["capacityProviderStrategy"] == SPOT

    _remove(emulator, account, ecs, "bare", ec2_ids)


def test_ecs_capacity_provider_in_use_cannot_be_removed(emulator: Emulator) -> None:
    account = "210000000010"
    ecs, ec2_ids = _fargate_cluster(emulator, account, "shared", capacityProviders=["FARGATE", "FARGATE_SPOT"])
    _service(ecs, "shared", "worker", capacityProviderStrategy=SPOT)
    ecs.update_service(cluster="shared", service="worker", desiredCount=0)

    # In use whatever its desired count, until the service is deleted.
    for remaining in (["FARGATE"], []):
        with pytest.raises(ClientError) as refused:
            ecs.put_cluster_capacity_providers(
                cluster="shared", capacityProviders=remaining, defaultCapacityProviderStrategy=[]
            )
        assert refused.value.response["Error"]["Code"] == "ResourceInUseException"
        assert refused.value.response["Error"]["Message"] == IN_USE_MESSAGE
    (cluster,) = ecs.describe_clusters(clusters=["shared"])["clusters"]
    assert sorted(cluster["capacityProviders"]) == ["FARGATE", "FARGATE_SPOT"]

    # Not over-filled: a provider no service uses can go; once the service is deleted, so can the rest.
    ecs.put_cluster_capacity_providers(
        cluster="shared", capacityProviders=["FARGATE_SPOT"], defaultCapacityProviderStrategy=[]
    )
    ecs.delete_service(cluster="shared", service="worker")
    ecs.put_cluster_capacity_providers(cluster="shared", capacityProviders=[], defaultCapacityProviderStrategy=[])
    (cluster,) = ecs.describe_clusters(clusters=["shared"])["clusters"]
    assert not cluster.get("capacityProviders")

    _remove(emulator, account, ecs, "shared", ec2_ids)


def _service_on_capacity_providers(service_first: bool) -> dict[str, Any]:
    """A minimal Fargate service on a FARGATE strategy, as cdk.tf.json; the association ordered either way."""
    association: dict[str, Any] = {
        "cluster_name": "${aws_ecs_cluster.cluster.name}",
        "capacity_providers": ["FARGATE"],
        "default_capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1}],
    }
    service: dict[str, Any] = {
        "name": "web",
        "cluster": "${aws_ecs_cluster.cluster.arn}",
        "task_definition": "${aws_ecs_task_definition.web.arn}",
        "desired_count": 1,
        "capacity_provider_strategy": [{"capacity_provider": "FARGATE", "weight": 1}],
        "network_configuration": {"subnets": ["${aws_subnet.private.id}"]},
        "wait_for_steady_state": False,
    }
    if service_first:
        association["depends_on"] = ["aws_ecs_service.web"]
    else:
        service["depends_on"] = ["aws_ecs_cluster_capacity_providers.cluster"]
    container = {"name": "web", "image": "nginx", "essential": True}
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}},
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {
            "aws_vpc": {"network": {"cidr_block": "10.4.0.0/16"}},
            "aws_subnet": {"private": {"vpc_id": "${aws_vpc.network.id}", "cidr_block": "10.4.1.0/24"}},
            "aws_ecs_cluster": {"cluster": {"name": "ordered"}},
            "aws_ecs_cluster_capacity_providers": {"cluster": association},
            "aws_ecs_task_definition": {
                "web": {
                    "family": "web",
                    "requires_compatibilities": ["FARGATE"],
                    "network_mode": "awsvpc",
                    "cpu": "256",
                    "memory": "512",
                    "container_definitions": json.dumps([container]),
                }
            },
            "aws_ecs_service": {"web": service},
        },
    }


@pytest.mark.deploy
def test_terraform_service_must_depend_on_the_capacity_provider_association(
    emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    """The class of bug the capacity provider fills catch, at the Terraform level.

    On AWS a service created before its cluster's capacity provider association fails
    ("not associated with the cluster"), and so does removing the association first on
    destroy (the provider retries that until the service is gone). With the service
    depending on the association it applies, plans empty and destroys cleanly.
    """
    account = "210000000011"
    emulator.warm_up(account, "us-east-1")
    before = emulator.inventory(account, "us-east-1")
    config = tmp_path / "cdk.tf.json"
    tf = Terraform(tmp_path, {**base_env, **emulator.environment(account)})

    config.write_text(json.dumps(_service_on_capacity_providers(service_first=True)))
    tf.init()
    with pytest.raises(TerraformError) as failed:
        tf.apply()
    assert ASSOCIATION_MESSAGE in " ".join(str(failed.value).replace("│", " ").split())
    tf.destroy()
    assert tf.state_resources() == []

    config.write_text(json.dumps(_service_on_capacity_providers(service_first=False)))
    tf.apply()
    code, plan = tf.plan_changes()
    assert code == 0, plan.get("resource_changes")
    tf.destroy()
    assert tf.state_resources() == []
    assert emulator.inventory(account, "us-east-1") == before
