"""The Application Auto Scaling fill (emulator/fills/autoscaling.py) against a live emulator."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator


def test_scalable_target_tags(emulator: Emulator) -> None:
    account = "210000000001"
    autoscaling = emulator.client("application-autoscaling", account)
    target = {
        "ServiceNamespace": "dynamodb",
        "ResourceId": "table/tagged-table",
        "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
    }
    autoscaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=5, Tags={"Name": "tagged"})
    described = autoscaling.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=[target["ResourceId"]])
    arn = described["ScalableTargets"][0]["ScalableTargetARN"]
    assert arn.startswith(f"arn:aws:application-autoscaling:us-east-1:{account}:scalable-target/")
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Name": "tagged"}

    autoscaling.tag_resource(ResourceARN=arn, Tags={"Team": "platform"})
    autoscaling.untag_resource(ResourceARN=arn, TagKeys=["Name"])
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Team": "platform"}

    # Not over-filled: only an existing target in the caller's account has tags.
    other = emulator.client("application-autoscaling", "210000000002")
    for client in (autoscaling, other):
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            client.list_tags_for_resource(ResourceARN=arn.replace(arn.rsplit("/", 1)[1], "0" * 36))
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        other.list_tags_for_resource(ResourceARN=arn)
    autoscaling.deregister_scalable_target(**target)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        autoscaling.tag_resource(ResourceARN=arn, Tags={"Team": "platform"})
