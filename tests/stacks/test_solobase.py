"""Solobase's stacks against 000_6dd02aca88e0a71d.txt and issue 10, value by value."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from infra import app, systems
from infra.registry import Upload
from infra.systems.solobase import tenants
from infra.validation import ConfigError
from tests.conftest import spec_of, stack_specs
from tests.support.stack import SynthesizedStack
from tests.support.tenants import registry_dir

ENVIRONMENTS = ("dev", "staging", "prod")
ACME = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"  # tenants/solobase/dev.toml: hobby on Lambda
GLOBEX = "5f3c9e2a-7b1d-4c8e-9a6f-2d4b8e1c7a93"  # professional on ECS
STARK = "e9d3b7a1-4f2c-4a8e-b5d6-3c1f8e2a7d45"  # tenants/solobase/prod.toml: business on Lambda


@pytest.fixture(scope="module")
def stacks(synth_dir: Path) -> dict[str, SynthesizedStack]:
    ids = [s.stack_id for s in stack_specs() if s.system == "solobase"]
    return {stack_id: SynthesizedStack(synth_dir, stack_id) for stack_id in ids}


def platform(stacks: dict[str, SynthesizedStack], environment: str) -> SynthesizedStack:
    return stacks[f"solobase-{environment}"]


def instance_function(stack: SynthesizedStack) -> dict[str, Any]:
    """A Lambda instance's own function (its stack also holds the origin check's)."""
    return stack.one("aws_lambda_function", handler="bootstrap")


def _policies(stack: SynthesizedStack, role_name_part: str) -> dict[str, dict[str, Any]]:
    roles = {k: v for k, v in stack.json["resource"]["aws_iam_role"].items() if role_name_part in v["name"]}
    (role_id,) = roles
    return {
        p["name"]: json.loads(p["policy"])
        for p in stack.all("aws_iam_role_policy")
        if p["role"] == f"${{aws_iam_role.{role_id}.id}}"
    }


# ---- the stacks an environment yields


def test_every_environment_yields_its_platform_a_databases_stack_per_shard_and_a_stack_per_instance() -> None:
    specs = {s.stack_id: s for s in stack_specs() if s.system == "solobase"}
    for environment in ENVIRONMENTS:
        registry = tenants.load(environment)
        expected = {f"solobase-{environment}"}
        expected |= {f"solobase-{environment}-shard-{shard}-databases" for shard in registry.shards}
        expected |= {f"solobase-{environment}-tenant-{t.subdomain}" for t in registry.tenants}
        assert {i for i in specs if specs[i].environments == (environment,)} == expected
    acme = specs["solobase-dev-tenant-acme"]
    assert (acme.kind, acme.providers, acme.depends_on, acme.run_time_needs) == (
        "tenant",
        ("aws",),
        ("solobase-dev",),
        ("solobase-dev-shard-01-databases",),
    )
    assert acme.backend == f"s3://solobase-terraform-state/dev/tenants/{ACME}/terraform.tfstate"
    shard = specs["solobase-dev-shard-01-databases"]
    assert (shard.kind, shard.providers, shard.depends_on) == ("databases", ("postgresql", "aws"), ("solobase-dev",))
    assert not shard.deploys_on_emulator
    stark = specs["solobase-prod-tenant-stark"]
    assert (stark.depends_on, stark.run_time_needs) == (("solobase-prod",), ()), "business: no shard"
    # The release an operator uploads: the package for Lambda instances, into the bucket the bootstrap makes.
    package = Upload(bucket="solobase-binaries", key="solobase-v0.1.0.zip")
    assert acme.uploads == stark.uploads == (package,)
    assert specs["solobase-dev-tenant-globex"].uploads == (), "ECS: an image, not a package"
    assert specs["bootstrap-solobase-terraform-state"].arguments["buckets"] == ("solobase-binaries",)
    assert specs["solobase-dev"].uploads == specs["solobase-prod"].uploads == ()
    assert specs["solobase-prod"].regions == ("us-east-1", "us-west-2")


def test_selecting_one_customer_stack_builds_only_that_stack(built_stack_ids: list[str]) -> None:
    assert [s.stack_id for s, _ in app.configure(app.chosen("solobase-prod-tenant-umbrella"))] == [
        "solobase-prod-tenant-umbrella"
    ]
    assert set(built_stack_ids) == {"solobase-prod-tenant-umbrella"}


# ---- platform: state, network


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_state_is_the_documented_backend(stacks: dict[str, SynthesizedStack], environment: str) -> None:
    assert platform(stacks, environment).json["terraform"]["backend"]["s3"] == {
        "bucket": "solobase-terraform-state",
        "key": f"{environment}/terraform.tfstate",
        "region": "us-east-1",
        "dynamodb_table": "solobase-terraform-locks",
        "encrypt": True,
        "use_lockfile": True,
    }


def test_prod_state_key_is_exactly_the_documents(stacks: dict[str, SynthesizedStack]) -> None:
    assert platform(stacks, "prod").json["terraform"]["backend"]["s3"]["key"] == "prod/terraform.tfstate"


def test_network_has_private_data_subnets_and_endpoints(stacks: dict[str, SynthesizedStack]) -> None:
    prod = platform(stacks, "prod")
    assert prod.values("aws_vpc", "cidr_block") == ["10.0.0.0/16"]
    tiers = sorted(s["tags"]["Tier"] for s in prod.all("aws_subnet"))
    assert tiers == ["database", "database", "private", "private", "public", "public"]
    assert all(s["map_public_ip_on_launch"] is False for s in prod.all("aws_subnet"))
    services = {e["service_name"].removeprefix("com.amazonaws.us-east-1.") for e in prod.all("aws_vpc_endpoint")}
    assert services == {"s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager"}
    assert len(prod.all("aws_nat_gateway")) == 2 and len(platform(stacks, "dev").all("aws_nat_gateway")) == 1


# ---- platform: shards


def shard(stack: SynthesizedStack, environment: str, number: str = "01") -> dict[str, Any]:
    return stack.one("aws_db_instance", identifier=f"solobase-shared-{environment}-{number}")


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_shards_are_postgresql_15_with_autoscaling_storage_ssl_and_a_customer_key(
    stacks: dict[str, SynthesizedStack], environment: str
) -> None:
    stack = platform(stacks, environment)
    db = shard(stack, environment)
    # The document's 15.4 is retired: its major, with RDS keeping the minor current.
    assert (db["engine"], db["engine_version"], db["auto_minor_version_upgrade"]) == ("postgres", "15", True)
    assert (db["allocated_storage"], db["max_allocated_storage"]) == (100, 500)
    assert db["storage_encrypted"] is True and db["kms_key_id"].startswith("${aws_kms_key.")
    assert db["publicly_accessible"] is False
    group = stack.one("aws_db_parameter_group", name=f"solobase-shared-{environment}-01-postgres15")
    parameters = {p["name"]: p["value"] for p in group["parameter"]}
    assert parameters == {"rds.force_ssl": "1", "max_connections": "300"}
    assert db["parameter_group_name"].startswith("${aws_db_parameter_group.")
    assert db["backup_window"] == "03:00-04:00", "daily automated backups"


def test_shard_port_5432_is_open_to_its_clients_and_the_operators_groups_only(
    stacks: dict[str, SynthesizedStack],
) -> None:
    """Issue 21.2 replaces the document's ``allowed_cidr_blocks = ["10.0.0.0/16"]``: groups, never a range
    (tests/solobase/test_network_isolation.py checks every stack against the registry)."""
    prod = platform(stacks, "prod")
    db = shard(prod, "prod")
    group = db["vpc_security_group_ids"][0]
    rules = [r for r in prod.all("aws_vpc_security_group_ingress_rule") if r["security_group_id"] == group]
    groups = {k: v["name"] for k, v in prod.json["resource"]["aws_security_group"].items()}
    sources = {groups[r["referenced_security_group_id"].split(".")[1]]: (r["from_port"], r["to_port"]) for r in rules}
    assert sources == {
        "solobase-shared-prod-01-clients": (5432, 5432),
        "solobase-prod-database-operators": (5432, 5432),
    }
    assert not any("cidr_ipv4" in r for r in rules)
    assert db["port"] == 5432


def test_prod_and_dev_shard_sizes(stacks: dict[str, SynthesizedStack]) -> None:
    prod = shard(platform(stacks, "prod"), "prod")
    assert (prod["instance_class"], prod["multi_az"], prod["performance_insights_enabled"]) == (
        "db.t3.medium",
        True,
        True,
    )
    dev = shard(platform(stacks, "dev"), "dev")
    assert (dev["instance_class"], dev["multi_az"], dev["performance_insights_enabled"]) == (
        "db.t3.small",
        False,
        False,
    )


def test_backups_resolve_the_documents_contradictions_safely(stacks: dict[str, SynthesizedStack]) -> None:
    # prod: "7 days" and "30 days" -> 30; dev: "No backups" and "7 days" -> 7.
    assert shard(platform(stacks, "prod"), "prod")["backup_retention_period"] == 30
    assert shard(platform(stacks, "dev"), "dev")["backup_retention_period"] == 7
    assert shard(platform(stacks, "staging"), "staging")["backup_retention_period"] == 7


def test_prod_copies_automated_backups_to_a_second_region(stacks: dict[str, SynthesizedStack]) -> None:
    """ "Cross-region snapshots for production": every prod database, shards, management and dedicated ones."""
    prod = platform(stacks, "prod")
    copies = prod.all("aws_db_instance_automated_backups_replication")
    replications = {r["source_db_instance_arn"].split(".")[1]: r for r in copies}
    assert {name.rsplit("_", 1)[0] for name in replications} == {"Shard01_Instance", "Platform_Data_Database_Instance"}
    for replication in replications.values():
        assert replication["provider"] == "aws.backup" and replication["retention_period"] == 30
        assert replication["kms_key_id"].startswith("${aws_kms_key.Backup_BackupKey_")
    backup_key = prod.one("aws_kms_alias", name="alias/solobase-prod-backups")
    assert backup_key["provider"] == "aws.backup"
    regions = {p.get("alias"): p["region"] for p in prod.json["provider"]["aws"]}
    assert regions == {None: "us-east-1", "backup": "us-west-2"}
    assert "aws_db_instance_automated_backups_replication" not in platform(stacks, "dev").json["resource"]

    # A Business instance's dedicated database, from its own stack, under the same key in us-west-2.
    business = stacks["solobase-prod-tenant-stark"]
    (dedicated,) = business.all("aws_db_instance_automated_backups_replication")
    assert dedicated["provider"] == "aws.backup" and dedicated["retention_period"] == 30
    assert dedicated["source_db_instance_arn"].startswith("${aws_db_instance.Database_Instance_")
    (alias,) = [a for a in business.json["data"]["aws_kms_alias"].values() if a.get("provider") == "aws.backup"]
    assert alias["name"] == "alias/solobase-prod-backups"
    assert {p.get("alias"): p["region"] for p in business.json["provider"]["aws"]} == regions
    # Shared instances have no database of their own to copy, and no backup provider.
    hobby = stacks["solobase-prod-tenant-hooli"]
    assert "aws_db_instance_automated_backups_replication" not in hobby.json["resource"]
    assert len(hobby.json["provider"]["aws"]) == 1


def test_shard_master_password_is_rds_managed_under_a_customer_key_rotated_every_90_days(
    stacks: dict[str, SynthesizedStack],
) -> None:
    prod = platform(stacks, "prod")
    db = shard(prod, "prod")
    assert db["manage_master_user_password"] is True
    assert db["master_user_secret_kms_key_id"].startswith("${aws_kms_key.")
    assert "password" not in db and "password_wo" not in db
    rotations = {r["secret_id"]: r for r in prod.all("aws_secretsmanager_secret_rotation")}
    rotation = next(r for s, r in rotations.items() if "Shard01_Instance" in s)
    assert rotation["rotation_rules"] == {"automatically_after_days": 90}
    assert rotation["rotate_immediately"] is False


def test_shard_count_comes_from_the_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stacks: dict[str, SynthesizedStack]
) -> None:
    monkeypatch.setenv(tenants.TENANTS_DIR_ENV, str(registry_dir(tmp_path, dev='shards = ["01", "02"]\n')))
    outdir = tmp_path / "out"
    app.synth(outdir=str(outdir), requested="solobase-dev,solobase-dev-shard-*")
    dev = SynthesizedStack(outdir, "solobase-dev")
    assert dev.values("aws_db_instance", "identifier") == [
        "solobase-dev-postgres",
        "solobase-shared-dev-01",
        "solobase-shared-dev-02",
    ]
    assert "shard_02_endpoint" in dev.outputs
    assert (outdir / "stacks" / "solobase-dev-shard-02-databases").is_dir()


# ---- platform: alarms, dashboard, CloudTrail


def test_alarms_go_to_the_documented_topic_and_address(stacks: dict[str, SynthesizedStack]) -> None:
    prod = platform(stacks, "prod")
    assert prod.one("aws_sns_topic")["name"] == "solobase-infrastructure-alerts"
    # One account holds every environment: each owns its own topic, prod the documented name.
    for environment in ("dev", "staging"):
        topic = platform(stacks, environment).one("aws_sns_topic")
        assert topic["name"] == f"solobase-{environment}-infrastructure-alerts"
    subscription = prod.one("aws_sns_topic_subscription")
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "alerts@solobase.dev")
    alarms = {a["alarm_name"]: a for a in prod.all("aws_cloudwatch_metric_alarm")}
    topic = next(iter(prod.json["resource"]["aws_sns_topic"]))
    assert all(a["alarm_actions"] == [f"${{aws_sns_topic.{topic}.arn}}"] for a in alarms.values())
    name = "solobase-shared-prod-01"
    expected = {
        f"{name}-cpu-high": ("CPUUtilization", "GreaterThanThreshold", 80),
        f"{name}-connections-high": ("DatabaseConnections", "GreaterThanThreshold", 250),
        f"{name}-free-storage-low": ("FreeStorageSpace", "LessThanThreshold", 10 * 1024**3),
        f"{name}-read-latency-high": ("ReadLatency", "GreaterThanThreshold", 0.02),
        f"{name}-write-latency-high": ("WriteLatency", "GreaterThanThreshold", 0.02),
    }
    for alarm_name, (metric, comparison, threshold) in expected.items():
        alarm = alarms[alarm_name]
        assert (alarm["metric_name"], alarm["comparison_operator"], alarm["threshold"]) == (
            metric,
            comparison,
            threshold,
        )
        assert alarm["dimensions"] == {"DBInstanceIdentifier": name}


def test_lambda_alarms_cover_the_environments_functions(stacks: dict[str, SynthesizedStack]) -> None:
    alarms = {a["alarm_name"]: a for a in platform(stacks, "prod").all("aws_cloudwatch_metric_alarm")}
    for suffix, metric in (("errors", "Errors"), ("throttles", "Throttles"), ("concurrency", "ConcurrentExecutions")):
        alarm = alarms[f"solobase-prod-lambda-{suffix}"]
        assert (alarm["namespace"], alarm["metric_name"]) == ("AWS/Lambda", metric)
        assert "dimensions" not in alarm, "the account's functions in the region: the environment's"
    assert alarms["solobase-prod-lambda-concurrency"]["threshold"] == 800


def test_prod_dashboard_shows_rds_and_lambda(stacks: dict[str, SynthesizedStack]) -> None:
    dashboard = platform(stacks, "prod").one("aws_cloudwatch_dashboard")
    assert dashboard["dashboard_name"] == "Solobase-Production"
    metrics = {
        (m[0], m[1])
        for widget in json.loads(dashboard["dashboard_body"])["widgets"]
        for m in widget["properties"]["metrics"]
    }
    lambda_metrics = {name for namespace, name in metrics if namespace == "AWS/Lambda"}
    assert lambda_metrics == {"Invocations", "Errors", "Throttles", "Duration", "ConcurrentExecutions"}
    assert {name for namespace, name in metrics if namespace == "AWS/RDS"} >= {
        "CPUUtilization",
        "DatabaseConnections",
        "FreeStorageSpace",
        "ReadLatency",
        "WriteLatency",
    }
    assert "aws_cloudwatch_dashboard" not in platform(stacks, "dev").json["resource"]


def test_cloudtrail_is_multi_region_to_an_encrypted_private_bucket_with_alarms(
    stacks: dict[str, SynthesizedStack],
) -> None:
    prod = platform(stacks, "prod")
    trail = prod.one("aws_cloudtrail")
    assert trail["name"] == "solobase-prod-trail"
    assert trail["is_multi_region_trail"] is True and trail["include_global_service_events"] is True
    assert trail["enable_log_file_validation"] is True and trail["kms_key_id"].startswith("${aws_kms_key.")
    assert trail["cloud_watch_logs_group_arn"].endswith(":*}") or ":*" in trail["cloud_watch_logs_group_arn"]
    bucket_id = trail["s3_bucket_name"].split(".")[1]
    access = next(b for b in prod.all("aws_s3_bucket_public_access_block") if bucket_id in b["bucket"])
    assert all(access[k] is True for k in ("block_public_acls", "block_public_policy", "restrict_public_buckets"))
    encryption = next(
        e for e in prod.all("aws_s3_bucket_server_side_encryption_configuration") if bucket_id in e["bucket"]
    )
    by_default = encryption["rule"][0]["apply_server_side_encryption_by_default"]
    assert by_default["sse_algorithm"] == "aws:kms" and by_default["kms_master_key_id"].startswith("${aws_kms_key.")
    filters = {f["name"]: f for f in prod.all("aws_cloudwatch_log_metric_filter")}
    assert set(filters) == {
        "solobase-prod-trail-root-use",
        "solobase-prod-trail-iam-policy-changes",
        "solobase-prod-trail-unauthorized-calls",
    }
    assert '$.userIdentity.type = "Root"' in filters["solobase-prod-trail-root-use"]["pattern"]
    assert "PutRolePolicy" in filters["solobase-prod-trail-iam-policy-changes"]["pattern"]
    assert "AccessDenied" in filters["solobase-prod-trail-unauthorized-calls"]["pattern"]
    alarms = {a["alarm_name"]: a for a in prod.all("aws_cloudwatch_metric_alarm")}
    for name in filters:
        assert alarms[name]["namespace"] == "Audit/solobase-prod-trail" and alarms[name]["threshold"] == 1


# ---- platform: management platform, binaries bucket


def test_management_platform_is_fargate_with_its_own_postgresql_behind_an_https_alb(
    stacks: dict[str, SynthesizedStack],
) -> None:
    prod = platform(stacks, "prod")
    service = prod.one("aws_ecs_service", name="solobase-prod-management")
    assert service["load_balancer"][0]["container_name"] == "management"
    task = prod.one("aws_ecs_task_definition", family="solobase-prod-management")
    assert (task["cpu"], task["memory"], task["requires_compatibilities"]) == ("512", "1024", ["FARGATE"])
    assert service["desired_count"] == 2 and platform(stacks, "dev").one("aws_ecs_service")["desired_count"] == 1
    db = prod.one("aws_db_instance", identifier="solobase-prod-postgres")
    assert (db["instance_class"], db["engine_version"], db["multi_az"]) == ("db.t3.small", "15", True)
    listeners = {listener["port"]: listener for listener in prod.all("aws_lb_listener")}
    assert listeners[443]["protocol"] == "HTTPS" and listeners[80]["default_action"][0]["type"] == "redirect"
    certificate = prod.one("aws_acm_certificate")
    assert certificate["domain_name"] == "manage.solobase.dev"
    assert certificate["subject_alternative_names"] == ["*.solobase.dev"]
    rule = prod.one("aws_lb_listener_rule")
    assert rule["priority"] == 1 and rule["condition"][0]["host_header"]["values"] == ["manage.solobase.dev"]
    assert prod.one("aws_cloudwatch_log_group", name="/ecs/solobase-prod/management")["retention_in_days"] == 30


def test_binaries_bucket_is_the_bootstraps_versioned_encrypted_and_private(
    stacks: dict[str, SynthesizedStack],
) -> None:
    """A prerequisite every environment shares, like the state bucket: made once, by the bootstrap stack."""
    boot = stacks["bootstrap-solobase-terraform-state"]
    bucket = boot.one("aws_s3_bucket", bucket="solobase-binaries")
    assert bucket["force_destroy"] is False
    bucket_id = next(k for k, v in boot.json["resource"]["aws_s3_bucket"].items() if v["bucket"] == "solobase-binaries")
    ref = f"${{aws_s3_bucket.{bucket_id}.id}}"
    assert boot.one("aws_s3_bucket_versioning", bucket=ref)["versioning_configuration"] == {"status": "Enabled"}
    assert boot.one("aws_s3_bucket_public_access_block", bucket=ref)["block_public_policy"] is True
    encryption = boot.one("aws_s3_bucket_server_side_encryption_configuration", bucket=ref)
    assert encryption["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert boot.outputs["solobase_binaries_bucket_name"]["value"] == f"${{aws_s3_bucket.{bucket_id}.bucket}}"
    for environment in ("dev", "staging", "prod"):
        stack = platform(stacks, environment)
        assert stack.json["data"]["aws_s3_bucket"]["ExistingBinaries"]["bucket"] == "solobase-binaries"
        assert "solobase-binaries" not in stack.values("aws_s3_bucket", "bucket")
        assert spec_of(f"solobase-{environment}").uploads == (), "no stand-in bucket: the bootstrap makes it"


# ---- customer stacks


def tenant_stack(stacks: dict[str, SynthesizedStack], environment: str, subdomain: str) -> SynthesizedStack:
    return stacks[f"solobase-{environment}-tenant-{subdomain}"]


def test_customer_state_key(stacks: dict[str, SynthesizedStack]) -> None:
    backend = tenant_stack(stacks, "dev", "acme").json["terraform"]["backend"]["s3"]
    assert (backend["bucket"], backend["key"]) == ("solobase-terraform-state", f"dev/tenants/{ACME}/terraform.tfstate")


@pytest.mark.parametrize(
    ("environment", "subdomain", "memory", "retention", "concurrency"),
    [("dev", "acme", 256, 3, 5), ("staging", "initech", 512, 14, 10), ("prod", "umbrella", 512, 30, 5)],
)
def test_lambda_instance(
    stacks: dict[str, SynthesizedStack],
    environment: str,
    subdomain: str,
    memory: int,
    retention: int,
    concurrency: int,
) -> None:
    stack = tenant_stack(stacks, environment, subdomain)
    tenant = spec_of(f"solobase-{environment}-tenant-{subdomain}").arguments["tenant"]
    name = f"solobase-{tenant.instance_id[:8]}"
    function = stack.one("aws_lambda_function", function_name=name)
    assert function["function_name"] == name
    assert (function["runtime"], function["handler"], function["architectures"]) == (
        "provided.al2023",
        "bootstrap",
        ["x86_64"],
    )
    assert (function["s3_bucket"], function["s3_key"]) == ("solobase-binaries", "solobase-v0.1.0.zip")
    assert (function["memory_size"], function["timeout"]) == (memory, 30)
    assert function["reserved_concurrent_executions"] == concurrency
    assert stack.one("aws_cloudwatch_log_group", name=f"/aws/lambda/{name}")["retention_in_days"] == retention
    aliases = stack.json["data"]["aws_kms_alias"]
    (key,) = [k for k, v in aliases.items() if v["name"] == f"alias/solobase-{environment}-instances"]
    assert function["kms_key_arn"] == f"${{data.aws_kms_alias.{key}.target_key_arn}}"
    assert function["vpc_config"]["subnet_ids"].startswith("${data.aws_subnets.")
    assert "aws_lambda_function_url" not in stack.json["resource"], "its HTTP API is the only way in"
    alarms = {a["alarm_name"]: a for a in stack.all("aws_cloudwatch_metric_alarm")}
    assert {f"{name}-errors", f"{name}-throttles", f"{name}-duration"} <= set(alarms)
    assert alarms[f"{name}-duration"]["threshold"] == 24000, "80% of the 30 s timeout"
    assert alarms[f"{name}-errors"]["alarm_actions"] == ["${data.aws_sns_topic.AlertTopic.arn}"]
    topic = f"solobase-{environment}-infrastructure-alerts".replace("-prod-", "-")
    assert stack.json["data"]["aws_sns_topic"]["AlertTopic"]["name"] == topic


def test_reserved_concurrency_by_plan(stacks: dict[str, SynthesizedStack]) -> None:
    settings = systems.load("solobase", "prod", Path("/nonexistent"))
    plans = settings.tenancy.plans  # type: ignore[attr-defined]
    assert (plans.hobby.reserved_concurrency, plans.starter.reserved_concurrency) == (5, 10)
    assert plans.professional.reserved_concurrency == 25
    assert instance_function(tenant_stack(stacks, "staging", "initech"))["reserved_concurrent_executions"] == 10


def test_lambda_environment_holds_names_not_secrets(stacks: dict[str, SynthesizedStack]) -> None:
    variables = instance_function(tenant_stack(stacks, "dev", "acme"))["environment"]["variables"]
    assert variables["DATABASE_SECRET_ID"] == f"solobase-dev/{ACME}/database"
    assert variables["B2_SECRET_ID"] == f"solobase-dev/{ACME}/b2"
    assert variables["B2_BUCKET_NAME"] == "solobase-a1b2c3d4"
    assert variables["B2_ENDPOINT"] == "https://s3.us-east-005.backblazeb2.com"
    assert variables["DATABASE_NAME"] == "instance_a1b2c3d4_e5f6_4890_abcd_ef1234567890"
    assert set(variables) == {
        "SOLOBASE_INSTANCE_ID",
        "SOLOBASE_URL",
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_NAME",
        "DATABASE_SSLMODE",
        "DATABASE_SECRET_ID",
        "B2_SECRET_ID",
        "B2_BUCKET_NAME",
        "B2_ENDPOINT",
    }
    assert not any(re.search(r"password|key_id|app_key", v, re.IGNORECASE) for v in variables.values())


def test_instance_role_is_limited_to_its_logs_and_its_own_secrets(stacks: dict[str, SynthesizedStack]) -> None:
    stack = tenant_stack(stacks, "dev", "acme")
    policies = _policies(stack, "solobase-a1b2c3d4-function")
    assert set(policies) == {"WriteLogs", "VpcNetworking", "ReadSecrets"}
    (logs,) = policies["WriteLogs"]["Statement"]
    assert logs["Resource"].endswith(".arn}:*") and "aws_cloudwatch_log_group.Function_LogGroup" in logs["Resource"]
    read, decrypt, read_b2, decrypt_b2 = policies["ReadSecrets"]["Statement"]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert read["Resource"].endswith(f":secret:solobase-dev/{ACME}/database-??????")
    assert read_b2["Resource"].startswith("${aws_secretsmanager_secret.B2Secret")
    for statement in (decrypt, decrypt_b2):
        assert statement["Action"] == "kms:Decrypt"
        assert statement["Condition"] == {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}
    network = policies["VpcNetworking"]["Statement"][0]
    assert all(action.startswith("ec2:") for action in network["Action"])


def test_cloudfront_is_https_only_with_the_subdomain_and_a_us_east_1_certificate(
    stacks: dict[str, SynthesizedStack],
) -> None:
    stack = tenant_stack(stacks, "dev", "acme")
    distribution = stack.one("aws_cloudfront_distribution")
    assert distribution["aliases"] == ["acme.dev.solobase.dev"]
    assert distribution["default_cache_behavior"]["viewer_protocol_policy"] == "https-only"
    assert distribution["origin"][0]["custom_origin_config"]["origin_protocol_policy"] == "https-only"
    certificate = distribution["viewer_certificate"]
    assert certificate["acm_certificate_arn"] == "${data.aws_acm_certificate.Certificate.arn}"
    assert (certificate["ssl_support_method"], certificate["minimum_protocol_version"]) == ("sni-only", "TLSv1.2_2021")
    lookup = stack.json["data"]["aws_acm_certificate"]["Certificate"]
    assert lookup == {"domain": "manage.dev.solobase.dev", "most_recent": True, "statuses": ["ISSUED"]} | {
        "//": lookup["//"]
    }
    assert "provider" not in lookup and stack.json["provider"]["aws"][0]["region"] == "us-east-1"


def test_writes_reach_the_function_through_its_http_api_which_only_the_distribution_may_call(
    stacks: dict[str, SynthesizedStack],
) -> None:
    """Issue 21.1: every method, Authorization and bodies unchanged (no signing), and the origin's header."""
    stack = tenant_stack(stacks, "dev", "acme")
    distribution = stack.one("aws_cloudfront_distribution")
    assert "aws_cloudfront_origin_access_control" not in stack.json["resource"], "CloudFront signs nothing"
    assert distribution["default_cache_behavior"]["allowed_methods"] == [
        "GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE",
    ]  # fmt: skip
    (origin,) = distribution["origin"]
    (api,) = stack.json["resource"]["aws_apigatewayv2_api"]
    assert origin["domain_name"] == f'${{element(split("/", aws_apigatewayv2_api.{api}.api_endpoint), 2)}}'
    (header,) = origin["custom_header"]
    (current,) = stack.json["data"]["aws_secretsmanager_secret_version"]
    assert header == {
        "name": "x-origin-verify",
        "value": f"${{data.aws_secretsmanager_secret_version.{current}.secret_string}}",
    }
    secret = stack.one("aws_secretsmanager_secret", name=f"solobase-dev/{ACME}/origin")
    assert secret["kms_key_id"].startswith("${data.aws_kms_alias.SecretsKey_Alias_")
    check = stack.one("aws_lambda_function", function_name="solobase-a1b2c3d4-origin")
    assert check["vpc_config"]["subnet_ids"].startswith("${data.aws_subnets.Network_PrivateSubnets")
    route = stack.one("aws_apigatewayv2_route")
    assert (route["route_key"], route["authorization_type"]) == ("$default", "CUSTOM")
    assert stack.one("aws_apigatewayv2_integration")["payload_format_version"] == "2.0", "the function URL's event"
    permissions = {p["statement_id"]: p for p in stack.all("aws_lambda_permission")}
    assert set(permissions) == {"ApiInvokes", "ApiAuthorizes"}
    assert {p["principal"] for p in permissions.values()} == {"apigateway.amazonaws.com"}
    alarms = {a["alarm_name"] for a in stack.all("aws_cloudwatch_metric_alarm")}
    assert {"solobase-a1b2c3d4-origin-errors", "solobase-a1b2c3d4-origin-throttles"} <= alarms
    assert set(stack.outputs) >= {"api_endpoint", "origin_secret_arn"} and "function_url" not in stack.outputs


def test_ecs_instance_is_a_fargate_service_behind_the_shared_alb_with_a_host_rule(
    stacks: dict[str, SynthesizedStack],
) -> None:
    stack = tenant_stack(stacks, "dev", "globex")
    service = stack.one("aws_ecs_service", name="solobase-5f3c9e2a")
    (cluster,) = stack.json["data"]["aws_ecs_cluster"].values()
    assert cluster["cluster_name"] == "solobase-dev-cluster" and service["cluster"].startswith(
        "${data.aws_ecs_cluster."
    )
    rule = stack.one("aws_lb_listener_rule")
    assert rule["condition"][0]["host_header"]["values"] == ["globex.dev.solobase.dev"]
    assert rule["priority"] == 100
    assert rule["listener_arn"].startswith("${data.aws_lb_listener.LoadBalancer_HttpsListener")
    assert [lb["name"] for lb in stack.json["data"]["aws_lb"].values()] == ["solobase-dev-alb"]
    assert (
        "aws_lambda_function" not in stack.json["resource"]
        and "aws_cloudfront_distribution" not in stack.json["resource"]
    )
    container = stack.container("solobase-5f3c9e2a")
    names = {item["name"] for item in container["environment"]}
    assert {"DATABASE_SECRET_ID", "B2_SECRET_ID"} <= names and container["secrets"] == []
    assert set(_policies(stack, "solobase-5f3c9e2a-task")) == {"ReadSecrets"}


def test_business_gets_a_dedicated_rds_instance(stacks: dict[str, SynthesizedStack]) -> None:
    stack = tenant_stack(stacks, "prod", "stark")
    db = stack.one("aws_db_instance", identifier="solobase-dedicated-prod-e9d3b7a1")
    assert db["manage_master_user_password"] is True and db["storage_encrypted"] is True
    assert db["kms_key_id"].startswith("${data.aws_kms_alias.DataKey_Alias_")
    assert "alias/solobase-prod-data" in {a["name"] for a in stack.json["data"]["aws_kms_alias"].values()}
    variables = instance_function(stack)["environment"]["variables"]
    assert re.fullmatch(
        r"\$\{aws_db_instance\.Database_Instance_[0-9A-F]{8}\.master_user_secret\[0\]\.secret_arn\}",
        variables["DATABASE_SECRET_ID"],
    )
    assert instance_function(stack)["reserved_concurrent_executions"] == 50
    for other in ("acme", "globex"):
        assert "aws_db_instance" not in tenant_stack(stacks, "dev", other).json["resource"]


def test_b2_keys_are_operator_filled_secrets(stacks: dict[str, SynthesizedStack]) -> None:
    stack = tenant_stack(stacks, "dev", "acme")
    secret = stack.one("aws_secretsmanager_secret", name=f"solobase-dev/{ACME}/b2")
    assert secret["kms_key_id"].startswith("${data.aws_kms_alias.SecretsKey_Alias_")
    written = [v["secret_id"] for v in stack.all("aws_secretsmanager_secret_version")]
    assert not [w for w in written if w.startswith("${aws_secretsmanager_secret.B2Secret")], "operators put it in"


# ---- shard databases stacks


def shard_stack(stacks: dict[str, SynthesizedStack], environment: str = "dev") -> SynthesizedStack:
    return stacks[f"solobase-{environment}-shard-01-databases"]


def test_each_instance_gets_its_database_and_role_with_a_connection_limit_by_plan(
    stacks: dict[str, SynthesizedStack],
) -> None:
    stack = shard_stack(stacks)
    roles = {r["name"]: r for r in stack.all("postgresql_role")}
    ((set_id, block),) = stack.json["resource"]["postgresql_database"].items()
    databases = {entry["name"]: entry for entry in block["for_each"].values()}
    acme, globex = ACME.replace("-", "_"), GLOBEX.replace("-", "_")
    assert set(roles) == {f"user_{acme}", f"user_{globex}"}
    assert set(block["for_each"]) == {ACME, GLOBEX}, "keyed by instance id"
    assert set(databases) == {f"instance_{acme}", f"instance_{globex}"}
    assert (block["name"], block["owner"], block["connection_limit"]) == (
        "${each.value.name}",
        "${each.value.owner}",
        "${each.value.connection_limit}",
    )
    assert (roles[f"user_{acme}"]["connection_limit"], roles[f"user_{globex}"]["connection_limit"]) == (2, 5)
    assert databases[f"instance_{acme}"]["connection_limit"] == 2
    assert databases[f"instance_{acme}"]["owner"].startswith("${postgresql_role.InstanceA1B2C3D4_Role")
    assert "lifecycle" not in block, "dev's databases are not protected"
    assert all(r["login"] is True for r in roles.values())
    revokes = stack.all("postgresql_grant")
    assert all((g["role"], g["privileges"]) == ("public", []) for g in revokes), "PUBLIC may connect nowhere"
    assert sorted(g["database"] for g in revokes) == sorted(
        ["solobase", *(f'${{postgresql_database.{set_id}["{key}"].name}}' for key in (ACME, GLOBEX))]
    ), "every customer database and the admin database"
    # Each database was its instance's own resource (the addresses deployed before): moved, not replaced.
    assert {m["from"]: m["to"] for m in stack.json["moved"]} == {
        "postgresql_database.InstanceA1B2C3D4_Database_D36AA819": f'postgresql_database.{set_id}["{ACME}"]',
        "postgresql_database.Instance5F3C9E2A_Database_6C2B3AA9": f'postgresql_database.{set_id}["{GLOBEX}"]',
    }


def test_the_provider_reads_the_shards_managed_secret_ephemerally(stacks: dict[str, SynthesizedStack]) -> None:
    stack = shard_stack(stacks)
    (provider,) = stack.json["provider"]["postgresql"]
    reader = "ephemeral.aws_secretsmanager_secret_version.postgresql_master"
    assert provider["username"] == f"${{jsondecode({reader}.secret_string).username}}"
    assert provider["password"] == f"${{jsondecode({reader}.secret_string).password}}"
    assert (provider["sslmode"], provider["superuser"]) == ("require", False)
    ephemeral = stack.json["ephemeral"]["aws_secretsmanager_secret_version"]["postgresql_master"]
    assert ephemeral["secret_id"] == "${data.aws_db_instance.PostgresqlInstance.master_user_secret[0].secret_arn}"
    assert (
        stack.json["data"]["aws_db_instance"]["PostgresqlInstance"]["db_instance_identifier"]
        == "solobase-shared-dev-01"
    )


def test_role_passwords_are_write_only_generated_at_apply_and_stored_in_the_instances_secret(
    stacks: dict[str, SynthesizedStack],
) -> None:
    stack = shard_stack(stacks)
    role = next(r for r in stack.all("postgresql_role") if "a1b2c3d4" in r["name"])
    generator = "ephemeral.aws_secretsmanager_random_password.InstanceA1B2C3D4_Password.random_password"
    assert role["password_wo"] == f"${{{generator}}}" and role["password_wo_version"] == "1"
    assert "password" not in role
    secret = stack.one("aws_secretsmanager_secret", name=f"solobase-dev/{ACME}/database")
    version = next(v for v in stack.all("aws_secretsmanager_secret_version") if "InstanceA1B2C3D4" in v["secret_id"])
    assert "secret_string" not in version and generator in version["secret_string_wo"]
    assert "data.aws_db_instance.PostgresqlInstance.address" in version["secret_string_wo"]
    # The connection-secret code every database's secret uses, with the password under its own key too.
    assert re.findall(r"(\w+) = ", version["secret_string_wo"]) == [
        "url",
        "host",
        "port",
        "username",
        "password",
        "dbname",
    ]
    assert f'urlencode("{role["name"]}"), urlencode({generator})' in version["secret_string_wo"]
    assert version["secret_string_wo_version"] == f'${{parseint(substr(sha256("{ACME}:1"), 0, 12), 16)}}'
    assert secret["kms_key_id"].startswith("${data.aws_kms_alias.SecretsKey")
    # A role made again is sent its password again: the secret is written with it (bare address, as Terraform wants).
    (trigger,) = version["lifecycle"]["replace_triggered_by"]
    assert re.fullmatch(r"postgresql_role\.InstanceA1B2C3D4_Role_[0-9A-F]{8}", trigger)
    assert trigger.split(".")[1] in stack.json["resource"]["postgresql_role"]


def test_no_secret_value_is_written_to_cdktf_out(synth_dir: Path) -> None:
    """Passwords exist only at apply time: the synthesized JSON holds references, never values."""
    paths = sorted(
        p for p in (synth_dir / "stacks").glob("*/cdk.tf.json") if spec_of(p.parent.name).system == "solobase"
    )
    expected = {s.stack_id for s in stack_specs() if s.system == "solobase"}
    assert {p.parent.name for p in paths} == expected, "every Solobase stack is looked at"
    for path in paths:
        stack = json.loads(path.read_text())
        for resources in stack.get("resource", {}).values():
            for resource in resources.values():
                for key in ("password", "secret_string", "master_password"):
                    assert key not in resource, f"{path.parent.name}: {key}"
                for key in ("password_wo", "secret_string_wo"):
                    if key in resource and "ephemeral." not in resource[key]:
                        # Not generated at apply: then it holds no password (a URL naming RDS's managed secret).
                        value = resource[key]
                        assert key == "secret_string_wo" and "password =" not in value, f"{path.parent.name}: {key}"
                        assert "%s:%s@" not in value, f"{path.parent.name}: a URL with a password"
        for provider in stack["provider"].get("postgresql", []):
            assert provider["password"].startswith("${jsondecode(ephemeral.")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "[tenancy]\nreserved_admin_connections = 298\n",
            "solobase.dev.tenancy.reserved_admin_connections must be small enough to leave a shard room for a role "
            "of 5 connections",
        ),
        ("[tenancy.plans.hobby]\nreserved_concurrency = 0\n", "solobase.dev.tenancy.plans.hobby.reserved_concurrency"),
        ('[instances]\ndomain = "Not A Domain"\n', "solobase.dev.instances.domain must be a lower-case"),
        ('backup_region = "us-east-1"\n', "solobase.dev.backup_region must be a region other than us-east-1"),
        ('[binaries]\npackage_key = "solobase.tar"\n', "solobase.dev.binaries.package_key must be the key of a .zip"),
    ],
)
def test_bad_solobase_settings_are_refused_naming_the_setting(override: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "solobase").mkdir()
    (tmp_path / "solobase" / "dev.toml").write_text(override)
    with pytest.raises(ConfigError) as refused:
        systems.load("solobase", "dev", tmp_path)
    assert message in str(refused.value)


def test_without_custom_domains_instances_serve_on_cloudfronts_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config" / "solobase").mkdir(parents=True)
    (tmp_path / "config" / "solobase" / "dev.toml").write_text("[instances]\nenable_custom_domains = false\n")
    lambda_only = (Path(__file__).resolve().parents[2] / "tenants" / "solobase" / "dev.toml").read_text()
    directory = registry_dir(tmp_path, dev=lambda_only.split('\n[[tenants]]\ninstance_id = "5f3c9e2a')[0])
    registry = directory / "solobase" / "dev.toml"
    monkeypatch.setenv(tenants.TENANTS_DIR_ENV, str(directory))
    outdir = tmp_path / "out"
    app.synth(outdir=str(outdir), requested="solobase-dev,solobase-dev-tenant-acme", config_dir=tmp_path / "config")
    acme = SynthesizedStack(outdir, "solobase-dev-tenant-acme")
    distribution = acme.one("aws_cloudfront_distribution")
    assert "aliases" not in distribution
    assert distribution["viewer_certificate"] == {"cloudfront_default_certificate": True}
    assert "aws_acm_certificate" not in acme.json.get("data", {})
    assert "SOLOBASE_URL" not in instance_function(acme)["environment"]["variables"]
    assert acme.outputs["instance_url"]["value"].startswith("https://${aws_cloudfront_distribution.")
    platform_stack = SynthesizedStack(outdir, "solobase-dev")
    assert "subject_alternative_names" not in platform_stack.one("aws_acm_certificate")

    registry.write_text(lambda_only)  # globex runs on ECS: it needs a host name
    with pytest.raises(ConfigError) as refused:
        app.synth(outdir=str(tmp_path / "out2"), requested="solobase-dev", config_dir=tmp_path / "config")
    assert str(refused.value).startswith(
        "tenants/solobase/dev.toml tenants[1] (globex).runtime must be lambda while instances.enable_custom_domains"
    )


def test_an_existing_binaries_bucket_is_made_on_the_emulator_and_not_by_the_bootstrap(tmp_path: Path) -> None:
    (tmp_path / "solobase").mkdir()
    dev = '[binaries]\ncreate_bucket = false\nbucket_name = "acme-releases"\n'
    (tmp_path / "solobase" / "dev.toml").write_text(dev)
    specs = {s.stack_id: s for s in systems.stack_specs(tmp_path) if s.system == "solobase"}
    assert specs["solobase-dev"].uploads == (Upload(bucket="acme-releases", make_bucket=True),)
    assert specs["bootstrap-solobase-terraform-state"].arguments["buckets"] == ("solobase-binaries",), "staging, prod"
