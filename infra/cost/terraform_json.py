"""What a stack creates, read from its synthesized ``cdk.tf.json`` or from a plan's JSON.

Each resource comes with the region of the AWS provider it uses (its alias's,
or the default provider's); resources of other providers (PostgreSQL) have
none. References between resources (``${aws_x.name.attr}``) are resolved by
name, so a service finds its task definition and a node group its launch
template. A plan (``terraform show -json plan``) carries resolved values
instead; a value known only after apply is missing there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.validation import ConfigError

_REFERENCE = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$")


@dataclass(frozen=True)
class Resource:
    """One resource: its type, its name in the stack, its arguments, the region it is created in."""

    type: str
    name: str
    values: Mapping[str, Any]
    region: str | None

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass(frozen=True)
class StackDocument:
    """The resources of one stack."""

    stack_id: str
    resources: tuple[Resource, ...]
    regions: tuple[str, ...]
    """Regions of its AWS providers, the default provider's first."""

    def of_type(self, *types: str) -> list[Resource]:
        return [resource for resource in self.resources if resource.type in types]

    def referenced(self, value: object) -> Resource | None:
        """The resource ``value`` (``${type.name.attribute}``) refers to, or None."""
        match = _REFERENCE.match(value) if isinstance(value, str) else None
        if not match:
            return None
        for resource in self.resources:
            if (resource.type, resource.name) == match.groups():
                return resource
        return None


def _provider_regions(providers: Mapping[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Region by provider key (``aws``, ``aws.<alias>``), and the regions in order."""
    by_key: dict[str, str] = {}
    for config in providers.get("aws", []):
        region = config.get("region")
        if not isinstance(region, str):
            continue
        key = f"aws.{config['alias']}" if config.get("alias") else "aws"
        by_key[key] = region
    ordered = tuple(dict.fromkeys([by_key[k] for k in by_key if k == "aws"] + list(by_key.values())))
    return by_key, ordered


def _region(resource_type: str, provider: object, regions: Mapping[str, str], where: str) -> str | None:
    if not resource_type.startswith("aws_"):
        return None
    key = provider if isinstance(provider, str) else "aws"
    if key not in regions:
        raise ConfigError(f"{where} provider", f"one of the stack's AWS providers {tuple(regions)!r}", key)
    return regions[key]


def from_synth(stack_id: str, data: Mapping[str, Any]) -> StackDocument:
    """The resources of a synthesized stack (``cdk.tf.json``)."""
    regions, ordered = _provider_regions(data.get("provider", {}))
    resources = []
    for resource_type, by_name in data.get("resource", {}).items():
        for name, values in by_name.items():
            region = _region(resource_type, values.get("provider"), regions, f"{stack_id} {resource_type}.{name}")
            for instance, instance_values in _instances(f"{stack_id} {resource_type}.{name}", name, values):
                resources.append(Resource(resource_type, instance, instance_values, region))
    return StackDocument(stack_id, tuple(resources), ordered)


_EACH_VALUE = re.compile(r"^\$\{each\.value\.([a-z_]+)\}$")


def _instances(where: str, name: str, values: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The resource's instances: itself, or one per key of a ``for_each`` written out in the stack (a map of
    objects, ``${each.value.<field>}`` resolved); a ``count`` or a computed ``for_each`` cannot be priced."""
    if "count" in values or ("for_each" in values and not isinstance(values["for_each"], Mapping)):
        raise ConfigError(where, "a resource without count, or with a for_each written out as a map", "count/for_each")
    if "for_each" not in values:
        yield name, values
        return
    for key, entry in values["for_each"].items():
        resolved = {}
        for attribute, value in values.items():
            if attribute == "for_each":
                continue
            match = _EACH_VALUE.match(value) if isinstance(value, str) else None
            resolved[attribute] = entry[match.group(1)] if match and isinstance(entry, Mapping) else value
        yield f'{name}["{key}"]', resolved


def _module_resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _module_resources(child)


def from_plan(stack_id: str, data: Mapping[str, Any]) -> StackDocument:
    """The resources a plan (``terraform show -json``) would leave in place: planned values, resolved."""
    configuration = data.get("configuration", {})
    regions: dict[str, str] = {}
    for key, config in configuration.get("provider_config", {}).items():
        region = config.get("expressions", {}).get("region", {}).get("constant_value")
        if isinstance(region, str) and config.get("name") == "aws":
            regions[key] = region
    keys = {
        f"{item['type']}.{item['name']}": item.get("provider_config_key", "aws")
        for item in configuration.get("root_module", {}).get("resources", [])
    }
    resources = []
    for item in _module_resources(data.get("planned_values", {}).get("root_module", {})):
        if item.get("mode") != "managed":
            continue
        address = f"{item['type']}.{item['name']}"
        region = _region(item["type"], keys.get(address, "aws"), regions, f"{stack_id} {address}")
        resources.append(Resource(item["type"], str(item["name"]), item.get("values") or {}, region))
    ordered = tuple(dict.fromkeys(([regions["aws"]] if "aws" in regions else []) + list(regions.values())))
    return StackDocument(stack_id, tuple(resources), ordered)


def read(path: Path, stack_id: str | None = None) -> StackDocument:
    """A stack from a ``cdk.tf.json`` (its directory names the stack) or a plan's JSON file."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigError(str(path), "a readable JSON file (cdk.tf.json or terraform show -json)", str(error)) from None
    if not isinstance(data, Mapping):
        raise ConfigError(str(path), "a JSON object", type(data).__name__)
    if "planned_values" in data:
        return from_plan(stack_id or path.stem, data)
    return from_synth(stack_id or path.parent.name, data)
