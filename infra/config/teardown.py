"""Overrides that switch off every deletion protection, for tearing an environment down on purpose.

An operator destroys a protected environment by turning its protections off in
``config/<system>/<environment>.toml``, deploying, then destroying (README).
``make down`` on the emulator and the deploy tests do the same without
writing files: :func:`teardown_overlays` gives, per environment, the override
table turning off every boolean setting named ``deletion_protection`` or
``enable_*deletion_protection`` that is on or left to its construct's default
(which may be on); ``infra.registry.load`` merges it over the user's own file.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from infra.config.model import SystemSettings

_PROTECTION = re.compile(r"^(enable_)?(\w+_)?deletion_protection$")

Overlays = dict[tuple[str, str], dict[str, Any]]
"""Override tables by (system, environment), merged over the config files' (see infra.registry.load)."""


def protection_overrides(settings: object) -> dict[str, Any]:
    """The nested override table that turns off every protection set in ``settings``."""
    table: dict[str, Any] = {}
    if not dataclasses.is_dataclass(settings):
        return table
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if _PROTECTION.match(field.name) and value is not False:
            table[field.name] = False
        elif dataclasses.is_dataclass(value):
            nested = protection_overrides(value)
            if nested:
                table[field.name] = nested
    return table


def teardown_overlays(all_settings: Iterable[SystemSettings]) -> Overlays:
    """Per environment with a protection on, the table that turns its protections off."""
    overlays: Overlays = {}
    for settings in all_settings:
        table = protection_overrides(settings)
        if table:
            overlays[(settings.system, settings.environment)] = table
    return overlays
