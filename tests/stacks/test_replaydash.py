"""replaydash-staging and replaydash-production against 002_bc7aa9729d4cca4d.txt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.documented import REPLAYDASH_OUTPUTS
from tests.support.stack import SynthesizedStack


@pytest.fixture(scope="module", params=["staging", "production"])
def stack(request: pytest.FixtureRequest, synth_dir: Path) -> tuple[str, SynthesizedStack]:
    environment: str = request.param
    return environment, SynthesizedStack(synth_dir, f"replaydash-{environment}")


def test_documented_names(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    prefix = f"replaydash-{env}"
    s.one("aws_ecs_cluster", name=f"{prefix}-cluster")
    s.one("aws_ecs_service", name=f"{prefix}-api")
    s.one("aws_cloudwatch_log_group", name=f"/ecs/{prefix}-api")
    s.one("aws_elasticache_replication_group", replication_group_id=f"{prefix}-redis")
    s.one("aws_db_instance", identifier=f"{prefix}-postgres")
    s.one("aws_ecr_repository", name=f"{prefix}-api")
    assert s.container(f"{prefix}-api")["name"] == "api", "the document execs into container 'api'"


def test_state_backend(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    backend = s.json["terraform"]["backend"]["s3"]
    assert (backend["bucket"], backend["dynamodb_table"], backend["region"]) == (
        "replaydash-terraform-state",
        "replaydash-terraform-locks",
        "us-east-1",
    )
    assert backend["key"] == f"{env}/terraform.tfstate" and backend["encrypt"] is True


def test_network_two_azs_single_nat_and_endpoints(stack: tuple[str, SynthesizedStack]) -> None:
    _, s = stack
    assert sorted({sub["availability_zone"] for sub in s.all("aws_subnet")}) == ["us-east-1a", "us-east-1b"]
    assert len(s.all("aws_nat_gateway")) == 1
    services = {e["service_name"].removeprefix("com.amazonaws.us-east-1.") for e in s.all("aws_vpc_endpoint")}
    assert services == {"s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages"}


def test_https_alb_with_dns_validated_certificate(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    listeners = {listener["port"]: listener for listener in s.all("aws_lb_listener")}
    assert listeners[80]["default_action"][0]["redirect"]["protocol"] == "HTTPS"
    assert listeners[443]["protocol"] == "HTTPS"
    certificate = s.one("aws_acm_certificate")
    assert certificate["validation_method"] == "DNS"
    assert certificate["domain_name"] == ("api.replaydash.com" if env == "production" else "api.staging.replaydash.com")


def test_ecs_exec_with_its_permissions_and_spot_outside_production(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    service = s.one("aws_ecs_service")
    assert service["enable_execute_command"] is True
    policies = {p["name"] for p in s.all("aws_iam_role_policy")}
    assert "ExecuteCommand" in policies
    providers = {p["capacity_provider"] for p in service["capacity_provider_strategy"]}
    assert providers == ({"FARGATE"} if env == "production" else {"FARGATE_SPOT"})


def test_autoscaling_cpu_70_memory_80_between_1_and_4(stack: tuple[str, SynthesizedStack]) -> None:
    _, s = stack
    target = s.one("aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (1, 4)
    targets = {
        p["target_tracking_scaling_policy_configuration"]["predefined_metric_specification"][
            "predefined_metric_type"
        ]: p["target_tracking_scaling_policy_configuration"]["target_value"]
        for p in s.all("aws_appautoscaling_policy")
    }
    assert targets == {"ECSServiceAverageCPUUtilization": 70, "ECSServiceAverageMemoryUtilization": 80}


def test_production_runs_two_tasks(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    assert s.one("aws_ecs_service")["desired_count"] == (2 if env == "production" else 1)


def test_database_t4g_gp3_insights_backups_and_protection(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    db = s.one("aws_db_instance")
    assert db["instance_class"] == "db.t4g.medium"
    assert db["storage_type"] == "gp3" and db["storage_encrypted"] is True
    assert db["performance_insights_enabled"] is True
    assert db["backup_retention_period"] == 7
    assert db["deletion_protection"] is (env == "production")
    assert db["password_wo_version"] == 1 and db["password_wo"].startswith("${ephemeral.")


def test_redis_t4g_encrypted(stack: tuple[str, SynthesizedStack]) -> None:
    _, s = stack
    group = s.one("aws_elasticache_replication_group")
    assert group["node_type"] == "cache.t4g.micro"
    assert group["at_rest_encryption_enabled"] == "true" and group["transit_encryption_enabled"] is True


def test_the_api_connects_to_redis_as_its_own_iam_user(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    environment = {item["name"]: item["value"] for item in s.container(f"replaydash-{env}-api")["environment"]}
    assert environment["REDIS_USER"] == f"replaydash-{env}-api"
    assert environment["REDIS_REPLICATION_GROUP_ID"] == f"replaydash-{env}-redis"
    users = s.values("aws_elasticache_user", "user_id")
    assert users == [f"replaydash-{env}-api", f"replaydash-{env}-redis-default"]
    (connect,) = [p for p in s.all("aws_iam_role_policy") if p["name"] == "ConnectRedis"]
    assert json.loads(connect["policy"])["Statement"][0]["Action"] == "elasticache:Connect"


def test_session_bucket_lifecycle_tiers(stack: tuple[str, SynthesizedStack]) -> None:
    _, s = stack
    sessions = next(c for c in s.all("aws_s3_bucket_lifecycle_configuration") if "Sessions" in c["bucket"])
    rules = {r["id"]: r for r in sessions["rule"]}
    assert rules["transition-current-versions"]["transition"] == [
        {"days": 30, "storage_class": "INTELLIGENT_TIERING"},
        {"days": 180, "storage_class": "GLACIER"},
    ]
    assert rules["expire-noncurrent-versions"]["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
    bucket = next(b for b in s.all("aws_s3_bucket") if "sessions" in b["bucket"])
    assert bucket["force_destroy"] is False


def test_database_url_secret_and_ssm_settings(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    secret = s.one("aws_secretsmanager_secret", name=f"replaydash-{env}/database")
    assert secret["kms_key_id"].startswith("${aws_kms_key.")
    version = s.one("aws_secretsmanager_secret_version")
    assert "url = format(" in version["secret_string_wo"] and "dbname" in version["secret_string_wo"]
    parameters = s.values("aws_ssm_parameter", "name")
    assert parameters == [f"/replaydash/{env}/redis-url", f"/replaydash/{env}/sessions-bucket"]
    secrets = {item["name"]: item["valueFrom"] for item in s.container(f"replaydash-{env}-api")["secrets"]}
    assert secrets["DATABASE_URL"].endswith(":url::")
    assert "aws_ssm_parameter" in secrets["REDIS_URL"]


def test_dashboard_and_alerts(stack: tuple[str, SynthesizedStack]) -> None:
    env, s = stack
    dashboard = s.one("aws_cloudwatch_dashboard", dashboard_name=f"replaydash-{env}")
    titles = [w["properties"]["title"] for w in json.loads(dashboard["dashboard_body"])["widgets"]]
    for title in (
        "ECS CPU (%)",
        "ECS memory (%)",
        "ALB requests",
        "ALB 5xx",
        "ALB latency (s)",
        "RDS CPU (%) and connections",
        "Redis engine CPU (%)",
    ):
        assert title in titles
    assert s.one("aws_sns_topic")["name"] == f"replaydash-{env}-alerts"
    assert "aws_sns_topic_subscription" not in s.json["resource"], "alert_email is optional and unset by default"


def test_documented_outputs(stack: tuple[str, SynthesizedStack]) -> None:
    _, s = stack
    for name in REPLAYDASH_OUTPUTS:
        assert s.outputs[name]["description"], name
    assert "dashboards:name=replaydash-" in s.outputs["cloudwatch_dashboard_url"]["value"]


def test_cost_section_arm_classes_and_gp3(stack: tuple[str, SynthesizedStack]) -> None:
    _, s = stack
    assert s.one("aws_db_instance")["instance_class"].startswith("db.t4g.")
    assert s.one("aws_elasticache_replication_group")["node_type"].startswith("cache.t4g.")
