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


def _run(tmp_path: Path, source: str, workers: int, *plugins: str) -> None:
    """``source`` as a test file run under ``-n workers --dist loadgroup`` with ``plugins``; MEMBERS is tmp_path."""
    test_file = tmp_path / "test_sample.py"
    test_file.write_text(source)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            str(workers),
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            *(arg for plugin in plugins for arg in ("-p", plugin)),
            f"--basetemp={tmp_path / 'base'}",
            str(test_file),
        ],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "MEMBERS": str(tmp_path)},
        check=True,
        capture_output=True,
        text=True,
    )


def _workers(tmp_path: Path, *plugins: str) -> set[str]:
    _run(tmp_path, GROUPED, 3, *plugins)
    found = {path.name: path.read_text() for path in tmp_path.glob("member-*")}
    assert len(found) == 6, found
    return set(found.values())


def test_a_group_runs_on_one_worker(tmp_path: Path) -> None:
    assert len(_workers(tmp_path, "tests.support.xdist_groups")) == 1


def test_the_plugin_is_what_keeps_it_together(tmp_path: Path) -> None:
    """Without it (pytest 9.2, xdist 3.8) the group spreads: delete this test and the plugin once it holds."""
    assert len(_workers(tmp_path)) > 1


POLES = """
import os, time, pytest

def _record(name):
    with open(os.path.join(os.environ["MEMBERS"], os.environ["PYTEST_XDIST_WORKER"]), "a") as out:
        out.write(name + "\\n")

@pytest.mark.xdist_group(name="deploy-a")
def test_long_a():
    _record("long"); time.sleep(1.5)

@pytest.mark.xdist_group(name="deploy-b")
def test_long_b():
    _record("long"); time.sleep(1.5)

@pytest.mark.xdist_group(name="deploy-c")
def test_long_c():
    _record("long"); time.sleep(1.5)

@pytest.mark.parametrize("n", range(6))
def test_short(n):
    _record("short")
"""


def test_a_worker_busy_with_a_long_group_is_given_short_work_next(tmp_path: Path) -> None:
    """Three deploys on two workers: none waits queued behind another while short tests remain."""
    _run(tmp_path, POLES, 2, "tests.support.xdist_groups")
    runs = {path.name: path.read_text().split() for path in tmp_path.glob("gw*")}
    assert sum(run.count("long") for run in runs.values()) == 3 and len(runs) == 2, runs
    for run in runs.values():
        assert "long long" not in " ".join(run), f"a deploy waited behind another on one worker: {runs}"


def test_every_long_pole_named_for_ordering_is_a_test() -> None:
    from tests.conftest import LONG_POLES

    sources = "".join(path.read_text() for path in (ROOT / "tests").rglob("test_*.py"))
    for name in LONG_POLES:
        assert f"def {name.split('[')[0]}(" in sources, f"LONG_POLES names {name}, which no test defines"
