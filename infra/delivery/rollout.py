"""Rolling changed stacks out on GitHub Actions: waves, batches of stacks per job, and what that takes.

Stacks CI deploys (platform, databases, tenant) go in waves: a stack's wave
comes after those of the stacks it needs (``depends_on``, ``run_time_needs``)
and, in one system environment, platform stacks go first, then database
(shard) stacks, then tenant stacks. Each wave is planned, then applied, before
the next is planned: a tenant's plan reads what its platform's apply made.

A wave is split into batches, one matrix job each, each of one system
environment (a job assumes one role): ``runners`` jobs (the matrix's
max-parallel) when there are that many stacks, more only when a wave spans more
system environments. Stacks are dealt to batches longest first (by the
per-stack times measured on the emulator, ``bench/up.json``), and a job runs
``stacks_per_runner`` of them at once. A wave never exceeds GitHub's 256 jobs
per matrix (``max_matrix_jobs``): more batches than that is an error, never a
silently dropped stack.

:func:`simulate` gives the wall time of a rollout from the same batches the
workflows get (:func:`batches`), so the figures in docs/delivery.md are the
plan CI follows.
"""

from __future__ import annotations

import heapq
import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.delivery.settings import Rollout
from infra.registry import StackSpec
from infra.validation import ConfigError

DEPLOYED_KINDS = ("platform", "databases", "tenant")
"""Kinds CI plans and applies, in the order they go within a system environment."""
MAX_WAVES = 3
"""Waves the workflows declare (.github/workflows/infra-apply.yml calls infra-wave.yml three times)."""


@dataclass(frozen=True)
class StackTime:
    """How long a stack takes, in seconds: plan (init and plan) and apply."""

    plan: float
    apply: float
    measured: bool
    """False: estimated from measured stacks of its kind (see :func:`times`)."""


@dataclass
class Batch:
    """The stacks one matrix job plans, then applies."""

    wave: int
    system: str
    environment: str
    index: int
    stacks: list[str] = field(default_factory=list)
    load: float = 0.0

    @property
    def name(self) -> str:
        return f"w{self.wave}-{self.system}-{self.environment}-{self.index:02d}"


def measured_times(path: Path) -> dict[str, StackTime]:
    """Per-stack times of ``make bench UP=1`` (bench/up.json): whole stack (init, plan, apply) and apply."""
    data = json.loads(path.read_text())
    times = {}
    for stack_id, entry in data.get("stacks", {}).items():
        if entry.get("state") != "up" or "seconds" not in entry:
            continue
        apply = float(entry.get("apply_seconds", 0.0))
        times[stack_id] = StackTime(plan=max(float(entry["seconds"]) - apply, 0.0), apply=apply, measured=True)
    return times


def times(specs: Sequence[StackSpec], measured: Mapping[str, StackTime]) -> dict[str, StackTime]:
    """A time for every spec: measured, else the median of measured stacks of its system and kind, else
    of its kind, else of every measured stack CI deploys."""
    by_id = {spec.stack_id: spec for spec in specs}
    known = {s: t for s, t in measured.items() if s in by_id and by_id[s].kind in DEPLOYED_KINDS}
    if not known:
        raise ConfigError("measured stack times", "at least one measured stack CI deploys (make bench UP=1)", {})

    def median(items: Sequence[StackTime]) -> StackTime:
        return StackTime(
            plan=statistics.median(t.plan for t in items),
            apply=statistics.median(t.apply for t in items),
            measured=False,
        )

    result = {}
    for spec in specs:
        if spec.stack_id in known:
            result[spec.stack_id] = known[spec.stack_id]
            continue
        same_kind = [s for s in known if by_id[s].kind == spec.kind]
        same_system = [s for s in same_kind if by_id[s].system == spec.system]
        peers = same_system or same_kind or list(known)
        result[spec.stack_id] = median([known[s] for s in peers])
    return result


def waves(specs: Sequence[StackSpec]) -> list[list[StackSpec]]:
    """The specs CI deploys, in waves: each after the waves of what it needs (see the module's docstring)."""
    chosen = [s for s in specs if s.kind in DEPLOYED_KINDS]
    ids = {s.stack_id for s in chosen}
    rank = {kind: index for index, kind in enumerate(DEPLOYED_KINDS)}
    needs: dict[str, set[str]] = {}
    for spec in chosen:
        needed = {n for n in (*spec.depends_on, *spec.run_time_needs) if n in ids}
        needed |= {
            other.stack_id
            for other in chosen
            if other.system == spec.system
            and other.environments == spec.environments
            and rank[other.kind] < rank[spec.kind]
        }
        needs[spec.stack_id] = needed
    level: dict[str, int] = {}

    def level_of(stack_id: str, seen: tuple[str, ...] = ()) -> int:
        if stack_id not in level:
            if stack_id in seen:
                raise ConfigError("stack dependencies", "no cycle", " -> ".join([*seen, stack_id]))
            level[stack_id] = 1 + max((level_of(n, (*seen, stack_id)) for n in needs[stack_id]), default=-1)
        return level[stack_id]

    grouped: dict[int, list[StackSpec]] = {}
    for spec in chosen:
        grouped.setdefault(level_of(spec.stack_id), []).append(spec)
    result = [grouped[index] for index in sorted(grouped)]
    if len(result) > MAX_WAVES:
        raise ConfigError(
            "rollout waves",
            f"at most {MAX_WAVES} (the waves .github/workflows/infra-apply.yml declares)",
            [[s.stack_id for s in wave] for wave in result],
        )
    return result


def _environment(spec: StackSpec) -> str:
    (environment,) = spec.environments
    return environment


def batches(wave: int, specs: Sequence[StackSpec], cost: Mapping[str, StackTime], rollout: Rollout) -> list[Batch]:
    """One wave split into batches: ``runners`` of them shared by its system environments in proportion to
    their time (at least one each), stacks dealt longest first to the least loaded batch of their group."""
    groups: dict[tuple[str, str], list[StackSpec]] = {}
    for spec in specs:
        groups.setdefault((spec.system, _environment(spec)), []).append(spec)
    if len(groups) > rollout.max_matrix_jobs:
        raise ConfigError(
            "rollout.max_matrix_jobs", f"at least the {len(groups)} system environments of wave {wave}", len(groups)
        )

    def weight(spec: StackSpec) -> float:
        time = cost[spec.stack_id]
        return time.plan + time.apply

    total = sum(weight(s) for s in specs) or 1.0
    shares = {
        key: min(len(members), max(1, round(rollout.runners * sum(weight(s) for s in members) / total)))
        for key, members in groups.items()
    }
    # Rounding may give more jobs than runners: take them back from the groups with the most.
    while sum(shares.values()) > max(rollout.runners, len(groups)):
        largest = max((k for k in shares if shares[k] > 1), key=lambda k: shares[k])
        shares[largest] -= 1
    result: list[Batch] = []
    for (system, environment), members in groups.items():
        own = [Batch(wave, system, environment, index + 1) for index in range(shares[(system, environment)])]
        heap = [(0.0, index) for index in range(len(own))]
        for spec in sorted(members, key=lambda s: (-weight(s), s.stack_id)):
            load, index = heapq.heappop(heap)
            own[index].stacks.append(spec.stack_id)
            own[index].load = load + weight(spec)
            heapq.heappush(heap, (own[index].load, index))
        result += own
    if len(result) > rollout.max_matrix_jobs:
        raise ConfigError("rollout.max_matrix_jobs", f"at least {len(result)} (wave {wave})", rollout.max_matrix_jobs)
    return result


def job_seconds(stacks: Sequence[str], durations: Mapping[str, float], slots: int, overhead: float) -> float:
    """A job's wall time: its overhead, then its stacks in order on ``slots`` Terraform runs at once."""
    running = [0.0] * slots
    for stack_id in stacks:
        start = heapq.heappop(running)
        heapq.heappush(running, start + durations[stack_id])
    return overhead + max(running, default=0.0)


@dataclass
class WaveFigures:
    wave: int
    batches: list[Batch]
    plan_seconds: float
    apply_seconds: float


@dataclass
class Simulation:
    waves: list[WaveFigures]
    runners: int
    stacks: int
    estimated: list[str]
    """Stacks without a measured time (an estimate from their peers was used)."""

    @property
    def seconds(self) -> float:
        return sum(w.plan_seconds + w.apply_seconds for w in self.waves)

    @property
    def apply_seconds(self) -> float:
        return sum(w.apply_seconds for w in self.waves)


def simulate(specs: Sequence[StackSpec], cost: Mapping[str, StackTime], rollout: Rollout) -> Simulation:
    """The rollout of ``specs`` on ``rollout.runners`` runners: each wave's plan jobs, then its apply jobs."""
    figures = []
    plan = {s: t.plan for s, t in cost.items()}
    apply = {s: t.apply for s, t in cost.items()}
    for number, wave in enumerate(waves(specs), start=1):
        parts = batches(number, wave, cost, rollout)
        slots, overhead = rollout.stacks_per_runner, rollout.job_overhead_seconds
        figures.append(
            WaveFigures(
                wave=number,
                batches=parts,
                plan_seconds=max(job_seconds(b.stacks, plan, slots, overhead) for b in parts),
                apply_seconds=max(job_seconds(b.stacks, apply, slots, overhead) for b in parts),
            )
        )
    deployed = [s for s in specs if s.kind in DEPLOYED_KINDS]
    estimated = [s.stack_id for s in deployed if not cost[s.stack_id].measured]
    return Simulation(figures, rollout.runners, len(deployed), estimated)


def matrix_entry(
    batch: Batch, spec: StackSpec, *, github_environment: str, plan_role: str, apply_role: str
) -> dict[str, Any]:
    """One matrix job: what the workflow needs to assume the roles and run the batch."""
    return {
        "name": batch.name,
        "stacks": ",".join(batch.stacks),
        "count": len(batch.stacks),
        "system": batch.system,
        "environment": batch.environment,
        "github_environment": github_environment,
        "account": spec.account_id or "",
        "region": spec.state.region if spec.state else spec.region,
        "plan_role": plan_role,
        "apply_role": apply_role,
    }
