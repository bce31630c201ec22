"""The origin check (infra/functions/origin_check.py), run as Lambda runs it, against the emulator's Secrets Manager.

The handler is called with the authorizer event an HTTP API sends (payload 2.0, lower-case header names)
and reads the secret over loopback with boto3, as in its function. What it must refuse matters most: a
request around CloudFront carries no value or a guessed one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from emulator.server import Emulator
from infra.functions import origin_check

ACCOUNT = "310000000021"


def event(value: str | None) -> dict[str, Any]:
    """What API Gateway sends a REQUEST authorizer with payload format 2.0."""
    headers = {"content-type": "application/json", "authorization": "Bearer t0k"}
    if value is not None:
        headers[origin_check.HEADER] = value
    return {"version": "2.0", "type": "REQUEST", "routeKey": "$default", "rawPath": "/api/items", "headers": headers}


@pytest.fixture
def secret(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str]]:
    """A secret holding the current value, and the check pointed at it (fresh, as a new execution environment)."""
    for name, value in emulator.environment(ACCOUNT).items():
        monkeypatch.setenv(name, value)
    client = emulator.client("secretsmanager", ACCOUNT)
    arn: str = client.create_secret(Name=f"solobase-dev/{uuid.uuid4()}/origin", SecretString="first-value")["ARN"]
    monkeypatch.setenv("ORIGIN_SECRET_ID", arn)
    monkeypatch.setattr(origin_check, "_cache", {})
    # boto3's default session keeps the first credentials it resolved: start one from this environment.
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    yield client, arn
    client.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


def authorized(value: str | None) -> bool:
    return origin_check.handler(event(value), None)["isAuthorized"]


def test_cloudfronts_value_is_admitted_and_anything_else_refused(secret: tuple[Any, str]) -> None:
    assert authorized("first-value")
    for other in ("", "first-valu", "first-value ", "FIRST-VALUE", "guess", None):
        assert not authorized(other), other


def test_a_new_value_is_admitted_with_the_previous_one_until_the_next(secret: tuple[Any, str]) -> None:
    client, arn = secret
    assert origin_check.accepted_values(now=0.0) == ("first-value",)
    client.put_secret_value(SecretId=arn, SecretString="second-value")
    # Kept per execution environment for CACHE_SECONDS, then read again.
    assert origin_check.accepted_values(now=1.0) == ("first-value",)
    later = origin_check.CACHE_SECONDS + 1
    assert origin_check.accepted_values(now=later) == ("second-value", "first-value")
    client.put_secret_value(SecretId=arn, SecretString="third-value")
    assert origin_check.accepted_values(now=2 * later) == ("third-value", "second-value")


def test_an_unreadable_secret_lets_nothing_through(secret: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORIGIN_SECRET_ID", "solobase-dev/nobody/origin")
    with pytest.raises(Exception, match="ResourceNotFoundException"):
        origin_check.handler(event("first-value"), None)
