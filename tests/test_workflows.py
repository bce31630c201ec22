"""Every GitHub workflow and local action under .github/ is valid and calls only make targets that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import stack_ids
from tests.support.workflows import (
    action_files,
    load,
    make_targets_called,
    makefile_targets,
    run_scripts,
    validate,
    workflow_files,
)


def test_there_are_workflows_to_check() -> None:
    assert workflow_files(), "no workflow under .github/workflows"


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_a_workflow_is_valid_for_github(path: Path) -> None:
    checked = validate(path, "vendor.github-workflows")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("path", action_files(), ids=lambda p: p.parent.name)
def test_a_local_action_is_valid_for_github(path: Path) -> None:
    checked = validate(path, "vendor.github-actions")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("path", [*workflow_files(), *action_files()], ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_make_target_called_exists(path: Path) -> None:
    called = {target for script in run_scripts(load(path)) for target in make_targets_called(script)}
    missing = called - makefile_targets()
    assert not missing, f"{path.name} calls make targets the Makefile lacks: {sorted(missing)}"


def test_a_broken_workflow_is_caught(tmp_path: Path) -> None:
    """The schema check is not vacuous: a job without runs-on fails it."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: make test\n")
    assert validate(broken, "vendor.github-workflows").returncode != 0


def test_make_calls_are_found_in_scripts() -> None:
    script = 'make test PYTEST_ARGS="-x"\nif true; then make -s output STACK=a; fi\nmake diff STACK="$s" || status=1'
    assert make_targets_called(script) == ["test", "output", "diff"]


@pytest.mark.parametrize("path", workflow_files(), ids=lambda p: p.name)
def test_every_stack_named_exists(path: Path) -> None:
    document = load(path)
    named = re.findall(r"\bSTACKS?=([a-z0-9][a-z0-9-]*)", "\n".join(run_scripts(document)))
    for job in document["jobs"].values():
        include = job.get("strategy", {}).get("matrix", {}).get("include", [])
        named += [item["stack"] for item in include if isinstance(item, dict) and "stack" in item]
    missing = set(named) - set(stack_ids())
    assert not missing, f"{path.name} names stacks the registry lacks: {sorted(missing)}"
