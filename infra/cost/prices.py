"""The price table (``prices.toml``): list prices as data, each with its source page and retrieval date.

Loading checks every entry before anything is priced: a missing field, a
non-https source, a negative value or an unknown region stops the run with the
entry's name. A lookup of a price the table lacks returns None; the caller
reports the resource as "not priced" (never as zero).
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.validation import ConfigError

PRICES_PATH = Path(__file__).with_name("prices.toml")
GLOBAL = "global"
_FIELDS = ("what", "unit", "value", "source", "retrieved", "confirmed", "note")


@dataclass(frozen=True)
class Price:
    """One entry: a unit price in one region."""

    price_id: str
    region: str
    usd: float
    unit: str
    what: str
    source: str
    retrieved: datetime.date
    confirmed: bool
    note: str


@dataclass(frozen=True)
class PriceTable:
    """Every entry of the table, by id and region."""

    hours_per_month: float
    regions: tuple[str, ...]
    entries: Mapping[str, Mapping[str, Any]]
    path: str

    def get(self, price_id: str, region: str) -> Price | None:
        """The price in ``region`` (or the entry's global one); None when the table has none."""
        entry = self.entries.get(price_id)
        if entry is None:
            return None
        values: Mapping[str, float] = entry["value"]
        where = region if region in values else GLOBAL if GLOBAL in values else None
        if where is None:
            return None
        return Price(
            price_id=price_id,
            region=where,
            usd=float(values[where]),
            unit=entry["unit"],
            what=entry["what"],
            source=entry["source"],
            retrieved=entry["retrieved"],
            confirmed=entry["confirmed"],
            note=entry["note"],
        )

    def unconfirmed(self) -> list[str]:
        """Ids of the entries not confirmed against a published page when they were read."""
        return sorted(key for key, entry in self.entries.items() if not entry["confirmed"])


def _check_entry(name: str, entry: Any, regions: tuple[str, ...]) -> None:
    where = f"prices.{name}"
    if not isinstance(entry, Mapping):
        raise ConfigError(where, "a table with " + ", ".join(_FIELDS), entry)
    for key in entry:
        if key not in _FIELDS:
            raise ConfigError(f"{where}.{key}", f"one of {_FIELDS!r}", key)
    for key in _FIELDS:
        if key not in entry:
            raise ConfigError(f"{where}.{key}", "set", None)
    for key in ("what", "unit", "note"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise ConfigError(f"{where}.{key}", "a non-empty string", entry[key])
    if not isinstance(entry["source"], str) or not entry["source"].startswith("https://"):
        raise ConfigError(f"{where}.source", "the https:// URL of the page publishing the price", entry["source"])
    if not isinstance(entry["retrieved"], datetime.date) or isinstance(entry["retrieved"], datetime.datetime):
        raise ConfigError(f"{where}.retrieved", "a TOML date such as 2026-12-05", entry["retrieved"])
    if not isinstance(entry["confirmed"], bool):
        raise ConfigError(f"{where}.confirmed", "true or false", entry["confirmed"])
    values = entry["value"]
    if not isinstance(values, Mapping) or not values:
        raise ConfigError(f"{where}.value", "a table of prices by region, or { global = ... }", values)
    for region, value in values.items():
        if region not in (*regions, GLOBAL):
            raise ConfigError(f"{where}.value", f"regions from {(*regions, GLOBAL)!r}", region)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"{where}.value.{region}", "a number of dollars, 0 or more", value)


def parse(data: Mapping[str, Any], path: str) -> PriceTable:
    """A checked table from parsed TOML."""
    meta = data.get("meta")
    if not isinstance(meta, Mapping):
        raise ConfigError(f"{path} meta", "a [meta] table with currency, hours_per_month and regions", meta)
    if meta.get("currency") != "USD":
        raise ConfigError(f"{path} meta.currency", "USD", meta.get("currency"))
    hours = meta.get("hours_per_month")
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 672 <= hours <= 744:
        raise ConfigError(f"{path} meta.hours_per_month", "hours in a month, from 672 to 744", hours)
    regions = meta.get("regions")
    if not isinstance(regions, list) or not regions or not all(isinstance(r, str) for r in regions):
        raise ConfigError(f"{path} meta.regions", "a non-empty list of region names", regions)
    entries = data.get("prices")
    if not isinstance(entries, Mapping) or not entries:
        raise ConfigError(f"{path} prices", "a table of [prices.<id>] entries", entries)
    for name, entry in entries.items():
        _check_entry(name, entry, tuple(regions))
    return PriceTable(float(hours), tuple(regions), dict(entries), path)


def load(path: Path = PRICES_PATH) -> PriceTable:
    """The checked-in table (or another, for tests)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), "valid TOML", str(error)) from None
    return parse(data, path.name)
