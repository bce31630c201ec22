"""A CloudFront distribution in front of one origin: HTTPS only, signed requests to origins that accept them.

The origin is a parameter (:class:`CdnOrigin`): a Lambda function URL, an S3
bucket, or any HTTPS server. Lambda and S3 origins are reached through an
origin access control, so only this distribution can call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionDefaultCacheBehavior,
    CloudfrontDistributionOrigin,
    CloudfrontDistributionOriginCustomOriginConfig,
    CloudfrontDistributionRestrictions,
    CloudfrontDistributionRestrictionsGeoRestriction,
    CloudfrontDistributionViewerCertificate,
)
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import CloudfrontOriginAccessControl
from constructs import Construct

from infra import validation
from infra.validation import ConfigError

# AWS-managed policies (ids are fixed by AWS, the same in every account).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
"""Managed-CachingDisabled: every request reaches the origin (dynamic applications)."""
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""Managed-CachingOptimized: static content."""
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""Managed-AllViewerExceptHostHeader: headers, cookies and query strings to the origin, but its own Host
(function URLs and API origins answer only to their own host name)."""
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"
"""Managed-SecurityHeadersPolicy: HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, XSS protection."""

_ORIGIN_ID = "origin"


class OriginType(StrEnum):
    """What serves the content, which decides how CloudFront reaches it."""

    LAMBDA = "lambda"
    """A Lambda function URL, signed with an origin access control."""
    S3 = "s3"
    """An S3 bucket's REST endpoint, signed with an origin access control."""
    HTTPS = "https"
    """Any HTTPS server, unsigned."""


@dataclass(frozen=True, kw_only=True)
class CdnOrigin:
    """The one origin of a distribution and how its responses are cached."""

    domain_name: str
    """The origin's host name (a function URL's host, ``<bucket>.s3.<region>.amazonaws.com``, ...)."""
    origin_type: OriginType
    cache_policy_id: str = CACHING_DISABLED
    origin_request_policy_id: str | None = ALL_VIEWER_EXCEPT_HOST_HEADER
    """What of the viewer's request reaches the origin; None sends only what the cache policy keys on."""

    @classmethod
    def lambda_url(cls, domain_name: str) -> CdnOrigin:
        """A function URL: nothing cached, everything but Host forwarded."""
        return cls(domain_name=domain_name, origin_type=OriginType.LAMBDA)

    @classmethod
    def s3_bucket(cls, regional_domain_name: str) -> CdnOrigin:
        """A bucket's regional REST endpoint: cached, nothing forwarded."""
        return cls(
            domain_name=regional_domain_name,
            origin_type=OriginType.S3,
            cache_policy_id=CACHING_OPTIMIZED,
            origin_request_policy_id=None,
        )


@dataclass(frozen=True, kw_only=True)
class CdnDistributionProps:
    """Where and how the distribution serves."""

    price_class: str = "PriceClass_100"
    """Edge locations in North America and Europe: the cheapest class; PriceClass_All for every location."""
    minimum_protocol_version: str = "TLSv1.2_2021"
    """Oldest TLS viewers may use with a custom domain (TLS 1.2 with forward-secret ciphers)."""
    http_version: str = "http2and3"
    enable_ipv6: bool = True

    def __post_init__(self) -> None:
        validation.one_of("price_class", self.price_class, ("PriceClass_100", "PriceClass_200", "PriceClass_All"))
        validation.one_of(
            "minimum_protocol_version", self.minimum_protocol_version, ("TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025")
        )
        validation.one_of("http_version", self.http_version, ("http1.1", "http2", "http2and3", "http3"))


class CdnDistribution(Construct):
    """Distribution ``name`` (its comment) serving ``origin`` over HTTPS only.

    Viewers must use HTTPS (plain HTTP is refused, not redirected); the origin
    is reached over TLS 1.2. With ``aliases`` the distribution answers to those
    names with ``certificate_arn`` (an ACM certificate in us-east-1 covering
    them); without, it serves on its ``*.cloudfront.net`` name and certificate.
    Responses carry the managed security headers. :attr:`arn` is what an
    origin's policy names to let only this distribution in.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        origin: CdnOrigin,
        props: CdnDistributionProps,
        aliases: tuple[str, ...] = (),
        certificate_arn: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("distribution name", name, max_length=64)
        for index, alias in enumerate(aliases):
            validation.hostname(f"aliases[{index}]", alias)
        if bool(aliases) != (certificate_arn is not None):
            raise ConfigError(
                "certificate_arn", "set exactly when aliases are (a certificate covering them)", certificate_arn
            )
        access_control = None
        if origin.origin_type in (OriginType.LAMBDA, OriginType.S3):
            access_control = CloudfrontOriginAccessControl(
                self,
                "OriginAccessControl",
                name=name,
                description=f"Requests from {name} to its {origin.origin_type} origin, signed",
                origin_access_control_origin_type=origin.origin_type.value,
                signing_behavior="always",
                signing_protocol="sigv4",
            )
        custom = None
        if origin.origin_type is not OriginType.S3:
            custom = CloudfrontDistributionOriginCustomOriginConfig(
                http_port=80,
                https_port=443,
                origin_protocol_policy="https-only",
                origin_ssl_protocols=["TLSv1.2"],
            )
        if certificate_arn is not None:
            certificate = CloudfrontDistributionViewerCertificate(
                acm_certificate_arn=certificate_arn,
                ssl_support_method="sni-only",
                minimum_protocol_version=props.minimum_protocol_version,
            )
        else:
            certificate = CloudfrontDistributionViewerCertificate(cloudfront_default_certificate=True)
        self.distribution = CloudfrontDistribution(
            self,
            "Distribution",
            enabled=True,
            comment=name,
            aliases=list(aliases) or None,
            price_class=props.price_class,
            http_version=props.http_version,
            is_ipv6_enabled=props.enable_ipv6,
            origin=[
                CloudfrontDistributionOrigin(
                    origin_id=_ORIGIN_ID,
                    domain_name=origin.domain_name,
                    origin_access_control_id=access_control.id if access_control else None,
                    custom_origin_config=custom,
                )
            ],
            default_cache_behavior=CloudfrontDistributionDefaultCacheBehavior(
                target_origin_id=_ORIGIN_ID,
                viewer_protocol_policy="https-only",
                allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=origin.cache_policy_id,
                origin_request_policy_id=origin.origin_request_policy_id,
                response_headers_policy_id=SECURITY_HEADERS,
            ),
            restrictions=CloudfrontDistributionRestrictions(
                geo_restriction=CloudfrontDistributionRestrictionsGeoRestriction(restriction_type="none")
            ),
            viewer_certificate=certificate,
            tags={"Name": name},
        )
        self.arn = self.distribution.arn
        self.domain_name = self.distribution.domain_name
        self.hosted_zone_id = self.distribution.hosted_zone_id
