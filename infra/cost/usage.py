"""Usage assumptions: what the usage-billed lines (transfer, requests, logs, storage) are priced on.

They are part of each environment's settings (``[cost]``, infra.config.usage;
each system's defaults state the documents' figures), so a ``[cost]`` table
in ``config/<system>/<environment>.toml`` is checked like any setting::

    [cost]
    cost_profile = "document"      # the environment runs with its document preset (infra.config.presets)
    nat_data_gb = 200
    [cost.plan_prices]             # Solobase only
    hobby = 12

``make cost`` prints the assumptions beside its result.
"""

from __future__ import annotations

from pathlib import Path

from infra import systems
from infra.config.usage import PLANS, PROFILES, SolobaseUsage, Usage

__all__ = ["PLANS", "PROFILES", "SolobaseUsage", "Usage", "load"]


def load(system: str, environment: str, directory: Path | None = None) -> Usage:
    """An environment's assumptions: its settings' ``[cost]`` (defaults, then its file)."""
    return systems.load(system, environment, directory).cost
