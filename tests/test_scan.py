"""The security gate: checkov over every stack, zero unwaived findings, no stale waiver."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="module")
def checkov() -> str:
    # make test installs it; a missing scanner is a failure, never a skip.
    assert CHECKOV.exists(), "checkov is not installed: run `make test` (it creates .venv-checkov)"
    return str(CHECKOV)


def test_checkov_finds_nothing_unwaived(checkov: str, synth_dir: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "scan.py"), "--checkov", checkov, str(synth_dir / "stacks")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert " 0 unwaived" in completed.stdout


def test_scan_fails_on_an_unwaived_finding(checkov: str, synth_dir: Path, tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    bootstrap = next(p for p in (synth_dir / "stacks").iterdir() if p.name.startswith("bootstrap-"))
    shutil.copytree(bootstrap, stacks / "exposed")
    (stacks / "exposed" / "cdk.tf.json").write_text(
        (bootstrap / "cdk.tf.json").read_text().replace('"block_public_acls": true', '"block_public_acls": false')
    )
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "scan.py"), "--checkov", checkov, str(stacks)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 1
    assert "FAIL CKV_AWS_53" in completed.stdout
