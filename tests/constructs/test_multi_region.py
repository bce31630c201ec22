"""Constructs for a stack spanning two regions: replicas, global databases, bucket replication, keys fenced
to services, registry replication, alarms that must live in a given region."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing as CdktfTesting

from infra.constructs.aurora_postgres_cluster import AuroraPostgresCluster
from infra.constructs.container_registry import ContainerRegistry, RegistryReplication, ReplicationRule
from infra.constructs.kms_key import KmsKey
from infra.constructs.monitoring import Monitoring
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.secret import Secret
from infra.props.aurora_postgres_cluster import AuroraPostgresProps
from infra.props.container_registry import ContainerRegistryProps
from infra.props.monitoring import MonitoringProps
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps, ReadReplicaProps
from infra.props.private_bucket import PrivateBucketProps
from infra.props.secret import SecretProps
from infra.stacks.base import AwsStack
from infra.validation import ConfigError
from tests.support.synth import eu_stack, policy, resources

DB = PostgresInstanceProps(
    instance_class="db.r6g.large",
    engine_version="15",
    master_password=MasterPassword.WRITE_ONLY,
    multi_az=True,
    performance_insights=True,
)


def two_regions(build: Any) -> dict[str, Any]:
    stack = eu_stack()
    build(stack, stack.region("secondary", "us-east-1"))
    result: dict[str, Any] = json.loads(CdktfTesting.synth(stack))
    return result


def by_provider(stack: dict[str, Any], resource_type: str) -> dict[str | None, list[dict[str, Any]]]:
    found: dict[str | None, list[dict[str, Any]]] = {}
    for body in resources(stack, resource_type):
        found.setdefault(body.get("provider"), []).append(body)
    return found


def replica_stack(props: ReadReplicaProps | None = None) -> dict[str, Any]:
    def build(stack: AwsStack, secondary: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-rds", description="demo")
        remote_key = KmsKey(secondary, "Key", alias="demo-rds", description="demo")
        db = PostgresInstance(
            stack,
            "Db",
            identifier="demo-db",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            storage_key=key,
            secret_key=None,
            props=DB,
        )
        db.add_read_replica(
            secondary,
            "Replica",
            identifier="demo-db-replica",
            vpc_id="vpc-2",
            subnet_ids=["subnet-3", "subnet-4"],
            storage_key=remote_key,
            props=props or ReadReplicaProps(),
        )

    return two_regions(build)


def test_a_read_replica_lives_in_its_region_with_its_own_key_and_groups() -> None:
    stack = replica_stack()
    instances = by_provider(stack, "aws_db_instance")
    (primary,), (replica,) = instances[None], instances["aws.secondary"]
    (source,) = [name for name, body in stack["resource"]["aws_db_instance"].items() if "provider" not in body]
    assert replica["replicate_source_db"] == f"${{aws_db_instance.{source}.arn}}", "an ARN: cross-region needs it"
    assert replica["kms_key_id"].startswith("${aws_kms_key.Secondary_Key_")
    assert replica["instance_class"] == "db.r6g.large", "a promoted replica carries the primary's load"
    # Automated backups of its own (RDS PostgreSQL replicas keep them from 14.1): a promoted replica has
    # point-in-time recovery from its first minute. RDS takes no final snapshot of a replica.
    assert replica["multi_az"] is False and replica["backup_retention_period"] == 7
    assert replica["backup_window"] == primary["backup_window"]
    assert replica["skip_final_snapshot"] is True and "final_snapshot_identifier" not in replica
    assert replica["auto_minor_version_upgrade"] is primary["auto_minor_version_upgrade"] is True
    for absent in ("engine", "engine_version", "username", "db_name", "password_wo", "allocated_storage"):
        assert absent not in replica, absent
    assert replica["performance_insights_enabled"] is True
    assert primary["multi_az"] is True
    assert len(by_provider(stack, "aws_db_subnet_group")["aws.secondary"]) == 1
    (group,) = by_provider(stack, "aws_db_parameter_group")["aws.secondary"]
    assert {"name": "rds.force_ssl", "value": "1"} in group["parameter"]
    assert {r["name"] for r in resources(stack, "aws_iam_role")} == {
        "demo-db-rds-monitoring",
        "demo-db-replica-rds-monitoring",
    }


def test_a_replica_can_differ_in_class_and_cannot_write_the_connection_secret() -> None:
    stack = replica_stack(ReadReplicaProps(instance_class="db.r6g.xlarge", performance_insights=False))
    (replica,) = by_provider(stack, "aws_db_instance")["aws.secondary"]
    assert replica["instance_class"] == "db.r6g.xlarge" and replica["performance_insights_enabled"] is False
    with pytest.raises(ConfigError, match="instance_class must be one of"):
        ReadReplicaProps(instance_class="db.x1.huge")
    (kept_a_day,) = by_provider(replica_stack(ReadReplicaProps(backup_retention_days=1)), "aws_db_instance")[
        "aws.secondary"
    ]
    assert kept_a_day["backup_retention_period"] == 1
    with pytest.raises(ConfigError, match="backup_retention_days must be an integer from 1 to 35"):
        ReadReplicaProps(backup_retention_days=0)

    def replica_of_replica(stack: AwsStack, secondary: Any) -> None:
        key = KmsKey(secondary, "Key", alias="demo", description="demo")
        db = PostgresInstance(
            stack, "Db", identifier="demo-db", vpc_id="v", subnet_ids=["s"], storage_key=None, secret_key=None, props=DB
        )
        replica = db.add_read_replica(
            secondary, "R", identifier="demo-r", vpc_id="v", subnet_ids=["s"], storage_key=key, props=ReadReplicaProps()
        )
        replica.write_connection_secret(
            Secret(stack, "S", name="demo/db", description="d", kms_key=key, props=SecretProps())
        )

    with pytest.raises(ConfigError, match="demo-r connection secret must be written for the primary"):
        two_regions(replica_of_replica)


AURORA = AuroraPostgresProps(engine_version="15.10", database_name="luneo", master_username="luneo_admin")


def aurora_stack(props: AuroraPostgresProps = AURORA) -> dict[str, Any]:
    def build(stack: AwsStack, secondary: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-rds", description="demo")
        remote_key = KmsKey(secondary, "Key", alias="demo-rds", description="demo")
        primary = AuroraPostgresCluster(
            stack, "Db", identifier="demo-db", vpc_id="v", subnet_ids=["s1", "s2"], storage_key=key, props=props
        )
        primary.add_secondary(
            secondary,
            "Db",
            identifier="demo-db-secondary",
            vpc_id="v2",
            subnet_ids=["s3", "s4"],
            storage_key=remote_key,
        )
        primary.write_connection_secret(
            Secret(stack, "Url", name="demo/db", description="url", kms_key=key, props=SecretProps())
        )

    return two_regions(build)


def test_an_aurora_global_database_spans_both_regions_with_a_write_only_password() -> None:
    stack = aurora_stack()
    (global_cluster,) = resources(stack, "aws_rds_global_cluster")
    assert global_cluster["global_cluster_identifier"] == "demo-db-global"
    clusters = by_provider(stack, "aws_rds_cluster")
    (primary,), (secondary,) = clusters[None], clusters["aws.secondary"]
    assert primary["master_password_wo"].startswith("${ephemeral.aws_secretsmanager_random_password.")
    assert primary["master_password_wo_version"] == 1
    assert "master_username" not in secondary and "master_password_wo" not in secondary
    assert all(d.startswith("aws_rds_cluster_instance.Db_Instance") for d in secondary["depends_on"][:2])
    assert secondary["kms_key_id"].startswith("${aws_kms_key.Secondary_Key_")
    instances = by_provider(stack, "aws_rds_cluster_instance")
    assert (len(instances[None]), len(instances["aws.secondary"])) == (2, 1)
    (version,) = resources(stack, "aws_secretsmanager_secret_version")
    assert "cluster_resource_id" in version["secret_string_wo_version"]
    (group,) = by_provider(stack, "aws_rds_cluster_parameter_group")[None]
    assert group["family"] == "aurora-postgresql15"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instance_class": "db.t3.medium"}, "instance_class must be one of"),
        ({"engine_version": "15"}, "engine_version must be <major>.<minor>"),
        ({"log_exports": ("upgrade",)}, "log_exports must be one of"),
        ({"backup_retention_days": 0}, "backup_retention_days must be an integer from 1 to 35"),
    ],
)
def test_aurora_props_refuse_what_a_global_database_cannot_run(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        AuroraPostgresProps(**{"engine_version": "15.10", **change})


def test_bucket_replication_with_rtc_metrics_keys_and_a_latency_alarm() -> None:
    def build(stack: AwsStack, secondary: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-s3", description="demo")
        remote_key = KmsKey(secondary, "Key", alias="demo-s3", description="demo")
        source = PrivateBucket(
            stack, "Assets", bucket_name="demo-assets", props=PrivateBucketProps(kms_key_arn=key.arn)
        )
        replica = PrivateBucket(
            secondary,
            "AssetsReplica",
            bucket_name="demo-assets-replica",
            props=PrivateBucketProps(kms_key_arn=remote_key.arn),
        )
        source.replicate_to(replica, role_name="demo-assets-replication")
        alerts = KmsKey(stack, "Alerts", alias="demo-alerts", description="demo")
        Monitoring(stack, "Monitoring", name="demo", kms_key=alerts, props=MonitoringProps()).watch_bucket_replication(
            source
        )

    stack = two_regions(build)
    (configuration,) = resources(stack, "aws_s3_bucket_replication_configuration")
    assert configuration.get("provider") is None
    assert sorted(configuration["depends_on"]) == sorted(
        f"aws_s3_bucket_versioning.{name}" for name in stack["resource"]["aws_s3_bucket_versioning"]
    )
    (role_policy,) = resources(stack, "aws_iam_role_policy")
    statements = policy(role_policy["policy"])["Statement"]
    decrypt = next(s for s in statements if s["Action"] == "kms:Decrypt")
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    encrypt = next(s for s in statements if "kms:Encrypt" in s["Action"])
    assert encrypt["Condition"]["StringEquals"]["kms:ViaService"] == "s3.us-east-1.amazonaws.com"
    (role,) = resources(stack, "aws_iam_role")
    assert policy(role["assume_role_policy"])["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}
    (alarm,) = resources(stack, "aws_cloudwatch_metric_alarm")
    assert alarm["metric_name"] == "ReplicationLatency" and alarm["threshold"] == 900


def test_replication_needs_customer_keys_and_happens_once() -> None:
    def unkeyed(stack: AwsStack, secondary: Any) -> None:
        source = PrivateBucket(stack, "A", bucket_name="demo-a", props=PrivateBucketProps())
        source.replicate_to(
            PrivateBucket(secondary, "B", bucket_name="demo-b", props=PrivateBucketProps()), role_name="r"
        )

    with pytest.raises(ConfigError, match="A replication must be both buckets encrypted with customer keys"):
        two_regions(unkeyed)

    def twice(stack: AwsStack, secondary: Any) -> None:
        props = PrivateBucketProps(kms_key_arn="arn:aws:kms:eu-west-1:111122223333:key/k")
        source = PrivateBucket(stack, "A", bucket_name="demo-a", props=props)
        target = PrivateBucket(secondary, "B", bucket_name="demo-b", props=props)
        source.replicate_to(target, role_name="r1")
        source.replicate_to(target, role_name="r2")

    with pytest.raises(ConfigError, match="A replication must be configured once per bucket"):
        two_regions(twice)


def test_a_key_fenced_to_services_keeps_administration_and_grants_only_for_aws_resources() -> None:
    def build(stack: AwsStack, secondary: Any) -> None:
        key = KmsKey(
            stack,
            "Secrets",
            alias="demo-secrets",
            description="KMS key for application secrets",
            via_services=("secretsmanager.amazonaws.com", "rds.amazonaws.com"),
        )
        key.allow_service_for(
            "cloudfront.amazonaws.com",
            sid="Cdn",
            actions=("kms:Decrypt",),
            source_arn="arn:aws:cloudfront::1:distribution/X",
        )

    (key,) = resources(two_regions(build), "aws_kms_key")
    statements = {s["Sid"]: s for s in policy(key["policy"])["Statement"]}
    assert set(statements) == {
        "AccountAdministersThroughIam",
        "AccountUsesOnlyThroughServices",
        "ServicesGrantForTheirResources",
        "Cdn",
    }
    assert "kms:ScheduleKeyDeletion" in statements["AccountAdministersThroughIam"]["Action"]
    assert not {"kms:*", "kms:Decrypt", "kms:CreateGrant", "kms:Create*"} & set(
        statements["AccountAdministersThroughIam"]["Action"]
    )
    grant = statements["ServicesGrantForTheirResources"]["Condition"]
    assert grant["Bool"] == {"kms:GrantIsForAWSResource": "true"}
    assert grant["StringEquals"]["kms:ViaService"] == [
        "secretsmanager.eu-west-1.amazonaws.com",
        "rds.eu-west-1.amazonaws.com",
    ]
    assert statements["Cdn"]["Condition"] == {"StringEquals": {"aws:SourceArn": "arn:aws:cloudfront::1:distribution/X"}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"via_services": ("secretsmanager",)}, "demo services must be service principals"),
        ({"allowed_services": ("https://rds.amazonaws.com",)}, "demo services must be service principals"),
    ],
)
def test_key_services_are_service_principals(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        two_regions(lambda stack, _: KmsKey(stack, "K", alias="demo", description="d", **kwargs))


def test_registry_replication_names_each_repository_and_destination() -> None:
    def build(stack: AwsStack, secondary: Any) -> None:
        names = ("prod/luneo-worker-ia", "prod/luneo-usdz-converter")
        for i, name in enumerate(names):
            ContainerRegistry(stack, f"R{i}", name=name, props=ContainerRegistryProps())
        RegistryReplication(
            stack, "Replication", rules=[ReplicationRule(repositories=names, destination_regions=("us-east-1",))]
        )

    (configuration,) = resources(two_regions(build), "aws_ecr_replication_configuration")
    (rule,) = configuration["replication_configuration"]["rule"]
    assert rule["destination"] == [
        {"region": "us-east-1", "registry_id": "${data.aws_caller_identity.CallerIdentity.account_id}"}
    ]
    assert [f["filter"] for f in rule["repository_filter"]] == ["prod/luneo-worker-ia", "prod/luneo-usdz-converter"]
    assert {f["filter_type"] for f in rule["repository_filter"]} == {"PREFIX_MATCH"}
    with pytest.raises(ConfigError, match="replication destinations must be 1 to 25 regions"):
        two_regions(
            lambda stack, _: RegistryReplication(
                stack, "R", rules=[ReplicationRule(repositories=("a",), destination_regions=())]
            )
        )


def test_health_check_alarms_live_in_us_east_1_only() -> None:
    def primary(stack: AwsStack, _: Any) -> None:
        key = KmsKey(stack, "K", alias="demo", description="d")
        Monitoring(stack, "M", name="demo", kms_key=key, props=MonitoringProps()).watch_health_check(
            "abc", name="demo-primary", key="Primary"
        )

    with pytest.raises(ConfigError, match="health check alarm region must be us-east-1"):
        two_regions(primary)

    def edge(stack: AwsStack, secondary: Any) -> None:
        key = KmsKey(secondary, "K", alias="demo", description="d")
        Monitoring(secondary, "M", name="demo", kms_key=key, props=MonitoringProps()).watch_health_check(
            "abc", name="demo-primary", key="Primary"
        )

    (alarm,) = resources(two_regions(edge), "aws_cloudwatch_metric_alarm")
    assert alarm["provider"] == "aws.secondary" and alarm["dimensions"] == {"HealthCheckId": "abc"}
    assert (alarm["comparison_operator"], alarm["threshold"]) == ("LessThanThreshold", 1)
