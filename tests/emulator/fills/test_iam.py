"""The IAM and STS fills (emulator/fills/iam.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator
from tests.support.github_oidc import role_session, session_client

ACCOUNT = "111122223333"
OTHER = "444455556666"


def test_account_from_access_key(emulator: Emulator) -> None:
    assert emulator.client("sts", ACCOUNT).get_caller_identity()["Account"] == ACCOUNT
    emulator.client("s3", ACCOUNT).create_bucket(Bucket="only-in-first-account")
    other_buckets = emulator.client("s3", OTHER).list_buckets()["Buckets"]
    assert "only-in-first-account" not in [b["Name"] for b in other_buckets]
    emulator.client("s3", ACCOUNT).delete_bucket(Bucket="only-in-first-account")


# With IAM enforced (python -m emulator --iam): the root key, role ARNs, CloudWatch's prefix, signatures.

ENFORCED = "210000000099"


def test_root_user_access_key(iam_emulator: Emulator) -> None:

    iam = iam_emulator.client("iam", ENFORCED)
    iam.create_role(RoleName="made-by-root", AssumeRolePolicyDocument="{}")
    for key, secret, code in (
        ("AKIAUNKNOWNKEY000000", "x", "InvalidClientTokenId"),
        (f"{ENFORCED}EMULATOR", "wrong", "SignatureDoesNotMatch"),
    ):
        stranger = boto3.session.Session().client(
            "iam",
            endpoint_url=iam_emulator.endpoint,
            region_name="us-east-1",
            verify=iam_emulator.ca_bundle,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )
        with pytest.raises(ClientError, match=code):
            stranger.list_roles()


def test_signature_over_the_payload_sent(iam_emulator: Emulator) -> None:

    for service, call in (("route53", "list_hosted_zones"), ("lambda", "list_functions"), ("eks", "list_clusters")):
        getattr(iam_emulator.client(service, ENFORCED), call)()
    forged = boto3.session.Session().client(
        "lambda",
        endpoint_url=iam_emulator.endpoint,
        region_name="us-east-1",
        verify=iam_emulator.ca_bundle,
        aws_access_key_id=f"{ENFORCED}EMULATOR",
        aws_secret_access_key="not-the-secret",
    )
    with pytest.raises(ClientError, match=r"SignatureDoesNotMatch|403"):
        forged.list_functions()


def test_role_requests_are_authorized_against_the_role(iam_emulator: Emulator) -> None:

    session = role_session(
        iam_emulator,
        ENFORCED,
        "roles-maker",
        [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateRole", "iam:DeleteRole"],
                "Resource": f"arn:aws:iam::{ENFORCED}:role/app-*",
            }
        ],
    )
    iam = session_client(iam_emulator, session, "iam")
    iam.create_role(RoleName="app-worker", AssumeRolePolicyDocument="{}")
    iam.delete_role(RoleName="app-worker")
    with pytest.raises(ClientError, match="AccessDenied"):
        iam.create_role(RoleName="admin-worker", AssumeRolePolicyDocument="{}")


def test_actions_named_by_service_prefix(iam_emulator: Emulator) -> None:

    right = role_session(
        iam_emulator,
        ENFORCED,
        "alarms-reader",
        [{"Effect": "Allow", "Action": "cloudwatch:DescribeAlarms", "Resource": "*"}],
    )
    session_client(iam_emulator, right, "cloudwatch").describe_alarms()
    signing_name = role_session(
        iam_emulator, ENFORCED, "monitoring-reader", [{"Effect": "Allow", "Action": "monitoring:*", "Resource": "*"}]
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        session_client(iam_emulator, signing_name, "cloudwatch").describe_alarms()
