"""The price table is data with a source and a date per entry, checked before anything is priced."""

from __future__ import annotations

import datetime
import tomllib
from typing import Any

import pytest

from infra.cost import prices
from infra.validation import ConfigError


def raw() -> dict[str, Any]:
    with prices.PRICES_PATH.open("rb") as handle:
        return tomllib.load(handle)


def test_every_entry_names_an_https_source_a_date_and_whether_it_was_confirmed() -> None:
    table = prices.load()
    assert set(table.regions) == {"us-east-1", "us-west-2", "eu-west-1"}
    for price_id, entry in table.entries.items():
        assert entry["source"].startswith("https://"), price_id
        assert isinstance(entry["retrieved"], datetime.date), price_id
        assert entry["note"].strip(), price_id
        if not entry["confirmed"]:
            assert price_id in table.unconfirmed()


def test_a_regional_price_falls_back_to_the_global_one_and_a_missing_price_is_none() -> None:
    table = prices.load()
    nat = table.get("vpc.nat.hour", "eu-west-1")
    assert nat is not None and nat.usd == 0.048 and nat.region == "eu-west-1"
    eks = table.get("eks.cluster", "us-west-2")
    assert eks is not None and eks.usd == 0.10 and eks.region == "global"
    assert table.get("vpc.nat.hour", "ap-south-1") is None
    assert table.get("rds.instance.db.x9.huge", "us-east-1") is None


@pytest.mark.parametrize(
    ("change", "field", "allowed"),
    [
        (lambda e: e.pop("source"), "prices.kms.key.source", "set"),
        (lambda e: e.update(source="http://example.com"), "prices.kms.key.source", "https://"),
        (lambda e: e.update(retrieved="2026-12-05"), "prices.kms.key.retrieved", "TOML date"),
        (lambda e: e.update(value={"mars-1": 1.0}), "prices.kms.key.value", "regions from"),
        (lambda e: e.update(value={"global": -1}), "prices.kms.key.value.global", "0 or more"),
        (lambda e: e.update(colour="red"), "prices.kms.key.colour", "one of"),
    ],
)
def test_a_bad_entry_is_refused_naming_it(change: Any, field: str, allowed: str) -> None:
    data = raw()
    change(data["prices"]["kms.key"])
    with pytest.raises(ConfigError) as caught:
        prices.parse(data, "prices.toml")
    assert caught.value.field == field
    assert allowed in caught.value.allowed
