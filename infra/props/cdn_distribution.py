"""Props of infra/constructs/cdn_distribution.py: data only (no cdktf), so settings can be made of them.

A CloudFront distribution in front of private origins: HTTPS only, managed policies, optional failover.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")


@dataclass(frozen=True, kw_only=True)
class CdnDistributionProps:
    """Domain, logging and reach of the distribution."""

    domain_name: str | None = None
    """Custom domain: served with the certificate given, or a DNS-validated one made in us-east-1.
    None: the cloudfront.net name and certificate."""
    hosted_zone_id: str | None = None
    """Zone for the certificate's validation records and an alias record (A and AAAA) to the distribution."""
    logging_bucket: str | None = None
    """Existing bucket (name) for standard access logs, under ``<name>/``; it must accept ACL-based
    log delivery (object ownership not BucketOwnerEnforced). None: no access logs."""
    price_class: str = "PriceClass_100"
    """Edge locations in North America and Europe: the cheapest class; PriceClass_All for every location."""
    enable_origin_failover: bool = True
    """With a failover origin, requests the primary answers with 403/404/5xx are retried there."""
    minimum_protocol_version: str = "TLSv1.2_2021"
    """Oldest TLS viewers may use (custom domains only: the cloudfront.net certificate allows TLS 1.0)."""
    http_version: str = "http2and3"
    enable_ipv6: bool = True

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
        validation.one_of(
            "minimum_protocol_version", self.minimum_protocol_version, ("TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.3_2025")
        )
        validation.one_of("http_version", self.http_version, ("http1.1", "http2", "http2and3", "http3"))
