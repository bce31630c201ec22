"""The fill registry: every fill names its AWS behaviour and reference, and is tested by name."""

from __future__ import annotations

import importlib

import pytest

from emulator import fills


def test_every_fill_names_its_behaviour_and_reference() -> None:
    registered = fills.registered()
    assert len({f.name for f in registered}) == len(registered) > 10
    for entry in registered:
        assert entry.reference.startswith("https://docs.aws.amazon.com/"), entry
        assert entry.behaviour.endswith(".") and "\n" not in entry.behaviour, entry
        assert entry.installer.__doc__ and "moto" in entry.installer.__doc__, f"{entry.name}: say what moto lacks"


def test_every_fill_is_tested_in_the_module_of_its_service() -> None:
    untested = []
    for entry in fills.registered():
        tests = importlib.import_module(f"tests.emulator.fills.test_{entry.service}")
        if not hasattr(tests, f"test_{entry.name}"):
            untested.append(f"{entry.name} (tests/emulator/fills/test_{entry.service}.py)")
    assert not untested, f"fills without a test named after them: {untested}"


def _register(**overrides: str) -> None:
    def a_fill_for_this_test() -> None:
        """moto lacks nothing here."""

    settings = {"behaviour": "AWS does something.", "reference": "https://docs.aws.amazon.com/x.html", **overrides}
    try:
        fills.fill(**settings)(a_fill_for_this_test)
    finally:
        fills._REGISTRY.pop("a_fill_for_this_test", None)


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"reference": "https://example.com/aws.html"}, "needs a reference"),
        ({"behaviour": ""}, "needs a one-line behaviour"),
        ({"behaviour": "two\nlines"}, "needs a one-line behaviour"),
    ],
)
def test_a_fill_without_behaviour_or_reference_is_refused(overrides: dict[str, str], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        _register(**overrides)


def test_a_fill_is_registered_once() -> None:
    existing = fills.registered()[0]
    with pytest.raises(ValueError, match="registered twice"):
        fills.fill(behaviour="Again.", reference=existing.reference)(existing.installer)
