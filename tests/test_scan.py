"""The security gate: checkov over every stack, zero unwaived findings, no stale waiver."""

from __future__ import annotations

import json
import re
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


def test_checkov_finds_nothing_unwaived(checkov: str, synth_dir: Path, tmp_path: Path) -> None:
    sarif_path = tmp_path / "checkov.sarif"
    stacks = str(synth_dir / "stacks")
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "scan.py"), "--checkov", checkov, "--sarif", str(sarif_path), stacks],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert " 0 unwaived" in completed.stdout
    # Code scanning sees every waived finding as suppressed, with the waiver's reason.
    (run,) = json.loads(sarif_path.read_text())["runs"]
    waived = int(re.search(r"(\d+) waived by", completed.stdout).group(1))  # type: ignore[union-attr]
    assert len(run["results"]) == waived > 0
    assert all(len(r["suppressions"][0]["justification"]) >= 15 for r in run["results"])


def test_scan_fails_on_an_unwaived_finding(checkov: str, synth_dir: Path, tmp_path: Path) -> None:
    stacks = tmp_path / "stacks"
    bootstrap = next(p for p in (synth_dir / "stacks").iterdir() if p.name.startswith("bootstrap-"))
    shutil.copytree(bootstrap, stacks / "exposed")
    (stacks / "exposed" / "cdk.tf.json").write_text(
        (bootstrap / "cdk.tf.json").read_text().replace('"block_public_acls": true', '"block_public_acls": false')
    )
    sarif_path = tmp_path / "checkov.sarif"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "scan.py"),
            "--checkov",
            checkov,
            "--sarif",
            str(sarif_path),
            str(stacks),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 1
    assert "FAIL CKV_AWS_53" in completed.stdout
    # The SARIF for code scanning: unwaived findings as open results, the same the gate prints.
    sarif = json.loads(sarif_path.read_text())
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    assert run["tool"]["driver"]["name"] == "checkov"
    open_results = [r for r in run["results"] if not r.get("suppressions")]
    printed = re.findall(r"^FAIL (\S+) ", completed.stdout, flags=re.MULTILINE)
    assert sorted(r["ruleId"] for r in open_results) == sorted(printed)
    exposed = next(r for r in open_results if r["ruleId"] == "CKV_AWS_53")
    assert exposed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "exposed/cdk.tf.json"
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} == {r["ruleId"] for r in run["results"]}


def test_stacks_with_moved_blocks_are_scanned_with_their_paths_and_lines(synth_dir: Path, tmp_path: Path) -> None:
    """checkov's JSON parser fails on ``moved`` (cdktf's move support writes it at the top level): the scanned
    copy turns it into a comment, keeping every other line where it is, so findings point at the real file."""
    sys.path.insert(0, str(ROOT / "tools"))
    import scan

    stacks = synth_dir / "stacks"
    copy = scan.scannable(stacks, tmp_path / "copy")
    original = (stacks / "link-production" / "cdk.tf.json").read_text()
    scanned = (copy / "link-production" / "cdk.tf.json").read_text()
    assert "moved" in json.loads(original) and "moved" not in json.loads(scanned)
    changed = [(a, b) for a, b in zip(original.splitlines(), scanned.splitlines(), strict=True) if a != b]
    assert changed == [('  "moved": [', '  "//": [')]
    assert {p.relative_to(copy) for p in copy.rglob("cdk.tf.json")} == {
        p.relative_to(stacks) for p in stacks.glob("*/cdk.tf.json")
    }
