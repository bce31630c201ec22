"""PostgresInstance, RedisReplicationGroup and the connection secrets they write."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from cdktf import TerraformOutput

from infra.constructs.iam import ServiceRole
from infra.constructs.kms_key import KmsKey
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.constructs.secret import Secret
from infra.constructs.security_group import SecurityGroup
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps
from infra.validation import ConfigError
from tests.support.synth import only, resources, synth

DB = PostgresInstanceProps(
    instance_class="db.t3.small", engine_version="15.18", database_name="arrakis", master_username="arrakis"
)


def database(
    props: PostgresInstanceProps = DB,
    *,
    with_secret: bool = True,
    then: Callable[[Any, PostgresInstance], None] | None = None,
) -> dict:
    """The instance in a stack of its own; ``then(stack, instance)`` adds more to that stack."""

    def make(stack):
        key = KmsKey(stack, "Key", alias="demo", description="demo")
        db = PostgresInstance(
            stack,
            "Db",
            identifier="demo-postgres",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            storage_key=key,
            secret_key=key,
            props=props,
        )
        app = SecurityGroup(stack, "App", name="app", description="app", vpc_id="vpc-1")
        db.allow_from(app, label="PostgreSQL from app")
        if with_secret:
            secret = Secret(
                stack, "Url", name="demo/db-credentials", description="url", kms_key=key, props=SecretProps()
            )
            db.write_connection_secret(secret)
        if then is not None:
            then(stack, db)

    return synth(make)


def test_instance_is_private_encrypted_tls_only_and_backed_up() -> None:
    stack = database()
    db = only(stack, "aws_db_instance")
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True and db["storage_type"] == "gp3"
    assert (db["instance_class"], db["engine_version"], db["allocated_storage"]) == ("db.t3.small", "15.18", 20)
    assert db["backup_retention_period"] == 7
    assert db["deletion_protection"] is True
    assert db["skip_final_snapshot"] is False
    assert db["auto_minor_version_upgrade"] is False  # a pinned minor: upgrades are changes of the setting
    assert db["enabled_cloudwatch_logs_exports"] == ["postgresql", "upgrade"]
    parameters = only(stack, "aws_db_parameter_group")["parameter"]
    assert {"name": "rds.force_ssl", "value": "1"} in parameters
    assert only(stack, "aws_db_parameter_group")["family"] == "postgres15"
    groups = {g["name"]: g["retention_in_days"] for g in resources(stack, "aws_cloudwatch_log_group")}
    assert groups == {"/aws/rds/instance/demo-postgres/postgresql": 30, "/aws/rds/instance/demo-postgres/upgrade": 30}


def test_rds_manages_the_master_password() -> None:
    db = only(database(), "aws_db_instance")
    assert db["manage_master_user_password"] is True
    assert "password" not in db and "password_wo" not in db


def test_only_allowed_groups_reach_the_port() -> None:
    stack = database()
    (rule,) = resources(stack, "aws_vpc_security_group_ingress_rule")
    assert rule["from_port"] == rule["to_port"] == 5432
    assert rule["referenced_security_group_id"].startswith("${aws_security_group.App_")


def test_final_snapshot_name_is_fixed_when_the_instance_is_created() -> None:
    """``<identifier>-final-<creation time>``: a second destroy of a remade instance cannot collide."""
    stack = database()
    db = only(stack, "aws_db_instance")
    (name, stamp) = stack["resource"]["terraform_data"].popitem()
    assert db["final_snapshot_identifier"] == f"${{terraform_data.{name}.output}}"
    assert stamp["input"] == 'demo-postgres-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}'
    assert stamp["lifecycle"] == {"ignore_changes": ["input"]}  # kept after creation: later plans are empty
    assert stamp["triggers_replace"][:2] == ["arrakis", "arrakis"]  # what replaces the instance renames it


def test_a_major_alone_lets_rds_keep_the_minor_current() -> None:
    db = only(database(dataclasses.replace(DB, engine_version="15")), "aws_db_instance")
    assert (db["engine_version"], db["auto_minor_version_upgrade"]) == ("15", True)


def test_managed_password_is_never_copied_into_the_url_secret() -> None:
    """RDS rotates the managed password: the URL secret holds none, and names the secret that does."""
    stack = database()
    assert "ephemeral" not in stack and "aws_secretsmanager_secret_versions" not in stack.get("data", {})
    version = only(stack, "aws_secretsmanager_secret_version")
    assert "secret_string" not in version
    value = version["secret_string_wo"]
    assert value.startswith('${jsonencode({url = format("postgresql://%s@%s:%d/%s?sslmode=require"')
    assert "password_secret_arn = aws_db_instance." in value and ".master_user_secret[0].secret_arn" in value
    assert "password =" not in value and "AWSCURRENT" not in version["secret_string_wo_version"]


def _client_settings(props: PostgresInstanceProps) -> dict[str, object]:
    """What :meth:`PostgresInstance.client_settings` gives, as synthesized outputs."""

    def outputs(stack: Any, db: PostgresInstance) -> None:
        client = db.client_settings()
        TerraformOutput(stack, "environment", value=dict(client.environment))
        TerraformOutput(stack, "password", value=client.secrets["PGPASSWORD"].value_from)

    return {name: body["value"] for name, body in database(props, with_secret=False, then=outputs)["output"].items()}


def test_client_settings_read_the_password_from_the_managed_secret() -> None:
    """A task gets PGPASSWORD from the managed secret's current version when it starts, the rest as plain values."""
    outputs = _client_settings(DB)
    environment = outputs["environment"]
    assert isinstance(environment, dict)
    assert {k: environment[k] for k in ("PGPORT", "PGDATABASE", "PGUSER", "PGSSLMODE")} == {
        "PGPORT": "5432",
        "PGDATABASE": "arrakis",
        "PGUSER": "arrakis",
        "PGSSLMODE": "require",
    }
    assert str(environment["PGHOST"]).startswith("${aws_db_instance.")
    assert str(outputs["password"]).endswith(".master_user_secret[0].secret_arn}:password::")
    with pytest.raises(ConfigError, match="rds_managed"):
        _client_settings(dataclasses.replace(DB, master_password=MasterPassword.WRITE_ONLY))


def test_write_only_password_feeds_the_instance_and_the_url_with_one_version() -> None:
    stack = database(dataclasses.replace(DB, master_password=MasterPassword.WRITE_ONLY, password_version=3))
    db = only(stack, "aws_db_instance")
    (name,) = stack["ephemeral"]["aws_secretsmanager_random_password"]
    assert db["password_wo"] == f"${{ephemeral.aws_secretsmanager_random_password.{name}.random_password}}"
    assert db["password_wo_version"] == 3
    assert "manage_master_user_password" not in db
    version = only(stack, "aws_secretsmanager_secret_version")
    assert f"ephemeral.aws_secretsmanager_random_password.{name}.random_password" in version["secret_string_wo"]
    assert '"3"' in version["secret_string_wo_version"]
    assert "resource_id" in version["secret_string_wo_version"]


def test_no_literal_password_anywhere() -> None:
    text = json.dumps(database(dataclasses.replace(DB, master_password=MasterPassword.WRITE_ONLY)))
    assert '"password"' not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"instance_class": "db.x9.huge"}, "instance_class must be one of ('db.t3.micro'"),
        ({"engine_version": "9.6"}, "engine_version must be <major>[.<minor>] with major in (13, 14, 15, 16, 17)"),
        ({"backup_retention_days": 40}, "backup_retention_days must be an integer from 0 to 35; got 40"),
        ({"allocated_storage_gb": 10}, "allocated_storage_gb must be an integer from 20 to 65536; got 10"),
        ({"max_allocated_storage_gb": 20}, "max_allocated_storage_gb must be an integer from 21 to 65536"),
        ({"master_username": "postgres"}, "master_username must be a lower-case identifier other than postgres"),
        ({"performance_insights": True}, "performance_insights must be false on micro and small classes"),
        ({"log_retention_days": 2}, "log_retention_days must be one of"),
        ({"backup_window": "3am"}, "backup_window must be hh:mm-hh:mm (UTC)"),
    ],
)
def test_invalid_database_props(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        dataclasses.replace(DB, **change)
    assert message in str(raised.value)


REDIS = RedisProps(node_type="cache.t3.micro")


def cache(props: RedisProps = REDIS) -> dict:
    def make(stack):
        key = KmsKey(stack, "Key", alias="demo", description="demo")
        redis = RedisReplicationGroup(
            stack, "Cache", name="demo-redis", vpc_id="vpc-1", subnet_ids=["subnet-1"], kms_key=key, props=props
        )
        app = SecurityGroup(stack, "App", name="app", description="app", vpc_id="vpc-1")
        redis.allow_from(app, label="Redis from app")
        secret = Secret(
            stack, "Url", name="demo/redis-credentials", description="url", kms_key=key, props=SecretProps()
        )
        redis.write_connection_secret(secret)

    return synth(make)


def test_redis_is_encrypted_at_rest_and_in_transit() -> None:
    stack = cache()
    group = only(stack, "aws_elasticache_replication_group")
    assert group["node_type"] == "cache.t3.micro"
    assert group["at_rest_encryption_enabled"] == "true"
    assert group["transit_encryption_enabled"] is True
    assert group["kms_key_id"].startswith("${aws_kms_key.")
    assert "auth_token" not in group
    (user_group,) = stack["resource"]["aws_elasticache_user_group"]
    assert group["user_group_ids"] == [f"${{aws_elasticache_user_group.{user_group}.user_group_id}}"]
    (rule,) = resources(stack, "aws_vpc_security_group_ingress_rule")
    assert rule["from_port"] == 6379 and "referenced_security_group_id" in rule
    url = only(stack, "aws_secretsmanager_secret_version")["secret_string_wo"]
    assert 'format("rediss://%s:%d"' in url
    assert "final_snapshot_identifier" not in group and "terraform_data" not in stack["resource"]


def test_redis_takes_a_final_snapshot_of_its_own_when_asked() -> None:
    stack = cache(dataclasses.replace(REDIS, final_snapshot=True))
    group = only(stack, "aws_elasticache_replication_group")
    ((name, stamp),) = stack["resource"]["terraform_data"].items()
    assert group["final_snapshot_identifier"] == f"${{terraform_data.{name}.output}}"
    assert stamp["input"] == 'demo-redis-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}'
    assert stamp["lifecycle"] == {"ignore_changes": ["input"]}


def test_redis_requires_authentication_and_keeps_no_secret() -> None:
    """Role-based access control: a group whose ``default`` user can do nothing, so a connection must
    authenticate; no password, token or AUTH string anywhere (docs.aws.amazon.com/AmazonElastiCache/latest/dg/
    Clusters.RBAC.html, a user named default in every Redis OSS group)."""
    stack = cache()
    group = only(stack, "aws_elasticache_user_group")
    assert (group["user_group_id"], group["engine"]) == ("demo-redis", "redis")
    (default,) = resources(stack, "aws_elasticache_user")
    assert (default["user_id"], default["user_name"]) == ("demo-redis-default", "default")
    assert default["access_string"] == "off -@all" and default["no_password_required"] is True
    assert group["user_ids"] == [
        f"${{aws_elasticache_user.{name}.user_id}}" for name in stack["resource"]["aws_elasticache_user"]
    ]
    text = json.dumps(stack)
    for secret in ('"passwords"', '"auth_token"', "random_password"):
        assert secret not in text


def test_grant_connect_makes_one_iam_user_per_client_and_allows_connect_as_it_only() -> None:
    """IAM authentication: the user authenticates by IAM, and the client's role may ``elasticache:Connect`` on
    this replication group and its own user, nothing else (docs.aws.amazon.com/AmazonElastiCache/latest/dg/
    auth-iam.html)."""

    def make(stack):
        key = KmsKey(stack, "Key", alias="demo", description="demo")
        redis = RedisReplicationGroup(
            stack, "Cache", name="demo-redis", vpc_id="vpc-1", subnet_ids=["subnet-1"], kms_key=key, props=REDIS
        )
        api, worker = (
            ServiceRole(stack, n, name=f"demo-{n.lower()}", service="ecs-tasks.amazonaws.com", description="d")
            for n in ("Api", "Worker")
        )
        first = redis.grant_connect(api, user="demo-api")
        assert redis.grant_connect(api, user="demo-api") == first and len(redis.users) == 1
        redis.grant_connect(worker, user="demo-worker")
        assert redis.client_environment("demo-api") == {
            "REDIS_USER": "demo-api",
            "REDIS_REPLICATION_GROUP_ID": "demo-redis",
        }

    stack = synth(make)
    users = {u["user_id"]: u for u in resources(stack, "aws_elasticache_user")}
    assert set(users) == {"demo-redis-default", "demo-api", "demo-worker"}
    for user_id in ("demo-api", "demo-worker"):
        user = users[user_id]
        assert user["user_name"] == user_id and user["authentication_mode"] == {"type": "iam"}
        assert user["access_string"] == "on ~* +@all" and "passwords" not in user
    names = {u["user_id"]: n for n, u in stack["resource"]["aws_elasticache_user"].items()}
    group = only(stack, "aws_elasticache_user_group")
    assert sorted(group["user_ids"]) == sorted(f"${{aws_elasticache_user.{n}.user_id}}" for n in names.values())
    (replication_group,) = stack["resource"]["aws_elasticache_replication_group"]
    connect = {
        json.loads(p["policy"])["Statement"][0]["Resource"][1]: (p["role"], json.loads(p["policy"]))
        for p in resources(stack, "aws_iam_role_policy")
    }
    assert len(connect) == 2
    for user_id in ("demo-api", "demo-worker"):
        role, document = connect[f"${{aws_elasticache_user.{names[user_id]}.arn}}"]
        (statement,) = document["Statement"]
        assert statement == {
            "Effect": "Allow",
            "Action": "elasticache:Connect",
            "Resource": [
                f"${{aws_elasticache_replication_group.{replication_group}.arn}}",
                f"${{aws_elasticache_user.{names[user_id]}.arn}}",
            ],
        }
        assert role.startswith("${aws_iam_role.")
    assert {p["name"] for p in resources(stack, "aws_iam_role_policy")} == {"ConnectRedis"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"engine_version": "6.2"}, "engine_version must be a Redis OSS 7 version"),
        ({"client_access_string": "off ~* +@all"}, "client_access_string must be a Redis ACL starting with 'on'"),
        ({"client_access_string": "on >s3cret ~* +@all"}, "client_access_string must be a Redis ACL"),
        ({"client_access_string": "on nopass ~* +@all"}, "client_access_string must be rules without nopass"),
        ({"node_type": "cache.x1.huge"}, "node_type must be one of"),
        ({"automatic_failover": True}, "automatic_failover must be false when num_cache_clusters is 1"),
        ({"num_cache_clusters": 2, "multi_az": True}, "multi_az must be false unless automatic_failover is on"),
    ],
)
def test_invalid_redis_props(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        dataclasses.replace(REDIS, **change)
    assert message in str(raised.value)
