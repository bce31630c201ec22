"""The command line: ``python -m emulator`` and what it prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from emulator import fills
from emulator.launcher import client_environment

ROOT = Path(__file__).resolve().parents[2]


def test_list_fills_prints_name_behaviour_and_reference() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "emulator", "--list-fills"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = completed.stdout.splitlines()
    assert len(lines) == len(fills.registered())
    for entry, line in zip(fills.registered(), lines, strict=True):
        assert line == f"- `{entry.name}`: {entry.behaviour} <{entry.reference}>"


def test_client_environment_points_at_the_emulator_only() -> None:
    env = client_environment("https://127.0.0.1:4566", "/tmp/ca.pem", "891376933289", "eu-west-1")
    assert env["AWS_ENDPOINT_URL"] == "https://127.0.0.1:4566"
    assert env["AWS_ACCESS_KEY_ID"] == "891376933289EMULATOR"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_CA_BUNDLE"] == "/tmp/ca.pem"
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"


def test_iam_enforcement_is_moto_s_setting_from_the_first_request_or_never(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import math
    import os

    import moto.settings

    from emulator.launcher import IAM_ENFORCEMENT_ENV, enforce_iam

    monkeypatch.setenv(IAM_ENFORCEMENT_ENV, "5")
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 5.0)
    enforce_iam(True)
    assert os.environ[IAM_ENFORCEMENT_ENV] == "0" and moto.settings.INITIAL_NO_AUTH_ACTION_COUNT == 0
    enforce_iam(False)
    assert os.environ[IAM_ENFORCEMENT_ENV] == "inf" and math.isinf(moto.settings.INITIAL_NO_AUTH_ACTION_COUNT)


def test_without_iam_any_key_is_accepted_as_moto_does(emulator) -> None:  # type: ignore[no-untyped-def]
    import boto3

    stranger = boto3.session.Session().client(
        "sts",
        endpoint_url=emulator.endpoint,
        region_name="us-east-1",
        verify=emulator.ca_bundle,
        aws_access_key_id="AKIAUNKNOWNKEY000000",
        aws_secret_access_key="anything",
    )
    assert stranger.get_caller_identity()["Account"]
