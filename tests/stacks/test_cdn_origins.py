"""Every distribution of every stack against the CloudFront rule for Lambda origins (issue 21.1).

AWS: behind origin access control, a PUT or POST reaches a Lambda function URL only with the SHA-256 of its
body in x-amz-content-sha256, computed by the viewer (Lambda takes no unsigned payload), and signing
"always" replaces the viewer's Authorization:
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-lambda.html
So no signed function URL origin may serve those methods unless its stack declares that the clients sign
(tag ClientsSignPayloads, which the emulator's fill reads too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from infra.constructs.cdn_distribution import BODY_METHODS, CLIENTS_SIGN_TAG

_CONTROL = re.compile(r"^\$\{aws_cloudfront_origin_access_control\.(\w+)\.id\}$")


def distributions(synth_dir: Path) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(stack id, distribution, the stack's origin access controls by logical id) of every stack."""
    for path in sorted((synth_dir / "stacks").glob("*/cdk.tf.json")):
        resources = json.loads(path.read_text()).get("resource", {})
        controls = resources.get("aws_cloudfront_origin_access_control", {})
        for distribution in resources.get("aws_cloudfront_distribution", {}).values():
            yield path.parent.name, distribution, controls


def signed_function_writes(distribution: dict[str, Any], controls: dict[str, Any]) -> list[str]:
    """The origins of ``distribution`` a signing Lambda control fronts whose behavior allows PUT or POST."""
    origins = {origin["origin_id"]: origin for origin in distribution["origin"]}
    found = []
    for behavior in [distribution["default_cache_behavior"], *distribution.get("ordered_cache_behavior", [])]:
        origin = origins.get(behavior["target_origin_id"])
        match = _CONTROL.match((origin or {}).get("origin_access_control_id") or "")
        control = controls[match.group(1)] if match else None
        if (
            control is not None
            and control["origin_access_control_origin_type"] == "lambda"
            and control["signing_behavior"] != "never"
            and set(behavior["allowed_methods"]) & set(BODY_METHODS)
        ):
            found.append(behavior["target_origin_id"])
    return found


def test_no_signed_function_url_origin_serves_writes_unless_its_stack_declares_that_clients_sign(
    synth_dir: Path,
) -> None:
    examined = 0
    for stack_id, distribution, controls in distributions(synth_dir):
        examined += 1
        writes = signed_function_writes(distribution, controls)
        declared = (distribution.get("tags") or {}).get(CLIENTS_SIGN_TAG) == "true"
        assert not writes or declared, f"{stack_id} {distribution['comment']}: writes to {writes} would fail"
    assert examined >= 4, "Luneo's asset distributions and Solobase's instances are all examined"
