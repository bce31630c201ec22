"""``cost_profile = "document"``: per environment, the settings that bring its cost closest to its document's.

Each system declares its preset (``System.cost_preset``, data in its settings
module; the shapes in infra.config.presets). An environment choosing the
document profile loads with it (infra.registry.load); ``make cost`` prices
the other profile too, by synthesizing with an overlay that switches
``[cost] cost_profile``, to show what the preset saves and what it gives up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from infra.config.presets import GATEWAY_ONLY, SINGLE_NAT, Change, Preset
from infra.config.teardown import Overlays
from infra.systems import SYSTEMS

__all__ = ["GATEWAY_ONLY", "PRESETS", "SINGLE_NAT", "Change", "Preset", "overlays"]

PRESETS: Mapping[tuple[str, str], Preset] = {
    (item.name, env): item.cost_preset(env)
    for item in SYSTEMS
    if item.cost_preset is not None
    for env in item.environments
}
"""Link has none: its stacks hold PostgreSQL objects only and cost nothing on AWS."""


def overlays(environments: Iterable[tuple[str, str]], profile: str = "document") -> Overlays:
    """Overlays running ``environments`` (those with a preset) under ``profile``, for infra.app.synth."""
    return {key: {"cost": {"cost_profile": profile}} for key in environments if key in PRESETS}
