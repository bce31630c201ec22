"""ContainerRegistry, EcsCluster, KmsKey, Secret and EphemeralPassword."""

from __future__ import annotations

import json

import pytest

from infra.constructs.container_registry import ContainerRegistry
from infra.constructs.ecs_cluster import EcsCluster
from infra.constructs.ephemeral_password import EphemeralPassword
from infra.constructs.kms_key import KeyPurpose, KmsKey, purpose_keys
from infra.constructs.secret import Secret
from infra.props.container_registry import ContainerRegistryProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.kms_key import KmsKeyProps
from infra.props.secret import SecretProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, synth


def test_registry_scans_on_push_encrypts_and_keeps_ten_images() -> None:
    stack = synth(lambda s: ContainerRegistry(s, "Registry", name="arrakis-api", props=ContainerRegistryProps()))
    repository = only(stack, "aws_ecr_repository")
    assert repository["name"] == "arrakis-api"
    assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    assert repository["encryption_configuration"] == [{"encryption_type": "KMS"}]
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    (rule,) = json.loads(only(stack, "aws_ecr_lifecycle_policy")["policy"])["rules"]
    assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 10}
    assert rule["action"] == {"type": "expire"}


def test_registry_name_and_retention_are_checked() -> None:
    with pytest.raises(ConfigError, match="keep_images must be an integer from 1 to 1000; got 0"):
        ContainerRegistryProps(keep_images=0)
    with pytest.raises(ConfigError, match="repository name must be"):
        synth(lambda s: ContainerRegistry(s, "R", name="Bad Name", props=ContainerRegistryProps()))


def test_cluster_offers_fargate_and_spot_with_container_insights() -> None:
    stack = synth(lambda s: EcsCluster(s, "Cluster", name="arrakis-production-cluster", props=EcsClusterProps()))
    cluster = only(stack, "aws_ecs_cluster")
    assert cluster["name"] == "arrakis-production-cluster"
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]
    providers = only(stack, "aws_ecs_cluster_capacity_providers")
    assert providers["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]


def test_key_rotates_and_lets_only_named_services_use_it() -> None:
    stack = synth(
        lambda s: KmsKey(
            s, "Key", alias="demo-alerts", description="alerts", allowed_services=("cloudwatch.amazonaws.com",)
        )
    )
    key = only(stack, "aws_kms_key")
    assert key["enable_key_rotation"] is True and key["deletion_window_in_days"] == 30
    statements = policy(key["policy"])["Statement"]
    assert statements[1]["Principal"] == {"Service": ["cloudwatch.amazonaws.com"]}
    assert "aws:SourceAccount" in statements[1]["Condition"]["StringEquals"]
    assert only(stack, "aws_kms_alias")["name"] == "alias/demo-alerts"
    with pytest.raises(ConfigError, match="deletion_window_days must be an integer from 7 to 30"):
        KmsKeyProps(deletion_window_days=3)


def test_a_key_per_purpose_is_named_after_it_unless_its_alias_is_given() -> None:
    made: dict[str, KmsKey] = {}

    def make(stack):
        made.update(
            purpose_keys(
                stack,
                prefix="demo",
                purposes={
                    "rds": KeyPurpose(description="RDS storage"),
                    "alerts": KeyPurpose(description="Alerts", allowed_services=("cloudwatch.amazonaws.com",)),
                    "secrets": KeyPurpose(
                        description="Secrets", alias="shared-secrets", via_services=("secretsmanager.amazonaws.com",)
                    ),
                },
                props=KmsKeyProps(deletion_window_days=7),
            )
        )

    stack = synth(make)
    assert list(made) == ["rds", "alerts", "secrets"]
    assert [key.node.id for key in made.values()] == ["RdsKey", "AlertsKey", "SecretsKey"]
    aliases = {a["name"]: a["target_key_id"] for a in stack["resource"]["aws_kms_alias"].values()}
    keys = {k: v for k, v in stack["resource"]["aws_kms_key"].items()}
    by_alias = {alias: keys[target.split(".")[1]] for alias, target in aliases.items()}
    assert set(by_alias) == {"alias/demo-rds", "alias/demo-alerts", "alias/shared-secrets"}
    assert {alias: key["description"] for alias, key in by_alias.items()} == {
        "alias/demo-rds": "RDS storage",
        "alias/demo-alerts": "Alerts",
        "alias/shared-secrets": "Secrets",
    }
    assert {key["deletion_window_in_days"] for key in keys.values()} == {7}
    sids = {alias: [s.get("Sid") for s in policy(key["policy"])["Statement"]] for alias, key in by_alias.items()}
    assert sids == {
        "alias/demo-rds": ["AccountAdministersThroughIam"],
        "alias/demo-alerts": ["AccountAdministersThroughIam", "AllowedServicesUseTheKey"],
        "alias/shared-secrets": [
            "AccountAdministersThroughIam",
            "AccountUsesOnlyThroughServices",
            "ServicesGrantForTheirResources",
        ],
    }


def test_secret_is_encrypted_and_written_only_through_write_only_arguments() -> None:
    def make(stack):
        key = KmsKey(stack, "Key", alias="demo", description="demo")
        secret = Secret(stack, "S", name="demo/app-config", description="d", kms_key=key, props=SecretProps())
        password = EphemeralPassword(stack, "Password")
        secret.write_only(f"jsonencode({{password = {password.value}}})", version=2)

    stack = synth(make)
    secret = only(stack, "aws_secretsmanager_secret")
    assert secret["kms_key_id"].startswith("${aws_kms_key.") and secret["recovery_window_in_days"] == 30
    version = only(stack, "aws_secretsmanager_secret_version")
    assert "secret_string" not in version and version["secret_string_wo_version"] == 2
    assert stack["ephemeral"]["aws_secretsmanager_random_password"]["Password"] == {
        "password_length": 32,
        "exclude_punctuation": True,
        "require_each_included_type": True,
    }
    with pytest.raises(ConfigError, match="recovery_window_days must be an integer from 7 to 30"):
        SecretProps(recovery_window_days=0)


def test_services_wait_for_the_capacity_provider_association() -> None:
    """ECS refuses a strategy naming a provider the cluster lacks, and removing one a service uses."""
    from infra.constructs.fargate_service import FargateService
    from infra.props.fargate_service import FargateServiceProps

    def make(stack):
        cluster = EcsCluster(stack, "Cluster", name="demo", props=EcsClusterProps())
        registry = ContainerRegistry(stack, "Registry", name="demo", props=ContainerRegistryProps())
        FargateService(
            stack,
            "Worker",
            name="demo-worker",
            container_name="worker",
            cluster=cluster,
            vpc_id="vpc-1",
            subnet_ids=["subnet-1"],
            repository=registry,
            log_group_name="/ecs/demo/worker",
            secrets={},
            props=FargateServiceProps(cpu=256, memory=512, desired_count=1, image_tag="1", spot_weight=1),
        )

    stack = synth(make)
    (association,) = stack["resource"]["aws_ecs_cluster_capacity_providers"]
    service = only(stack, "aws_ecs_service")
    assert service["depends_on"] == [f"aws_ecs_cluster_capacity_providers.{association}"]
    strategy = {s["capacity_provider"] for s in service["capacity_provider_strategy"]}
    assert strategy <= set(only(stack, "aws_ecs_cluster_capacity_providers")["capacity_providers"])
