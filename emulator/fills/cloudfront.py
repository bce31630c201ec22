"""CloudFront: distributions' origins, cache behaviours and viewer certificates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.fills import fill
from emulator.fills.acm import dns_name

CERTIFICATE_REGION = "us-east-1"
"""CloudFront takes ACM certificates from this region only."""


def covers(certificate_names: list[str], alias: str) -> bool:
    """Whether a certificate for ``certificate_names`` is valid for ``alias`` (a wildcard covers one label)."""
    alias = dns_name(alias)
    for name in map(dns_name, certificate_names):
        if name == alias:
            return True
        if name.startswith("*.") and "." in alias and alias.split(".", 1)[1] == name[2:]:
            return True
    return False


def _check_origin_access_controls(backend: Any, config: dict[str, Any]) -> None:
    from moto.cloudfront.exceptions import NoSuchOriginAccessControl

    for origin in (config.get("Origins") or {}).get("Items") or []:
        control = origin.get("OriginAccessControlId")
        if control and control not in backend.origin_access_controls:
            raise NoSuchOriginAccessControl()


def _check_viewer_certificate(backend: Any, config: dict[str, Any]) -> None:
    from moto.acm.models import acm_backends
    from moto.cloudfront.exceptions import CloudFrontException

    certificate = config.get("ViewerCertificate") or {}
    arn = certificate.get("ACMCertificateArn")
    aliases = (config.get("Aliases") or {}).get("Items") or []
    invalid = (
        "The specified SSL certificate doesn't exist, isn't in us-east-1 region, isn't valid, "
        "or doesn't include a valid certificate chain."
    )
    if arn:
        parts = arn.split(":")
        if len(parts) < 6 or parts[3] != CERTIFICATE_REGION or parts[4] != backend.account_id:
            raise CloudFrontException("InvalidViewerCertificate", invalid)
        try:
            bundle = acm_backends[backend.account_id][CERTIFICATE_REGION].get_certificate(arn)
        except Exception:
            raise CloudFrontException("InvalidViewerCertificate", invalid) from None
        described = bundle.describe()["Certificate"]
        if described.get("Status") != "ISSUED":
            raise CloudFrontException("InvalidViewerCertificate", invalid)
        names = [described["DomainName"], *described.get("SubjectAlternativeNames", [])]
        for alias in aliases:
            if not covers(names, alias):
                raise CloudFrontException(
                    "InvalidViewerCertificate",
                    "The certificate that is attached to your distribution doesn't cover the alternate domain "
                    f"name (CNAME) that you're trying to add: {alias}.",
                )
    elif aliases:
        raise CloudFrontException(
            "InvalidViewerCertificate",
            "To add an alternate domain name (CNAME) to a CloudFront distribution, you must attach a trusted "
            "certificate that validates your authorization to use the domain name.",
        )


Check = Callable[[Any, dict[str, Any]], None]
_CHECKS: list[Check] = []


def _check_configs(check: Check) -> None:
    """Run ``check`` on every distribution config created or updated, before moto stores it."""
    _CHECKS.append(check)
    if len(_CHECKS) > 1:
        return
    from moto.cloudfront.models import CloudFrontBackend

    def _validate(backend: Any, config: dict[str, Any]) -> None:
        for each in _CHECKS:
            each(backend, config)

    original_create = CloudFrontBackend.create_distribution_with_tags
    original_update = CloudFrontBackend.update_distribution

    def create_distribution_with_tags(self: CloudFrontBackend, distribution_config: dict[str, Any], tags: Any) -> Any:
        _validate(self, distribution_config)
        return original_create(self, distribution_config, tags)

    def update_distribution(self: CloudFrontBackend, dist_config: dict[str, Any], _id: str, if_match: bool) -> Any:
        if dist_config:
            _validate(self, dist_config)
        return original_update(self, dist_config, _id, if_match)

    CloudFrontBackend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    CloudFrontBackend.update_distribution = update_distribution  # type: ignore[method-assign]


@fill(
    behaviour="An origin keeps the origin access control it is given; one naming no origin access control "
    "of the account is refused.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html",
)
def origin_access_control_on_origins() -> None:
    """An origin keeps its ``OriginAccessControlId``, as on AWS.

    moto 5.2.5 drops it: GetDistribution reports every origin without one, so
    a distribution signing its requests to a Lambda function URL or an S3
    bucket reads back as unsigned and the next plan sets it again. Here the
    origin keeps the id, and a create or update naming an origin access control
    the account does not have is refused with NoSuchOriginAccessControl.
    """
    from moto.cloudfront.models import Origin

    original_init = Origin.__init__

    def __init__(self: Origin, origin: dict[str, Any]) -> None:
        original_init(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""  # type: ignore[attr-defined]

    Origin.__init__ = __init__  # type: ignore[method-assign]
    _check_configs(_check_origin_access_controls)


@fill(
    behaviour="A cache behavior with a cache policy has no legacy ForwardedValues: CloudFront reports only the policy.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DefaultCacheBehavior.html",
)
def cache_policy_replaces_forwarded_values() -> None:
    """A cache behaviour using a cache policy reports no ``ForwardedValues``, as on AWS.

    A cache behaviour uses either a cache policy or the legacy
    ``ForwardedValues`` (and TTL) settings. moto 5.2.5 reports empty
    ``ForwardedValues`` for every behaviour, so one with a cache policy reads
    back with legacy settings it was never given and the next plan removes
    them. Here a behaviour given a ``CachePolicyId`` and no ``ForwardedValues``
    reports none; one given both is refused with InvalidArgument, as AWS does.
    """
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import CacheBehaviour, DefaultCacheBehaviour

    def patch(cls: type[DefaultCacheBehaviour]) -> None:
        original_init = cls.__init__

        def __init__(self: DefaultCacheBehaviour, config: dict[str, Any]) -> None:
            if config.get("CachePolicyId") and config.get("ForwardedValues"):
                raise CloudFrontException(
                    "InvalidArgument", "A cache behavior can't have both a cache policy and ForwardedValues."
                )
            original_init(self, config)
            if config.get("CachePolicyId"):
                self.forwarded_values = None  # type: ignore[assignment]

        cls.__init__ = __init__  # type: ignore[method-assign]

    patch(DefaultCacheBehaviour)
    patch(CacheBehaviour)


@fill(
    behaviour="A distribution serves with the ACM certificate it is given, which must be issued, in us-east-1 "
    "and cover every alternate domain name; aliases need such a certificate.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html",
)
def viewer_certificate_from_acm() -> None:
    """A distribution given an ACM certificate uses it instead of CloudFront's default one, as on AWS.

    moto 5.2.5 reports ``CloudFrontDefaultCertificate`` true whatever the
    distribution is given, so one with its own certificate reads back as using
    both, and it accepts any certificate ARN and any alias. Here a viewer
    certificate with ``ACMCertificateArn`` reports ``CloudFrontDefaultCertificate``
    false and ``CertificateSource`` acm; the certificate must be an ISSUED ACM
    certificate of the account in us-east-1 covering every alias (exactly, or
    by a ``*.`` wildcard one label up), and aliases without a certificate are
    refused: InvalidViewerCertificate, with AWS's messages.
    """
    from moto.cloudfront.models import ViewerCertificate

    original_init = ViewerCertificate.__init__

    def __init__(self: ViewerCertificate, config: dict[str, Any]) -> None:
        original_init(self, config)
        if config.get("ACMCertificateArn"):
            self.cloud_front_default_certificate = False
            self.certificate_source = "acm"
            self.certificate = config["ACMCertificateArn"]

    ViewerCertificate.__init__ = __init__  # type: ignore[method-assign]
    _check_configs(_check_viewer_certificate)
