"""What an operator uploads before a stack deploys, stood in on the emulator (infra/up/uploads.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from emulator.server import Emulator
from infra.registry import Upload
from infra.up.uploads import place, remove
from infra.validation import ConfigError

ACCOUNT = "210000000051"  # an account of its own on this worker's emulator
REGION = "us-east-1"
BUCKET = Upload(bucket="demo-binaries", make_bucket=True)
PACKAGE = Upload(bucket="demo-binaries", key="demo-1.0.zip")


def test_uploads_are_put_in_once_and_taken_away_with_the_bucket_made_for_them(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT, REGION)
    assert place(emulator, ACCOUNT, REGION, [BUCKET, PACKAGE]) == [
        "s3://demo-binaries",
        "s3://demo-binaries/demo-1.0.zip",
    ]
    body = s3.get_object(Bucket="demo-binaries", Key="demo-1.0.zip")["Body"].read()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        (info,) = archive.infolist()
        assert info.filename == "bootstrap" and info.external_attr >> 16 == 0o755
    assert place(emulator, ACCOUNT, REGION, [BUCKET, PACKAGE]) == [], "a second deploy finds them there"

    assert remove(emulator, ACCOUNT, REGION, [PACKAGE]) == ["s3://demo-binaries/demo-1.0.zip"]
    assert remove(emulator, ACCOUNT, REGION, [BUCKET]) == ["s3://demo-binaries"]
    assert "demo-binaries" not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert remove(emulator, ACCOUNT, REGION, [BUCKET, PACKAGE]) == [], "nothing left to take away"


def test_a_bucket_holding_more_than_stand_ins_or_made_by_a_stack_stays(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT, REGION)
    place(emulator, ACCOUNT, REGION, [BUCKET])
    s3.put_object(Bucket="demo-binaries", Key="someone-else.txt", Body=b"kept")
    assert remove(emulator, ACCOUNT, REGION, [BUCKET]) == []
    s3.delete_object(Bucket="demo-binaries", Key="someone-else.txt")
    s3.create_bucket(Bucket="demo-stack-bucket")
    made_by_a_stack = Upload(bucket="demo-stack-bucket", key="demo-1.0.zip")
    place(emulator, ACCOUNT, REGION, [made_by_a_stack])
    assert remove(emulator, ACCOUNT, REGION, [made_by_a_stack]) == ["s3://demo-stack-bucket/demo-1.0.zip"]
    assert "demo-stack-bucket" in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for bucket in ("demo-stack-bucket", "demo-binaries"):
        s3.delete_bucket(Bucket=bucket)


def test_uploads_name_a_bucket_and_a_zip_package() -> None:
    with pytest.raises(ConfigError, match="upload bucket must be an S3 bucket name"):
        Upload(bucket="Not_A_Bucket")
    with pytest.raises(ConfigError, match=r"upload key must be the key of a \.zip package"):
        Upload(bucket="demo-binaries", key="demo.tar.gz")
