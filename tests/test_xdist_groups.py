"""``--dist loadgroup`` keeps a group on one worker (tests/support/xdist_groups.py): the deploys rely on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUPED = """
import os, pytest

@pytest.mark.xdist_group(name="together")
@pytest.mark.parametrize("n", range(6))
def test_member(n):
    with open(os.path.join(os.environ["MEMBERS"], f"member-{n}"), "w") as out:
        out.write(os.environ["PYTEST_XDIST_WORKER"])
"""


def _workers(tmp_path: Path, *plugins: str) -> set[str]:
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    base = tmp_path / "base"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "3",
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            *(arg for plugin in plugins for arg in ("-p", plugin)),
            f"--basetemp={base}",
            str(tmp_path / "test_grouped.py"),
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "MEMBERS": str(tmp_path)},
        check=True,
        capture_output=True,
        text=True,
    )
    found = {path.name: path.read_text() for path in tmp_path.glob("member-*")}
    assert len(found) == 6, found
    return set(found.values())


def test_a_group_runs_on_one_worker(tmp_path: Path) -> None:
    assert len(_workers(tmp_path, "tests.support.xdist_groups")) == 1


def test_the_plugin_is_what_keeps_it_together(tmp_path: Path) -> None:
    """Without it (pytest 9.2, xdist 3.8) the group spreads: delete this test and the plugin once it holds."""
    assert len(_workers(tmp_path)) > 1
