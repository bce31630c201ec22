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
