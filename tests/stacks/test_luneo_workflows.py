"""Luneo's plan/apply workflows (the document's CI/CD): OIDC credentials only, one concurrency group per stack,
plans on pull requests, staging applied on merge and prod behind the production environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.workflows import ACTIONS, WORKFLOWS, load, run_scripts, steps

PLAN = WORKFLOWS / "infra-plan.yml"
APPLY = WORKFLOWS / "infra-apply.yml"
SETUP = ACTIONS / "infra-setup" / "action.yml"


def run_lines(path: Path) -> list[str]:
    return [line for script in run_scripts(load(path)) for line in script.splitlines() if line.strip()]


def test_both_luneo_stacks_are_planned_and_applied() -> None:
    named = re.findall(r"\bSTACKS?=([a-z0-9-]+)", "\n".join(run_lines(APPLY)))
    named += [item["stack"] for item in load(PLAN)["jobs"]["plan"]["strategy"]["matrix"]["include"]]
    assert {"luneo-staging", "luneo-prod"} <= set(named)


@pytest.mark.parametrize("path", [PLAN, APPLY], ids=lambda p: p.name)
def test_credentials_come_from_oidc_role_assumption_only(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"]["id-token"] == "write"
    text = path.read_text() + SETUP.read_text()
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
    (configure,) = [s for s in steps(load(SETUP)) if "configure-aws-credentials" in s.get("uses", "")]
    assert configure["with"]["role-to-assume"] == "${{ inputs.role-to-assume }}"
    for job in workflow["jobs"].values():
        (setup,) = [s for s in job["steps"] if s.get("uses") == "./.github/actions/infra-setup"]
        assert re.fullmatch(r"\$\{\{ vars(\.[A-Z_]+|\[matrix\.role\]) \}\}", setup["with"]["role-to-assume"])


def test_infra_setup_builds_on_the_shared_toolchain_action() -> None:
    """One toolchain and cache definition: the project's CI and the infra jobs install the same way."""
    assert steps(load(SETUP))[0]["uses"] == "./.github/actions/setup"


def test_one_concurrency_group_per_stack_shared_by_plan_and_apply() -> None:
    plan = load(PLAN)["jobs"]["plan"]
    assert plan["concurrency"] == {"group": "terraform-${{ matrix.stack }}", "cancel-in-progress": False}
    apply = load(APPLY)["jobs"]
    assert apply["staging"]["concurrency"]["group"] == "terraform-luneo-staging"
    assert apply["prod"]["concurrency"]["group"] == "terraform-luneo-prod"
    assert not any(job["concurrency"]["cancel-in-progress"] for job in apply.values()), "never cancel an apply"


def test_pull_requests_plan_every_luneo_stack() -> None:
    assert "pull_request" in load(PLAN)["on"]
    assert run_lines(PLAN) == [
        "make synth STACKS=${{ matrix.stack }}",
        "make diff STACK=${{ matrix.stack }}",
    ]


def test_staging_applies_on_merge_and_prod_waits_for_the_production_environment() -> None:
    workflow = load(APPLY)
    assert workflow["on"]["push"]["branches"] == ["staging", "main"]
    staging, prod = workflow["jobs"]["staging"], workflow["jobs"]["prod"]
    assert staging["if"] == "github.ref == 'refs/heads/staging'"
    assert prod["if"] == "github.ref == 'refs/heads/main'"
    assert prod["environment"] == "production"
    assert [s["run"] for s in staging["steps"] if "run" in s][-1] == "make deploy STACK=luneo-staging AUTO_APPROVE=1"
    assert [s["run"] for s in prod["steps"] if "run" in s][-1] == "make deploy STACK=luneo-prod AUTO_APPROVE=1"
    assert "luneo-prod" not in str(staging) and "luneo-staging" not in str(prod)
