"""Reading the roles' passwords from Secrets Manager (on the emulator): what the stack writes, or a clear refusal."""

from __future__ import annotations

import json

import pytest

from emulator.server import Emulator
from infra.systems.link import credentials

ACCOUNT = "210000000706"  # an account of its own on this worker's emulator
REGION = "us-east-1"


@pytest.fixture
def client(emulator: Emulator):  # type: ignore[no-untyped-def]
    return emulator.client("secretsmanager", ACCOUNT, REGION)


def test_each_role_reads_its_own_secret(client) -> None:  # type: ignore[no-untyped-def]
    for role, password in (("link_users_user", "a" * 32), ("link_chat_user", "b" * 32)):
        client.create_secret(
            Name=f"link-staging/{role}", SecretString=json.dumps({"username": role, "password": password})
        )
    found = credentials.read("staging", REGION, ["link_users_user", "link_chat_user"], client=client)
    assert {role: c.password for role, c in found.items()} == {"link_users_user": "a" * 32, "link_chat_user": "b" * 32}
    assert "a" * 32 not in repr(found), "a credential never prints its password"


def test_missing_secrets_are_named_with_what_to_do(client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(credentials.CredentialsUnavailable) as refused:
        credentials.read("production", REGION, ["link_ai_user", "link_search_user"], client=client)
    assert str(refused.value) == (
        "no password in Secrets Manager (us-east-1) for link-production/link_ai_user, "
        "link-production/link_search_user: deploy the stack first (make deploy STACK=link-production)"
    )


@pytest.mark.parametrize(
    ("environment", "value", "message"),
    [
        ("case1", "not json", "link-case1/link_ai_user is not what the stack writes"),
        ("case2", json.dumps({"username": "someone_else", "password": "x"}), "is not what the stack writes"),
        ("case3", json.dumps({"username": "link_ai_user", "password": ""}), "holds an empty password"),
    ],
)
def test_a_secret_not_written_by_the_stack_is_refused(client, environment: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    client.create_secret(Name=f"link-{environment}/link_ai_user", SecretString=value)
    with pytest.raises(credentials.CredentialsUnavailable, match=message):
        credentials.read(environment, REGION, ["link_ai_user"], client=client)
