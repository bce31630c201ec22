"""Waves, batches and the rollout simulation: what the workflows' matrix is made of, and what it takes."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from infra import ci
from infra.delivery import rollout
from infra.delivery.settings import Rollout
from infra.registry import StackSpec
from infra.validation import ConfigError
from tests.conftest import spec_of, stack_specs

BENCH = Path(__file__).resolve().parents[2] / "bench" / "up.json"


def costs(specs: list[StackSpec]) -> dict[str, rollout.StackTime]:
    return rollout.times([*stack_specs(), *specs], rollout.measured_times(BENCH))


def test_platform_then_shard_databases_then_tenants() -> None:
    chosen = [s for s in stack_specs() if s.system == "solobase" and s.environments == ("prod",)]
    waves = rollout.waves(chosen)
    assert [sorted({s.kind for s in wave}) for wave in waves] == [["platform"], ["databases"], ["tenant"]]
    assert {s.stack_id for s in waves[0]} == {"solobase-prod"}


def test_operator_stacks_are_never_in_a_wave() -> None:
    waves = rollout.waves(list(stack_specs()))
    kinds = {s.kind for wave in waves for s in wave}
    assert kinds == {"platform", "databases", "tenant"}
    assert sum(len(w) for w in waves) == sum(1 for s in stack_specs() if s.kind in rollout.DEPLOYED_KINDS)


def test_a_tenant_alone_goes_in_the_first_wave() -> None:
    assert [[s.stack_id for s in w] for w in rollout.waves([spec_of("solobase-dev-tenant-acme")])] == [
        ["solobase-dev-tenant-acme"]
    ]


def test_more_waves_than_the_workflows_declare_are_refused() -> None:
    base = spec_of("freeside-staging")
    chain = [
        dataclasses.replace(base, stack_id=f"chain-{i}", depends_on=(f"chain-{i - 1}",) if i else ()) for i in range(4)
    ]
    with pytest.raises(ConfigError, match="at most 3"):
        rollout.waves(chain)


def tenants(count: int) -> list[StackSpec]:
    template = spec_of("solobase-prod-tenant-hooli")
    return [dataclasses.replace(template, stack_id=f"solobase-prod-tenant-t{i:04d}") for i in range(count)]


def test_a_wave_is_split_into_runners_batches_each_stack_once_one_system_environment_each() -> None:
    wave = [*tenants(500), *(s for s in stack_specs() if s.kind == "tenant" and s.system == "solobase")]
    batches = rollout.batches(3, wave, costs(wave), Rollout(runners=20))
    assert len(batches) == 20  # the runners: one each for dev and staging (one role per job), the rest prod's
    assert sorted(b.environment for b in batches).count("prod") == 18
    assert sorted(s for b in batches for s in b.stacks) == sorted(s.stack_id for s in wave)
    for batch in batches:
        assert {spec_of(s).environments[0] for s in batch.stacks if not s.startswith("solobase-prod-tenant-t")} <= {
            batch.environment
        }
    prod = [b for b in batches if b.environment == "prod"]
    assert max(b.load for b in prod) - min(b.load for b in prod) < 60, "longest-first dealing keeps batches even"


def test_more_batches_than_a_matrix_holds_are_refused() -> None:
    many = [
        dataclasses.replace(spec_of("freeside-staging"), stack_id=f"x-{i}", environments=(f"e{i}",)) for i in range(3)
    ]
    with pytest.raises(ConfigError, match="at least the 3 system environments of wave 1"):
        rollout.batches(
            1, many, {s.stack_id: rollout.StackTime(1, 1, True) for s in many}, Rollout(runners=2, max_matrix_jobs=2)
        )


def test_a_job_runs_its_stacks_on_its_slots_after_its_overhead() -> None:
    durations = {"a": 10.0, "b": 10.0, "c": 10.0}
    assert rollout.job_seconds(["a", "b", "c"], durations, 1, 5) == 35
    assert rollout.job_seconds(["a", "b", "c"], durations, 2, 5) == 25


def test_500_tenants_roll_out_in_under_30_minutes_on_20_runners_on_paper() -> None:
    """The issue's goal, from the per-stack times measured on the emulator (bench/up.json)."""
    out = io.StringIO()
    assert ci.main(["rollout", "--tenants", "500", "--runners", "20"], out) == 0
    text = out.getvalue()
    assert "502 stacks (500 tenants) on 20 runners" in text
    assert "wave 3: 500 stacks in 20 jobs" in text
    minutes = float(text.rsplit("wall time: ", 1)[1].split(" min", 1)[0])
    assert minutes < 30, text
    one = io.StringIO()
    ci.main(["rollout", "--tenants", "500", "--runners", "1"], one)
    assert float(one.getvalue().rsplit("wall time: ", 1)[1].split(" min", 1)[0]) > 10 * minutes


def test_the_rollout_refuses_a_system_environment_without_tenants_to_model() -> None:
    assert (
        ci.main(["rollout", "--tenants", "5", "--system", "freeside", "--environment", "staging"], io.StringIO()) == 2
    )
    assert ci.main(["rollout", "--tenants", "5", "--runners", "0"], io.StringIO()) == 2


def test_measured_times_come_from_make_ups_records(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    path.write_text(
        json.dumps({"stacks": {"a": {"state": "up", "seconds": 50, "apply_seconds": 40}, "b": {"state": "failed"}}})
    )
    assert rollout.measured_times(path) == {"a": rollout.StackTime(plan=10, apply=40, measured=True)}
