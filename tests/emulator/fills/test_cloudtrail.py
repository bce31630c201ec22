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


def test_describe_trails_by_name_list(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT)
    s3.create_bucket(Bucket="trail-list-logs")
    east = emulator.client("cloudtrail", ACCOUNT)
    west = emulator.client("cloudtrail", ACCOUNT, "us-west-2")
    arns = {
        name: east.create_trail(Name=name, S3BucketName="trail-list-logs", IsMultiRegionTrail=True)["TrailARN"]
        for name in ("env-a-trail", "env-b-trail")
    }
    try:
        # What the AWS provider sends to read one trail: exactly that one, not every trail of the account.
        (one,) = east.describe_trails(trailNameList=[arns["env-a-trail"]])["trailList"]
        assert one["Name"] == "env-a-trail"
        assert [t["Name"] for t in east.describe_trails(trailNameList=["env-b-trail"])["trailList"]] == ["env-b-trail"]
        assert sorted(t["Name"] for t in east.describe_trails()["trailList"]) == ["env-a-trail", "env-b-trail"]
        # Elsewhere a multi-region trail is found by its ARN only; a trail that does not exist, nowhere.
        assert [t["Name"] for t in west.describe_trails(trailNameList=[arns["env-b-trail"]])["trailList"]] == [
            "env-b-trail"
        ]
        assert west.describe_trails(trailNameList=["env-b-trail"])["trailList"] == []
        assert east.describe_trails(trailNameList=["no-such-trail"])["trailList"] == []
    finally:
        for arn in arns.values():
            east.delete_trail(Name=arn)
        s3.delete_bucket(Bucket="trail-list-logs")
