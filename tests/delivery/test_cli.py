"""python -m infra.ci as the workflows call it: the matrix, the plans' summary, and refusals before anything runs."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from infra import ci, systems
from infra.delivery.plans import PlanRecord


def outputs(argv: list[str]) -> dict[str, Any]:
    out = io.StringIO()
    assert ci.main(argv, out) == 0
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    return {key: json.loads(value) if key.startswith("wave") else value for key, value in lines.items()}


def changed(tmp_path: Path, *ids: str) -> str:
    path = tmp_path / "changed.txt"
    path.write_text("\n".join(ids) + "\n")
    return str(path)


def test_a_push_to_main_rolls_out_production_and_development_in_waves(tmp_path: Path) -> None:
    ids = [
        "bootstrap-solobase-terraform-state",
        "ci-solobase",
        "solobase-prod",
        "solobase-prod-tenant-hooli",
        "solobase-staging",
        "solobase-dev",
        "solobase-prod-shard-01-databases",
    ]
    found = outputs(["matrix", "--changed", changed(tmp_path, *ids), "--branch", "main"])
    first = found["wave1"]
    assert {e["stacks"] for e in first} == {"solobase-prod", "solobase-dev"}
    prod = next(e for e in first if e["environment"] == "prod")
    assert prod["github_environment"] == "production"
    assert prod["apply_role"] == "github-solobase-apply-prod" and prod["plan_role"] == "github-solobase-plan"
    assert prod["region"] == "us-east-1" and prod["account"] == ""
    assert [e["stacks"] for e in found["wave2"]] == ["solobase-prod-shard-01-databases"]
    assert [e["stacks"] for e in found["wave3"]] == ["solobase-prod-tenant-hooli"]
    assert found["max_parallel"] == str(systems.delivery().rollout.runners)
    assert found["operator_stacks"] == "bootstrap-solobase-terraform-state,ci-solobase"


def test_a_push_to_staging_rolls_out_staging_only_and_a_pull_request_plans_everything_at_once(tmp_path: Path) -> None:
    ids = ["freeside-production", "freeside-staging", "solobase-staging-tenant-initech", "solobase-staging"]
    staging = outputs(["matrix", "--changed", changed(tmp_path, *ids), "--branch", "staging"])
    assert sorted(e["stacks"] for e in staging["wave1"]) == ["freeside-staging", "solobase-staging"]
    assert staging["wave1"][0]["account"] in ("", "891376933289")
    pull = outputs(["matrix", "--changed", changed(tmp_path, *ids), "--pull-request"])
    assert sorted(s for e in pull["wave1"] for s in e["stacks"].split(",")) == sorted(ids)
    assert pull["wave2"] == pull["wave3"] == []


def test_nothing_changed_gives_empty_waves(tmp_path: Path) -> None:
    found = outputs(["matrix", "--changed", changed(tmp_path), "--branch", "main"])
    assert found["wave1"] == found["wave2"] == found["wave3"] == []


def test_a_run_in_another_repository_is_stopped_saying_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "matrix",
        "--changed",
        changed(tmp_path, "freeside-staging"),
        "--branch",
        "main",
        "--repository",
        "someone/else",
    ]
    assert ci.main(argv, io.StringIO()) == 2
    assert "the deployer roles trust only the repository named there" in capsys.readouterr().err


def test_unknown_or_operator_stacks_are_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ci.main(["matrix", "--changed", changed(tmp_path, "no-such-stack"), "--branch", "main"], io.StringIO()) == 2
    assert ci.main(["plan", "--stacks", "ci-freeside", "--out", str(tmp_path)], io.StringIO()) == 2
    assert "ci is an operator's" in capsys.readouterr().err
    assert ci.main(["apply", "--stacks", "nope-*", "--plans", str(tmp_path)], io.StringIO()) == 2


def test_an_apply_without_the_plan_files_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        ci.main(["apply", "--stacks", "freeside-staging", "--plans", str(tmp_path)], io.StringIO()) == ci.EXIT_REFUSED
    )
    assert "no plan.json: not a plan made by `make plan-stacks`" in capsys.readouterr().err


def test_the_summary_shows_counts_hashes_and_each_changing_plan(tmp_path: Path) -> None:
    for stack, add in (("freeside-staging", 3), ("freeside-production", 0)):
        (tmp_path / "batch" / stack).mkdir(parents=True)
        PlanRecord(stack, "ab" * 32, add, 0, 0, [("aws_vpc.Main", "create")] * add).write(tmp_path / "batch" / stack)
        (tmp_path / "batch" / stack / "plan.txt").write_text(f"plan of {stack}")
    out = io.StringIO()
    assert ci.main(["summary", "--plans", str(tmp_path), "--title", "Plans of w1"], out) == 0
    text = out.getvalue()
    assert text.startswith("### Plans of w1")
    assert "| `freeside-staging` | 3 | 0 | 0 | `abababababababab` |" in text
    assert "plan of freeside-staging" in text and "plan of freeside-production" not in text


def test_exec_adds_nothing_but_a_cloud_workspace_and_asks_no_database_password() -> None:
    """make deploy STACK=ci-link (and Link's own stack) run through `infra.cli exec`: no password is asked for
    (Link's role passwords are generated at apply time) and nothing is added for a stack on S3 state."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD" and not k.startswith("TF_")}
    for stack in ("ci-link", "bootstrap-link-terraform-state", "link-staging"):
        completed = subprocess.run(
            [sys.executable, "-m", "infra.cli", "exec", stack, "--", "env"], env=env, capture_output=True, text=True
        )
        assert completed.returncode == 0, completed.stderr
        assert not [line for line in completed.stdout.splitlines() if line.startswith(("TF_", "PGPASSWORD"))]
