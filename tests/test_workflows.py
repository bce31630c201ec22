"""The GitHub Actions workflows: valid against GitHub's schema, calling only make targets and stacks that exist."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import stack_ids
from tests.test_tooling import makefile_targets

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONS = ROOT / ".github" / "actions"
CHECK_JSONSCHEMA = ROOT / ".venv" / "bin" / "check-jsonschema"
PLAN = WORKFLOWS / "infra-plan.yml"
APPLY = WORKFLOWS / "infra-apply.yml"


def load(path: Path) -> dict[Any, Any]:
    document: dict[Any, Any] = yaml.safe_load(path.read_text())
    return document


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    """``on:`` (PyYAML reads the bare key ``on`` as the boolean True)."""
    found: dict[str, Any] = workflow.get("on", workflow.get(True))
    return found


def run_lines(path: Path) -> list[str]:
    """Every line of every ``run:`` step of a workflow or composite action."""
    document = load(path)
    steps = [step for job in document.get("jobs", {}).values() for step in job.get("steps", [])]
    steps += document.get("runs", {}).get("steps", [])
    return [line for step in steps for line in str(step.get("run", "")).splitlines() if line.strip()]


def uses(path: Path) -> list[dict[str, Any]]:
    document = load(path)
    steps = [step for job in document.get("jobs", {}).values() for step in job.get("steps", [])]
    steps += document.get("runs", {}).get("steps", [])
    return [step for step in steps if "uses" in step]


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (PLAN, "vendor.github-workflows"),
        (APPLY, "vendor.github-workflows"),
        (ACTIONS / "infra-setup" / "action.yml", "vendor.github-actions"),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else value,
)
def test_valid_against_the_github_schema(path: Path, schema: str) -> None:
    # The schemas ship with check-jsonschema: this runs offline.
    completed = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(path)], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(PLAN.read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"))
    completed = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode != 0


@pytest.mark.parametrize("path", [PLAN, APPLY], ids=lambda p: p.name)
def test_every_make_target_called_exists(path: Path) -> None:
    called = [match for line in run_lines(path) for match in re.findall(r"\bmake\s+([a-z][a-z-]*)", line)]
    assert called, f"{path.name} calls no make target: it must install and run through make"
    missing = sorted(set(called) - set(makefile_targets()))
    assert not missing, f"{path.name} calls make targets the Makefile lacks: {missing}"


@pytest.mark.parametrize("path", [PLAN, APPLY], ids=lambda p: p.name)
def test_every_stack_named_exists(path: Path) -> None:
    workflow = load(path)
    named = re.findall(r"\bSTACKS?=([a-z0-9-]+)", "\n".join(run_lines(path)))
    for job in workflow["jobs"].values():
        named += [item["stack"] for item in job.get("strategy", {}).get("matrix", {}).get("include", [])]
    assert {"luneo-staging", "luneo-prod"} <= set(named)
    assert not set(named) - set(stack_ids()), f"{path.name} names stacks the registry lacks"


@pytest.mark.parametrize("path", [PLAN, APPLY], ids=lambda p: p.name)
def test_credentials_come_from_oidc_role_assumption_only(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"]["id-token"] == "write"
    text = path.read_text() + (ACTIONS / "infra-setup" / "action.yml").read_text()
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
    (configure,) = [s for s in uses(ACTIONS / "infra-setup" / "action.yml") if "configure-aws-credentials" in s["uses"]]
    assert configure["with"]["role-to-assume"] == "${{ inputs.role-to-assume }}"
    for job in workflow["jobs"].values():
        (setup,) = [s for s in job["steps"] if s.get("uses") == "./.github/actions/infra-setup"]
        assert re.fullmatch(r"\$\{\{ vars(\.[A-Z_]+|\[matrix\.role\]) \}\}", setup["with"]["role-to-assume"])


def test_one_concurrency_group_per_stack_shared_by_plan_and_apply() -> None:
    plan = load(PLAN)["jobs"]["plan"]
    assert plan["concurrency"] == {"group": "terraform-${{ matrix.stack }}", "cancel-in-progress": False}
    apply = load(APPLY)["jobs"]
    assert apply["staging"]["concurrency"]["group"] == "terraform-luneo-staging"
    assert apply["prod"]["concurrency"]["group"] == "terraform-luneo-prod"
    assert not any(job["concurrency"]["cancel-in-progress"] for job in apply.values()), "never cancel an apply"


def test_pull_requests_plan_every_luneo_stack() -> None:
    workflow = load(PLAN)
    assert "pull_request" in triggers(workflow)
    assert run_lines(PLAN) == [
        "make synth STACKS=${{ matrix.stack }}",
        "make diff STACK=${{ matrix.stack }}",
    ]


def test_staging_applies_on_merge_and_prod_waits_for_the_production_environment() -> None:
    workflow = load(APPLY)
    assert triggers(workflow)["push"]["branches"] == ["staging", "main"]
    staging, prod = workflow["jobs"]["staging"], workflow["jobs"]["prod"]
    assert staging["if"] == "github.ref == 'refs/heads/staging'"
    assert prod["if"] == "github.ref == 'refs/heads/main'"
    assert prod["environment"] == "production"
    assert [s["run"] for s in staging["steps"] if "run" in s][-1] == "make deploy STACK=luneo-staging AUTO_APPROVE=1"
    assert [s["run"] for s in prod["steps"] if "run" in s][-1] == "make deploy STACK=luneo-prod AUTO_APPROVE=1"
    assert "luneo-prod" not in str(staging) and "luneo-staging" not in str(prod)
