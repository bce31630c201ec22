"""freeside-production and freeside-staging against 003_af44a56795883dfb.txt, value by value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.documented import FREESIDE_OUTPUTS
from tests.support.stack import SynthesizedStack


@pytest.fixture(scope="module")
def production(synth_dir: Path) -> SynthesizedStack:
    return SynthesizedStack(synth_dir, "freeside-production")


@pytest.fixture(scope="module")
def staging(synth_dir: Path) -> SynthesizedStack:
    return SynthesizedStack(synth_dir, "freeside-staging")


def test_state_backend_is_the_documented_one(production: SynthesizedStack) -> None:
    backend = production.json["terraform"]["backend"]["s3"]
    assert backend == {
        "bucket": "arrakis-tfstate-891376933289",
        "key": "production/terraform.tfstate",
        "region": "us-east-1",
        "encrypt": True,
        "dynamodb_table": "arrakis-terraform-locks",
        "use_lockfile": True,
    }
    assert production.json["provider"]["aws"][0]["allowed_account_ids"] == ["891376933289"]
    assert production.json["provider"]["aws"][0]["region"] == "us-east-1"


def test_network_table(production: SynthesizedStack) -> None:
    assert production.values("aws_vpc", "cidr_block") == ["10.0.0.0/16"]
    subnets = {s["cidr_block"]: s["tags"]["Tier"] for s in production.all("aws_subnet")}
    assert subnets == {
        "10.0.1.0/24": "private",
        "10.0.2.0/24": "private",
        "10.0.101.0/24": "public",
        "10.0.102.0/24": "public",
    }
    assert len(production.all("aws_nat_gateway")) == 1, "single NAT (cost-optimized)"
    services = {e["service_name"].removeprefix("com.amazonaws.us-east-1.") for e in production.all("aws_vpc_endpoint")}
    assert services == {"ecr.api", "ecr.dkr", "s3", "logs"}
    assert production.one("aws_flow_log")["traffic_type"] == "ALL"


def test_ecs_cluster_runs_fargate_and_spot_with_container_insights(production: SynthesizedStack) -> None:
    cluster = production.one("aws_ecs_cluster", name="arrakis-production-cluster")
    assert cluster["setting"] == [{"name": "containerInsights", "value": "enabled"}]
    assert production.one("aws_ecs_cluster_capacity_providers")["capacity_providers"] == ["FARGATE", "FARGATE_SPOT"]


@pytest.mark.parametrize(
    ("service", "cpu", "memory", "count"), [("api", "512", "1024", 2), ("worker", "256", "512", 1)]
)
def test_compute_table(production: SynthesizedStack, service: str, cpu: str, memory: str, count: int) -> None:
    task = production.one("aws_ecs_task_definition", family=f"arrakis-production-{service}")
    assert (task["cpu"], task["memory"]) == (cpu, memory)
    assert production.one("aws_ecs_service", name=f"arrakis-production-{service}")["desired_count"] == count
    group = production.one("aws_cloudwatch_log_group", name=f"/ecs/arrakis-production/{service}")
    assert group["retention_in_days"] == 30


def test_worker_uses_fargate_spot_and_api_stays_on_demand(production: SynthesizedStack) -> None:
    strategy = {
        s["name"]: {p["capacity_provider"] for p in s["capacity_provider_strategy"]}
        for s in production.all("aws_ecs_service")
    }
    assert strategy == {"arrakis-production-api": {"FARGATE"}, "arrakis-production-worker": {"FARGATE_SPOT"}}


def test_api_is_behind_the_alb_and_the_worker_is_not(production: SynthesizedStack) -> None:
    api = production.one("aws_ecs_service", name="arrakis-production-api")
    worker = production.one("aws_ecs_service", name="arrakis-production-worker")
    assert api["load_balancer"][0]["container_name"] == "api"
    assert "load_balancer" not in worker


def test_registry_scans_on_push_and_keeps_ten_images(production: SynthesizedStack) -> None:
    repository = production.one("aws_ecr_repository", name="arrakis-api")
    assert repository["image_scanning_configuration"] == {"scan_on_push": True}
    rule = json.loads(production.one("aws_ecr_lifecycle_policy")["policy"])["rules"][0]
    assert rule["selection"]["countNumber"] == 10


def test_database_table_and_security(production: SynthesizedStack) -> None:
    db = production.one("aws_db_instance", identifier="arrakis-production-postgres")
    assert (db["instance_class"], db["allocated_storage"], db["engine"], db["engine_version"]) == (
        "db.t3.small",
        20,
        "postgres",
        "15",
    )
    # The document's 15.10 is retired: its major, with RDS keeping the minor current.
    assert db["auto_minor_version_upgrade"] is True
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True
    assert db["backup_retention_period"] == 7
    assert db["deletion_protection"] is True
    assert db["skip_final_snapshot"] is False
    assert db["manage_master_user_password"] is True
    parameters = production.one("aws_db_parameter_group")["parameter"]
    assert {"name": "rds.force_ssl", "value": "1"} in parameters


def test_redis_table(production: SynthesizedStack) -> None:
    group = production.one("aws_elasticache_replication_group", replication_group_id="arrakis-production-redis")
    assert group["node_type"] == "cache.t3.micro"
    assert group["at_rest_encryption_enabled"] == "true" and group["transit_encryption_enabled"] is True
    assert group["final_snapshot_identifier"].startswith("${terraform_data.redis_arrakis_production_redis_final")


@pytest.mark.parametrize("env", ["production", "staging"])
def test_each_service_connects_to_redis_as_its_own_iam_user(synth_dir: Path, env: str) -> None:
    """The API and the worker authenticate to Redis with IAM, each as its own user: REDIS_USER names it,
    REDIS_REPLICATION_GROUP_ID the group its tokens are signed for, and its task role may connect as that user
    only. The redis-credentials secret holds no credential."""
    stack = SynthesizedStack(synth_dir, f"freeside-{env}")
    users = {u["user_id"]: name for name, u in stack.json["resource"]["aws_elasticache_user"].items()}
    assert set(users) == {f"arrakis-{env}-redis-default", f"arrakis-{env}-api", f"arrakis-{env}-worker"}
    (group,) = stack.json["resource"]["aws_elasticache_replication_group"]
    roles = {r["name"]: name for name, r in stack.json["resource"]["aws_iam_role"].items()}
    for service in ("api", "worker"):
        user = f"arrakis-{env}-{service}"
        container = stack.container(user)
        environment = {item["name"]: item["value"] for item in container["environment"]}
        assert environment["REDIS_USER"] == user
        assert environment["REDIS_REPLICATION_GROUP_ID"] == f"arrakis-{env}-redis"
        task_role = roles[f"{user}-task"]
        connect = [
            json.loads(p["policy"])
            for p in stack.all("aws_iam_role_policy")
            if p["name"] == "ConnectRedis" and p["role"] == f"${{aws_iam_role.{task_role}.id}}"
        ]
        assert connect == [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "elasticache:Connect",
                        "Resource": [
                            f"${{aws_elasticache_replication_group.{group}.arn}}",
                            f"${{aws_elasticache_user.{users[user]}.arn}}",
                        ],
                    }
                ],
            }
        ]
    (written,) = [v for v in stack.all("aws_secretsmanager_secret_version") if "rediss://" in v["secret_string_wo"]]
    assert "password" not in written["secret_string_wo"] and "token" not in written["secret_string_wo"]


@pytest.mark.parametrize("env", ["production", "staging"])
def test_dashboard_covers_services_database_redis_and_load_balancer(synth_dir: Path, env: str) -> None:
    """Document 003's monitoring.tf: "CloudWatch alarms and dashboards": the dashboard arrakis-<env>."""
    stack = SynthesizedStack(synth_dir, f"freeside-{env}")
    dashboard = stack.one("aws_cloudwatch_dashboard", dashboard_name=f"arrakis-{env}")
    widgets = {
        w["properties"]["title"]: w["properties"]["metrics"] for w in json.loads(dashboard["dashboard_body"])["widgets"]
    }
    services = {m[m.index("ServiceName") + 1] for m in widgets["ECS CPU (%)"]}
    ecs = stack.json["resource"]["aws_ecs_service"]
    assert {ecs[ref.split(".")[1]]["name"] for ref in services} == {f"arrakis-{env}-api", f"arrakis-{env}-worker"}
    assert {m[m.index("DBInstanceIdentifier") + 1] for m in widgets["RDS CPU (%) and connections"]} == {
        f"arrakis-{env}-postgres"
    }
    assert {m[3] for m in widgets["Redis engine CPU (%)"]} == {f"arrakis-{env}-redis-001"}
    assert all(m[2] == "LoadBalancer" for m in widgets["ALB requests"])
    for title in ("ECS memory (%)", "ALB 5xx", "ALB latency (s)", "RDS free storage (bytes)", "RDS latency (s)"):
        assert title in widgets
    url = stack.outputs["cloudwatch_dashboard_url"]
    assert url["value"].endswith(f"#dashboards:name=arrakis-{env}") and url["description"]


def test_alb_is_https_only_with_acm(production: SynthesizedStack) -> None:
    listeners = {listener["port"]: listener for listener in production.all("aws_lb_listener")}
    assert listeners[443]["protocol"] == "HTTPS"
    assert listeners[80]["default_action"][0]["type"] == "redirect"
    assert production.one("aws_acm_certificate")["validation_method"] == "DNS"
    assert production.one("aws_lb")["enable_deletion_protection"] is True


def test_only_the_alb_is_open_to_the_internet(production: SynthesizedStack) -> None:
    public = [r for r in production.all("aws_vpc_security_group_ingress_rule") if r.get("cidr_ipv4") == "0.0.0.0/0"]
    assert sorted(r["from_port"] for r in public) == [80, 443]
    assert all("LoadBalancer_SecurityGroup" in r["security_group_id"] for r in public)


def test_documented_secrets(production: SynthesizedStack) -> None:
    names = production.values("aws_secretsmanager_secret", "name")
    assert names == [
        "arrakis-production/app-config",
        "arrakis-production/db-credentials",
        "arrakis-production/redis-credentials",
        "arrakis-production/vault-token",
    ]
    assert all(s["kms_key_id"].startswith("${aws_kms_key.") for s in production.all("aws_secretsmanager_secret"))
    written = production.all("aws_secretsmanager_secret_version")
    assert len(written) == 2 and all("secret_string" not in v and "secret_string_wo" in v for v in written)


def test_monitoring_alarms_notify_the_topic(production: SynthesizedStack) -> None:
    alarms = production.values("aws_cloudwatch_metric_alarm", "alarm_name")
    for expected in (
        "arrakis-production-api-cpu-high",
        "arrakis-production-api-memory-high",
        "arrakis-production-worker-cpu-high",
        "arrakis-production-worker-memory-high",
        "arrakis-production-alb-5xx-rate",
        "arrakis-production-api-unhealthy-targets",
        "arrakis-production-postgres-cpu-high",
        "arrakis-production-postgres-free-storage-low",
        "arrakis-production-postgres-connections-high",
        "arrakis-production-redis-001-cpu-high",
        "arrakis-production-redis-001-memory-high",
    ):
        assert expected in alarms
    assert production.one("aws_sns_topic")["name"] == "arrakis-production-alerts"


def test_outputs_have_descriptions_and_no_secret_value(production: SynthesizedStack) -> None:
    outputs = production.outputs
    for name in FREESIDE_OUTPUTS:
        assert outputs[name]["description"], name
    text = json.dumps(production.json)
    assert 'password_wo"' not in text and '"password":' not in text


def test_staging_is_reduced_and_destroyable(staging: SynthesizedStack) -> None:
    db = staging.one("aws_db_instance", identifier="arrakis-staging-postgres")
    assert db["instance_class"] == "db.t3.micro"
    assert db["deletion_protection"] is False and db["skip_final_snapshot"] is True
    assert staging.one("aws_ecs_service", name="arrakis-staging-api")["desired_count"] == 1
    assert staging.one("aws_lb")["enable_deletion_protection"] is False
    assert staging.json["terraform"]["backend"]["s3"]["key"] == "staging/terraform.tfstate"
    assert staging.values("aws_vpc", "cidr_block") == ["10.1.0.0/16"]
    assert staging.one("aws_ecr_repository")["name"] == "arrakis-staging-api"
