"""Synthesizing one construct in a throwaway stack, for unit tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cdktf import TerraformStack, Testing
from cdktf_cdktf_provider_aws.provider import AwsProvider

from infra.registry import StackSpec
from infra.stacks.base import AwsStack

EU_PRIMARY = StackSpec(
    stack_id="demo-prod",
    kind="platform",
    system="demo",
    environments=("prod",),
    regions=("eu-west-1", "us-east-1"),
    state=None,
    factory="infra.stacks.base:AwsStack",
)
"""A stack whose default region is eu-west-1; us-east-1 comes as an aliased provider where asked for."""


def synth(build: Callable[[TerraformStack], object]) -> dict[str, Any]:
    """The Terraform JSON of a stack holding what ``build`` adds (with an AWS provider)."""
    app = Testing.app()
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "Aws", region="us-east-1")
    build(stack)
    result: dict[str, Any] = json.loads(Testing.synth(stack))
    return result


def eu_stack() -> AwsStack:
    """An AwsStack of EU_PRIMARY in an app of its own (``stack.region("secondary", "us-east-1")`` adds the other)."""
    return AwsStack(Testing.app(), EU_PRIMARY)


def resources(stack: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    """All resources of one type, in address order."""
    found = stack.get("resource", {}).get(resource_type, {})
    return [found[name] for name in sorted(found)]


def resource_names(stack: dict[str, Any], resource_type: str) -> list[str]:
    return sorted(stack.get("resource", {}).get(resource_type, {}))


def only(stack: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """The single resource of a type; fails when there are none or several."""
    found = resources(stack, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {len(found)}"
    return found[0]


def policy(document: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(document)
    return result
