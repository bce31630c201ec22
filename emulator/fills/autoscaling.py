"""Application Auto Scaling: scalable targets."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="Scalable targets carry tags, read and changed by ListTagsForResource, TagResource and UntagResource.",
    reference="https://docs.aws.amazon.com/autoscaling/application/APIReference/API_ListTagsForResource.html",
)
def scalable_target_tags() -> None:
    """Scalable targets carry tags: ListTagsForResource, TagResource and UntagResource, as on AWS.

    moto 5.2.5 implements none of the three (the server answers 500) and drops
    the ``Tags`` of RegisterScalableTarget, so the provider, which lists a
    target's tags after creating it and on every read, cannot manage
    ``aws_appautoscaling_target``. Here a target keeps the tags it was
    registered with, the three calls work on its ARN (``ScalableTargetARN``),
    and an ARN that names no target in the caller's account and region is a
    ResourceNotFoundException; tags go with the target when it is deregistered.
    """
    import json

    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeScalableTarget
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.core.exceptions import JsonRESTError

    def tags_of(target: FakeScalableTarget) -> dict[str, str]:
        tags: dict[str, str] = target.__dict__.setdefault("tags", {})
        return tags

    def target_by_arn(backend: ApplicationAutoscalingBackend, arn: str) -> FakeScalableTarget:
        for by_resource in backend.targets.values():
            for target in by_resource.values():
                if target.arn == arn:
                    return target
        raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for ARN: {arn}")

    original_register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        backend = self.applicationautoscaling_backend
        existed = backend._scalable_target_exists(self._get_param("ResourceId"), self._get_param("ScalableDimension"))
        body: str = original_register(self)
        tags = self._get_param("Tags")
        if tags and not existed:  # AWS applies Tags when the call creates the target
            tags_of(target_by_arn(backend, json.loads(body)["ScalableTargetARN"])).update(tags)
        return body

    def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        return json.dumps({"Tags": tags_of(target)})

    def tag_resource(self: ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        tags_of(target).update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        for key in self._get_param("TagKeys") or []:
            tags_of(target).pop(key, None)
        return "{}"

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target  # type: ignore[method-assign]
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    ApplicationAutoScalingResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    ApplicationAutoScalingResponse.untag_resource = untag_resource  # type: ignore[attr-defined]
