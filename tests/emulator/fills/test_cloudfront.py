"""The CloudFront fills (emulator/fills/cloudfront.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


def origin(origin_id: str, bucket: str, control: str = "") -> dict[str, Any]:
    return {
        "Id": origin_id,
        "DomainName": f"{bucket}.s3.eu-west-1.amazonaws.com",
        "OriginAccessControlId": control,
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }


def config(reference: str, *, control: str = "", groups: bool = True, **behavior: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {
            "Quantity": 2,
            "Items": [origin("primary", "assets", control), origin("replica", "assets-replica", control)],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "failover" if groups else "primary",
            "ViewerProtocolPolicy": "redirect-to-https",
            "CachePolicyId": CACHING_OPTIMIZED,
            "AllowedMethods": {
                "Quantity": 3,
                "Items": ["GET", "HEAD", "OPTIONS"],
                "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
            },
            **behavior,
        },
    }
    if groups:
        result["OriginGroups"] = {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "failover",
                    "FailoverCriteria": {"StatusCodes": {"Quantity": 2, "Items": [500, 503]}},
                    "Members": {"Quantity": 2, "Items": [{"OriginId": "primary"}, {"OriginId": "replica"}]},
                }
            ],
        }
    return result


def test_cloudfront_origin_groups(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", "310000000010")
    created = cloudfront.create_distribution(DistributionConfig=config("groups"))["Distribution"]
    described = cloudfront.get_distribution(Id=created["Id"])["Distribution"]["DistributionConfig"]
    assert described["DefaultCacheBehavior"]["TargetOriginId"] == "failover"
    (group,) = described["OriginGroups"]["Items"]
    assert [m["OriginId"] for m in group["Members"]["Items"]] == ["primary", "replica"]
    assert sorted(group["FailoverCriteria"]["StatusCodes"]["Items"]) == [500, 503]


def _broken(change: str) -> dict[str, Any]:
    broken = config(f"broken-{change}")
    group = broken["OriginGroups"]["Items"][0]
    if change == "unknown member":
        group["Members"]["Items"][1]["OriginId"] = "elsewhere"
    elif change == "same member twice":
        group["Members"]["Items"][1]["OriginId"] = "primary"
    elif change == "bad status code":
        group["FailoverCriteria"]["StatusCodes"] = {"Quantity": 1, "Items": [429]}
    elif change == "id of an origin":
        group["Id"] = "primary"
        broken["DefaultCacheBehavior"]["TargetOriginId"] = "primary"
    elif change == "unknown target":
        broken["DefaultCacheBehavior"]["TargetOriginId"] = "nowhere"
    elif change == "writes through a group":
        broken["DefaultCacheBehavior"]["AllowedMethods"]["Items"] = [
            "GET",
            "HEAD",
            "OPTIONS",
            "PUT",
            "POST",
            "PATCH",
            "DELETE",
        ]
        broken["DefaultCacheBehavior"]["AllowedMethods"]["Quantity"] = 7
    return broken


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("unknown member", "NoSuchOrigin"),
        ("same member twice", "InvalidArgument"),
        ("bad status code", "InvalidArgument"),
        ("id of an origin", "InvalidArgument"),
        ("unknown target", "NoSuchOrigin"),
        ("writes through a group", "InvalidArgument"),
    ],
)
def test_cloudfront_origin_groups_refuse_what_aws_would(emulator: Emulator, change: str, code: str) -> None:
    cloudfront = emulator.client("cloudfront", "310000000011")
    with pytest.raises(ClientError) as refused:
        cloudfront.create_distribution(DistributionConfig=_broken(change))
    assert refused.value.response["Error"]["Code"] == code
    listed = cloudfront.list_distributions()["DistributionList"].get("Items") or []
    assert not [d for d in listed if d["Comment"] == f"broken-{change}"], "nothing is created"


def test_cloudfront_origin_access_control_on_origins(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", "310000000012")
    control = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "assets",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    created = cloudfront.create_distribution(DistributionConfig=config("oac", control=control))["Distribution"]
    origins = cloudfront.get_distribution(Id=created["Id"])["Distribution"]["DistributionConfig"]["Origins"]["Items"]
    assert [o["OriginAccessControlId"] for o in origins] == [control, control]

    # Fail closed: an unknown control is refused, and one in use cannot be deleted.
    with pytest.raises(ClientError, match="NoSuchOriginAccessControl"):
        cloudfront.create_distribution(DistributionConfig=config("ghost", control="E0000000000000"))
    etag = cloudfront.get_origin_access_control(Id=control)["ETag"]
    with pytest.raises(ClientError, match="OriginAccessControlInUse"):
        cloudfront.delete_origin_access_control(Id=control, IfMatch=etag)
    both = config("both", control=control)
    both["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"] = "origin-access-identity/cloudfront/E1"
    with pytest.raises(ClientError, match="both an origin access control and an origin access identity"):
        cloudfront.create_distribution(DistributionConfig=both)

    dist_etag = cloudfront.get_distribution(Id=created["Id"])["ETag"]
    cloudfront.delete_distribution(Id=created["Id"], IfMatch=dist_etag)
    cloudfront.delete_origin_access_control(Id=control, IfMatch=etag)


def test_cloudfront_distribution_config_as_given(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", "310000000013")
    created = cloudfront.create_distribution(DistributionConfig=config("as-given", groups=False))["Distribution"]
    described = cloudfront.get_distribution(Id=created["Id"])["Distribution"]["DistributionConfig"]
    assert "ForwardedValues" not in described["DefaultCacheBehavior"]
    assert described["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_OPTIMIZED
    assert described["ViewerCertificate"]["CloudFrontDefaultCertificate"] is True
    assert "SSLSupportMethod" not in described["ViewerCertificate"]

    # Not over-filled: legacy settings without a cache policy, and a given support method, are kept.
    legacy = config("legacy", groups=False)
    del legacy["DefaultCacheBehavior"]["CachePolicyId"]
    legacy["DefaultCacheBehavior"]["ForwardedValues"] = {"QueryString": True, "Cookies": {"Forward": "none"}}
    legacy["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True, "SSLSupportMethod": "sni-only"}
    legacy_id = cloudfront.create_distribution(DistributionConfig=legacy)["Distribution"]["Id"]
    kept = cloudfront.get_distribution(Id=legacy_id)["Distribution"]["DistributionConfig"]
    assert kept["DefaultCacheBehavior"]["ForwardedValues"]["QueryString"] is True
    assert kept["ViewerCertificate"]["SSLSupportMethod"] == "sni-only"

    # Fail closed: a cache policy and legacy cache settings together are refused, as on AWS.
    both = copy.deepcopy(legacy)
    both["CallerReference"] = "both-settings"
    both["DefaultCacheBehavior"]["CachePolicyId"] = CACHING_OPTIMIZED
    with pytest.raises(ClientError, match="both a CachePolicyId and ForwardedValues"):
        cloudfront.create_distribution(DistributionConfig=both)
