"""What services receive as database credentials: never a copy of a password something else rotates (issue 20.2).

Freeside and Solobase's management platform use RDS-managed master
passwords, which RDS rotates on its own: their tasks read ``PGPASSWORD`` from
the managed secret when they start and their URL secret holds no password.
ReplayDash and Luneo generate the password at apply time: their URL secret is
rewritten in the same run whenever the password can change. The emulator drill
(tests/deploy/rotation.py, run in tests/up/test_make_up.py) rotates Freeside's for real.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_stack, stack_ids

MANAGED = {"freeside-production": "DATABASE_URL", "freeside-staging": "DATABASE_URL"} | {
    f"solobase-{env}": "DATABASE_URL" for env in ("dev", "staging", "prod")
}
WRITE_ONLY = ("replaydash-production", "replaydash-staging", "luneo-staging", "luneo-prod")


def containers(stack: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for body in stack["resource"].get("aws_ecs_task_definition", {}).values():
        found += json.loads(body["container_definitions"])
    return found


def database_instance(stack: dict[str, Any], identifier_suffix: str) -> str:
    (name,) = [
        n for n, b in stack["resource"]["aws_db_instance"].items() if b["identifier"].endswith(identifier_suffix)
    ]
    return name


@pytest.mark.parametrize("stack_id", sorted(MANAGED))
def test_tasks_read_a_managed_password_from_its_secret_at_start(synth_dir: Path, stack_id: str) -> None:
    stack = load_stack(synth_dir, stack_id)
    instance = database_instance(stack, "-postgres")
    managed = f"${{aws_db_instance.{instance}.master_user_secret[0].secret_arn}}"
    readers = [c for c in containers(stack) if any(s["name"] == MANAGED[stack_id] for s in c["secrets"])]
    assert readers, f"{stack_id}: no service reads {MANAGED[stack_id]}"
    for container in readers:
        secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
        environment = {e["name"]: e["value"] for e in container["environment"]}
        assert secrets["PGPASSWORD"] == f"{managed}:password::", container["name"]
        assert environment["PGHOST"] == f"${{aws_db_instance.{instance}.address}}"
        assert environment["PGSSLMODE"] == "require" and environment["PGUSER"] and environment["PGDATABASE"]
    # The execution roles may read the managed secret (else ECS cannot start the task).
    policies = [b["policy"] for b in stack["resource"]["aws_iam_role_policy"].values()]
    assert sum(managed in policy for policy in policies) >= len(readers)


@pytest.mark.parametrize("stack_id", sorted(MANAGED))
def test_no_secret_holds_a_copy_of_a_managed_password(synth_dir: Path, stack_id: str) -> None:
    stack = load_stack(synth_dir, stack_id)
    assert "aws_secretsmanager_secret_versions" not in stack.get("data", {})
    for version in stack["resource"].get("aws_secretsmanager_secret_version", {}).values():
        value = version.get("secret_string_wo", "")
        assert "ephemeral.aws_secretsmanager_secret_version." not in value, "a copy of a managed secret"
        if "postgresql://" in value:
            assert 'format("postgresql://%s@%s:%d/%s?sslmode=require"' in value, "a URL with a password"
            assert re.search(r"password_secret_arn = aws_db_instance\.\w+\.master_user_secret\[0\]\.secret_arn", value)


@pytest.mark.parametrize("stack_id", WRITE_ONLY)
def test_a_generated_password_and_its_url_change_in_one_run(synth_dir: Path, stack_id: str) -> None:
    stack = load_stack(synth_dir, stack_id)
    (db,) = [b for b in stack["resource"]["aws_db_instance"].values() if "password_wo" in b]
    versions = stack["resource"]["aws_secretsmanager_secret_version"].values()
    (url,) = [v for v in versions if "postgresql://" in v.get("secret_string_wo", "")]
    # The same ephemeral password feeds both; the URL's version follows password_version.
    assert db["password_wo"].removeprefix("${").removesuffix("}") in url["secret_string_wo"]
    assert f'"{db["password_wo_version"]}"' in url["secret_string_wo_version"]


def test_every_stack_writing_a_database_url_is_in_one_of_the_two_readings(synth_dir: Path) -> None:
    """A new stack writing a database URL must choose: a managed password read at start, or one written with it.

    The shard databases stacks write each role's password with its URL in the run that sets it (tenant-rotate).
    """
    with_url = set()
    for stack_id in stack_ids():
        versions = load_stack(synth_dir, stack_id).get("resource", {}).get("aws_secretsmanager_secret_version", {})
        if any("postgresql://" in v.get("secret_string_wo", "") for v in versions.values()):
            with_url.add(stack_id)
    unread = {s for s in with_url - set(MANAGED) - set(WRITE_ONLY) if "-shard-" not in s}
    assert not unread, f"stacks writing a database URL in neither reading: {sorted(unread)}"
