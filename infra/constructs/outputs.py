"""Stack outputs with stable, flat names (``<thing>_<attribute>``)."""

from __future__ import annotations

from typing import Any

from cdktf import TerraformOutput
from constructs import Construct


def output(scope: Construct, name: str, value: Any, description: str, *, sensitive: bool = False) -> TerraformOutput:
    """Declare output ``name`` exactly as named, wherever in the tree ``scope`` sits."""
    declared = TerraformOutput(scope, name, value=value, description=description, sensitive=sensitive)
    declared.override_logical_id(name)
    return declared
