"""The second-plan check: which changes count, and when an allowlist entry is stale."""

from __future__ import annotations

from tests.emulator import allowlist
from tests.emulator.allowlist import EmulatorDrift
from tests.support.deploy import Change, plan_changes


def test_every_entry_has_a_reason() -> None:
    assert all(len(entry.reason) > 20 for entry in allowlist.ALLOWLIST)
    keys = [(e.resource_type, e.attribute) for e in allowlist.ALLOWLIST]
    assert len(keys) == len(set(keys))


def test_plan_changes_lists_changed_attributes_creates_and_outputs() -> None:
    plan = {
        "resource_changes": [
            {"address": "aws_x.a", "type": "aws_x", "change": {"actions": ["no-op"], "before": {}, "after": {}}},
            {
                "address": "aws_x.b",
                "type": "aws_x",
                "change": {
                    "actions": ["update"],
                    "before": {"p": 1, "q": 2},
                    "after": {"p": 1, "q": 3},
                    "after_unknown": {},
                },
            },
            {
                "address": "aws_y.c",
                "type": "aws_y",
                "change": {"actions": ["delete", "create"], "before": {}, "after": {}},
            },
        ],
        "output_changes": {"vpc_id": {"actions": ["update"]}, "same": {"actions": ["no-op"]}},
    }
    assert plan_changes(plan) == [
        Change("aws_x.b", "aws_x", "q", ("update",)),
        Change("aws_y.c", "aws_y", "*", ("delete", "create")),
        Change("output.vpc_id", "output", "vpc_id", ("update",)),
    ]


def test_stale_entries_are_judged_only_on_full_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    entry = EmulatorDrift("aws_x", "p", "moto returns p in another form than it was given")
    monkeypatch.setattr(allowlist, "ALLOWLIST", (entry,))
    assert allowlist.stale({"a": set()}, {"a", "b"}) is None
    assert allowlist.stale({"a": set(), "b": set()}, {"a", "b"}) == [entry]
    assert allowlist.stale({"a": {("aws_x", "p")}, "b": set()}, {"a", "b"}) == []
