"""A CloudFront distribution in front of private origins: HTTPS only, origin access control, optional failover.

The origin is a parameter (:class:`S3BucketOrigin` here: a PrivateBucket read
through origin access control). Other origin kinds (a Lambda function URL, a
load balancer) are further classes offering the same :class:`CdnOrigin` shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from cdktf import Token
from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionDefaultCacheBehavior,
    CloudfrontDistributionLoggingConfig,
    CloudfrontDistributionOrigin,
    CloudfrontDistributionOriginGroup,
    CloudfrontDistributionOriginGroupFailoverCriteria,
    CloudfrontDistributionOriginGroupMember,
    CloudfrontDistributionRestrictions,
    CloudfrontDistributionRestrictionsGeoRestriction,
    CloudfrontDistributionViewerCertificate,
)
from cdktf_cdktf_provider_aws.cloudfront_origin_access_control import CloudfrontOriginAccessControl
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordAlias
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import region_name
from infra.constructs.certificate import dns_validated_certificate
from infra.constructs.kms_key import KmsKey
from infra.constructs.outputs import output
from infra.constructs.private_bucket import PrivateBucket
from infra.validation import ConfigError

# AWS-managed policies (fixed ids, the same in every account).
CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6"
SECURITY_HEADERS_POLICY_ID = "67f7725c-6f97-4210-82d7-5512b31e9d03"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
"""The hosted zone id of every CloudFront distribution, for alias records."""
FAILOVER_STATUS_CODES = (403, 404, 500, 502, 503, 504)
"""Answers from the primary origin that send the request to the failover origin (403/404: a missing replica object)."""
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
CLOUDFRONT = "cloudfront.amazonaws.com"
_ORIGIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, kw_only=True)
class CdnDistributionProps:
    """Domain, logging and reach of the distribution."""

    domain_name: str | None = None
    """Custom domain: a DNS-validated certificate is made in us-east-1 for it. None: the cloudfront.net name."""
    hosted_zone_id: str | None = None
    """Zone for the certificate's validation records and an alias record (A and AAAA) to the distribution."""
    logging_bucket: str | None = None
    """Existing bucket (name) for standard access logs, under ``<name>/``; it must accept ACL-based
    log delivery (object ownership not BucketOwnerEnforced). None: no access logs."""
    price_class: str = "PriceClass_100"
    """Edge locations in North America and Europe: where the regions and users are, at the lowest price."""
    enable_origin_failover: bool = True
    """With a failover origin, requests the primary answers with 403/404/5xx are retried there."""
    minimum_protocol_version: str = "TLSv1.2_2021"
    """Oldest TLS viewers may use (custom domains only: the cloudfront.net certificate allows TLS 1.0)."""

    def __post_init__(self) -> None:
        if self.domain_name is not None:
            validation.hostname("domain_name", self.domain_name)
        if self.hosted_zone_id is not None:
            if self.domain_name is None:
                raise ConfigError("hosted_zone_id", "unset without a domain_name", self.hosted_zone_id)
            if not self.hosted_zone_id.startswith("Z") or not self.hosted_zone_id.isalnum():
                raise ConfigError(
                    "hosted_zone_id", "a Route 53 hosted zone id such as Z0123456789ABC", self.hosted_zone_id
                )
        if self.logging_bucket is not None:
            validation.bucket_name("logging_bucket", self.logging_bucket)
        validation.one_of("price_class", self.price_class, PRICE_CLASSES)
        validation.one_of("minimum_protocol_version", self.minimum_protocol_version, ("TLSv1.2_2021", "TLSv1.2_2019"))


class CdnOrigin(Protocol):
    """What a distribution needs of an origin."""

    @property
    def origin_id(self) -> str: ...

    def origin(self, access_control_id: str) -> CloudfrontDistributionOrigin: ...

    def allow_distribution(self, distribution_arn: str) -> None:
        """Let the distribution (and only it) read the origin."""
        ...


@dataclass(frozen=True)
class S3BucketOrigin:
    """A private bucket read through origin access control (SigV4-signed requests from CloudFront).

    Its bucket policy and ``key`` policy (the key that encrypts its objects)
    each get a statement letting CloudFront read and decrypt for this one
    distribution (``aws:SourceArn``).
    """

    origin_id: str
    bucket: PrivateBucket
    key: KmsKey

    def __post_init__(self) -> None:
        if not _ORIGIN_ID.match(self.origin_id):
            raise ConfigError("origin_id", "1-64 letters, digits, _ or -", self.origin_id)

    def origin(self, access_control_id: str) -> CloudfrontDistributionOrigin:
        return CloudfrontDistributionOrigin(
            origin_id=self.origin_id,
            domain_name=self.bucket.regional_domain_name,
            origin_access_control_id=access_control_id,
        )

    def allow_distribution(self, distribution_arn: str) -> None:
        self.bucket.allow_service_read(CLOUDFRONT, sid="CloudFrontReadsThroughOac", source_arn=distribution_arn)
        self.key.allow_service_for(
            CLOUDFRONT,
            sid="CloudFrontDecryptsForTheDistribution",
            actions=("kms:Decrypt",),
            source_arn=distribution_arn,
        )


class CdnDistribution(Construct):
    """Distribution ``name``: viewers are redirected to HTTPS, GET/HEAD/OPTIONS only, cached by the managed
    CachingOptimized policy, answered with the managed security headers (HSTS, nosniff, frame options...).

    With ``failover_origin`` (and ``enable_origin_failover``) both origins form
    an origin group: a replica bucket in another region keeps assets served when
    the primary region's bucket fails. A custom domain's certificate is made in
    ``certificate_scope``, which must be under a us-east-1 provider (CloudFront
    takes certificates from there only).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        origin: CdnOrigin,
        props: CdnDistributionProps,
        failover_origin: CdnOrigin | None = None,
        certificate_scope: Construct | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("distribution name", name, max_length=64)
        self.name = name
        self.props = props
        access_control = CloudfrontOriginAccessControl(
            self,
            "OriginAccessControl",
            name=name,
            description=f"CloudFront {name} signs its requests to S3 origins",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
        )
        origins = [origin] + ([failover_origin] if failover_origin is not None else [])
        if len({o.origin_id for o in origins}) != len(origins):
            raise ConfigError(f"{name} origins", "distinct origin ids", [o.origin_id for o in origins])
        groups = []
        target = origin.origin_id
        if failover_origin is not None and props.enable_origin_failover:
            target = f"{origin.origin_id}-with-failover"
            groups.append(
                CloudfrontDistributionOriginGroup(
                    origin_id=target,
                    failover_criteria=CloudfrontDistributionOriginGroupFailoverCriteria(
                        status_codes=list(FAILOVER_STATUS_CODES)
                    ),
                    member=[CloudfrontDistributionOriginGroupMember(origin_id=o.origin_id) for o in origins],
                )
            )

        self.validation_records: object = None
        certificate = CloudfrontDistributionViewerCertificate(cloudfront_default_certificate=True)
        if props.domain_name is not None:
            if certificate_scope is None:
                raise ConfigError(f"{name} certificate scope", "a scope under a us-east-1 provider", None)
            region = region_name(certificate_scope)
            if not Token.is_unresolved(region) and region != "us-east-1":
                raise ConfigError(f"{name} certificate region", "us-east-1 (CloudFront's only one)", region)
            issued = dns_validated_certificate(
                Construct(certificate_scope, f"{id_}Certificate"),
                domain_name=props.domain_name,
                hosted_zone_id=props.hosted_zone_id,
            )
            self.validation_records = issued.validation_records
            certificate = CloudfrontDistributionViewerCertificate(
                acm_certificate_arn=issued.arn,
                ssl_support_method="sni-only",
                minimum_protocol_version=props.minimum_protocol_version,
            )
        logging = None
        if props.logging_bucket is not None:
            logging = CloudfrontDistributionLoggingConfig(
                bucket=f"{props.logging_bucket}.s3.amazonaws.com", include_cookies=False, prefix=f"{name}/"
            )
        self.distribution = CloudfrontDistribution(
            self,
            "Distribution",
            comment=name,
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=props.price_class,
            aliases=[props.domain_name] if props.domain_name else None,
            origin=[o.origin(access_control.id) for o in origins],
            origin_group=groups or None,
            default_cache_behavior=CloudfrontDistributionDefaultCacheBehavior(
                target_origin_id=target,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD", "OPTIONS"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED_POLICY_ID,
                response_headers_policy_id=SECURITY_HEADERS_POLICY_ID,
            ),
            restrictions=CloudfrontDistributionRestrictions(
                geo_restriction=CloudfrontDistributionRestrictionsGeoRestriction(restriction_type="none")
            ),
            viewer_certificate=certificate,
            logging_config=logging,
            tags={"Name": name},
        )
        self.arn = self.distribution.arn
        self.domain_name = self.distribution.domain_name
        for each in origins:
            each.allow_distribution(self.distribution.arn)
        if props.domain_name is not None and props.hosted_zone_id is not None:
            for record_type in ("A", "AAAA"):
                Route53Record(
                    self,
                    f"Alias{record_type}",
                    zone_id=props.hosted_zone_id,
                    name=props.domain_name,
                    type=record_type,
                    alias=Route53RecordAlias(
                        name=self.distribution.domain_name, zone_id=CLOUDFRONT_ZONE_ID, evaluate_target_health=False
                    ),
                )

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>cdn_domain_name``, ``cdn_distribution_id`` and, with a custom domain, its validation records."""
        output(
            self, f"{prefix}cdn_domain_name", self.distribution.domain_name, f"Domain name of CloudFront {self.name}"
        )
        output(
            self,
            f"{prefix}cdn_distribution_id",
            self.distribution.id,
            f"Id of CloudFront {self.name} (aws cloudfront create-invalidation --distribution-id)",
        )
        if self.validation_records is not None:
            output(
                self,
                f"{prefix}cdn_certificate_validation_records",
                self.validation_records,
                "DNS records (CNAME) that validate the CDN certificate: create them unless a hosted zone is configured",
            )
