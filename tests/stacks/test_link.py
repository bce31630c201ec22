"""link-development, link-staging and link-production against 004_3722e3135b002b68.txt, value by value."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import app, systems
from infra.paths import REPOSITORY_ROOT
from infra.systems.link.settings import LinkSettings
from infra.systems.link.stacks import LinkStack
from infra.validation import ConfigError
from tests.conftest import spec_of
from tests.support.stack import SynthesizedStack

ENVIRONMENTS = ("development", "staging", "production")
SERVICES = ("users", "chat", "ai", "search", "discovery")
HOSTS = {
    "development": "localhost",
    "staging": "postgres.staging.link.internal",
    "production": "postgres.production.link.internal",
}


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def link(request: pytest.FixtureRequest, synth_dir: Path) -> SynthesizedStack:
    return SynthesizedStack(synth_dir, f"link-{request.param}")


def _environment(stack: SynthesizedStack) -> str:
    name: str = stack.json["//"]["metadata"]["stackName"]
    return name.removeprefix("link-")


def _by_name(stack: SynthesizedStack, resource_type: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Resources of a type by their ``name``, with their logical ids."""
    found = stack.json["resource"][resource_type]
    return {block["name"]: (logical_id, block) for logical_id, block in found.items()}


def _ref(resource_type: str, logical_id: str) -> str:
    return f"${{{resource_type}.{logical_id}.name}}"


_DATABASE_REF = re.compile(r'^\$\{postgresql_database\.(\w+)\["(\w+)"\]\.name\}$')


def _databases(stack: SynthesizedStack) -> tuple[str, dict[str, dict[str, Any]]]:
    """The one databases block's logical id, and service -> its for_each entry."""
    ((logical_id, block),) = stack.json["resource"]["postgresql_database"].items()
    return logical_id, block["for_each"]


def _database_of(stack: SynthesizedStack, reference: str) -> str:
    """The name of the database a ``${postgresql_database.<set>["<service>"].name}`` reference points at."""
    match = _DATABASE_REF.match(reference)
    assert match, reference
    logical_id, entries = _databases(stack)
    assert match.group(1) == logical_id
    return str(entries[match.group(2)]["name"])


def test_the_spec_is_a_databases_stack_on_the_postgresql_and_aws_providers() -> None:
    for environment in ENVIRONMENTS:
        spec = spec_of(f"link-{environment}")
        assert (spec.kind, spec.providers, spec.stack_class()) == ("databases", ("postgresql", "aws"), LinkStack)
        assert spec.backend == f"s3://link-terraform-state/{environment}/terraform.tfstate"
        assert not spec.deploys_on_emulator


def test_state_goes_to_the_link_bucket(link: SynthesizedStack) -> None:
    assert link.json["terraform"]["backend"]["s3"] == {
        "bucket": "link-terraform-state",
        "key": f"{_environment(link)}/terraform.tfstate",
        "region": "us-east-1",
        "encrypt": True,
        "dynamodb_table": "link-terraform-locks",
        "use_lockfile": True,
    }


def test_the_provider_connects_as_link_user_to_link_app_with_ssl_and_no_password(link: SynthesizedStack) -> None:
    assert link.json["provider"]["aws"] == [
        {
            "region": "us-east-1",
            "default_tags": [{"tags": {"Project": "link", "Environment": _environment(link), "ManagedBy": "cdktf"}}],
        }
    ]
    assert {k: v for k, v in link.json["provider"].items() if k != "aws"} == {
        "postgresql": [
            {
                "host": HOSTS[_environment(link)],
                "port": 5432,
                "username": "link_user",
                "database": "link_app",
                "sslmode": "require",
            }
        ]
    }
    assert link.json["terraform"]["required_providers"] == {
        "aws": {"source": "aws", "version": "5.100.0"},
        "postgresql": {"source": "cyrilgdn/postgresql", "version": "1.26.0"},
    }


def test_a_database_per_service_owned_by_its_role_limited_to_100(link: SynthesizedStack) -> None:
    logical_id, databases = _databases(link)
    roles = _by_name(link, "postgresql_role")
    assert set(databases) == set(SERVICES), "one block, keyed by service"
    for service in SERVICES:
        role_id, _ = roles[f"link_{service}_user"]
        assert databases[service] == {
            "name": f"link_{service}",
            "owner": _ref("postgresql_role", role_id),
            "connection_limit": 100,
        }
    block = link.json["resource"]["postgresql_database"][logical_id]
    protected = _environment(link) != "development"
    assert bool(block.get("lifecycle", {}).get("prevent_destroy")) is protected


def test_the_databases_deployed_as_resources_of_their_own_are_moved_not_replaced(link: SynthesizedStack) -> None:
    logical_id, _ = _databases(link)
    # The addresses the databases had before they became one block (cdktf's move support writes these).
    before = {
        "users": "Databases_Users_Database_2D1E7FCA",
        "chat": "Databases_Chat_Database_B92908B3",
        "ai": "Databases_Ai_Database_72BF4F86",
        "search": "Databases_Search_Database_0380308D",
        "discovery": "Databases_Discovery_Database_C8302104",
    }
    assert {m["from"]: m["to"] for m in link.json["moved"]} == {
        f"postgresql_database.{old}": f'postgresql_database.{logical_id}["{service}"]'
        for service, old in before.items()
    }


def test_a_login_role_per_service_limited_to_50_with_a_write_only_password(link: SynthesizedStack) -> None:
    roles = _by_name(link, "postgresql_role")
    assert set(roles) == {f"link_{s}_user" for s in SERVICES} | {"link_monitoring_user"}
    for name, (_, role) in roles.items():
        assert role["login"] is True and role["connection_limit"] == 50
        generator = f"Passwords_{''.join(part.capitalize() for part in name.split('_'))}_Password"
        assert role["password_wo"] == f"${{ephemeral.aws_secretsmanager_random_password.{generator}.random_password}}"
        assert role["password_wo_version"] == "1"
        assert "password" not in role, "a plain password would be stored in state"


def test_connect_is_revoked_from_public_on_every_service_database(link: SynthesizedStack) -> None:
    public = [g for g in link.all("postgresql_grant") if g["role"] == "public"]
    assert sorted(_database_of(link, g["database"]) for g in public) == sorted(f"link_{s}" for s in SERVICES)
    for grant in public:
        assert (grant["object_type"], grant["privileges"]) == ("database", [])


def test_the_monitoring_role_has_pg_monitor_and_connect_on_every_service_database(link: SynthesizedStack) -> None:
    monitoring_id, monitoring = _by_name(link, "postgresql_role")["link_monitoring_user"]
    assert monitoring["roles"] == ["pg_monitor"]
    grants = [g for g in link.all("postgresql_grant") if g["role"] == _ref("postgresql_role", monitoring_id)]
    assert sorted(_database_of(link, g["database"]) for g in grants) == sorted(f"link_{s}" for s in SERVICES)
    assert all((g["object_type"], g["privileges"]) == ("database", ["CONNECT"]) for g in grants)
    # No other grant exists: no service role is given another service's database.
    assert len(link.all("postgresql_grant")) == 2 * len(SERVICES)


def test_uuid_ossp_everywhere_and_vector_in_the_search_database_only(link: SynthesizedStack) -> None:
    declared = sorted((_database_of(link, e["database"]), e["name"]) for e in link.all("postgresql_extension"))
    assert declared == sorted([*((f"link_{s}", "uuid-ossp") for s in SERVICES), ("link_search", "vector")])


def test_role_passwords_are_generated_at_apply_time_into_their_secrets_and_nowhere_else(
    link: SynthesizedStack,
) -> None:
    environment = _environment(link)
    roles = _by_name(link, "postgresql_role")
    generators = link.json["ephemeral"]["aws_secretsmanager_random_password"]
    assert len(generators) == len(roles) == 6
    assert all(
        g == {"password_length": 32, "exclude_punctuation": True, "require_each_included_type": True}
        for g in generators.values()
    )
    (key,) = link.all("aws_kms_key")
    assert key["enable_key_rotation"] is True
    assert link.one("aws_kms_alias")["name"] == f"alias/link-{environment}-secrets"
    secrets = {s["name"]: s for s in link.all("aws_secretsmanager_secret")}
    assert set(secrets) == {f"link-{environment}/{role}" for role in roles}
    assert all(s["kms_key_id"].startswith("${aws_kms_key.SecretsKey") for s in secrets.values())
    assert {s["recovery_window_in_days"] for s in secrets.values()} == {30 if environment == "production" else 7}
    versions = link.json["resource"]["aws_secretsmanager_secret_version"]
    assert len(versions) == 6
    for version in versions.values():
        # The same generated value the role gets, write-only, sent again only when the version changes.
        role_name = re.search(r'username = "(\w+)"', version["secret_string_wo"])
        assert role_name, version["secret_string_wo"]
        role_id, role = roles[role_name.group(1)]
        assert f"password = {role['password_wo'][2:-1]}" in version["secret_string_wo"]
        assert version["secret_string_wo_version"] == 1 and "secret_string" not in version
        assert version["lifecycle"] == {"replace_triggered_by": [f"postgresql_role.{role_id}"]}
    assert "variable" not in link.json, "no password comes from a variable (TF_VAR_*)"


def test_a_raised_password_version_reaches_the_role_and_its_secret_together(tmp_path: Path) -> None:
    stack = _synth_development(tmp_path, "[databases.password_versions]\nlink_chat_user = 3\n")
    roles = {r["name"]: r for r in stack["resource"]["postgresql_role"].values()}
    assert roles["link_chat_user"]["password_wo_version"] == "3"
    assert {r["password_wo_version"] for n, r in roles.items() if n != "link_chat_user"} == {"1"}
    versions = stack["resource"]["aws_secretsmanager_secret_version"]
    chat = next(v for v in versions.values() if "link_chat_user" in v["secret_string_wo"])
    assert chat["secret_string_wo_version"] == 3
    assert sorted(v["secret_string_wo_version"] for v in versions.values()) == [1, 1, 1, 1, 1, 3]


def test_outputs_name_databases_roles_and_secrets_with_descriptions(link: SynthesizedStack) -> None:
    outputs = link.outputs
    assert set(outputs) == {"service_database_names", "service_role_names", "monitoring_role_name", "role_secret_arns"}
    assert all(o["description"] and o["sensitive"] is False for o in outputs.values())
    assert set(outputs["service_database_names"]["value"]) == set(SERVICES)
    assert len(outputs["role_secret_arns"]["value"]) == 6


def test_aws_only_for_the_secrets_and_their_key(link: SynthesizedStack) -> None:
    assert {t for t in link.json["resource"] if not t.startswith("postgresql_")} == {
        "aws_kms_key",
        "aws_kms_alias",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_version",
    }
    assert set(link.json["ephemeral"]) == {"aws_secretsmanager_random_password"}


def _synth_development(tmp_path: Path, overrides: str) -> dict[str, Any]:
    (tmp_path / "config" / "link").mkdir(parents=True)
    (tmp_path / "config" / "link" / "development.toml").write_text(overrides)
    app.synth(outdir=str(tmp_path / "out"), requested="link-development", config_dir=tmp_path / "config")
    result: dict[str, Any] = json.loads((tmp_path / "out" / "stacks" / "link-development" / "cdk.tf.json").read_text())
    return result


def test_settings_turn_ssl_and_the_monitoring_role_off(tmp_path: Path) -> None:
    stack = _synth_development(
        tmp_path, '[connection]\nsslmode = "disable"\n[databases]\ncreate_monitoring_role = false\n'
    )
    assert stack["provider"]["postgresql"][0]["sslmode"] == "disable"
    assert "link_monitoring_user" not in json.dumps(stack["resource"])
    assert all(g["role"] == "public" for g in stack["resource"]["postgresql_grant"].values())
    assert "monitoring_role_name" not in stack["output"]


SERVICE_TUPLE = "('users', 'chat', 'ai', 'search', 'discovery')"
BAD_SETTINGS = [
    ("[databases.role]\nconnection_limit = -5", "databases.role.connection_limit must be an integer from -1 to 100000"),
    ("[databases.database]\nconnection_limit = 1.5", "databases.database.connection_limit must be an integer; got 1.5"),
    (
        '[databases.service_extensions]\nserch = ["vector"]',
        f"databases.service_extensions must be one of {SERVICE_TUPLE}; got 'serch'",
    ),
    ('[databases]\nservices = ["users", "monitoring"]', "databases.services must be names other than 'monitoring'"),
    (
        '[databases]\nservices = ["Users"]',
        "databases.services must be service names of lower-case letters and digits; got 'Users'",
    ),
    (
        '[databases.database]\nextensions = ["uuid ossp"]',
        "databases.database.extensions must be extension names such as 'uuid-ossp' or 'vector'",
    ),
    (
        '[connection]\nhost = "db host"',
        "connection.host must be a lower-case host name or IPv4 address; got 'db host'",
    ),
    ('[connection]\nusername = "Link-User"', "connection.username must be a PostgreSQL name"),
    ('[files]\nkubernetes_namespace = "Default"', "files.kubernetes_namespace must be a Kubernetes namespace"),
    ("[files.backup]\nretention_days = 0", "files.backup.retention_days must be an integer from 1 to 3650; got 0"),
    ('[files.backup]\ndirectory = "backups"', "files.backup.directory must be an absolute path"),
    (
        '[files.pgbouncer]\npool_mode = "batch"',
        "files.pgbouncer.pool_mode must be one of ('session', 'transaction', 'statement')",
    ),
    ("[files.pgbouncer]\nlisten_port = 0", "files.pgbouncer.listen_port must be an integer from 1 to 65535; got 0"),
    (
        '[files.migration_tables]\nbilling = ["invoices"]',
        f"files.migration_tables must be one of {SERVICE_TUPLE}; got 'billing'",
    ),
    (
        '[files.migration_tables]\nusers = ["users; drop"]',
        "files.migration_tables.users must be table names or patterns",
    ),
    (
        '[files.service_names]\nusers = "User_Svc"',
        "files.service_names.users must be lower-case letters, digits and inner hyphens",
    ),
    ('[connection]\npassword = "hunter2"', "connection.password must be free of secrets"),
    # The old flat keys are refused naming the new one (docs/configuration.md: renamed keys).
    ("user_connection_limit = 40", "user_connection_limit must be written as databases.role.connection_limit"),
    ("[pgbouncer]\npool_mode = 'session'", "pgbouncer must be written as files.pgbouncer"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_SETTINGS, ids=[b[0].split(" ")[0] for b in BAD_SETTINGS])
def test_a_bad_setting_stops_before_anything_is_built_naming_it(tmp_path: Path, overrides: str, message: str) -> None:
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "development.toml").write_text(overrides + "\n")
    with pytest.raises(ConfigError) as raised:
        app.configure(app.chosen("link-development", tmp_path))
    expected = message if message.startswith("link.") else f"link.development.{message}"
    assert str(raised.value).startswith(expected), str(raised.value)


def test_a_bad_setting_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "config" / "link").mkdir(parents=True)
    (tmp_path / "config" / "link" / "staging.toml").write_text("[databases.role]\nconnection_limit = -5\n")
    out = tmp_path / "cdktf.out"
    completed = subprocess.run(
        [sys.executable, "main.py"],
        cwd=REPOSITORY_ROOT,
        env={**os.environ, "INFRA_CONFIG_DIR": str(tmp_path / "config"), "CDKTF_OUTDIR": str(out)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines()[-1] == (
        "error: link.staging.databases.role.connection_limit must be an integer from -1 to 100000; got -5"
    )
    assert not out.exists()


def test_every_documented_setting() -> None:
    settings = systems.load("link", "production", Path("/nonexistent"))
    assert isinstance(settings, LinkSettings)
    connection, databases, files = settings.connection, settings.databases, settings.files
    assert (connection.port, connection.username, connection.database, connection.sslmode) == (
        5432,
        "link_user",
        "link_app",
        "require",
    )
    assert (databases.services, databases.database.connection_limit, databases.role.connection_limit) == (
        SERVICES,
        100,
        50,
    )
    assert databases.create_monitoring_role and databases.database.extensions == ("uuid-ossp",)
    assert (files.backup.retention_days, files.backup.directory, files.kubernetes_namespace) == (
        30,
        "/var/backups/postgresql",
        "default",
    )
    pgbouncer = files.pgbouncer
    assert pgbouncer.enabled and (pgbouncer.pool_mode, pgbouncer.default_pool_size, pgbouncer.max_client_conn) == (
        "session",
        10,
        100,
    )
    assert pgbouncer.upstream_host == "postgres"
