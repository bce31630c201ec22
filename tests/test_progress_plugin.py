"""make test's progress (tests/support/progress.py): long tests are named while they run, with their phase."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SLOW = """
import time
from tests.support.progress import phase

def test_quick():
    pass

def test_slow_deploy():
    phase("applying 57/114")
    time.sleep(3)
"""


def test_a_long_test_is_named_while_it_runs_with_the_phase_it_reported(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(SLOW)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("INFRA_TEST_PHASES", None)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.support.progress",
            "--progress-every=1",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "2",
            str(tmp_path / "test_sample.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    beats = [line for line in completed.stdout.splitlines() if "still running:" in line]
    assert beats, completed.stdout
    assert "1 done, 1 running; still running: test_slow_deploy " in beats[-1]
    assert beats[-1].endswith(": applying 57/114")


@pytest.mark.parametrize("options", [["--progress-every=0", "-n", "2"], ["--progress-every=1", "-p", "no:xdist"]])
def test_no_progress_lines_when_turned_off_or_in_one_process(tmp_path: Path, options: list[str]) -> None:
    (tmp_path / "test_sample.py").write_text(SLOW)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.support.progress",
            "--progress-every=0",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_sample.py"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0 and "still running" not in completed.stdout
