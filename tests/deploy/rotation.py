"""Drill: RDS rotates the master password it manages; a task started afterwards must connect (issue 20, item 2).

Run on Freeside's staging stack while ``make up`` has it deployed
(tests/up/test_make_up.py, which then runs ``make up`` again and must see no
change: nothing may need an apply after a rotation). The database's managed
secret is rotated the way the rotation schedule does it (RotateSecret: RDS
sets a new password, stored as a new AWSCURRENT version;
emulator/fills/secretsmanager.py). What a task of each service would receive
if it started now is resolved from its task definition, as ECS resolves it
(plain environment, each ``valueFrom`` read at its current version), and the
credentials a libpq client takes from it must be the database's current
ones. Before the fix, ``DATABASE_URL`` held a copy of the password made at
apply time: after the rotation every new task got a dead password until
someone applied again.

Solobase's management service is wired by the same construct call
(``PostgresInstance.client_settings``); tests/stacks/test_rotation_wiring.py
checks both task definitions read the password from the managed secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from emulator.server import Emulator
from tests.deploy.drills import managed_credentials, postgres_login, task_environment


def a_task_started_after_a_rotation_gets_the_current_password(
    emulator: Emulator, account: str, region: str, state: Mapping[str, Any], operator_secrets: tuple[str, ...]
) -> None:
    """``state``: the deployed stack's; ``operator_secrets``: the secrets operators fill after the first deploy
    (tasks cannot start without them), given a stand-in value here."""
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
    secrets = emulator.client("secretsmanager", account, region)
    for name in operator_secrets:
        secrets.put_secret_value(SecretId=name, SecretString="{}")

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
