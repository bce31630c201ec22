"""Config overrides that switch off every deletion protection, for tearing a stack down.

An operator destroys a protected environment by turning its protections off in
``config/<system>/<environment>.toml``, applying, then destroying. The tests do
the same, with overrides derived from the settings themselves: every boolean
setting named ``deletion_protection``/``enable_*deletion_protection`` that is on
or left to its construct's default (which may be on).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from infra.config.model import SystemSettings

_PROTECTION = re.compile(r"^(enable_)?(\w+_)?deletion_protection$")


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


def _toml(table: dict[str, Any], prefix: str = "") -> str:
    scalars = [f"{key} = {str(value).lower()}" for key, value in table.items() if isinstance(value, bool)]
    lines = ([f"[{prefix}]"] if prefix and scalars else []) + scalars
    for key, value in table.items():
        if isinstance(value, dict):
            lines.append(_toml(value, f"{prefix}.{key}" if prefix else key))
    return "\n".join(lines)


def write_overrides(directory: Path, all_settings: list[SystemSettings]) -> None:
    """One override file per environment that has protections on."""
    for settings in all_settings:
        table = protection_overrides(settings)
        if table:
            path = directory / settings.system / f"{settings.environment}.toml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_toml(table) + "\n")
