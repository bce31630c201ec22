"""make output and make database-url (infra/deployed.py): what they print, and finding the URL secret."""

from __future__ import annotations

import json

import pytest

from emulator.server import Emulator
from infra.deployed import NotFound, database_url, render
from infra.validation import ConfigError

ARN = "arn:aws:elasticloadbalancing:us-east-1:891376933289:listener/app/arrakis-staging-alb/87340547a068/fdc08637e61c"
OUTPUTS = {
    "alb_https_listener_arn": {"value": ARN, "type": "string", "sensitive": False},
    "private_subnet_ids": {"value": ["subnet-1", "subnet-2"], "type": ["list", "string"], "sensitive": False},
    "admin_token": {"value": "t0ken", "type": "string", "sensitive": True},
}


def test_text_is_one_unwrapped_line_per_output_with_sensitive_values_hidden() -> None:
    text = render(OUTPUTS, name=None, output_format="text", stack_id="freeside-staging")
    assert text.splitlines() == [
        "admin_token = (sensitive: NAME=admin_token prints it)",
        f"alb_https_listener_arn = {ARN}",
        'private_subnet_ids = ["subnet-1","subnet-2"]',
    ]


def test_one_output_by_name_is_raw_and_json_is_json() -> None:
    assert render(OUTPUTS, name="alb_https_listener_arn", output_format="text", stack_id="s") == ARN
    assert render(OUTPUTS, name="admin_token", output_format="text", stack_id="s") == "t0ken"
    assert json.loads(render(OUTPUTS, name="private_subnet_ids", output_format="json", stack_id="s")) == [
        "subnet-1",
        "subnet-2",
    ]
    everything = json.loads(render(OUTPUTS, name=None, output_format="json", stack_id="s"))
    assert everything == {k: v["value"] for k, v in OUTPUTS.items()}
    with pytest.raises(NotFound, match="s has no output 'nope'; it has: admin_token, alb_https_listener_arn"):
        render(OUTPUTS, name="nope", output_format="text", stack_id="s")
    with pytest.raises(ConfigError, match=r"FORMAT must be one of \('text', 'json'\); got 'yaml'"):
        render(OUTPUTS, name=None, output_format="yaml", stack_id="s")


def test_the_database_url_is_read_from_the_one_secret_holding_one(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = "210000000014"
    for name, value in emulator.environment(account).items():
        monkeypatch.setenv(name, value)
    secrets = emulator.client("secretsmanager", account)
    url = "postgresql://app:p%40ss@db.internal:5432/app?sslmode=require"
    arns = {
        "db_credentials_secret_arn": secrets.create_secret(Name="x/db", SecretString=json.dumps({"url": url}))["ARN"],
        "redis_credentials_secret_arn": secrets.create_secret(
            Name="x/redis", SecretString=json.dumps({"url": "rediss://cache:6379"})
        )["ARN"],
        "app_config_secret_arn": secrets.create_secret(Name="x/app-config")["ARN"],  # no value yet
    }
    outputs = {name: {"value": arn, "sensitive": False} for name, arn in arns.items()}
    assert database_url("x-staging", outputs) == url
    with pytest.raises(NotFound, match="no secret of x-staging holds a PostgreSQL URL"):
        database_url("x-staging", outputs, "redis_credentials_secret_arn")
    second = secrets.create_secret(Name="x/replica", SecretString=json.dumps({"url": url}))["ARN"]
    outputs["replica_secret_arn"] = {"value": second, "sensitive": False}
    with pytest.raises(NotFound, match="several secrets of x-staging hold one: db_credentials_secret_arn, replica"):
        database_url("x-staging", outputs)
    assert database_url("x-staging", outputs, "replica_secret_arn") == url


def test_a_url_without_password_gets_the_current_one_of_the_secret_it_names(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database whose password RDS rotates: the URL secret names the managed secret, read when asked."""
    account = "210000000014"  # boto3's default session keeps the first credentials it finds: the account above
    for name, value in emulator.environment(account).items():
        monkeypatch.setenv(name, value)
    secrets = emulator.client("secretsmanager", account)
    managed = secrets.create_secret(Name="y/master", SecretString=json.dumps({"username": "app", "password": "a@b"}))
    parts = {"url": "postgresql://app@db.internal:5432/app?sslmode=require", "password_secret_arn": managed["ARN"]}
    arn = secrets.create_secret(Name="y/db", SecretString=json.dumps(parts))["ARN"]
    outputs = {"db_credentials_secret_arn": {"value": arn, "sensitive": False}}
    assert database_url("x-prod", outputs) == "postgresql://app:a%40b@db.internal:5432/app?sslmode=require"
    secrets.put_secret_value(SecretId=managed["ARN"], SecretString=json.dumps({"username": "app", "password": "c"}))
    assert database_url("x-prod", outputs) == "postgresql://app:c@db.internal:5432/app?sslmode=require"
