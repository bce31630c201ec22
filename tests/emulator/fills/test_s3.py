"""The S3 fills (emulator/fills/s3.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator

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
