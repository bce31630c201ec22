"""``cost_profile = "document"``: per environment, the settings that bring its cost closest to its document's.

Each preset is an override table in the shape users write in
``config/<system>/<environment>.toml``, merged over the environment's settings
the way teardown overlays are (``overlays`` of infra.app.synth). Production
defaults do not change: the preset applies only where an environment's
``[cost]`` table chooses it, and ``make cost`` prices both to show what it
saves. Each change says what it gives up (docs/cost.md has the reasoning).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from infra.config.teardown import Overlays


@dataclass(frozen=True)
class Change:
    setting: str
    gives_up: str


@dataclass(frozen=True)
class Preset:
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


def _solobase(environment: str) -> Preset:
    prod = environment == "prod"
    table: dict[str, Any] = {"network": {"interface_endpoints": []}}
    changes = [GATEWAY_ONLY]
    if prod:
        table["network"]["nat_gateways"] = "single"
        table["database"] = {"multi_az": False, "instance_class": "db.t4g.small"}
        table["management"] = {"desired_count": 1}
        changes += [
            SINGLE_NAT,
            Change(
                'database.multi_az = false, database.instance_class = "db.t4g.small" (the management database)',
                "the management platform's database has no standby: an AZ failure or maintenance stops sign-ups "
                "and plan changes until it is restored (customer instances keep running on their shards)",
            ),
            Change(
                "management.desired_count = 1",
                "one management task: a task replacement or deployment is a short outage of the management "
                "platform (customers' instances are not affected)",
            ),
        ]
    return Preset("solobase", environment, table, tuple(changes))


def _luneo(environment: str) -> Preset:
    prod = environment == "prod"
    network: dict[str, Any] = {"interface_endpoints": []}
    if prod:
        network["nat_gateways"] = "single"
    table: dict[str, Any] = {
        "primary": {"network": dict(network)},
        "secondary": {"network": dict(network), "nodes": {"desired_size": 1, "min_size": 1}},
        # RDS offers no Performance Insights on small classes.
        "replica": {"instance_class": "db.t4g.large"}
        if prod
        else {"instance_class": "db.t4g.small", "performance_insights": False},
    }
    changes = [
        Change("primary.network / secondary.network: interface_endpoints = []", GATEWAY_ONLY.gives_up),
        Change(
            "secondary.nodes: desired_size = 1, min_size = 1",
            "the secondary region idles on one node: after a failover it must scale out (minutes per node) before "
            "it carries the primary's load",
        ),
        Change(
            f'replica.instance_class = "{"db.t4g.large" if prod else "db.t4g.small"}" (smaller than the primary)'
            + ("" if prod else ", replica.performance_insights = false"),
            "a promoted replica has less memory and burstable CPU: after a regional failover the database runs "
            "slower until it is resized (a resize restarts it)" + ("" if prod else "; no Performance Insights on it"),
        ),
    ]
    if prod:
        changes.insert(1, Change('primary.network / secondary.network: nat_gateways = "single"', SINGLE_NAT.gives_up))
    return Preset("luneo", environment, table, tuple(changes))


def _gateway_only(system: str, environment: str) -> Preset:
    return Preset(system, environment, {"network": {"interface_endpoints": []}}, (GATEWAY_ONLY,))


PRESETS: Mapping[tuple[str, str], Preset] = {
    **{("solobase", env): _solobase(env) for env in ("dev", "staging", "prod")},
    **{("luneo", env): _luneo(env) for env in ("staging", "prod")},
    **{("replaydash", env): _gateway_only("replaydash", env) for env in ("staging", "production")},
    **{("freeside", env): _gateway_only("freeside", env) for env in ("staging", "production")},
}
"""Link has none: its stacks hold PostgreSQL objects only and cost nothing on AWS."""


def overlays(environments: Iterable[tuple[str, str]]) -> Overlays:
    """The preset tables of ``environments`` (those that have one), for infra.app.synth."""
    return {key: dict(PRESETS[key].table) for key in environments if key in PRESETS}
