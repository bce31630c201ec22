"""The CI workflow forks get (.github/workflows/ci.yml): what the issue asks of it."""

from __future__ import annotations

from typing import Any

from tests.support.workflows import ACTIONS, WORKFLOWS, load, make_targets_called, run_scripts, steps

CI = load(WORKFLOWS / "ci.yml")
SETUP = load(ACTIONS / "setup" / "action.yml")


def job_steps(job: str) -> list[dict[str, Any]]:
    return list(CI["jobs"][job]["steps"])


def test_it_runs_make_test_on_pull_requests_and_on_main() -> None:
    assert "pull_request" in CI["on"]
    assert CI["on"]["push"]["branches"] == ["main"]
    tested = [s for s in run_scripts({"jobs": {"test": CI["jobs"]["test"]}}) if "test" in make_targets_called(s)]
    assert tested and "--junitxml=build/junit.xml" in tested[0]
    assert "if" not in CI["jobs"]["test"], "make test runs for every event"


def test_it_caches_the_pipenv_environment_node_modules_jsii_and_checkov() -> None:
    assert all(any(s.get("uses") == "./.github/actions/setup" for s in job_steps(job)) for job in CI["jobs"])
    cached = {
        str(step["with"]["path"]).strip(): str(step["with"]["key"])
        for step in steps(SETUP)
        if str(step.get("uses", "")).startswith("actions/cache@")
    }
    # Each cache is keyed on the lock file its contents come from.
    keyed_on = {
        ".venv\n.venv-tools": "Pipfile.lock",
        "node_modules": "package-lock.json",
        "~/.cache/aws/jsii/package-cache": "package-lock.json",
        ".venv-checkov": "tools/checkov-requirements.txt",
    }
    assert set(cached) == set(keyed_on)
    for path, lock_file in keyed_on.items():
        assert f"'{lock_file}'" in cached[path] and "hashFiles(" in cached[path], path


def test_it_publishes_checkovs_sarif_and_pytests_junit_even_when_tests_fail() -> None:
    by_uses = {str(s.get("uses", "")).split("@")[0]: s for s in job_steps("test")}
    sarif = by_uses["github/codeql-action/upload-sarif"]
    assert sarif["with"]["sarif_file"] == "build/checkov.sarif" and sarif["if"].startswith("always()")
    junit = by_uses["mikepenz/action-junit-report"]
    assert junit["with"]["report_paths"] == "build/junit.xml" and junit["if"].startswith("always()")
    scan = next(s for s in job_steps("test") if "scan" in make_targets_called(str(s.get("run", ""))))
    assert "SARIF=build/checkov.sarif" in scan["run"] and scan["if"] == "always()"
    assert CI["jobs"]["test"]["permissions"] == {"contents": "read", "checks": "write", "security-events": "write"}


def test_it_lints_and_holds_no_cloud_credentials() -> None:
    """make lint (the workflows' own checks included) runs beside make test; plans and applies are in the
    infra-* workflows, with their own roles: CI asks for no OIDC token."""
    lint = [s for s in run_scripts({"jobs": {"lint": CI["jobs"]["lint"]}}) if "lint" in make_targets_called(s)]
    assert lint == ["make lint"]
    assert CI["permissions"] == {}
    assert all("id-token" not in job["permissions"] for job in CI["jobs"].values())


def test_nothing_from_the_event_is_pasted_into_a_script() -> None:
    """Values from the event go through env:, never ${{ }} inside run: (script injection)."""
    for script in run_scripts(CI) + run_scripts(SETUP):
        assert "${{" not in script, script
