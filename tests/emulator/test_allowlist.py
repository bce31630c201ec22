"""The second-plan check: which changes count, what an allowlist entry must hold, and when one is stale."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from emulator import allowlist
from emulator.allowlist import EmulatorDrift, problems
from tests.support.deploy import Change, plan_changes

GOOD = EmulatorDrift("aws_ecs_service", "deployment_controller", "moto reports the controller in another form")


def test_the_allowlist_obeys_its_rules() -> None:
    assert problems(allowlist.ALLOWLIST) == []


def test_a_good_entry_passes() -> None:
    assert problems([GOOD, EmulatorDrift("aws_db_instance", "engine_version", "moto reports the full version")]) == []


@pytest.mark.parametrize(
    ("entries", "complaint"),
    [
        ([EmulatorDrift("aws_ecs_service", "tags", "moto")], "the reason must say why"),
        ([EmulatorDrift("aws_ecs_service", "tags", " " * 40)], "the reason must say why"),
        ([GOOD, GOOD], "listed twice"),
        ([EmulatorDrift("ecs_service", "tags", GOOD.reason)], "is not a Terraform AWS resource type"),
        ([EmulatorDrift("aws_ECS_Service", "tags", GOOD.reason)], "is not a Terraform AWS resource type"),
        ([EmulatorDrift("aws_ecs_service", "tags.Name", GOOD.reason)], "is not a top-level attribute name"),
    ],
)
def test_a_bad_entry_is_named(entries: list[EmulatorDrift], complaint: str) -> None:
    found = problems(entries)
    assert found and complaint in found[0], found


def test_a_bad_allowlist_stops_the_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """The module checks ALLOWLIST when imported: an entry breaking a rule stops every run."""
    source = Path(allowlist.__file__).read_text()
    declaration = "ALLOWLIST: tuple[EmulatorDrift, ...] = ()"
    assert declaration in source
    bad = source.replace(declaration, 'ALLOWLIST = (EmulatorDrift("aws_ecs_service", "tags", "moto"),)')
    module = types.ModuleType("allowlist_with_a_bad_entry")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(ValueError, match=r"aws_ecs_service\.tags: the reason must say why"):
        exec(compile(bad, allowlist.__file__, "exec"), module.__dict__)


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


def test_stale_entries_are_judged_only_on_full_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = EmulatorDrift("aws_x", "p", "moto returns p in another form than it was given")
    monkeypatch.setattr(allowlist, "ALLOWLIST", (entry,))
    assert allowlist.stale({"a": set()}, {"a", "b"}) is None
    assert allowlist.stale({"a": set(), "b": set()}, {"a", "b"}) == [entry]
    assert allowlist.stale({"a": {("aws_x", "p")}, "b": set()}, {"a", "b"}) == []
