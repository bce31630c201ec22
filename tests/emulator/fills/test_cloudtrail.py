"""The CloudTrail fill (emulator/fills/cloudtrail.py) against a live emulator, and what it must refuse."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator

ACCOUNT = "210000000031"


def test_delete_trail_by_name_or_arn(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT)
    s3.create_bucket(Bucket="trail-fill-logs")
    cloudtrail = emulator.client("cloudtrail", ACCOUNT)
    by_arn = cloudtrail.create_trail(Name="by-arn", S3BucketName="trail-fill-logs", IsMultiRegionTrail=True)
    cloudtrail.create_trail(Name="by-name", S3BucketName="trail-fill-logs")

    cloudtrail.delete_trail(Name=by_arn["TrailARN"])
    cloudtrail.delete_trail(Name="by-name")
    assert cloudtrail.describe_trails()["trailList"] == []

    # Refused, as on AWS: deleting what is not there (by name or ARN) is an error, not a silent success.
    for missing in ("by-name", by_arn["TrailARN"]):
        with pytest.raises(ClientError, match="TrailNotFoundException"):
            cloudtrail.delete_trail(Name=missing)
    s3.delete_bucket(Bucket="trail-fill-logs")
