"""Stack outputs with stable, flat names (``<thing>_<attribute>``), declared once per stack.

Outputs are declared where the stack decides them (stack classes, or a
construct method the stack calls with a prefix). Two outputs with one name in
a stack would silently leave only the last one in Terraform's JSON, so the
second declaration is an error naming both construct paths.
"""

from __future__ import annotations

import re
from typing import Any

from cdktf import TerraformOutput, TerraformStack
from constructs import Construct

from infra import validation
from infra.validation import ConfigError

_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class DuplicateOutputError(ConfigError):
    """A second output with a name the stack already has."""


def output(scope: Construct, name: str, value: Any, description: str, *, sensitive: bool = False) -> TerraformOutput:
    """Declare output ``name`` exactly as named, wherever in the tree ``scope`` sits."""
    if not _NAME.match(name):
        raise ConfigError("output name", "<thing>_<attribute> in snake case", name)
    validation.non_empty_text(f"output {name} description", description, max_length=1024)
    stack = TerraformStack.of(scope)
    declared: dict[str, str] = stack.__dict__.setdefault("_declared_outputs", {})
    path = f"{scope.node.path}/{name}"
    if name in declared:
        raise DuplicateOutputError(f"output {name}", f"declared once per stack (first at {declared[name]})", path)
    declared[name] = path
    result = TerraformOutput(scope, name, value=value, description=description, sensitive=sensitive)
    result.override_logical_id(name)
    return result
