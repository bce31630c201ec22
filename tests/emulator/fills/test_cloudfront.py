"""The CloudFront fills (emulator/fills/cloudfront.py) against a live emulator, and what they must refuse."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.dns_validator import DnsValidator
from emulator.fills.cloudfront import covers
from emulator.server import Emulator

ACCOUNT = "210000000032"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def _config(**changes: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "CallerReference": str(uuid.uuid4()),
        "Comment": "fill test",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "origin",
                    "DomainName": "abc123.lambda-url.us-east-1.on.aws",
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                        "OriginSslProtocols": {"Quantity": 1, "Items": ["TLSv1.2"]},
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "origin",
            "ViewerProtocolPolicy": "https-only",
            "CachePolicyId": CACHING_DISABLED,
        },
    }
    config.update(changes)
    return config


def _access_control(cloudfront: Any) -> str:
    control: str = cloudfront.create_origin_access_control(
        OriginAccessControlConfig={
            "Name": f"fill-{uuid.uuid4().hex[:8]}",
            "OriginAccessControlOriginType": "lambda",
            "SigningBehavior": "always",
            "SigningProtocol": "sigv4",
        }
    )["OriginAccessControl"]["Id"]
    return control


def _delete(cloudfront: Any, distribution_id: str) -> None:
    etag = cloudfront.get_distribution(Id=distribution_id)["ETag"]
    cloudfront.delete_distribution(Id=distribution_id, IfMatch=etag)


@pytest.fixture(scope="module")
def issued(emulator: Emulator) -> Iterator[str]:
    """An ISSUED certificate in us-east-1 for shop.example.test and *.shop.example.test."""
    acm = emulator.client("acm", ACCOUNT)
    arn: str = acm.request_certificate(
        DomainName="shop.example.test", SubjectAlternativeNames=["*.shop.example.test"], ValidationMethod="DNS"
    )["CertificateArn"]
    validator = DnsValidator(emulator, ACCOUNT)
    try:
        deadline = time.monotonic() + 60
        while acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] != "ISSUED":
            assert time.monotonic() < deadline, "certificate not issued"
            validator.validate_pending()
            time.sleep(0.5)
        yield arn
    finally:
        validator.stop()


def test_origin_access_control_on_origins(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", ACCOUNT)
    control = _access_control(cloudfront)
    config = _config()
    config["Origins"]["Items"][0]["OriginAccessControlId"] = control
    distribution = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
    read = cloudfront.get_distribution_config(Id=distribution["Id"])["DistributionConfig"]
    assert read["Origins"]["Items"][0]["OriginAccessControlId"] == control

    # Refused: an origin access control the account does not have.
    unknown = _config()
    unknown["Origins"]["Items"][0]["OriginAccessControlId"] = "E0NOSUCHCONTROL"
    with pytest.raises(ClientError, match="NoSuchOriginAccessControl"):
        cloudfront.create_distribution(DistributionConfig=unknown)
    _delete(cloudfront, distribution["Id"])
    cloudfront.delete_origin_access_control(Id=control)


def test_cache_policy_replaces_forwarded_values(emulator: Emulator) -> None:
    cloudfront = emulator.client("cloudfront", ACCOUNT)
    distribution = cloudfront.create_distribution(DistributionConfig=_config())["Distribution"]
    behaviour = cloudfront.get_distribution_config(Id=distribution["Id"])["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["CachePolicyId"] == CACHING_DISABLED
    assert "ForwardedValues" not in behaviour

    # Not over-filled: a behaviour with legacy settings keeps them.
    legacy = _config()
    legacy["DefaultCacheBehavior"] = {
        "TargetOriginId": "origin",
        "ViewerProtocolPolicy": "https-only",
        "ForwardedValues": {"QueryString": True, "Cookies": {"Forward": "all"}},
        "MinTTL": 0,
    }
    kept = cloudfront.create_distribution(DistributionConfig=legacy)["Distribution"]
    read = cloudfront.get_distribution_config(Id=kept["Id"])["DistributionConfig"]["DefaultCacheBehavior"]
    assert read["ForwardedValues"]["QueryString"] is True
    # Refused: both at once.
    both = _config()
    both["DefaultCacheBehavior"]["ForwardedValues"] = {"QueryString": False, "Cookies": {"Forward": "none"}}
    with pytest.raises(ClientError, match="InvalidArgument"):
        cloudfront.create_distribution(DistributionConfig=both)
    _delete(cloudfront, distribution["Id"])
    _delete(cloudfront, kept["Id"])


def test_viewer_certificate_from_acm(emulator: Emulator, issued: str) -> None:
    cloudfront = emulator.client("cloudfront", ACCOUNT)
    certificate = {
        "ACMCertificateArn": issued,
        "SSLSupportMethod": "sni-only",
        "MinimumProtocolVersion": "TLSv1.2_2021",
    }
    config = _config(Aliases={"Quantity": 1, "Items": ["acme.shop.example.test"]}, ViewerCertificate=certificate)
    distribution = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]
    read = cloudfront.get_distribution_config(Id=distribution["Id"])["DistributionConfig"]["ViewerCertificate"]
    assert read["ACMCertificateArn"] == issued and read["CloudFrontDefaultCertificate"] is False

    # Refused, as on AWS: an alias the certificate does not cover (the wildcard covers one label only),
    # aliases without a certificate, a certificate that is not issued or not in us-east-1.
    for alias in ("deep.acme.shop.example.test", "acme.other.test"):
        with pytest.raises(ClientError, match="InvalidViewerCertificate"):
            cloudfront.create_distribution(
                DistributionConfig=_config(Aliases={"Quantity": 1, "Items": [alias]}, ViewerCertificate=certificate)
            )
    with pytest.raises(ClientError, match="InvalidViewerCertificate"):
        cloudfront.create_distribution(
            DistributionConfig=_config(Aliases={"Quantity": 1, "Items": ["acme.shop.example.test"]})
        )
    pending = emulator.client("acm", ACCOUNT).request_certificate(
        DomainName="pending.example.test", ValidationMethod="DNS"
    )
    elsewhere = issued.replace(":us-east-1:", ":eu-west-1:")
    for arn in (pending["CertificateArn"], elsewhere):
        with pytest.raises(ClientError, match="InvalidViewerCertificate"):
            cloudfront.create_distribution(
                DistributionConfig=_config(ViewerCertificate={**certificate, "ACMCertificateArn": arn})
            )
    # Not over-filled: without a certificate of its own, the default one.
    plain = cloudfront.create_distribution(DistributionConfig=_config())["Distribution"]
    default = cloudfront.get_distribution_config(Id=plain["Id"])["DistributionConfig"]["ViewerCertificate"]
    assert default["CloudFrontDefaultCertificate"] is True
    _delete(cloudfront, distribution["Id"])
    _delete(cloudfront, plain["Id"])
    emulator.client("acm", ACCOUNT).delete_certificate(CertificateArn=pending["CertificateArn"])


def test_a_wildcard_covers_one_label() -> None:
    assert covers(["*.example.test"], "a.example.test")
    assert not covers(["*.example.test"], "a.b.example.test") and not covers(["*.example.test"], "example.test")
    assert covers(["Example.test."], "example.test")
