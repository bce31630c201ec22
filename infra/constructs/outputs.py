"""Stack outputs with stable, flat names (``<thing>_<attribute>``), declared once per stack.

Outputs are declared where the stack decides them (stack classes, or a
construct method the stack calls with a prefix). Two outputs with one name in
a stack would silently leave only the last one in Terraform's JSON, so the
second declaration is an error naming both construct paths.
"""

from __future__ import annotations

import re
from typing import Any

from cdktf import TerraformOutput
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import stack_of
from infra.validation import ConfigError

_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


class DuplicateOutputError(ConfigError):
    """A second output with a name the stack already has."""


def output(scope: Construct, name: str, value: Any, description: str, *, sensitive: bool = False) -> TerraformOutput:
    """Declare output ``name`` exactly as named, wherever in the tree ``scope`` sits."""
    if not _NAME.match(name):
        raise ConfigError("output name", "<thing>_<attribute> in snake case", name)
    validation.non_empty_text(f"output {name} description", description, max_length=1024)
    stack = stack_of(scope)
    declared: dict[str, Construct] = stack.__dict__.setdefault("_declared_outputs", {})
    if name in declared:
        first, second = (f"{where.node.path}/{name}" for where in (declared[name], scope))
        raise DuplicateOutputError(f"output {name}", f"declared once per stack (first at {first})", second)
    declared[name] = scope  # paths are read only for the error: each read is a call into node
    # A child of the stack itself is named by its id alone (snake case passes unchanged), so its
    # Terraform name is ``name`` with no logical-id override: one call into node less per output.
    return TerraformOutput(stack, name, value=value, description=description, sensitive=sensitive)
