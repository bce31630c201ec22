"""CloudFront: origin groups and origin access control on distributions."""

from __future__ import annotations

from emulator.fills import fill

# Status codes an origin group may fail over on (FailoverCriteria).
FAILOVER_STATUS_CODES = (400, 403, 404, 416, 500, 502, 503, 504)
# Methods a cache behavior targeting an origin group may allow.
ORIGIN_GROUP_METHODS = ("GET", "HEAD", "OPTIONS")


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
    from typing import Any

    from moto.cloudfront.exceptions import CloudFrontException, OriginDoesNotExist
    from moto.cloudfront.models import DistributionConfig

    def invalid(message: str) -> CloudFrontException:
        return CloudFrontException("InvalidArgument", message)

    def items(container: Any) -> list[Any]:
        found = (container or {}).get("Items") or []
        return list(found if isinstance(found, list) else [found])

    def check(config: dict[str, Any]) -> set[str]:
        origin_ids = {origin["Id"] for origin in items(config.get("Origins"))}
        group_ids: set[str] = set()
        for group in items(config.get("OriginGroups")):
            group_id = group.get("Id")
            if not group_id or group_id in origin_ids or group_id in group_ids:
                raise invalid(f"Origin group id {group_id!r} must be unique among origins and origin groups.")
            members = [member.get("OriginId") for member in items(group.get("Members"))]
            if len(members) != 2 or len(set(members)) != 2:
                raise invalid(f"Origin group {group_id} must have exactly two different members.")
            if not set(members) <= origin_ids:
                raise OriginDoesNotExist()
            codes = [int(code) for code in items((group.get("FailoverCriteria") or {}).get("StatusCodes"))]
            if not codes or not set(codes) <= set(FAILOVER_STATUS_CODES):
                raise invalid(f"Origin group {group_id} fails over on {FAILOVER_STATUS_CODES} only; got {codes}.")
            group_ids.add(group_id)
        for behavior in [config.get("DefaultCacheBehavior") or {}, *items(config.get("CacheBehaviors"))]:
            target = behavior.get("TargetOriginId")
            if target not in origin_ids | group_ids:
                raise OriginDoesNotExist()
            methods = items(behavior.get("AllowedMethods")) or ["GET", "HEAD"]
            if target in group_ids and not set(methods) <= set(ORIGIN_GROUP_METHODS):
                raise invalid(f"Cache behaviors targeting origin group {target} allow only GET, HEAD and OPTIONS.")
        return group_ids

    original_init = DistributionConfig.__init__

    def __init__(self: DistributionConfig, config: dict[str, Any]) -> None:
        group_ids = check(config)
        groups = items(config.get("OriginGroups"))
        first_member = {g["Id"]: items(g["Members"])[0]["OriginId"] for g in groups}
        behaviors = [config.get("DefaultCacheBehavior") or {}, *items(config.get("CacheBehaviors"))]
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
        for behavior, target in zip(items(getattr(self, "CacheBehaviors", None)), targets[1:], strict=False):
            if hasattr(behavior, "target_origin_id"):
                behavior.target_origin_id = target
        state["OriginGroups"] = {"Quantity": len(groups), "Items": groups} if groups else {"Quantity": 0}

    DistributionConfig.__init__ = __init__  # type: ignore[method-assign]


@fill(
    behaviour="Origins keep the origin access control they name, which must exist; an origin access control "
    "a distribution uses cannot be deleted.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Origin.html",
)
def cloudfront_origin_access_control_on_origins() -> None:
    """An origin's ``OriginAccessControlId`` is kept and checked, as on AWS.

    moto 5.2.5 drops ``OriginAccessControlId`` from origins, so a distribution
    reads back without it and the provider plans to set it again; it accepts
    an id of no origin access control; and DeleteOriginAccessControl deletes
    one that distributions still sign with. Here origins keep and report the
    id; CreateDistribution(WithTags) and UpdateDistribution refuse an id the
    account does not have (NoSuchOriginAccessControl) and an origin that
    names both an origin access control and an origin access identity
    (InvalidArgument, AWS allows one); DeleteOriginAccessControl of one a
    distribution uses is OriginAccessControlInUse.
    """
    from typing import Any

    from moto.cloudfront.exceptions import CloudFrontException, NoSuchOriginAccessControl
    from moto.cloudfront.models import CloudFrontBackend, Origin

    original_origin = Origin.__init__

    def origin_init(self: Origin, origin: dict[str, Any]) -> None:
        original_origin(self, origin)
        self.origin_access_control_id = origin.get("OriginAccessControlId") or ""  # type: ignore[attr-defined]
        if self.origin_access_control_id and self.s3_access_identity:  # type: ignore[attr-defined]
            raise CloudFrontException(
                "InvalidArgument", "An origin cannot use both an origin access control and an origin access identity."
            )

    def check(backend: CloudFrontBackend, config: dict[str, Any]) -> None:
        origins = (config.get("Origins") or {}).get("Items") or []
        for origin in origins if isinstance(origins, list) else [origins]:
            control = origin.get("OriginAccessControlId")
            if control and control not in backend.origin_access_controls:
                raise NoSuchOriginAccessControl()

    original_create = CloudFrontBackend.create_distribution_with_tags

    def create_distribution_with_tags(
        self: CloudFrontBackend, distribution_config: dict[str, Any], tags: list[dict[str, str]]
    ) -> Any:
        check(self, distribution_config)
        return original_create(self, distribution_config, tags)

    original_update = CloudFrontBackend.update_distribution

    def update_distribution(self: CloudFrontBackend, dist_config: dict[str, Any], _id: str, if_match: bool) -> Any:
        if dist_config:
            check(self, dist_config)
        return original_update(self, dist_config, _id, if_match)

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
    CloudFrontBackend.create_distribution_with_tags = create_distribution_with_tags  # type: ignore[method-assign]
    CloudFrontBackend.update_distribution = update_distribution  # type: ignore[method-assign]
    CloudFrontBackend.delete_origin_access_control = delete_origin_access_control  # type: ignore[method-assign]


@fill(
    behaviour="A distribution reports its cache behaviors and viewer certificate as configured: no legacy "
    "ForwardedValues beside a cache policy, no SSLSupportMethod unless one was set.",
    reference="https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DefaultCacheBehavior.html",
)
def cloudfront_distribution_config_as_given() -> None:
    """GetDistribution reports cache behaviors and the viewer certificate as AWS does.

    moto 5.2.5 gives every cache behavior ``ForwardedValues`` (query strings
    off, no cookies) even when it names a cache policy, which AWS does not
    allow together (the legacy settings are absent then), and gives every
    viewer certificate ``SSLSupportMethod: sni-only`` even when none was set
    (the cloudfront.net certificate takes none). The provider then plans to
    remove them after every apply. Here a behavior with a ``CachePolicyId``
    reports no ``ForwardedValues`` (and one with both is refused with
    InvalidArgument, as on AWS), and ``SSLSupportMethod`` is reported only
    when it was given.
    """
    from typing import Any

    from moto.cloudfront.exceptions import CloudFrontException
    from moto.cloudfront.models import DefaultCacheBehaviour, ViewerCertificate

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

    original_certificate = ViewerCertificate.__init__

    def certificate_init(self: ViewerCertificate, config: dict[str, Any]) -> None:
        original_certificate(self, config)
        if not config.get("SSLSupportMethod"):
            self.ssl_support_method = None

    DefaultCacheBehaviour.__init__ = behaviour_init  # type: ignore[method-assign]
    ViewerCertificate.__init__ = certificate_init  # type: ignore[method-assign]
