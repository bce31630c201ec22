"""CloudTrail with its suspicious-activity alarms; what a stack finds of another's; the RDS and alarm extensions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing as CdktfTesting

from infra.constructs.audit_trail import FINDINGS, AuditTrail
from infra.constructs.container_registry import ContainerRegistryLookup
from infra.constructs.dashboard import ServiceDashboard
from infra.constructs.ecs_cluster import EcsClusterLookup
from infra.constructs.fargate_service import FargateService
from infra.constructs.kms_key import KmsKey, KmsKeyLookup
from infra.constructs.load_balancer import ListenerTarget, LoadBalancerLookup, Route
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import NetworkLookup
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.secret import SecretByName
from infra.props.audit_trail import AuditTrailProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.kms_key import KmsKeyProps
from infra.props.monitoring import MonitoringProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from infra.validation import ConfigError
from tests.support.synth import only, policy, resources, synth


def trail_stack() -> dict[str, Any]:
    def make(stack: Any) -> None:
        key = KmsKey(stack, "AlertsKey", alias="alerts", description="alerts")
        monitoring = Monitoring(stack, "Monitoring", name="demo", kms_key=key, props=MonitoringProps())
        trail = AuditTrail(stack, "Audit", name="demo-trail", props=AuditTrailProps(), keys=KmsKeyProps())
        monitoring.watch_audit_trail(trail)

    return synth(make)


def test_the_trail_covers_every_region_and_validates_its_files() -> None:
    stack = trail_stack()
    trail = only(stack, "aws_cloudtrail")
    assert trail["is_multi_region_trail"] and trail["include_global_service_events"]
    assert trail["enable_log_file_validation"] and trail["enable_logging"]
    assert trail["cloud_watch_logs_group_arn"].endswith(".arn}:*")
    assert only(stack, "aws_cloudwatch_log_group")["name"] == "/aws/cloudtrail/demo-trail"


def test_its_bucket_is_private_encrypted_with_its_own_key_and_written_only_by_this_trail() -> None:
    stack = trail_stack()
    statements = {s.get("Sid"): s for s in policy(only(stack, "aws_s3_bucket_policy")["policy"])["Statement"]}
    assert statements["DenyInsecureTransport"]["Effect"] == "Deny"
    writes = statements["CloudTrailWritesItsLogFiles"]
    assert writes["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert writes["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    assert writes["Condition"]["StringEquals"]["aws:SourceArn"].endswith(":trail/demo-trail")
    keys = {k["description"]: k for k in resources(stack, "aws_kms_key")}
    key_policy = policy(keys["CloudTrail log files of demo-trail"]["policy"])
    services = [s["Principal"] for s in key_policy["Statement"] if s.get("Sid") == "AllowedServicesUseTheKey"]
    assert services == [{"Service": ["cloudtrail.amazonaws.com"]}]
    encryption = only(stack, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert encryption["apply_server_side_encryption_by_default"]["kms_master_key_id"].startswith("${aws_kms_key.Audit")


def test_each_finding_is_a_metric_filter_and_an_alarm_on_the_first_event() -> None:
    stack = trail_stack()
    filters = {f["name"]: f for f in resources(stack, "aws_cloudwatch_log_metric_filter")}
    alarms = {a["alarm_name"]: a for a in resources(stack, "aws_cloudwatch_metric_alarm")}
    assert set(filters) == set(alarms) == {f"demo-trail-{f.slug}" for f in FINDINGS}
    for finding in FINDINGS:
        name = f"demo-trail-{finding.slug}"
        transformation = filters[name]["metric_transformation"]
        assert (transformation["name"], transformation["namespace"], transformation["value"]) == (
            finding.metric_name,
            "Audit/demo-trail",
            "1",
        )
        alarm = alarms[name]
        assert (alarm["threshold"], alarm["comparison_operator"], alarm["evaluation_periods"]) == (
            1,
            "GreaterThanOrEqualToThreshold",
            1,
        )


def test_a_trail_without_global_events_would_miss_root_use_and_is_refused() -> None:
    with pytest.raises(ConfigError, match="include_global_service_events must be true"):
        synth(
            lambda stack: AuditTrail(
                stack,
                "Audit",
                name="demo-trail",
                props=AuditTrailProps(include_global_service_events=False),
                keys=KmsKeyProps(),
            )
        )


def test_another_stacks_parts_are_found_by_name() -> None:
    def make(stack: Any) -> None:
        network = NetworkLookup(stack, "Network", name="demo")
        lb = LoadBalancerLookup(stack, "Lb", name="demo-alb", vpc_id=network.vpc_id)
        target = ListenerTarget(
            stack,
            "Target",
            listener=lb.reference,
            name="demo-tenant",
            port=8080,
            health_check_path="/health",
            route=Route(hosts=("a.example.com",), priority=100),
        )
        FargateService(
            stack,
            "Service",
            name="demo-tenant",
            container_name="app",
            cluster=EcsClusterLookup(stack, "Cluster", name="demo-cluster"),
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            repository=ContainerRegistryLookup(stack, "Registry", name="demo-instance"),
            log_group_name="/ecs/demo-tenant",
            secrets={},
            props=FargateServiceProps(cpu=256, memory=512, desired_count=1, image_tag="1", container_port=8080),
            target=target,
        )
        SecretByName(stack, "Secret", name="demo/x", kms_key=KmsKeyLookup(stack, "Key", alias="demo-secrets"))

    stack = synth(make)
    data = stack["data"]
    assert [v["name"] for v in data["aws_lb"].values()] == ["demo-alb"]
    assert [v["port"] for v in data["aws_lb_listener"].values()] == [443]
    assert [v["name"] for v in data["aws_security_group"].values()] == ["demo-alb"]
    assert [v["cluster_name"] for v in data["aws_ecs_cluster"].values()] == ["demo-cluster"]
    assert [v["name"] for v in data["aws_ecr_repository"].values()] == ["demo-instance"]
    assert [v["name"] for v in data["aws_kms_alias"].values()] == ["alias/demo-secrets"]
    service = only(stack, "aws_ecs_service")
    assert not any("capacity_providers" in d for d in service.get("depends_on", []))
    assert any(d.startswith("aws_lb_listener_rule.") for d in service["depends_on"])
    # The rule letting the ALB reach the tasks is added to the other stack's group, from this stack.
    egress = [
        r for r in resources(stack, "aws_vpc_security_group_egress_rule") if r.get("referenced_security_group_id")
    ]
    (to_tasks,) = egress
    assert to_tasks["security_group_id"].startswith("${data.aws_security_group.")
    assert only(stack, "aws_lb_listener_rule")["listener_arn"].startswith("${data.aws_lb_listener.")


def test_managed_master_secrets_rotate_on_schedule_and_backups_copy_to_a_second_region() -> None:
    spec = StackSpec(
        stack_id="demo-prod",
        kind="platform",
        system="demo",
        environments=("prod",),
        regions=("us-east-1", "us-west-2"),
        state=None,
        factory=lambda: AwsStack,
    )
    stack = AwsStack(CdktfTesting.app(), spec)
    backup = stack.region("backup", "us-west-2")
    database = PostgresInstance(
        stack,
        "Db",
        identifier="demo-db",
        vpc_id="vpc-1",
        subnet_ids=["subnet-1"],
        storage_key=None,
        secret_key=None,
        props=PostgresInstanceProps(
            instance_class="db.t3.medium", engine_version="15", master_password_rotation_days=90
        ),
    )
    database.replicate_backups(backup, "Replication", kms_key=KmsKey(backup, "Key", alias="b", description="b"))
    synthesized = json.loads(CdktfTesting.synth(stack))
    rotation = only(synthesized, "aws_secretsmanager_secret_rotation")
    assert rotation["rotation_rules"] == {"automatically_after_days": 90} and rotation["rotate_immediately"] is False
    replication = only(synthesized, "aws_db_instance_automated_backups_replication")
    assert (replication["provider"], replication["retention_period"]) == ("aws.backup", 7)
    with pytest.raises(ConfigError, match="master_password_rotation_days must be unset unless master_password"):
        PostgresInstanceProps(
            instance_class="db.t3.small",
            engine_version="15",
            master_password="write_only",  # type: ignore[arg-type]
            master_password_rotation_days=30,
        )


def test_latency_alarms_only_when_asked_and_an_existing_topic_takes_no_key() -> None:
    def make(props: MonitoringProps) -> dict[str, Any]:
        def build(stack: Any) -> None:
            monitoring = Monitoring(stack, "M", name="demo", kms_key=None, props=props, existing_topic_arn="arn:t")
            database = PostgresInstance(
                stack,
                "Db",
                identifier="demo-db",
                vpc_id="vpc-1",
                subnet_ids=["subnet-1"],
                storage_key=None,
                secret_key=None,
                props=PostgresInstanceProps(instance_class="db.t3.small", engine_version="15"),
            )
            monitoring.watch_database(database)

        return synth(build)

    plain = {a["alarm_name"] for a in resources(make(MonitoringProps()), "aws_cloudwatch_metric_alarm")}
    assert not any("latency" in name for name in plain)
    stack = make(MonitoringProps(database_read_latency_seconds=0.02, database_write_latency_seconds=0.05))
    alarms = {a["alarm_name"]: a for a in resources(stack, "aws_cloudwatch_metric_alarm")}
    assert alarms["demo-db-read-latency-high"]["threshold"] == 0.02
    assert alarms["demo-db-write-latency-high"]["metric_name"] == "WriteLatency"
    assert "aws_sns_topic" not in stack["resource"]
    with pytest.raises(ValueError, match="an existing topic takes neither a key nor a topic name"):
        synth(
            lambda s: Monitoring(
                s, "M", name="d", kms_key=None, props=MonitoringProps(), topic_name="t", existing_topic_arn="arn:t"
            )
        )


def test_a_dashboard_takes_mixed_case_names_and_needs_something_to_show() -> None:
    stack = synth(lambda s: ServiceDashboard(s, "D", name="Solobase-Production", lambda_functions=True))
    assert only(stack, "aws_cloudwatch_dashboard")["dashboard_name"] == "Solobase-Production"
    with pytest.raises(ConfigError, match="dashboard empty must be at least one part to show"):
        synth(lambda s: ServiceDashboard(s, "D", name="empty"))
    with pytest.raises(ConfigError, match="dashboard name must be 1 to 255 letters"):
        synth(lambda s: ServiceDashboard(s, "D", name="bad name", lambda_functions=True))
