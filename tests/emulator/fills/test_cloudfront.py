"""The CloudFront fills (emulator/fills/cloudfront.py) against a live emulator, and what they must refuse."""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.dns_validator import DnsValidator
from emulator.fills.cloudfront import covers
from emulator.server import Emulator

CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CERTIFICATE_ACCOUNT = "310000000014"
READ = ["GET", "HEAD", "OPTIONS"]
WRITE = [*READ, "PUT", "POST", "PATCH", "DELETE"]


def origin(origin_id: str, kind: str = "s3", control: str = "") -> dict[str, Any]:
    """An origin as the provider sends it: a bucket's REST endpoint, or a function URL's host (custom origin)."""
    if kind == "s3":
        return {
            "Id": origin_id,
            "DomainName": f"{origin_id}.s3.eu-west-1.amazonaws.com",
            "OriginAccessControlId": control,
            "S3OriginConfig": {"OriginAccessIdentity": ""},
        }
    return {
        "Id": origin_id,
        "DomainName": f"{origin_id}.lambda-url.us-east-1.on.aws",
        "OriginAccessControlId": control,
        "CustomOriginConfig": {
            "HTTPPort": 80,
            "HTTPSPort": 443,
            "OriginProtocolPolicy": "https-only",
            "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
        },
    }


def config(
    reference: str = "", *, kind: str = "s3", control: str = "", groups: bool = False, **changes: Any
) -> dict[str, Any]:
    """A distribution: S3 origins (primary and replica, optionally as a failover group) read only and cached,
    or a Lambda function URL origin with nothing cached: every method unsigned, read only behind a control."""
    reference = reference or str(uuid.uuid4())
    origins = [origin("primary", kind, control)] + ([origin("replica", kind, control)] if kind == "s3" else [])
    methods = READ if kind == "s3" or control else WRITE
    result: dict[str, Any] = {
        "CallerReference": reference,
        "Comment": reference,
        "Enabled": True,
        "Origins": {"Quantity": len(origins), "Items": origins},
        "DefaultCacheBehavior": {
            "TargetOriginId": "failover" if groups else "primary",
            "ViewerProtocolPolicy": "redirect-to-https" if kind == "s3" else "https-only",
            "CachePolicyId": CACHING_OPTIMIZED if kind == "s3" else CACHING_DISABLED,
            "AllowedMethods": {
                "Quantity": len(methods),
                "Items": methods,
                "CachedMethods": {"Quantity": 2, "Items": ["GET", "HEAD"]},
            },
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
    result.update(changes)
    return result


def access_control(cloudfront: Any, kind: str, signing: str = "always") -> str:
    control: str = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": f"fill-{kind}-{uuid.uuid4().hex[:8]}",
            "SigningProtocol": "sigv4",
            "SigningBehavior": signing,
            "OriginAccessControlOriginType": kind,
        }
    )["OriginAccessControl"]["Id"]
    return control


def with_methods(distribution: dict[str, Any], methods: list[str]) -> dict[str, Any]:
    changed = copy.deepcopy(distribution)
    changed["DefaultCacheBehavior"]["AllowedMethods"].update(Quantity=len(methods), Items=methods)
    return changed


def delete(cloudfront: Any, distribution_id: str) -> None:
    etag = cloudfront.get_distribution(Id=distribution_id)["ETag"]
    cloudfront.delete_distribution(Id=distribution_id, IfMatch=etag)


def test_cloudfront_origin_groups(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", "310000000010")
    created = cloudfront.create_distribution(DistributionConfig=config("groups", groups=True))["Distribution"]
    described = cloudfront.get_distribution(Id=created["Id"])["Distribution"]["DistributionConfig"]
    assert described["DefaultCacheBehavior"]["TargetOriginId"] == "failover"
    (group,) = described["OriginGroups"]["Items"]
    assert [m["OriginId"] for m in group["Members"]["Items"]] == ["primary", "replica"]
    assert sorted(group["FailoverCriteria"]["StatusCodes"]["Items"]) == [500, 503]


def _broken(change: str) -> dict[str, Any]:
    broken = config(f"broken-{change}", groups=True)
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
        broken["DefaultCacheBehavior"]["AllowedMethods"]["Items"] = WRITE
        broken["DefaultCacheBehavior"]["AllowedMethods"]["Quantity"] = len(WRITE)
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


@pytest.mark.parametrize("kind", ["s3", "lambda"])
def test_cloudfront_origin_access_control_on_origins(emulator: Emulator, kind: str) -> None:
    cloudfront = emulator.client("cloudfront", "310000000012")
    control = access_control(cloudfront, kind)
    created = cloudfront.create_distribution(DistributionConfig=config(kind=kind, control=control))["Distribution"]
    origins = cloudfront.get_distribution(Id=created["Id"])["Distribution"]["DistributionConfig"]["Origins"]["Items"]
    assert {o["OriginAccessControlId"] for o in origins} == {control}

    # Fail closed: an unknown control is refused, and one in use cannot be deleted.
    with pytest.raises(ClientError, match="NoSuchOriginAccessControl"):
        cloudfront.create_distribution(DistributionConfig=config(kind=kind, control="E0000000000000"))
    etag = cloudfront.get_origin_access_control(Id=control)["ETag"]
    with pytest.raises(ClientError, match="OriginAccessControlInUse"):
        cloudfront.delete_origin_access_control(Id=control, IfMatch=etag)
    if kind == "s3":
        both = config(control=control)
        both["Origins"]["Items"][0]["S3OriginConfig"]["OriginAccessIdentity"] = "origin-access-identity/cloudfront/E1"
        with pytest.raises(ClientError, match="both an origin access control and an origin access identity"):
            cloudfront.create_distribution(DistributionConfig=both)

    delete(cloudfront, created["Id"])
    cloudfront.delete_origin_access_control(Id=control, IfMatch=etag)


@pytest.mark.parametrize("kind", ["s3", "lambda"])
def test_cloudfront_cache_policy_replaces_forwarded_values(emulator: Emulator, kind: str) -> None:
    cloudfront = emulator.client("cloudfront", "310000000013")
    created = cloudfront.create_distribution(DistributionConfig=config(kind=kind))["Distribution"]
    behaviour = cloudfront.get_distribution_config(Id=created["Id"])["DistributionConfig"]["DefaultCacheBehavior"]
    assert "ForwardedValues" not in behaviour
    assert behaviour["CachePolicyId"] == (CACHING_OPTIMIZED if kind == "s3" else CACHING_DISABLED)

    # Not over-filled: legacy settings without a cache policy are kept.
    legacy = config(kind=kind)
    del legacy["DefaultCacheBehavior"]["CachePolicyId"]
    legacy["DefaultCacheBehavior"]["ForwardedValues"] = {"QueryString": True, "Cookies": {"Forward": "none"}}
    kept = cloudfront.create_distribution(DistributionConfig=legacy)["Distribution"]
    read = cloudfront.get_distribution_config(Id=kept["Id"])["DistributionConfig"]["DefaultCacheBehavior"]
    assert read["ForwardedValues"]["QueryString"] is True

    # Fail closed: a cache policy and legacy cache settings together are refused, as on AWS.
    both = copy.deepcopy(legacy)
    both["CallerReference"] = str(uuid.uuid4())
    both["DefaultCacheBehavior"]["CachePolicyId"] = CACHING_OPTIMIZED
    with pytest.raises(ClientError, match="both a CachePolicyId and ForwardedValues"):
        cloudfront.create_distribution(DistributionConfig=both)
    delete(cloudfront, created["Id"])
    delete(cloudfront, kept["Id"])


@pytest.fixture(scope="module")
def issued(emulator: Emulator) -> Iterator[str]:
    """An ISSUED certificate in us-east-1 for shop.example.test and *.shop.example.test."""
    acm = emulator.client("acm", CERTIFICATE_ACCOUNT)
    arn: str = acm.request_certificate(
        DomainName="shop.example.test", SubjectAlternativeNames=["*.shop.example.test"], ValidationMethod="DNS"
    )["CertificateArn"]
    validator = DnsValidator(emulator, CERTIFICATE_ACCOUNT)
    try:
        deadline = time.monotonic() + 60
        while acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] != "ISSUED":
            assert time.monotonic() < deadline, "certificate not issued"
            validator.validate_pending()
            time.sleep(0.5)
        yield arn
    finally:
        validator.stop()


def test_cloudfront_viewer_certificate_from_acm(emulator: Emulator, issued: str) -> None:
    cloudfront = emulator.client("cloudfront", CERTIFICATE_ACCOUNT)
    certificate = {
        "ACMCertificateArn": issued,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    aliased = config(kind="lambda", Aliases={"Quantity": 1, "Items": ["acme.shop.example.test"]})
    created = cloudfront.create_distribution(DistributionConfig={**aliased, "ViewerCertificate": certificate})
    distribution = created["Distribution"]
    read = cloudfront.get_distribution_config(Id=distribution["Id"])["DistributionConfig"]["ViewerCertificate"]
    assert read["ACMCertificateArn"] == issued and read["CloudFrontDefaultCertificate"] is False
    assert read["SSLSupportMethod"] == "sni-only"

    # Refused, as on AWS: an alias the certificate does not cover (the wildcard covers one label only),
    # aliases without a certificate, a certificate that is not issued or not in us-east-1.
    for alias in ("deep.acme.shop.example.test", "acme.other.test"):
        with pytest.raises(ClientError, match="InvalidViewerCertificate"):
            cloudfront.create_distribution(
                DistributionConfig=config(
                    kind="lambda", Aliases={"Quantity": 1, "Items": [alias]}, ViewerCertificate=certificate
                )
            )
    with pytest.raises(ClientError, match="InvalidViewerCertificate"):
        cloudfront.create_distribution(
            DistributionConfig=config(kind="lambda", Aliases={"Quantity": 1, "Items": ["acme.shop.example.test"]})
        )
    pending = emulator.client("acm", CERTIFICATE_ACCOUNT).request_certificate(
        DomainName="pending.example.test", ValidationMethod="DNS"
    )
    elsewhere = issued.replace(":us-east-1:", ":eu-west-1:")
    for arn in (pending["CertificateArn"], elsewhere):
        with pytest.raises(ClientError, match="InvalidViewerCertificate"):
            cloudfront.create_distribution(
                DistributionConfig=config(kind="lambda", ViewerCertificate={**certificate, "ACMCertificateArn": arn})
            )

    # Not over-filled: CloudFront's own certificate without a support method, and one given, are as given.
    plain = cloudfront.create_distribution(DistributionConfig=config())["Distribution"]
    default = cloudfront.get_distribution_config(Id=plain["Id"])["DistributionConfig"]["ViewerCertificate"]
    assert default["CloudFrontDefaultCertificate"] is True and "SSLSupportMethod" not in default
    given = config(ViewerCertificate={"CloudFrontDefaultCertificate": True, "SSLSupportMethod": "sni-only"})
    kept = cloudfront.create_distribution(DistributionConfig=given)["Distribution"]
    assert (
        cloudfront.get_distribution_config(Id=kept["Id"])["DistributionConfig"]["ViewerCertificate"]["SSLSupportMethod"]
        == "sni-only"
    )
    for each in (distribution["Id"], plain["Id"], kept["Id"]):
        delete(cloudfront, each)
    emulator.client("acm", CERTIFICATE_ACCOUNT).delete_certificate(CertificateArn=pending["CertificateArn"])


def test_a_wildcard_covers_one_label() -> None:
    assert covers(["*.example.test"], "a.example.test")
    assert not covers(["*.example.test"], "a.b.example.test") and not covers(["*.example.test"], "example.test")
    assert covers(["Example.test."], "example.test")


def test_cloudfront_lambda_origin_writes_need_signed_payloads(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", "310000000015")
    signed = access_control(cloudfront, "lambda")
    reads = config("lambda-reads", kind="lambda", control=signed)

    # Refused: PUT and POST to a function URL CloudFront signs, whose viewers are not declared to sign.
    for signing in ("always", "no-override"):
        writes = with_methods(config(kind="lambda", control=access_control(cloudfront, "lambda", signing)), WRITE)
        with pytest.raises(ClientError, match="x-amz-content-sha256") as refused:
            cloudfront.create_distribution(DistributionConfig=writes)
        assert refused.value.response["Error"]["Code"] == "InvalidArgument"

    # Reads are served; an update opening writes is refused and leaves the distribution as it was.
    created = cloudfront.create_distribution(DistributionConfig=reads)["Distribution"]
    current = cloudfront.get_distribution_config(Id=created["Id"])
    with pytest.raises(ClientError, match="x-amz-content-sha256"):
        cloudfront.update_distribution(
            Id=created["Id"], IfMatch=current["ETag"], DistributionConfig=with_methods(reads, WRITE)
        )
    kept = cloudfront.get_distribution_config(Id=created["Id"])["DistributionConfig"]["DefaultCacheBehavior"]
    assert sorted(kept["AllowedMethods"]["Items"]) == sorted(READ)

    # Declared signing viewers (the stacks' tag), an unsigned function URL and OAC signing "never" are accepted.
    tagged = cloudfront.create_distribution_with_tags(
        DistributionConfigWithTags={
            "DistributionConfig": with_methods(config(kind="lambda", control=signed), WRITE),
            "Tags": {"Items": [{"Key": "ClientsSignPayloads", "Value": "true"}]},
        }
    )["Distribution"]
    unsigned = cloudfront.create_distribution(DistributionConfig=config(kind="lambda"))["Distribution"]
    never = access_control(cloudfront, "lambda", "never")
    unsigning = cloudfront.create_distribution(
        DistributionConfig=with_methods(config(kind="lambda", control=never), WRITE)
    )["Distribution"]
    for each in (created, tagged, unsigned, unsigning):
        delete(cloudfront, each["Id"])
