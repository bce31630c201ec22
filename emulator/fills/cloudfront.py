"""CloudFront: distributions' origin groups, origin access controls, cache behaviors and viewer certificates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.fills import fill
from emulator.fills.acm import dns_name

CERTIFICATE_REGION = "us-east-1"
"""CloudFront takes ACM certificates from this region only."""
# Status codes an origin group may fail over on (FailoverCriteria).
FAILOVER_STATUS_CODES = (400, 403, 404, 416, 500, 502, 503, 504)
# Methods a cache behavior targeting an origin group may allow.
ORIGIN_GROUP_METHODS = ("GET", "HEAD", "OPTIONS")
BODY_METHODS = ("PUT", "POST")
"""What a Lambda function URL behind origin access control takes only with the body's hash from the viewer."""
CLIENTS_SIGN_TAG = "ClientsSignPayloads"
"""A distribution tagged ``ClientsSignPayloads=true`` declares that its viewers send x-amz-content-sha256."""


def covers(certificate_names: list[str], alias: str) -> bool:
    """Whether a certificate for ``certificate_names`` is valid for ``alias`` (a wildcard covers one label)."""
    alias = dns_name(alias)
    for name in map(dns_name, certificate_names):
        if name == alias:
            return True
        if name.startswith("*.") and "." in alias and alias.split(".", 1)[1] == name[2:]:
            return True
    return False


def _items(container: Any) -> list[Any]:
    """The ``Items`` of a request's list (``{"Quantity": n, "Items": [...]}``), one item or many."""
    found = (container or {}).get("Items") or []
    return list(found if isinstance(found, list) else [found])


Check = Callable[[Any, dict[str, Any], dict[str, str]], None]
"""(backend, distribution config, the distribution's tags) -> None, or raise what AWS would answer."""
_CHECKS: list[Check] = []


def _check_configs(check: Check) -> None:
    """Run ``check`` on every distribution config created or updated, before moto stores it."""
    _CHECKS.append(check)
    if len(_CHECKS) > 1:
        return
    from moto.cloudfront.models import CloudFrontBackend

    def _validate(backend: Any, config: dict[str, Any], tags: dict[str, str]) -> None:
        for each in _CHECKS:
            each(backend, config, tags)

    original_create = CloudFrontBackend.create_distribution_with_tags
    original_update = CloudFrontBackend.update_distribution

    def create_distribution_with_tags(self: CloudFrontBackend, distribution_config: dict[str, Any], tags: Any) -> Any:
        given = {tag["Key"]: tag.get("Value", "") for tag in (tags or [])}
        _validate(self, distribution_config, given)
        return original_create(self, distribution_config, tags)

    def update_distribution(self: CloudFrontBackend, dist_config: dict[str, Any], _id: str, if_match: bool) -> Any:
        if dist_config:
            existing = self.distributions.get(_id)
            tags = self.tagger.get_tag_dict_for_resource(existing.arn) if existing is not None else {}
            _validate(self, dist_config, tags)
        return original_update(self, dist_config, _id, if_match)

    CloudFrontBackend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    CloudFrontBackend.update_distribution = update_distribution  # type: ignore[method-assign]


@fill(
    behaviour="A distribution's cache behaviors may target an origin group of two of its origins that "
    "fails over on the status codes given; the group is reported back.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_OriginGroup.html",
)
def cloudfront_origin_groups() -> None:
    """Origin groups work as on AWS.

    moto 5.2.5 keeps ``OriginGroups`` as given but accepts a cache behavior
    only if it targets an origin, so a distribution whose default behavior
    targets an origin group (primary and failover origin) is refused with
    NoSuchOrigin. Here a behavior may target an origin or an origin group,
    and the group is checked as AWS checks it: a unique id that is not an
    origin's, exactly two members that are origins of the distribution,
    failover status codes from 400, 403, 404, 416, 500, 502, 503 and 504, and
    behaviors targeting it allow only GET, HEAD and OPTIONS. Anything else is
    refused (InvalidArgument, or NoSuchOrigin for an unknown target) and
    nothing is created or changed.
    """
    from moto.cloudfront.exceptions import CloudFrontException, OriginDoesNotExist
    from moto.cloudfront.models import DistributionConfig

    def invalid(message: str) -> CloudFrontException:
        return CloudFrontException("InvalidArgument", message)

    def check(config: dict[str, Any]) -> set[str]:
        origin_ids = {origin["Id"] for origin in _items(config.get("Origins"))}
        group_ids: set[str] = set()
        for group in _items(config.get("OriginGroups")):
            group_id = group.get("Id")
            if not group_id or group_id in origin_ids or group_id in group_ids:
                raise invalid(f"Origin group id {group_id!r} must be unique among origins and origin groups.")
            members = [member.get("OriginId") for member in _items(group.get("Members"))]
            if len(members) != 2 or len(set(members)) != 2:
                raise invalid(f"Origin group {group_id} must have exactly two different members.")
            if not set(members) <= origin_ids:
                raise OriginDoesNotExist()
            codes = [int(code) for code in _items((group.get("FailoverCriteria") or {}).get("StatusCodes"))]
            if not codes or not set(codes) <= set(FAILOVER_STATUS_CODES):
                raise invalid(f"Origin group {group_id} fails over on {FAILOVER_STATUS_CODES} only; got {codes}.")
            group_ids.add(group_id)
        for behavior in [config.get("DefaultCacheBehavior") or {}, *_items(config.get("CacheBehaviors"))]:
            target = behavior.get("TargetOriginId")
            if target not in origin_ids | group_ids:
                raise OriginDoesNotExist()
            methods = _items(behavior.get("AllowedMethods")) or ["GET", "HEAD"]
            if target in group_ids and not set(methods) <= set(ORIGIN_GROUP_METHODS):
                raise invalid(f"Cache behaviors targeting origin group {target} allow only GET, HEAD and OPTIONS.")
        return group_ids

    original_init = DistributionConfig.__init__

    def __init__(self: DistributionConfig, config: dict[str, Any]) -> None:
        group_ids = check(config)
        groups = _items(config.get("OriginGroups"))
        first_member = {g["Id"]: _items(g["Members"])[0]["OriginId"] for g in groups}
        behaviors = [config.get("DefaultCacheBehavior") or {}, *_items(config.get("CacheBehaviors"))]
        targets = [behavior.get("TargetOriginId") for behavior in behaviors]
        # moto checks the default behavior against origins only: show it a member, then put the group back.
        for behavior in behaviors:
            if behavior.get("TargetOriginId") in group_ids:
                behavior["TargetOriginId"] = first_member[behavior["TargetOriginId"]]
        original_init(self, config)
        for behavior, target in zip(behaviors, targets, strict=True):
            behavior["TargetOriginId"] = target
        state = vars(self)  # moto sets the config's fields from the request, by name
        state["DefaultCacheBehavior"].target_origin_id = targets[0]
        for behavior, target in zip(_items(getattr(self, "CacheBehaviors", None)), targets[1:], strict=False):
            if hasattr(behavior, "target_origin_id"):
                behavior.target_origin_id = target
        state["OriginGroups"] = {"Quantity": len(groups), "Items": groups} if groups else {"Quantity": 0}

    DistributionConfig.__init__ = __init__  # type: ignore[method-assign]


def _check_origin_access_controls(backend: Any, config: dict[str, Any], tags: dict[str, str]) -> None:
    from moto.cloudfront.exceptions import NoSuchOriginAccessControl

    for origin in _items(config.get("Origins")):
        control = origin.get("OriginAccessControlId")
        if control and control not in backend.origin_access_controls:
            raise NoSuchOriginAccessControl()


@fill(
    behaviour="Origins keep the origin access control they name, which must exist; an origin access control "
    "a distribution uses cannot be deleted.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html",
)
def cloudfront_origin_access_control_on_origins() -> None:
    """An origin's ``OriginAccessControlId`` is kept and checked, as on AWS.

    moto 5.2.5 drops ``OriginAccessControlId`` from origins, so a distribution
    signing its requests to an S3 bucket or a Lambda function URL reads back
    without it and the provider plans to set it again; it accepts an id of no
    origin access control; and DeleteOriginAccessControl deletes one that
    distributions still sign with. Here origins keep and report the id;
    CreateDistribution(WithTags) and UpdateDistribution refuse an id the
    account does not have (NoSuchOriginAccessControl) and an origin that
    names both an origin access control and an origin access identity
    (InvalidArgument, AWS allows one); DeleteOriginAccessControl of one a
    distribution uses is OriginAccessControlInUse.
    """
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import CloudFrontBackend, Origin

    original_origin = Origin.__init__

    def origin_init(self: Origin, origin: dict[str, Any]) -> None:
        original_origin(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""  # type: ignore[attr-defined]
        if self.origin_access_control_id and self.s3_access_identity:  # type: ignore[attr-defined]
            raise CloudFrontException(
                "InvalidArgument", "An origin cannot use both an origin access control and an origin access identity."
            )

    original_delete = CloudFrontBackend.delete_origin_access_control

    def delete_origin_access_control(self: CloudFrontBackend, control_id: str) -> None:
        for distribution in self.distributions.values():
            for origin in vars(distribution.distribution_config)["Origins"]["Items"]:
                if getattr(origin, "origin_access_control_id", "") == control_id:
                    raise CloudFrontException(
                        "OriginAccessControlInUse",
                        f"The origin access control is in use by distribution {distribution.distribution_id}.",
                    )
        original_delete(self, control_id)

    Origin.__init__ = origin_init  # type: ignore[method-assign]
    CloudFrontBackend.delete_origin_access_control = delete_origin_access_control  # type: ignore[method-assign]
    _check_configs(_check_origin_access_controls)


@fill(
    behaviour="A cache behavior with a cache policy has no legacy ForwardedValues: CloudFront reports only the "
    "policy, and refuses both together.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DefaultCacheBehavior.html",
)
def cloudfront_cache_policy_replaces_forwarded_values() -> None:
    """A cache behavior using a cache policy reports no ``ForwardedValues``, as on AWS.

    A cache behavior uses either a cache policy or the legacy
    ``ForwardedValues`` (and TTL) settings. moto 5.2.5 gives every behavior
    ``ForwardedValues`` (query strings off, no cookies) even when it names a
    cache policy, so it reads back with legacy settings it was never given and
    the provider plans to remove them after every apply. Here a behavior given
    a ``CachePolicyId`` reports no ``ForwardedValues``, and one given both is
    refused with InvalidArgument, as on AWS. Ordered cache behaviors
    (CacheBehaviour) start from the default one's constructor, so they get the
    same.
    """
    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import DefaultCacheBehaviour

    original_behaviour = DefaultCacheBehaviour.__init__

    def behaviour_init(self: DefaultCacheBehaviour, config: dict[str, Any]) -> None:
        policy = config.get("CachePolicyId")
        if policy and config.get("ForwardedValues"):
            raise CloudFrontException(
                "InvalidArgument", "A cache behavior cannot have both a CachePolicyId and ForwardedValues."
            )
        original_behaviour(self, config)
        if policy:
            self.forwarded_values = None  # type: ignore[assignment]

    DefaultCacheBehaviour.__init__ = behaviour_init  # type: ignore[method-assign]


def _check_viewer_certificate(backend: Any, config: dict[str, Any], tags: dict[str, str]) -> None:
    from moto.acm.models import acm_backends
    from moto.cloudfront.exceptions import CloudFrontException

    certificate = config.get("ViewerCertificate") or {}
    arn = certificate.get("ACMCertificateArn")
    aliases = _items(config.get("Aliases"))
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


@fill(
    behaviour="A distribution serves with the viewer certificate it is given: an ACM certificate, which must be "
    "issued, in us-east-1 and cover every alternate domain name (aliases need one), or CloudFront's own; "
    "SSLSupportMethod is reported only when set.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ViewerCertificate.html",
)
def cloudfront_viewer_certificate_from_acm() -> None:
    """A distribution's viewer certificate is used and reported as given, as on AWS.

    moto 5.2.5 reports ``CloudFrontDefaultCertificate`` true whatever the
    distribution is given, so one with its own certificate reads back as using
    both; it accepts any certificate ARN and any alias; and it gives every
    viewer certificate ``SSLSupportMethod: sni-only``, even CloudFront's own,
    which takes none, so the provider plans to remove it after every apply.
    Here a viewer certificate with ``ACMCertificateArn`` reports
    ``CloudFrontDefaultCertificate`` false and ``CertificateSource`` acm, and
    ``SSLSupportMethod`` is reported only when it was given. The certificate
    must be an ISSUED ACM certificate of the account in us-east-1 covering
    every alias (exactly, or by a ``*.`` wildcard one label up), and aliases
    without a certificate are refused: InvalidViewerCertificate, with AWS's
    messages.
    """
    from moto.cloudfront.models import ViewerCertificate

    original_init = ViewerCertificate.__init__

    def __init__(self: ViewerCertificate, config: dict[str, Any]) -> None:
        original_init(self, config)
        if config.get("ACMCertificateArn"):
            self.cloud_front_default_certificate = False
            self.certificate_source = "acm"
            self.certificate = config["ACMCertificateArn"]
        if not config.get("SSLSupportMethod"):
            self.ssl_support_method = None

    ViewerCertificate.__init__ = __init__  # type: ignore[method-assign]
    _check_configs(_check_viewer_certificate)


def _check_lambda_payload_signing(backend: Any, config: dict[str, Any], tags: dict[str, str]) -> None:
    from moto.cloudfront.exceptions import CloudFrontException

    if tags.get(CLIENTS_SIGN_TAG) == "true":
        return
    origins = {origin["Id"]: origin for origin in _items(config.get("Origins"))}
    for behavior in [config.get("DefaultCacheBehavior") or {}, *_items(config.get("CacheBehaviors"))]:
        writes = sorted(set(_items(behavior.get("AllowedMethods"))) & set(BODY_METHODS))
        origin = origins.get(behavior.get("TargetOriginId"))  # origin groups take reads only (checked above)
        control = (origin or {}).get("OriginAccessControlId")
        found = backend.origin_access_controls.get(control) if control else None
        if writes and found is not None and found.origin_type == "lambda" and found.signing_behavior != "never":
            raise CloudFrontException(
                "InvalidArgument",
                f"Cache behavior for origin {origin and origin['Id']} allows {' and '.join(writes)} to a Lambda "
                "function URL signed by origin access control: Lambda takes such a request only with the SHA-256 "
                "of its body in x-amz-content-sha256, computed by the viewer. Allow GET, HEAD and OPTIONS only, "
                f"or tag the distribution {CLIENTS_SIGN_TAG}=true if its viewers sign their payloads "
                "(emulator rule).",
            )


@fill(
    behaviour="A Lambda function URL origin signed by origin access control takes PUT and POST only with the "
    "viewer's x-amz-content-sha256: a distribution allowing them is refused unless it declares its viewers sign.",
    reference="https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
    "private-content-restricting-access-to-lambda.html",
)
def cloudfront_lambda_origin_writes_need_signed_payloads() -> None:
    """Writes through a signed Lambda origin are refused at the distribution, where AWS refuses each request.

    AWS accepts a distribution whose cache behavior allows PUT and POST to a
    function URL origin signed with origin access control (signing ``always``
    or ``no-override``), and then Lambda answers every such request 403
    unless the viewer sent the SHA-256 of the body in
    ``x-amz-content-sha256`` (Lambda takes no unsigned payload, and with
    ``always`` CloudFront also replaces the viewer's ``Authorization``).
    moto 5.2.5 runs no request through a distribution, so nothing would ever
    fail. The emulator cannot know whether a distribution's viewers sign, so
    it fails closed: CreateDistribution(WithTags) and UpdateDistribution
    refuse such a behavior (InvalidArgument) unless the distribution is
    tagged ``ClientsSignPayloads=true`` (for an update, by its stored tags),
    the stacks' declaration that its viewers do. Reads (GET, HEAD, OPTIONS),
    origins signing ``never``, S3 and unsigned origins are left alone.
    """
    _check_configs(_check_lambda_payload_signing)
