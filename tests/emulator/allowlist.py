"""Second-plan differences that are the emulator's fault, not the stacks'.

After an apply, a second ``terraform plan`` must show nothing. Where moto
returns an attribute differently from what it was given, the plan shows an
update that AWS itself would not. Each such difference is listed here once,
with the reason. Anything else in a second plan fails the deploy test, and an
entry that no deploy in a full run observes fails the run (tests/deploy), so
entries disappear when moto or the stacks change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmulatorDrift:
    resource_type: str
    attribute: str
    reason: str


ALLOWLIST: tuple[EmulatorDrift, ...] = ()


def allowed(resource_type: str, attribute: str) -> EmulatorDrift | None:
    return next(
        (e for e in ALLOWLIST if e.resource_type == resource_type and e.attribute == attribute),
        None,
    )


def stale(observed_by_stack: dict[str, set[tuple[str, str]]], deployable: set[str]) -> list[EmulatorDrift] | None:
    """Entries no deploy met, or None when not every deployable stack was deployed (nothing to judge)."""
    if not observed_by_stack or set(observed_by_stack) != deployable:
        return None
    observed = set().union(*observed_by_stack.values())
    return [entry for entry in ALLOWLIST if (entry.resource_type, entry.attribute) not in observed]
