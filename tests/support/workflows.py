"""Reading the GitHub workflows and local actions under .github/ (shared by every workflow's tests)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONS = ROOT / ".github" / "actions"
_MAKE = re.compile(r"(?:^|[\s;&|(])make\s+((?:-\S+\s+)*)([a-z][a-z0-9-]*)")


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def action_files() -> list[Path]:
    return sorted([*ACTIONS.glob("*/action.yml"), *ACTIONS.glob("*/action.yaml")])


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def validate(path: Path, schema: str) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with one of its built-in schemas (vendor.github-workflows, vendor.github-actions)."""
    checker = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run(
        [str(checker), "--builtin-schema", schema, str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step of a workflow's jobs, or of a composite action."""
    if "jobs" in document:
        return [step for job in document["jobs"].values() for step in job.get("steps", [])]
    return list(document.get("runs", {}).get("steps", []))


def run_scripts(document: dict[str, Any]) -> list[str]:
    return [str(step["run"]) for step in steps(document) if "run" in step]


def make_targets_called(script: str) -> list[str]:
    """The make targets a shell script runs (``make -s output NAME=x`` calls ``output``)."""
    return [match.group(2) for match in _MAKE.finditer(script)]


def makefile_targets() -> set[str]:
    return set(re.findall(r"^([a-z][a-z0-9-]*):", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))
