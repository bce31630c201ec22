"""Which stacks a pull request changes (tools/changed_stacks.py), for CI's make diff."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.workflows import ROOT

SCRIPT = ROOT / "tools" / "changed_stacks.py"


def synthesized(directory: Path, stacks: dict[str, dict[str, object]]) -> Path:
    for stack, data in stacks.items():
        (directory / "stacks" / stack).mkdir(parents=True)
        (directory / "stacks" / stack / "cdk.tf.json").write_text(json.dumps(data, indent=2))
    return directory


def test_changed_and_new_stacks_are_printed_and_removed_ones_named(tmp_path: Path) -> None:
    same = {"resource": {"aws_s3_bucket": {"a": {"bucket": "x"}}}}
    base = synthesized(tmp_path / "base", {"kept": same, "edited": same, "gone": same})
    edited = {"resource": {"aws_s3_bucket": {"a": {"bucket": "y"}}}}
    head = synthesized(tmp_path / "head", {"kept": same, "edited": edited, "added": same})
    # Formatting alone is no change: stacks are compared as JSON.
    (head / "stacks" / "kept" / "cdk.tf.json").write_text(json.dumps(same))
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--base-dir", str(base), "--head-dir", str(head)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.splitlines() == ["added", "edited"]
    assert "removed: gone" in completed.stderr


def test_no_change_prints_nothing(tmp_path: Path) -> None:
    stacks = {"kept": {"resource": {}}}
    base, head = synthesized(tmp_path / "base", stacks), synthesized(tmp_path / "head", stacks)
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--base-dir", str(base), "--head-dir", str(head)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == "" and completed.stderr == ""
