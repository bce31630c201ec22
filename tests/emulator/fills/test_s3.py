"""The S3 fills (emulator/fills/s3.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator
from tests.support.github_oidc import role_session, session_client

ACCOUNT = "111122223333"


def test_bucket_policy_secure_transport_condition(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT)
    s3.create_bucket(Bucket="tls-only-bucket")
    arns = ["arn:aws:s3:::tls-only-bucket", "arn:aws:s3:::tls-only-bucket/*"]
    tls_only = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": arns,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    s3.put_bucket_policy(
        Bucket="tls-only-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only]})
    )
    s3.put_object(Bucket="tls-only-bucket", Key="k", Body=b"over TLS")
    assert s3.get_object(Bucket="tls-only-bucket", Key="k")["Body"].read() == b"over TLS"

    # A deny whose condition holds still denies.
    deny_tls = {**tls_only, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    s3.put_bucket_policy(
        Bucket="tls-only-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_tls]})
    )
    with pytest.raises(ClientError):
        s3.get_object(Bucket="tls-only-bucket", Key="k")
    s3.delete_bucket_policy(Bucket="tls-only-bucket")
    s3.delete_object(Bucket="tls-only-bucket", Key="k")
    s3.delete_bucket(Bucket="tls-only-bucket")


@pytest.mark.parametrize(
    ("operator", "key", "value"),
    [
        ("IpAddress", "aws:SourceIp", "10.0.0.0/8"),
        ("StringEquals", "aws:SourceVpce", "vpce-0123456789abcdef0"),
        ("Bool", "aws:MultiFactorAuthPresent", "true"),
        ("BoolIfExists", "aws:SecureTransport", "false"),
        ("Null", "aws:SecureTransport", "true"),
    ],
)
def test_bucket_policy_secure_transport_condition_refuses_what_it_cannot_evaluate(
    emulator: Emulator, operator: str, key: str, value: str
) -> None:
    """Fail closed: a condition the emulator cannot decide is neither met nor unmet, it is refused."""
    s3 = emulator.client("s3", ACCOUNT)
    bucket = "unknowable-condition-bucket"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"data")
    for effect in ("Deny", "Allow"):
        statement = {
            "Effect": effect,
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {operator: {key: value}},
        }
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
        with pytest.raises(ClientError) as refused:
            s3.get_object(Bucket=bucket, Key="k")
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
        assert f"cannot evaluate condition key {key}" in refused.value.response["Error"]["Message"]

    # Not over-refused: a statement that does not apply to the request is not evaluated, as on AWS.
    elsewhere = {**statement, "Resource": f"arn:aws:s3:::{bucket}/other/*", "Effect": "Deny"}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [elsewhere]}))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data"

    s3.delete_bucket_policy(Bucket=bucket)
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def _replication(source: str, destination: str, **destination_settings: object) -> dict[str, object]:
    return {
        "Role": "arn:aws:iam::111122223333:role/replication",
        "Rules": [
            {
                "ID": "everything",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "DeleteMarkerReplication": {"Status": "Enabled"},
                "SourceSelectionCriteria": {"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                "Destination": {"Bucket": f"arn:aws:s3:::{destination}", **destination_settings},
            }
        ],
    }


def test_bucket_replication_configuration_as_given(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT)
    for bucket in ("replicated-source", "replicated-target"):
        s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    destination = {
        "EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-1:111122223333:key/replica"},
        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
        "Metrics": {"Status": "Enabled", "EventThreshold": {"Minutes": 15}},
    }
    s3.put_bucket_replication(
        Bucket="replicated-source",
        ReplicationConfiguration=_replication("replicated-source", "replicated-target", **destination),
    )
    (rule,) = s3.get_bucket_replication(Bucket="replicated-source")["ReplicationConfiguration"]["Rules"]
    assert rule["DeleteMarkerReplication"] == {"Status": "Enabled"}
    assert rule["SourceSelectionCriteria"] == {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
    assert rule["Filter"] == {"Prefix": ""}
    assert rule["Destination"]["ReplicationTime"] == {"Status": "Enabled", "Time": {"Minutes": 15}}
    assert rule["Destination"]["EncryptionConfiguration"]["ReplicaKmsKeyID"].endswith(":key/replica")
    s3.delete_bucket_replication(Bucket="replicated-source")
    for bucket in ("replicated-source", "replicated-target"):
        s3.delete_bucket(Bucket=bucket)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing destination", "Destination bucket must exist"),
        ("unversioned destination", "Destination bucket must have versioning enabled"),
        ("no replica key", "ReplicaKmsKeyID must be specified"),
        ("rtc without metrics", "Replication Time Control must be used with Metrics"),
    ],
)
def test_bucket_replication_configuration_as_given_refuses_what_s3_would(
    emulator: Emulator, case: str, message: str
) -> None:
    s3 = emulator.client("s3", ACCOUNT)
    source, target = f"refused-{case.replace(' ', '-')}", f"refused-{case.replace(' ', '-')}-target"
    s3.create_bucket(Bucket=source)
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    if case != "missing destination":
        s3.create_bucket(Bucket=target)
        if case != "unversioned destination":
            s3.put_bucket_versioning(Bucket=target, VersioningConfiguration={"Status": "Enabled"})
    settings: dict[str, object] = {"EncryptionConfiguration": {"ReplicaKmsKeyID": "arn:aws:kms:us-east-1:1:key/k"}}
    if case == "no replica key":
        settings = {}
    if case == "rtc without metrics":
        settings["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": 15}}
    with pytest.raises(ClientError) as refused:
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration=_replication(source, target, **settings))
    assert refused.value.response["Error"]["Code"] == "InvalidRequest"
    assert message in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError, match="ReplicationConfigurationNotFoundError"):
        s3.get_bucket_replication(Bucket=source)


def test_requests_authorized_as_their_iam_action(iam_emulator: Emulator) -> None:

    account = "210000000055"
    iam_emulator.client("s3", account).create_bucket(Bucket="iam-actions-bucket")
    bucket = "arn:aws:s3:::iam-actions-bucket"
    lister = role_session(
        iam_emulator, account, "bucket-lister", [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket}]
    )
    session_client(iam_emulator, lister, "s3").head_bucket(Bucket="iam-actions-bucket")  # HeadBucket is s3:ListBucket
    creator = role_session(
        iam_emulator,
        account,
        "bucket-creator",
        [{"Effect": "Allow", "Action": ["s3:CreateBucket", "s3:ListBucket"], "Resource": bucket}],
    )
    s3 = session_client(iam_emulator, creator, "s3")
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.put_bucket_encryption(
            Bucket="iam-actions-bucket",
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.get_public_access_block(Bucket="iam-actions-bucket")
    with pytest.raises(ClientError, match=r"403|AccessDenied|Forbidden"):
        session_client(iam_emulator, creator, "s3").head_bucket(Bucket="another-bucket")
