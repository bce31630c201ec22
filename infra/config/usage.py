"""``[cost]``: what ``make cost`` prices usage-billed lines on, and which cost profile an environment runs.

Usage-billed lines (data processed, requests, logs, storage) are priced on
these assumptions, one frozen dataclass per environment, part of its settings
(``SystemSettings.cost``). Each system's defaults state the documents' own
figures where they give one (Solobase: 1M Lambda requests at 200 ms, $5 and
$20 of logs, 2 GB of B2; Luneo: "S3 + CloudFront" $10 and $50); choices are
stated beside each field where they do not. ``cost_profile = "document"``
applies the system's document preset (the settings that bring its cost
closest to its document's, each with what it gives up; see
infra.config.presets) when the settings load. Data only.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.validation import ConfigError

PROFILES = ("production", "document")
"""production: the environment as configured; document: with the preset that reaches the document's budget."""
PLANS = ("hobby", "starter", "professional", "business")


@dataclass(frozen=True, kw_only=True)
class Usage:
    """Monthly usage of one environment (per resource where the field says so)."""

    cost_profile: str = "production"
    """``production``: the environment as configured; ``document``: with its system's document preset applied
    (the settings that bring its cost closest to its document's figure, each trade-off in docs/cost.md)."""
    nat_data_gb: float = 20.0
    """GB processed by the environment's NAT gateways, split evenly among them."""
    endpoint_data_gb: float = 10.0
    """GB through the interface endpoints, split evenly among them."""
    internet_egress_gb: float = 10.0
    """GB the load balancers send to the internet, split evenly among them."""
    alb_lcu: float = 1.0
    """Average load balancer capacity units of each ALB (1 LCU: 25 new connections/s or 1 GB/hour)."""
    log_ingestion_gb: float = 5.0
    """GB ingested by a platform stack's log groups (spread evenly over them; kept for each group's retention)."""
    s3_storage_gb: float = 1.0
    """GB stored in each bucket that ``bucket_storage_gb`` does not name (state, logs, trail buckets)."""
    bucket_storage_gb: Mapping[str, float] = field(default_factory=dict)
    """GB stored by bucket name (shell patterns), for the buckets that hold real data."""
    ecr_storage_gb: float = 1.0
    """GB of images kept in each repository (lifecycle policies keep few)."""
    cdn_requests_millions: float = 1.0
    """HTTPS requests of each CloudFront distribution, in millions."""
    cdn_data_gb: float = 10.0
    """GB each CloudFront distribution sends to viewers."""
    cross_region_gb: float = 10.0
    """GB copied between regions (replicas, bucket and registry replication, backup copies), split evenly."""
    ec2_spot_discount: float = 0.6
    """Spot below On-Demand for EKS Spot nodes. AWS says "up to 90%"; pools vary by hour, 60% is the stated guess."""
    fargate_spot_discount: float = 0.6
    """FARGATE_SPOT below FARGATE. AWS says "up to 70%"; 60% is the stated guess."""
    lambda_requests_millions: float = 1.0
    """Requests of each Lambda function, in millions."""
    lambda_duration_ms: float = 200.0
    """Average billed duration of a Lambda request."""

    def __post_init__(self) -> None:
        if self.cost_profile not in PROFILES:
            raise ConfigError("cost_profile", f"one of {PROFILES!r}", self.cost_profile)
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            if isinstance(value, float) and (not math.isfinite(value) or value < 0):
                raise ConfigError(item.name, "a number, 0 or more", value)
        for name in ("ec2_spot_discount", "fargate_spot_discount"):
            if not getattr(self, name) < 1:
                raise ConfigError(name, "a fraction below 1 (0.6 is 60% off On-Demand)", getattr(self, name))
        for pattern, gb in self.bucket_storage_gb.items():
            if not math.isfinite(gb) or gb < 0:
                raise ConfigError(f"bucket_storage_gb.{pattern}", "a number of GB, 0 or more", gb)

    def table(self) -> dict[str, Any]:
        """The assumptions as printed beside the result."""
        return {item.name: getattr(self, item.name) for item in dataclasses.fields(self)}


@dataclass(frozen=True, kw_only=True)
class SolobaseUsage(Usage):
    """Solobase: per customer instance, the document's "1M requests, 512MB, 200ms", logs and B2; plan prices."""

    tenant_log_ingestion_gb: float = 1.0
    """GB of logs each customer instance ingests: the document's $0.50 of CloudWatch Logs at $0.50/GB."""
    b2_storage_gb: float = 2.0
    """GB each instance keeps in Backblaze B2 (the document's 2 GB)."""
    plan_prices: Mapping[str, float] = field(
        default_factory=lambda: {"hobby": 9.0, "starter": 19.0, "professional": 49.0, "business": 199.0}
    )
    """What a customer pays a month. The document gives no prices: these are assumptions, set them in config."""
    plan_mix: Mapping[str, float] = field(
        default_factory=lambda: {"hobby": 0.5, "starter": 0.3, "professional": 0.15, "business": 0.05}
    )
    """Share of customers on each plan, for the break-even and fleet figures (an assumption)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("plan_prices", "plan_mix"):
            table: Mapping[str, float] = getattr(self, name)
            if set(table) != set(PLANS):
                raise ConfigError(name, f"a table with exactly the plans {PLANS!r}", tuple(table))
            for plan, value in table.items():
                if not math.isfinite(value) or value < 0:
                    raise ConfigError(f"{name}.{plan}", "a number, 0 or more", value)
        if abs(sum(self.plan_mix.values()) - 1) > 1e-6:
            raise ConfigError("plan_mix", "shares adding up to 1", sum(self.plan_mix.values()))


def container_platform_usage(production: bool) -> Usage:
    """Freeside's and ReplayDash's assumptions (their documents state no usage)."""
    return Usage(
        log_ingestion_gb=10.0 if production else 5.0,
        nat_data_gb=50.0 if production else 10.0,
        endpoint_data_gb=20.0 if production else 10.0,
        internet_egress_gb=100.0 if production else 10.0,
    )
