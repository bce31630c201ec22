"""Drill: RDS rotates the master password it manages; a task started afterwards must connect (issue 20, item 2).

Freeside's staging stack, as synthesized, is applied on the emulator (local
state; only its two task definitions, the values of the secrets they read and
what those need: the database, Redis, keys, roles and network, not the load
balancer and its certificate, which would need the DNS-validation operator), then its database's managed
secret is rotated the way the rotation
schedule does it (RotateSecret now: RDS sets a new password, stored as a new
AWSCURRENT version; fills/secretsmanager.py). What a task of each service
would receive if it started now is resolved from its task definition, as ECS
resolves it (plain environment, each ``valueFrom`` read at its current
version), and the credentials a libpq client takes from it must be the
database's current ones. Before the fix, ``DATABASE_URL`` held a copy of the
password made at apply time: after the rotation every new task got a dead
password until someone applied again. Nothing may need an apply after a
rotation either: the next plan is empty.

Solobase's management service is wired by the same construct call
(``PostgresInstance.client_settings``); tests/stacks/test_rotation_wiring.py
checks both task definitions read the password from the managed secret.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.launcher import DEFAULT_ACCOUNT
from emulator.server import Emulator
from tests.conftest import spec_of
from tests.deploy.drills import (
    deployed,
    managed_credentials,
    postgres_login,
    system_stack,
    targets,
    task_environment,
)

STACK = "freeside-staging"


@pytest.mark.deploy
def test_a_task_started_after_a_rotation_gets_the_current_password(
    teardown_synth_dir: Path, emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    spec = spec_of(STACK)
    account, region = spec.account_id or DEFAULT_ACCOUNT, spec.region
    env = {**base_env, **emulator.environment(account, region)}
    tf = system_stack(teardown_synth_dir / "stacks" / STACK, tmp_path / STACK, env)
    tasks = targets(tf, "aws_ecs_task_definition") + targets(tf, "aws_secretsmanager_secret_version")
    with deployed(tf, emulator, account, spec.regions, only=tasks):
        state = json.loads(tf.pulled_state())
        (master,) = [
            instance["attributes"]["master_user_secret"][0]["secret_arn"]
            for resource in state["resources"]
            if resource["type"] == "aws_db_instance"
            for instance in resource["instances"]
        ]
        task_definitions = [
            instance["attributes"]["arn"]
            for resource in state["resources"]
            if resource["type"] == "aws_ecs_task_definition"
            for instance in resource["instances"]
        ]
        assert len(task_definitions) == 2, "the API and the worker"
        # What operators put in after the first deploy (docs/systems/freeside.md): tasks cannot start without.
        secrets = emulator.client("secretsmanager", account, region)
        for name in ("app-config", "vault-token"):
            secrets.put_secret_value(SecretId=f"arrakis-staging/{name}", SecretString="{}")

        def logins() -> dict[str, tuple[str, str]]:
            return {td: postgres_login(task_environment(emulator, account, region, td)) for td in task_definitions}

        before = managed_credentials(emulator, account, region, master)
        assert set(logins().values()) == {(before["username"], before["password"])}

        # What the schedule does every 7 days (RDS's default; Freeside's document sets none).
        secrets.rotate_secret(SecretId=master)
        after = managed_credentials(emulator, account, region, master)
        assert after["password"] != before["password"], "the rotation did not change the password"

        for task_definition, login in logins().items():
            assert login == (after["username"], after["password"]), (
                f"a task of {task_definition.rsplit('/', 1)[-1]} started after the rotation would connect with "
                "the password of before it (a copy made at apply time)"
            )
        code, plan = tf.plan_changes(*tasks)
        changed = [c["address"] for c in plan.get("resource_changes", []) if c["change"]["actions"] != ["no-op"]]
        assert code == 0, f"a rotation must not need an apply; the plan changes {changed}"
