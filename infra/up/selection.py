"""Which stacks ``make up`` deploys, in what order, and which it cannot.

Everything comes from the registry (``infra.systems.stack_specs()``), never
from system names, so a new system is picked up without a change here:

- ``SYSTEMS``, ``ENVS`` and ``STACKS`` (comma-separated names or shell
  patterns) narrow the choice; a stack must match all three that are given
  (a bootstrap stack matches an environment it keeps state for). A name or
  pattern that matches nothing is an error, as for ``make synth STACKS=``.
- What a chosen stack needs comes with it: its bootstrap stack (state bucket
  and lock table), the stacks it ``depends_on`` and those it needs at run
  time (``run_time_needs``).
- Stacks that use a provider other than AWS are never deployed on the
  emulator (nothing but the AWS provider can be installed offline), nor is
  anything that depends on one of them; each is listed with the reason. A
  stack that only needs one at run time (a customer instance, its shard's
  databases stack) is deployed without it: Terraform reads nothing of it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field

from infra.registry import StackSpec, bootstrap_stack_id
from infra.validation import ConfigError


@dataclass(frozen=True)
class Selection:
    """The stacks to deploy in dependency order, what each needs, and what stays out (with why)."""

    stacks: list[StackSpec]
    needs: dict[str, tuple[str, ...]]
    """Stack id to the ids it needs first (its bootstrap stack, its ``depends_on``, its deployed run-time needs)."""
    added: dict[str, str] = field(default_factory=dict)
    """Stacks not asked for but needed, with the stack that needs them."""
    not_deployed: dict[str, str] = field(default_factory=dict)
    """Stacks chosen but not deployable on the emulator, with the reason."""

    @property
    def ids(self) -> list[str]:
        return [spec.stack_id for spec in self.stacks]


def prerequisites(spec: StackSpec) -> tuple[str, ...]:
    """What ``spec`` cannot be deployed without: its state store's bootstrap stack, then its ``depends_on``."""
    needed = [bootstrap_stack_id(spec.state)] if spec.state is not None else []
    return tuple(dict.fromkeys([*needed, *spec.depends_on]))


def requirements(spec: StackSpec) -> tuple[str, ...]:
    """What is deployed before ``spec`` (and destroyed after it): its prerequisites, then its run-time needs."""
    return tuple(dict.fromkeys([*prerequisites(spec), *spec.run_time_needs]))


def _patterns(name: str, value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _matches(patterns: list[str], values: Sequence[str]) -> bool:
    return not patterns or any(fnmatch.fnmatchcase(v, p) for p in patterns for v in values)


def _check_each_matches(name: str, patterns: list[str], values: set[str]) -> None:
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(value, pattern) for value in values):
            kind = "a pattern matching" if any(c in pattern for c in "*?[") else "one of"
            raise ConfigError(name, f"{kind} {tuple(sorted(values))!r}", pattern)


def not_on_emulator(spec: StackSpec) -> str | None:
    """Why ``spec`` cannot be deployed on the emulator, or None when it can."""
    if spec.deploys_on_emulator:
        return None
    if spec.cloud is not None:
        return "keeps its state in HCP Terraform ([backend] kind = cloud), which the emulator does not stand in for"
    others = ", ".join(p for p in spec.providers if p != "aws")
    return f"uses the {others} provider; only stacks on AWS alone run on the emulator"


def choose(
    specs: Sequence[StackSpec], *, systems: str | None = None, envs: str | None = None, stacks: str | None = None
) -> Selection:
    """The stacks matching the filters, plus what they need, in an order that deploys needs first."""
    by_id = {spec.stack_id: spec for spec in specs}
    wanted = {
        "SYSTEMS": (_patterns("SYSTEMS", systems), {s.system for s in specs}),
        "ENVS": (_patterns("ENVS", envs), {e for s in specs for e in s.environments}),
        "STACKS": (_patterns("STACKS", stacks), set(by_id)),
    }
    for name, (patterns, values) in wanted.items():
        _check_each_matches(name, patterns, values)
    chosen = [
        spec
        for spec in specs
        if _matches(wanted["SYSTEMS"][0], [spec.system])
        and _matches(wanted["ENVS"][0], spec.environments)
        and _matches(wanted["STACKS"][0], [spec.stack_id])
    ]
    if not chosen:
        given = ", ".join(f"{name}={','.join(p)}" for name, (p, _) in wanted.items() if p)
        raise ConfigError("SYSTEMS, ENVS and STACKS", "filters that some stack matches together", given)

    included: dict[str, StackSpec] = {}
    added: dict[str, str] = {}

    visiting: list[str] = []

    def include(spec: StackSpec, needed_by: str | None) -> None:
        if spec.stack_id in included:
            return
        if spec.stack_id in visiting:
            cycle = " -> ".join([*visiting[visiting.index(spec.stack_id) :], spec.stack_id])
            raise ConfigError(f"{spec.stack_id} depends_on", "free of cycles", cycle)
        visiting.append(spec.stack_id)
        for needed in requirements(spec):
            include(by_id[needed], spec.stack_id)
        visiting.pop()
        included[spec.stack_id] = spec
        if needed_by is not None:
            added[spec.stack_id] = needed_by

    for spec in chosen:
        include(spec, None)

    not_deployed: dict[str, str] = {}
    for stack_id, spec in included.items():  # needs come before what needs them
        reason = not_on_emulator(spec)
        if reason is None:
            blocked = [n for n in prerequisites(spec) if n in not_deployed]
            reason = f"needs {', '.join(blocked)}, which does not run on the emulator" if blocked else None
        if reason is not None:
            not_deployed[stack_id] = reason

    def deployed_needs(spec: StackSpec) -> tuple[str, ...]:
        return tuple(n for n in requirements(spec) if n not in not_deployed)

    # Keep what was chosen and can run, and what that needs: not what only an undeployable stack needed.
    chosen_ids = {spec.stack_id for spec in chosen}
    kept: set[str] = set()
    pending = [i for i in included if i in chosen_ids and i not in not_deployed]
    while pending:
        stack_id = pending.pop()
        if stack_id not in kept:
            kept.add(stack_id)
            pending.extend(deployed_needs(included[stack_id]))

    # Registry order (bootstrap stacks first) wherever dependencies allow it.
    position = {spec.stack_id: index for index, spec in enumerate(specs)}
    deployable = [s for s in included.values() if s.stack_id in kept]
    ordered: list[StackSpec] = []
    placed: set[str] = set()
    remaining = sorted(deployable, key=lambda s: position[s.stack_id])
    while remaining:
        ready = next(s for s in remaining if all(n in placed for n in deployed_needs(s)))
        ordered.append(ready)
        placed.add(ready.stack_id)
        remaining.remove(ready)
    return Selection(
        stacks=ordered,
        needs={s.stack_id: deployed_needs(s) for s in ordered},
        added={k: v for k, v in added.items() if k in kept and v in kept},
        not_deployed=not_deployed,
    )
