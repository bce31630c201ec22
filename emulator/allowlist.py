"""Second-plan differences that are the emulator's fault, not the stacks'.

After an apply, a second ``terraform plan`` must show nothing. Where moto
returns an attribute differently from what it was given, the plan shows an
update that AWS itself would not. Each such difference is listed here once,
with the reason. Anything else in a second plan fails the deploy test, and an
entry that no deploy in a full run observes fails the run (tests/deploy), so
entries disappear when moto or the stacks change. Entries are checked
(``problems``) when this module is imported: a bad one stops every run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MIN_REASON = 20
_RESOURCE_TYPE = re.compile(r"^aws_[a-z0-9]+(_[a-z0-9]+)*$")
_ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class EmulatorDrift:
    resource_type: str
    attribute: str
    reason: str


def problems(entries: Iterable[EmulatorDrift]) -> list[str]:
    """What is wrong with a list of entries: a short reason, a key listed twice, a name that is not Terraform's."""
    found = []
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        key = (entry.resource_type, entry.attribute)
        label = f"{entry.resource_type}.{entry.attribute}"
        if not _RESOURCE_TYPE.match(entry.resource_type):
            found.append(f"{label}: {entry.resource_type!r} is not a Terraform AWS resource type (aws_...)")
        if not _ATTRIBUTE.match(entry.attribute):
            found.append(f"{label}: {entry.attribute!r} is not a top-level attribute name")
        if len(entry.reason.strip()) < MIN_REASON:
            found.append(f"{label}: the reason must say why moto differs (at least {MIN_REASON} characters)")
        if key in seen:
            found.append(f"{label}: listed twice")
        seen.add(key)
    return found


def check(entries: Iterable[EmulatorDrift]) -> None:
    found = problems(entries)
    if found:
        raise ValueError("emulator allowlist: " + "; ".join(found))


ALLOWLIST: tuple[EmulatorDrift, ...] = ()
check(ALLOWLIST)


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
