"""The IAM and STS fills (emulator/fills/iam.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

from emulator.server import Emulator

ACCOUNT = "111122223333"
OTHER = "444455556666"


def test_account_from_access_key(emulator: Emulator) -> None:
    assert emulator.client("sts", ACCOUNT).get_caller_identity()["Account"] == ACCOUNT
    emulator.client("s3", ACCOUNT).create_bucket(Bucket="only-in-first-account")
    other_buckets = emulator.client("s3", OTHER).list_buckets()["Buckets"]
    assert "only-in-first-account" not in [b["Name"] for b in other_buckets]
    emulator.client("s3", ACCOUNT).delete_bucket(Bucket="only-in-first-account")
