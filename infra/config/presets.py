"""Cost presets: per environment, the settings that bring its cost closest to its document's figure.

A preset is an override table in the shape users write in
``config/<system>/<environment>.toml``, with what each change gives up. An
environment whose ``[cost] cost_profile`` is ``document`` loads with its
system's preset merged under its own file (what the file sets wins):
infra.registry.load. Production defaults do not change: the preset is an
explicit choice, and ``make cost`` prices both profiles to show what it saves.
Data only; each system declares its preset (``System.cost_preset``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    """One setting a preset changes, and what the environment gives up for the saving."""

    setting: str
    gives_up: str


@dataclass(frozen=True)
class Preset:
    """An environment's document preset: the override table and the changes it makes."""

    system: str
    environment: str
    table: Mapping[str, Any]
    changes: tuple[Change, ...]


GATEWAY_ONLY = Change(
    "network.interface_endpoints = [] (the S3 gateway endpoint stays)",
    "image pulls, logs and secrets reach AWS through the NAT gateway: $0.045/GB processed instead of $0.01/GB, "
    "and over the NAT's path instead of a private one; an interface endpoint costs $7.30 a month per AZ, so they "
    "pay for themselves only above about 210 GB a month per endpoint-AZ",
)
SINGLE_NAT = Change(
    'network.nat_gateways = "single"',
    "one NAT gateway for every zone: if its zone fails, private subnets of the other zones lose outbound "
    "internet (Backblaze B2, third-party APIs) until it is back; cross-zone traffic to it costs $0.01/GB each way",
)


def gateway_only(system: str, environment: str) -> Preset:
    """The preset of a container platform: the S3 gateway endpoint only, no interface endpoints."""
    return Preset(system, environment, {"network": {"interface_endpoints": []}}, (GATEWAY_ONLY,))
