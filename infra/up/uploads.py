"""What an operator uploads before a stack deploys (``StackSpec.uploads``), put on the emulator as stand-ins.

On AWS the operator uploads the release (the system's README section says
how). On the emulator there is no release: before a stack deploys, ``make up``
and the deploy tests make the bucket no stack makes and put a stand-in package
(a zip holding an executable ``bootstrap``, which Lambda's custom runtime
expects) where the stack's functions read their code; when the stack is
destroyed, they take both away again, so the emulator ends as it began.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import ClientError

from emulator.server import Emulator
from infra.registry import Upload

STAND_IN = b"#!/bin/sh\n# stands in on the emulator for the release's binary (see the README)\n"


def stand_in_package() -> bytes:
    """A zip holding ``bootstrap`` (mode 755): what a custom-runtime function's package holds."""
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        info = zipfile.ZipInfo("bootstrap")
        info.external_attr = 0o755 << 16
        archive.writestr(info, STAND_IN)
    return package.getvalue()


def _exists(s3: Any, **where: str) -> bool:
    call = s3.head_object if "Key" in where else s3.head_bucket
    try:
        call(**where)
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NoSuchBucket", "NotFound"):
            return False
        raise
    return True


def place(emulator: Emulator, account: str, region: str, uploads: Sequence[Upload]) -> list[str]:
    """Make what ``uploads`` name where missing; returns what was made (``s3://bucket[/key]``)."""
    s3 = emulator.client("s3", account, region)
    made = []
    for upload in uploads:
        if upload.make_bucket and not _exists(s3, Bucket=upload.bucket):
            location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            s3.create_bucket(Bucket=upload.bucket, **location)
            made.append(f"s3://{upload.bucket}")
        if upload.key is not None and not _exists(s3, Bucket=upload.bucket, Key=upload.key):
            s3.put_object(Bucket=upload.bucket, Key=upload.key, Body=stand_in_package())
            made.append(f"s3://{upload.bucket}/{upload.key}")
    return made


def remove(emulator: Emulator, account: str, region: str, uploads: Sequence[Upload]) -> list[str]:
    """Take away what ``uploads`` name: every version of each package, then each bucket made for them once empty
    (a bucket a stack makes is the stack's to delete). Returns what was removed."""
    s3 = emulator.client("s3", account, region)
    removed = []
    for upload in uploads:
        if not _exists(s3, Bucket=upload.bucket):
            continue
        if upload.key is not None:
            versions = 0
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=upload.bucket, Prefix=upload.key):
                for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
                    if item["Key"] == upload.key:
                        s3.delete_object(Bucket=upload.bucket, Key=item["Key"], VersionId=item["VersionId"])
                        versions += 1
            if versions:
                removed.append(f"s3://{upload.bucket}/{upload.key}")
        left = s3.list_object_versions(Bucket=upload.bucket, MaxKeys=1)
        if upload.make_bucket and not (left.get("Versions") or left.get("DeleteMarkers")):
            s3.delete_bucket(Bucket=upload.bucket)
            removed.append(f"s3://{upload.bucket}")
    return removed
