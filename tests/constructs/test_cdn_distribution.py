"""The CloudFront distribution for every origin kind (S3, Lambda function URL, HTTPS): shape and refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing as CdktfTesting
from constructs import Construct

from infra.constructs.cdn_distribution import (
    ALL_VIEWER_EXCEPT_HOST_HEADER,
    CACHING_DISABLED,
    CACHING_OPTIMIZED,
    DYNAMIC,
    DYNAMIC_READ,
    STATIC,
    CacheBehavior,
    CdnDistribution,
    CdnOrigin,
    OriginType,
)
from infra.constructs.kms_key import KmsKey
from infra.constructs.lambda_function import FunctionCode, LambdaFunction
from infra.constructs.private_bucket import PrivateBucket
from infra.props.cdn_distribution import CdnDistributionProps
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.private_bucket import PrivateBucketProps
from infra.validation import ConfigError
from tests.support.synth import eu_stack, only, policy, resource_names, resources, synth

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/x"


def bucket_origin(scope: Construct, origin_id: str = "assets", *, behavior: CacheBehavior = STATIC) -> CdnOrigin:
    key = KmsKey(scope, f"{origin_id}Key", alias=f"demo-{origin_id}", description="demo")
    bucket = PrivateBucket(
        scope, f"{origin_id}Bucket", bucket_name=f"demo-{origin_id}", props=PrivateBucketProps(kms_key_arn=key.arn)
    )
    return CdnOrigin.s3_bucket(origin_id=origin_id, bucket=bucket, key=key, behavior=behavior)


def demo_function(scope: Construct) -> LambdaFunction:
    code = FunctionCode(s3_bucket="demo-binaries", s3_key="demo-1.0.0.zip")
    return LambdaFunction(scope, "Fn", name="demo-fn", description="demo", code=code, props=LambdaFunctionProps())


def function_origin(scope: Construct, *, behavior: CacheBehavior = DYNAMIC_READ, signing: bool = False) -> CdnOrigin:
    function = demo_function(scope)
    function.add_url()
    return CdnOrigin.lambda_url(
        origin_id="function", function=function, behavior=behavior, clients_sign_payloads=signing
    )


def assets(props: CdnDistributionProps | None = None, *, failover: bool = True) -> dict[str, Any]:
    """Luneo's shape: a bucket in eu-west-1, its replica in us-east-1 as failover origin."""
    stack = eu_stack()
    edge = stack.region("secondary", "us-east-1")
    CdnDistribution(
        stack,
        "Cdn",
        name="demo-assets",
        origin=bucket_origin(stack),
        failover_origin=bucket_origin(edge, "replica") if failover else None,
        certificate_scope=edge,
        props=props or CdnDistributionProps(),
    ).declare_outputs()
    result: dict[str, Any] = json.loads(CdktfTesting.synth(stack))
    return result


def test_bucket_origins_fail_over_to_the_replica_and_let_only_this_distribution_read() -> None:
    stack = assets()
    distribution = only(stack, "aws_cloudfront_distribution")
    (group,) = distribution["origin_group"]
    assert [m["origin_id"] for m in group["member"]] == ["assets", "replica"]
    assert group["failover_criteria"]["status_codes"] == [403, 404, 500, 502, 503, 504]
    behaviour = distribution["default_cache_behavior"]
    assert behaviour["target_origin_id"] == "assets-with-failover"
    assert (behaviour["viewer_protocol_policy"], behaviour["cache_policy_id"]) == (
        "redirect-to-https",
        CACHING_OPTIMIZED,
    )
    assert "origin_request_policy_id" not in behaviour
    assert all("custom_origin_config" not in o for o in distribution["origin"])
    control = only(stack, "aws_cloudfront_origin_access_control")
    assert control["origin_access_control_origin_type"] == "s3"
    for bucket_policy in resources(stack, "aws_s3_bucket_policy"):
        (read,) = [s for s in policy(bucket_policy["policy"])["Statement"] if s["Sid"] == "CloudFrontReadsThroughOac"]
        assert read["Condition"]["StringEquals"]["AWS:SourceArn"].startswith("${aws_cloudfront_distribution.")
    for key in resources(stack, "aws_kms_key"):
        sids = {s["Sid"] for s in policy(key["policy"])["Statement"]}
        assert "CloudFrontDecryptsForTheDistribution" in sids
    assert set(stack["output"]) == {"cdn_domain_name", "cdn_distribution_id"}


def test_distribution_without_failover_targets_its_origin() -> None:
    stack = assets(failover=False)
    distribution = only(stack, "aws_cloudfront_distribution")
    assert "origin_group" not in distribution
    assert distribution["default_cache_behavior"]["target_origin_id"] == "assets"
    assert distribution["default_cache_behavior"]["allowed_methods"] == ["GET", "HEAD", "OPTIONS"]
    assert distribution["price_class"] == "PriceClass_100"
    assert distribution["viewer_certificate"] == {"cloudfront_default_certificate": True}


def test_custom_domain_certificate_is_made_in_us_east_1_with_alias_records() -> None:
    stack = assets(CdnDistributionProps(domain_name="cdn.example.com", hosted_zone_id="Z0123456789ABC"))
    certificate = only(stack, "aws_acm_certificate")
    assert certificate["provider"] == "aws.secondary" and certificate["validation_method"] == "DNS"
    records = {r["type"] for r in resources(stack, "aws_route53_record") if "alias" in r}
    assert records == {"A", "AAAA"}
    validation_records = [r for r in resources(stack, "aws_route53_record") if "for_each" in r]
    assert validation_records and validation_records[0]["provider"] == "aws.secondary"
    assert "cdn_certificate_validation_records" in stack["output"]


def test_a_function_url_is_called_only_by_the_distribution_signing_for_it_and_nothing_is_cached() -> None:
    stack = synth(
        lambda s: CdnDistribution(s, "Cdn", name="demo-fn", origin=function_origin(s), props=CdnDistributionProps())
    )
    control = only(stack, "aws_cloudfront_origin_access_control")
    assert (control["origin_access_control_origin_type"], control["signing_protocol"]) == ("lambda", "sigv4")
    assert control["description"] == "CloudFront demo-fn signs its requests to Lambda function URL origins"
    permissions = {p["action"]: p for p in resources(stack, "aws_lambda_permission")}
    assert set(permissions) == {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}
    assert {p["principal"] for p in permissions.values()} == {"cloudfront.amazonaws.com"}
    assert all(p["source_arn"].startswith("${aws_cloudfront_distribution.") for p in permissions.values())
    distribution = only(stack, "aws_cloudfront_distribution")
    (origin,) = distribution["origin"]
    assert origin["origin_access_control_id"].startswith("${aws_cloudfront_origin_access_control.")
    assert origin["domain_name"].startswith('${element(split("/", aws_lambda_function_url.')
    assert origin["custom_origin_config"]["origin_protocol_policy"] == "https-only"
    behaviour = distribution["default_cache_behavior"]
    assert (behaviour["cache_policy_id"], behaviour["origin_request_policy_id"]) == (
        CACHING_DISABLED,
        ALL_VIEWER_EXCEPT_HOST_HEADER,
    )
    assert behaviour["viewer_protocol_policy"] == "https-only" and "forwarded_values" not in behaviour
    assert behaviour["allowed_methods"] == ["GET", "HEAD", "OPTIONS"], "reads, unless its clients sign"
    assert distribution["tags"] == {"Name": "demo-fn"}


def test_a_signed_function_url_origin_takes_no_writes_unless_its_clients_sign_their_payloads() -> None:
    """CloudFront's OAC for Lambda: PUT and POST need the body's SHA-256 from the viewer (the rule the
    emulator's cloudfront_lambda_origin_writes_need_signed_payloads fill enforces at deploy)."""

    def unsigned(stack: Any) -> None:
        CdnDistribution(
            stack, "Cdn", name="demo-fn", origin=function_origin(stack, behavior=DYNAMIC), props=CdnDistributionProps()
        )

    with pytest.raises(ConfigError, match=r"function allowed_methods must be no POST or PUT to a function URL behind"):
        synth(unsigned)
    stack = synth(
        lambda s: CdnDistribution(
            s,
            "Cdn",
            name="demo-fn",
            origin=function_origin(s, behavior=DYNAMIC, signing=True),
            props=CdnDistributionProps(),
        )
    )
    distribution = only(stack, "aws_cloudfront_distribution")
    assert "POST" in distribution["default_cache_behavior"]["allowed_methods"]
    assert distribution["tags"] == {"Name": "demo-fn", "ClientsSignPayloads": "true"}, "declared, for the emulator"
    with pytest.raises(ConfigError, match="a clients_sign_payloads must be set for a Lambda origin only"):
        CdnOrigin(
            origin_id="a",
            domain_name="a.example.com",
            origin_type=OriginType.HTTPS,
            behavior=DYNAMIC,
            clients_sign_payloads=True,
        )


def test_an_https_origin_gets_the_custom_headers_given_and_only_ones_cloudfront_may_add() -> None:
    origin = CdnOrigin.https(origin_id="api", domain_name="api.example.com", custom_headers={"x-origin-verify": "v"})
    stack = synth(lambda s: CdnDistribution(s, "Cdn", name="demo", origin=origin, props=CdnDistributionProps()))
    (made,) = only(stack, "aws_cloudfront_distribution")["origin"]
    assert made["custom_header"] == [{"name": "x-origin-verify", "value": "v"}]
    for name in ("Host", "x-amz-date", "X-Edge-Origin", "Proxy-Authorization", "bad header"):
        with pytest.raises(ConfigError, match=f"api custom header must be a header name CloudFront may add.*{name}"):
            CdnOrigin.https(origin_id="api", domain_name="api.example.com", custom_headers={name: "v"})
    with pytest.raises(ConfigError, match="custom header x-long must be 1 to 1783 characters"):
        CdnOrigin.https(origin_id="api", domain_name="api.example.com", custom_headers={"x-long": "v" * 1784})
    with pytest.raises(ConfigError, match="api custom_headers must be at most 10"):
        CdnOrigin.https(
            origin_id="api", domain_name="api.example.com", custom_headers={f"x-h{i}": "v" for i in range(11)}
        )


def test_an_https_origin_is_unsigned_and_a_given_certificate_serves_the_domain() -> None:
    def make(stack: Any) -> None:
        CdnDistribution(
            stack,
            "Site",
            name="demo-site",
            origin=CdnOrigin.https(origin_id="alb", domain_name="alb.example.com"),
            props=CdnDistributionProps(domain_name="www.example.com", price_class="PriceClass_All"),
            certificate_arn=CERTIFICATE,
        )

    stack = synth(make)
    assert "aws_cloudfront_origin_access_control" not in stack["resource"]
    assert "aws_acm_certificate" not in stack["resource"] and "aws_route53_record" not in stack["resource"]
    distribution = only(stack, "aws_cloudfront_distribution")
    (origin,) = distribution["origin"]
    assert "origin_access_control_id" not in origin and origin["custom_origin_config"]["https_port"] == 443
    assert distribution["aliases"] == ["www.example.com"]
    assert distribution["viewer_certificate"] == {
        "acm_certificate_arn": CERTIFICATE,
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": "TLSv1.2_2021",
    }
    assert distribution["default_cache_behavior"]["cache_policy_id"] == CACHING_DISABLED


def test_origins_of_two_signed_kinds_get_an_access_control_each() -> None:
    def make(stack: Any) -> None:
        CdnDistribution(
            stack,
            "Cdn",
            name="demo-mixed",
            origin=function_origin(stack, behavior=STATIC),
            failover_origin=bucket_origin(stack, "fallback"),
            props=CdnDistributionProps(),
        )

    stack = synth(make)
    names = resource_names(stack, "aws_cloudfront_origin_access_control")
    assert len(names) == 2 and [n for n in names if "OriginAccessControlS3" in n]
    controls = {
        c["origin_access_control_origin_type"]: c["name"]
        for c in resources(stack, "aws_cloudfront_origin_access_control")
    }
    assert controls == {"lambda": "demo-mixed", "s3": "demo-mixed-s3"}
    origins = {o["origin_id"]: o for o in only(stack, "aws_cloudfront_distribution")["origin"]}
    assert origins["function"]["origin_access_control_id"] != origins["fallback"]["origin_access_control_id"]


@pytest.mark.parametrize(
    ("primary", "failover"),
    [(DYNAMIC, DYNAMIC), (STATIC, DYNAMIC)],
    ids=["writes through a group", "origins served differently"],
)
def test_failover_is_refused_where_cloudfront_cannot_fail_over(primary: CacheBehavior, failover: CacheBehavior) -> None:
    with pytest.raises(ConfigError, match="failover origin must be served like the primary, read only"):
        synth(
            lambda s: CdnDistribution(
                s,
                "Cdn",
                name="demo",
                origin=CdnOrigin.https(origin_id="a", domain_name="a.example.com", behavior=primary),
                failover_origin=CdnOrigin.https(origin_id="b", domain_name="b.example.com", behavior=failover),
                props=CdnDistributionProps(),
            )
        )


def test_a_certificate_outside_us_east_1_is_refused() -> None:
    stack = eu_stack()
    with pytest.raises(ConfigError, match=r"demo-assets certificate region must be us-east-1"):
        CdnDistribution(
            stack,
            "Cdn",
            name="demo-assets",
            origin=bucket_origin(stack),
            certificate_scope=stack,
            props=CdnDistributionProps(domain_name="cdn.example.com"),
        )


@pytest.mark.parametrize(
    ("props", "certificate", "message"),
    [
        (CdnDistributionProps(), CERTIFICATE, "demo certificate_arn must be unset without a domain_name"),
        (
            CdnDistributionProps(domain_name="www.example.com"),
            None,
            "demo certificate must be a certificate_arn, or a scope under a us-east-1 provider",
        ),
    ],
)
def test_a_certificate_goes_with_a_domain(props: CdnDistributionProps, certificate: str | None, message: str) -> None:
    origin = CdnOrigin.https(origin_id="a", domain_name="a.example.com")
    with pytest.raises(ConfigError, match=message):
        synth(lambda s: CdnDistribution(s, "Cdn", name="demo", origin=origin, props=props, certificate_arn=certificate))


def test_a_function_origin_needs_its_url_and_origin_ids_are_checked() -> None:
    def no_url(stack: Any) -> None:
        CdnOrigin.lambda_url(origin_id="function", function=demo_function(stack))

    with pytest.raises(ConfigError, match=r"demo-fn origin must be a function with a URL \(add_url\)"):
        synth(no_url)
    with pytest.raises(ConfigError, match="origin_id must be 1-64 letters, digits, _ or -"):
        CdnOrigin.https(origin_id="-bad", domain_name="a.example.com")
    with pytest.raises(ConfigError, match="origin domain_name must be a lower-case fully qualified domain name"):
        CdnOrigin.https(origin_id="a", domain_name="Not A Host")


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"domain_name": "Not A Domain"}, "domain_name must be a lower-case fully qualified domain name"),
        ({"hosted_zone_id": "Z0123456789ABC"}, "hosted_zone_id must be unset without a domain_name"),
        ({"domain_name": "a.example.com", "hosted_zone_id": "zone"}, "hosted_zone_id must be a Route 53 hosted zone"),
        ({"price_class": "PriceClass_Cheap"}, "price_class must be one of"),
        ({"price_class": "PriceClass_1"}, "price_class must be one of"),
        ({"logging_bucket": "Bad_Bucket"}, "logging_bucket must be an S3 bucket name"),
        ({"minimum_protocol_version": "TLSv1"}, "minimum_protocol_version must be one of"),
        ({"http_version": "http4"}, "http_version must be one of"),
    ],
)
def test_cdn_props_refuse(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        CdnDistributionProps(**props)


@pytest.mark.parametrize(
    ("behavior", "message"),
    [
        ({"allowed_methods": ("GET", "POST")}, "allowed_methods must be one of"),
        ({"viewer_protocol_policy": "allow-all"}, "viewer_protocol_policy must be one of"),
    ],
)
def test_cache_behaviors_refuse_what_cloudfront_would(behavior: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        CacheBehavior(cache_policy_id=CACHING_OPTIMIZED, **behavior)
