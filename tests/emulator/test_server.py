"""A running emulator seen from outside: accounts, clients and the inventory deploy checks compare."""

from __future__ import annotations

import boto3

from emulator.server import Emulator

ACCOUNT = "210000000040"


def test_clients_act_in_their_account_and_the_inventory_sees_what_they_create(emulator: Emulator) -> None:
    emulator.warm_up(ACCOUNT, "us-east-1")
    before = emulator.inventory(ACCOUNT, "us-east-1")
    s3 = emulator.client("s3", ACCOUNT, session=boto3.session.Session())
    s3.create_bucket(Bucket="inventoried-bucket")
    assert emulator.inventory(ACCOUNT, "us-east-1") - before == {"bucket:inventoried-bucket"}
    assert "bucket:inventoried-bucket" not in emulator.inventory("210000000041", "us-east-1")
    s3.delete_bucket(Bucket="inventoried-bucket")
    assert emulator.inventory(ACCOUNT, "us-east-1") == before


def test_environment_selects_the_account(emulator: Emulator) -> None:
    env = emulator.environment(ACCOUNT, "eu-west-1")
    assert env["AWS_ENDPOINT_URL"] == emulator.endpoint
    assert env["AWS_ACCESS_KEY_ID"].startswith(ACCOUNT)
    assert env["AWS_REGION"] == "eu-west-1"
