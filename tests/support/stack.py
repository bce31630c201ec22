"""Reading a synthesized stack in conformance tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class SynthesizedStack:
    """One stack's cdk.tf.json with lookups by type and by attribute."""

    def __init__(self, synth_dir: Path, stack_id: str) -> None:
        self.json: dict[str, Any] = json.loads((synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text())

    def all(self, resource_type: str) -> list[dict[str, Any]]:
        found = self.json.get("resource", {}).get(resource_type, {})
        return [found[name] for name in sorted(found)]

    def one(self, resource_type: str, **attributes: Any) -> dict[str, Any]:
        """The single resource of a type whose attributes have the given values."""
        matches = [r for r in self.all(resource_type) if all(r.get(k) == v for k, v in attributes.items())]
        assert len(matches) == 1, f"{len(matches)} {resource_type} with {attributes}"
        return matches[0]

    def values(self, resource_type: str, attribute: str) -> list[Any]:
        return sorted((r.get(attribute) for r in self.all(resource_type)), key=str)

    def container(self, family: str) -> dict[str, Any]:
        task = self.one("aws_ecs_task_definition", family=family)
        (definition,) = json.loads(task["container_definitions"])
        result: dict[str, Any] = definition
        return result

    @property
    def outputs(self) -> dict[str, Any]:
        result: dict[str, Any] = self.json.get("output", {})
        return result
