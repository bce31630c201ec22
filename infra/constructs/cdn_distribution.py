"""A CloudFront distribution in front of private origins: HTTPS only, managed policies, optional failover.

Origins are parameters of one shape, :class:`CdnOrigin`, made by a factory per
kind: :meth:`CdnOrigin.s3_bucket` (a PrivateBucket read through origin access
control), :meth:`CdnOrigin.lambda_url` (a function URL called through origin
access control: reads, or writes from clients that sign them) and
:meth:`CdnOrigin.https` (any HTTPS server, such as a load balancer or an HTTP
API: unsigned, optionally with custom headers it can check). Each origin carries how the distribution serves it
(:class:`CacheBehavior`: :data:`STATIC` for files, :data:`DYNAMIC` for an
application) and how it lets that one distribution in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cdktf import Token
from cdktf_cdktf_provider_aws.cloudfront_distribution import (
    CloudfrontDistribution,
    CloudfrontDistributionDefaultCacheBehavior,
    CloudfrontDistributionLoggingConfig,
    CloudfrontDistributionOrigin,
    CloudfrontDistributionOriginCustomHeader,
    CloudfrontDistributionOriginCustomOriginConfig,
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
from infra.constructs.outputs import output
from infra.props.cdn_distribution import CdnDistributionProps
from infra.validation import ConfigError

if TYPE_CHECKING:
    from infra.constructs.kms_key import KmsKey
    from infra.constructs.lambda_function import LambdaFunction
    from infra.constructs.private_bucket import PrivateBucket

# AWS-managed policies (fixed ids, the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""Managed-CachingOptimized: static content, cached by path."""
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
"""Managed-CachingDisabled: every request reaches the origin (applications)."""
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""Managed-AllViewerExceptHostHeader: headers, cookies and query strings to the origin, but its own Host
(function URLs and API origins answer only to their own host name)."""
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"
"""Managed-SecurityHeadersPolicy: HSTS, X-Content-Type-Options, X-Frame-Options, Referrer-Policy, XSS protection."""
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
"""The hosted zone id of every CloudFront distribution, for alias records."""
FAILOVER_STATUS_CODES = (403, 404, 500, 502, 503, 504)
"""Answers from the primary origin that send the request to the failover origin (403/404: a missing replica object)."""
CLOUDFRONT = "cloudfront.amazonaws.com"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
ALL_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE")
BODY_METHODS = ("PUT", "POST")
"""Methods whose body a Lambda function URL behind origin access control takes only with its hash (below)."""
CLIENTS_SIGN_TAG = "ClientsSignPayloads"
"""Tag by which a distribution declares that its viewers send ``x-amz-content-sha256`` with every body."""
LAMBDA_OAC_PAYLOADS = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html"
"""AWS: with origin access control, PUT and POST to a function URL need the body's SHA-256 in
x-amz-content-sha256, computed by the viewer; Lambda takes no unsigned payload."""
CUSTOM_HEADER_QUOTA = 10
"""CloudFront adds at most 10 custom headers to an origin's requests, each value at most 1,783 characters."""
_CUSTOM_HEADER_VALUE_MAX = 1783
_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_NOT_CUSTOM_HEADERS = frozenset(
    name.lower()
    for name in (
        "Cache-Control", "Connection", "Content-Length", "Cookie", "Host", "If-Match", "If-Modified-Since",
        "If-None-Match", "If-Range", "If-Unmodified-Since", "Max-Forwards", "Pragma", "Proxy-Authorization",
        "Proxy-Connection", "Range", "Request-Range", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Via",
        "X-Cache", "X-Forwarded-Proto", "X-Real-IP",
    )
)  # fmt: skip
"""Headers CloudFront cannot add to origin requests (nor any X-Amz-* or X-Edge-*): add-origin-custom-headers.html."""
_METHOD_SETS = (("GET", "HEAD"), READ_METHODS, ALL_METHODS)
"""The only method sets CloudFront accepts for a cache behavior."""
_ORIGIN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass(frozen=True, kw_only=True)
class CacheBehavior:
    """How the distribution answers viewers for an origin: methods, caching, what reaches the origin."""

    cache_policy_id: str
    origin_request_policy_id: str | None = None
    """What of the viewer's request reaches the origin; None sends only what the cache policy keys on."""
    allowed_methods: tuple[str, ...] = READ_METHODS
    viewer_protocol_policy: str = "redirect-to-https"
    response_headers_policy_id: str = SECURITY_HEADERS

    def __post_init__(self) -> None:
        validation.one_of("allowed_methods", self.allowed_methods, _METHOD_SETS)
        validation.one_of("viewer_protocol_policy", self.viewer_protocol_policy, ("redirect-to-https", "https-only"))


STATIC = CacheBehavior(cache_policy_id=CACHING_OPTIMIZED)
"""Files: cached, read only (GET, HEAD, OPTIONS), plain HTTP redirected to HTTPS."""
DYNAMIC = CacheBehavior(
    cache_policy_id=CACHING_DISABLED,
    origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
    allowed_methods=ALL_METHODS,
    viewer_protocol_policy="https-only",
)
"""An application: nothing cached, the viewer's request (but Host) forwarded, every method; plain HTTP is
refused, not redirected (a redirect does not carry a write's body)."""
DYNAMIC_READ = CacheBehavior(
    cache_policy_id=CACHING_DISABLED,
    origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER,
    allowed_methods=READ_METHODS,
    viewer_protocol_policy="https-only",
)
"""An application read only (GET, HEAD, OPTIONS): what a signed function URL origin serves unless its clients sign."""


class OriginType(StrEnum):
    """What serves the content, which decides how CloudFront reaches it."""

    S3 = "s3"
    """An S3 bucket's REST endpoint, signed with an origin access control."""
    LAMBDA = "lambda"
    """A Lambda function URL, signed with an origin access control."""
    HTTPS = "https"
    """Any HTTPS server, unsigned (it admits the distribution by its own means)."""

    @property
    def signed(self) -> bool:
        return self is not OriginType.HTTPS


_SIGNED_LABELS = {OriginType.S3: "S3", OriginType.LAMBDA: "Lambda function URL"}


@dataclass(frozen=True, kw_only=True)
class CdnOrigin:
    """One origin of a distribution: where it is, how CloudFront reaches it, how the distribution serves it.

    Made by a factory per kind (:meth:`s3_bucket`, :meth:`lambda_url`, :meth:`https`).
    """

    origin_id: str
    domain_name: str
    origin_type: OriginType
    behavior: CacheBehavior
    admit: Callable[[str], None] | None = None
    """Lets the distribution (its ARN), and only it, in: policy statements or permissions on the origin."""
    custom_headers: tuple[tuple[str, str], ...] = ()
    """(name, value) CloudFront adds to every request to the origin, replacing a viewer's header of that name."""
    clients_sign_payloads: bool = False
    """A Lambda origin only: viewers send the SHA-256 of every body in x-amz-content-sha256 (declared by tag)."""

    def __post_init__(self) -> None:
        if not _ORIGIN_ID.match(self.origin_id):
            raise ConfigError("origin_id", "1-64 letters, digits, _ or -", self.origin_id)
        writes = sorted(set(self.behavior.allowed_methods) & set(BODY_METHODS))
        if self.origin_type is OriginType.LAMBDA and writes and not self.clients_sign_payloads:
            # CloudFront would accept it; every write through it would fail (403 from Lambda).
            raise ConfigError(
                f"{self.origin_id} allowed_methods",
                f"no {' or '.join(writes)} to a function URL behind origin access control unless its clients "
                f"sign their payloads (x-amz-content-sha256; {LAMBDA_OAC_PAYLOADS})",
                self.behavior.allowed_methods,
            )
        if self.clients_sign_payloads and self.origin_type is not OriginType.LAMBDA:
            raise ConfigError(f"{self.origin_id} clients_sign_payloads", "set for a Lambda origin only", True)
        if len(self.custom_headers) > CUSTOM_HEADER_QUOTA:
            raise ConfigError(
                f"{self.origin_id} custom_headers", f"at most {CUSTOM_HEADER_QUOTA}", len(self.custom_headers)
            )
        for name, value in self.custom_headers:
            lower = name.lower()
            if not _HEADER_NAME.match(name) or lower in _NOT_CUSTOM_HEADERS or lower.startswith(("x-amz-", "x-edge-")):
                raise ConfigError(
                    f"{self.origin_id} custom header", "a header name CloudFront may add to origin requests", name
                )
            if not Token.is_unresolved(value) and not 0 < len(value) <= _CUSTOM_HEADER_VALUE_MAX:
                raise ConfigError(
                    f"{self.origin_id} custom header {name}", f"1 to {_CUSTOM_HEADER_VALUE_MAX} characters", len(value)
                )

    @classmethod
    def s3_bucket(
        cls, *, origin_id: str, bucket: PrivateBucket, key: KmsKey | None, behavior: CacheBehavior = STATIC
    ) -> CdnOrigin:
        """A private bucket read through origin access control (SigV4-signed requests from CloudFront).

        Its bucket policy and ``key`` policy (the key that encrypts its objects;
        None for S3-managed keys) each get a statement letting CloudFront read
        and decrypt for this one distribution (``aws:SourceArn``).
        """

        def admit(distribution_arn: str) -> None:
            bucket.allow_service_read(CLOUDFRONT, sid="CloudFrontReadsThroughOac", source_arn=distribution_arn)
            if key is not None:
                key.allow_service_for(
                    CLOUDFRONT,
                    sid="CloudFrontDecryptsForTheDistribution",
                    actions=("kms:Decrypt",),
                    source_arn=distribution_arn,
                )

        return cls(
            origin_id=origin_id,
            domain_name=bucket.regional_domain_name,
            origin_type=OriginType.S3,
            behavior=behavior,
            admit=admit,
        )

    @classmethod
    def lambda_url(
        cls,
        *,
        origin_id: str,
        function: LambdaFunction,
        behavior: CacheBehavior = DYNAMIC_READ,
        clients_sign_payloads: bool = False,
    ) -> CdnOrigin:
        """The function URL of ``function`` (made by its ``add_url``), callable only by the distribution.

        CloudFront signs each request (origin access control), replacing the
        viewer's ``Authorization``; a PUT or POST reaches Lambda only with its
        body's SHA-256 in ``x-amz-content-sha256``, which the viewer must
        compute. So a behavior allowing them is refused unless
        ``clients_sign_payloads`` says the viewers do (the distribution is then
        tagged ``ClientsSignPayloads``). An application that takes ordinary
        writes goes behind an :class:`~infra.constructs.http_api.HttpApi` instead.
        """
        if function.url is None:
            raise ConfigError(f"{function.name} origin", "a function with a URL (add_url)", None)
        return cls(
            origin_id=origin_id,
            domain_name=function.url.domain_name,
            origin_type=OriginType.LAMBDA,
            behavior=behavior,
            admit=function.allow_invoke_through,
            clients_sign_payloads=clients_sign_payloads,
        )

    @classmethod
    def https(
        cls,
        *,
        origin_id: str,
        domain_name: str,
        behavior: CacheBehavior = DYNAMIC,
        custom_headers: Mapping[str, str] | None = None,
    ) -> CdnOrigin:
        """Any server answering HTTPS on 443 for ``domain_name`` (a load balancer's DNS name, say), unsigned;
        ``custom_headers`` are added to every request to it (a value only the distribution knows lets the
        server tell CloudFront's requests from others)."""
        if not Token.is_unresolved(domain_name):
            validation.hostname("origin domain_name", domain_name)
        return cls(
            origin_id=origin_id,
            domain_name=domain_name,
            origin_type=OriginType.HTTPS,
            behavior=behavior,
            custom_headers=tuple((custom_headers or {}).items()),
        )

    def origin(self, access_control_id: str | None) -> CloudfrontDistributionOrigin:
        """The distribution's origin block; S3 origins take no custom origin config, the others TLS 1.2 on 443."""
        custom = None
        if self.origin_type is not OriginType.S3:
            custom = CloudfrontDistributionOriginCustomOriginConfig(
                http_port=80, https_port=443, origin_protocol_policy="https-only", origin_ssl_protocols=["TLSv1.2"]
            )
        return CloudfrontDistributionOrigin(
            origin_id=self.origin_id,
            domain_name=self.domain_name,
            origin_access_control_id=access_control_id,
            custom_origin_config=custom,
            custom_header=[CloudfrontDistributionOriginCustomHeader(name=n, value=v) for n, v in self.custom_headers]
            or None,
        )


class CdnDistribution(Construct):
    """Distribution ``name`` (its comment) in front of ``origin``, served the way the origin's behavior says
    (viewer protocol, methods, cache and origin request policies), with the managed security headers.

    Signed origins (S3, Lambda) are reached through an origin access control
    of their kind (``OriginAccessControl`` for the primary's), and each origin
    lets the distribution in (:attr:`arn` in its bucket, key or function
    policy). With ``failover_origin`` (and ``enable_origin_failover``) both
    origins form an origin group: a replica bucket in another region keeps
    assets served when the primary region's fails; CloudFront fails over reads
    only, so both must be served read only, the same way.

    A custom domain (``props.domain_name``) is served with ``certificate_arn``
    (an ACM certificate in us-east-1 covering it) or, without one, a
    DNS-validated certificate made in ``certificate_scope``, which must be under
    a us-east-1 provider (CloudFront takes certificates from there only).
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
        certificate_arn: str | None = None,
        certificate_scope: Construct | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("distribution name", name, max_length=64)
        self.name = name
        self.props = props
        origins = [origin] + ([failover_origin] if failover_origin is not None else [])
        if len({o.origin_id for o in origins}) != len(origins):
            raise ConfigError(f"{name} origins", "distinct origin ids", [o.origin_id for o in origins])
        access_controls = self._access_controls(name, origins)

        groups = []
        target = origin.origin_id
        if failover_origin is not None and props.enable_origin_failover:
            if failover_origin.behavior != origin.behavior or set(origin.behavior.allowed_methods) - set(READ_METHODS):
                raise ConfigError(
                    f"{name} failover origin",
                    f"served like the primary, read only ({', '.join(READ_METHODS)}): CloudFront fails over reads",
                    failover_origin.behavior,
                )
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
        certificate = self._viewer_certificate(id_, props, certificate_arn, certificate_scope)
        logging = None
        if props.logging_bucket is not None:
            logging = CloudfrontDistributionLoggingConfig(
                bucket=f"{props.logging_bucket}.s3.amazonaws.com", include_cookies=False, prefix=f"{name}/"
            )
        behavior = origin.behavior
        self.distribution = CloudfrontDistribution(
            self,
            "Distribution",
            comment=name,
            enabled=True,
            is_ipv6_enabled=props.enable_ipv6,
            http_version=props.http_version,
            price_class=props.price_class,
            aliases=[props.domain_name] if props.domain_name else None,
            origin=[o.origin(access_controls.get(o.origin_type)) for o in origins],
            origin_group=groups or None,
            default_cache_behavior=CloudfrontDistributionDefaultCacheBehavior(
                target_origin_id=target,
                viewer_protocol_policy=behavior.viewer_protocol_policy,
                allowed_methods=list(behavior.allowed_methods),
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=behavior.cache_policy_id,
                origin_request_policy_id=behavior.origin_request_policy_id,
                response_headers_policy_id=behavior.response_headers_policy_id,
            ),
            restrictions=CloudfrontDistributionRestrictions(
                geo_restriction=CloudfrontDistributionRestrictionsGeoRestriction(restriction_type="none")
            ),
            viewer_certificate=certificate,
            logging_config=logging,
            tags={"Name": name} | ({CLIENTS_SIGN_TAG: "true"} if any(o.clients_sign_payloads for o in origins) else {}),
        )
        self.arn = self.distribution.arn
        self.domain_name = self.distribution.domain_name
        self.hosted_zone_id = self.distribution.hosted_zone_id
        for each in origins:
            if each.admit is not None:
                each.admit(self.distribution.arn)
        if props.domain_name is not None and props.hosted_zone_id is not None:
            for record_type in ("A", "AAAA") if props.enable_ipv6 else ("A",):
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

    def _access_controls(self, name: str, origins: list[CdnOrigin]) -> dict[OriginType, str]:
        """One origin access control per kind of signed origin; the primary's kind gets ``OriginAccessControl``."""
        found: dict[OriginType, str] = {}
        for each in origins:
            kind = each.origin_type
            if not kind.signed or kind in found:
                continue
            first = not found
            found[kind] = CloudfrontOriginAccessControl(
                self,
                "OriginAccessControl" if first else f"OriginAccessControl{kind.value.title()}",
                name=name if first else f"{name}-{kind.value}",
                description=f"CloudFront {name} signs its requests to {_SIGNED_LABELS[kind]} origins",
                origin_access_control_origin_type=kind.value,
                signing_behavior="always",
                signing_protocol="sigv4",
            ).id
        return found

    def _viewer_certificate(
        self,
        id_: str,
        props: CdnDistributionProps,
        certificate_arn: str | None,
        certificate_scope: Construct | None,
    ) -> CloudfrontDistributionViewerCertificate:
        """CloudFront's own certificate without a custom domain; else the one given, or one made and validated."""
        if props.domain_name is None:
            if certificate_arn is not None:
                raise ConfigError(f"{self.name} certificate_arn", "unset without a domain_name", certificate_arn)
            return CloudfrontDistributionViewerCertificate(cloudfront_default_certificate=True)
        if certificate_arn is None:
            if certificate_scope is None:
                raise ConfigError(
                    f"{self.name} certificate", "a certificate_arn, or a scope under a us-east-1 provider", None
                )
            region = region_name(certificate_scope)
            if not Token.is_unresolved(region) and region != "us-east-1":
                raise ConfigError(f"{self.name} certificate region", "us-east-1 (CloudFront's only one)", region)
            issued = dns_validated_certificate(
                Construct(certificate_scope, f"{id_}Certificate"),
                domain_name=props.domain_name,
                hosted_zone_id=props.hosted_zone_id,
            )
            self.validation_records = issued.validation_records
            certificate_arn = issued.arn
        return CloudfrontDistributionViewerCertificate(
            acm_certificate_arn=certificate_arn,
            ssl_support_method="sni-only",
            minimum_protocol_version=props.minimum_protocol_version,
        )

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>cdn_domain_name``, ``cdn_distribution_id`` and, with a certificate made here, its validation
        records."""
        output(
            self,
            f"{prefix}cdn_domain_name",
            self.distribution.domain_name,
            f"Domain name of CloudFront {self.name}",
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
