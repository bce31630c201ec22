"""CloudTrail: trails."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="DeleteTrail deletes the trail its Name gives, as a name or an ARN; a trail that does not exist "
    "is refused.",
    reference="https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteTrail.html",
)
def delete_trail_by_name_or_arn() -> None:
    """DeleteTrail takes the trail's name or ARN, as on AWS.

    moto 5.2.5 deletes a trail only when given its name, and answers success
    without deleting anything when given its ARN (what the AWS provider sends)
    or a trail that does not exist: a destroy "succeeds" and the trail stays.
    Here the trail named, by name or by ARN, is deleted, and a name or ARN of
    no trail of the region is refused with TrailNotFoundException.
    """
    from moto.cloudtrail.models import CloudTrailBackend

    def delete_trail(self: CloudTrailBackend, name: str) -> None:
        trail = self.get_trail(name)  # TrailNotFoundException when there is none
        del self.trails[trail.trail_name]

    CloudTrailBackend.delete_trail = delete_trail  # type: ignore[method-assign]


@fill(
    behaviour="DescribeTrails given a trailNameList describes only the trails it names: names of the region's "
    "trails, or ARNs of any trail shown in the region; an empty list describes every trail.",
    reference="https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html",
)
def describe_trails_by_name_list() -> None:
    """DescribeTrails honours trailNameList, as on AWS.

    moto 5.2.5 ignores the list and describes every trail of the account the
    region shows (its own, and every multi-region trail). The AWS provider
    reads a trail by asking for its ARN and refuses more than one answer, so
    a second environment's multi-region trail in the account broke every
    plan ("too many results: wanted 1, got 3"). Here a non-empty list keeps
    the trails it names: a name matches a trail created in this region, an
    ARN any trail the region shows (AWS: "to return information about a trail
    in another Region, you must specify its trail ARN"); an entry matching no
    trail adds nothing.
    """
    import json

    from moto.cloudtrail.responses import CloudTrailResponse

    original = CloudTrailResponse.describe_trails

    def describe_trails(self: CloudTrailResponse) -> str:
        wanted = self._get_param("trailNameList") or []
        if not wanted:
            return original(self)
        backend = self.cloudtrail_backend
        shown = backend.describe_trails(include_shadow_trails=self._get_bool_param("includeShadowTrails", True))
        found = [
            trail
            for trail in shown
            if trail.arn in wanted or (trail.trail_name in wanted and trail.region_name == backend.region_name)
        ]
        return json.dumps({"trailList": [t.description(include_region=True) for t in found]})

    CloudTrailResponse.describe_trails = describe_trails  # type: ignore[method-assign]
