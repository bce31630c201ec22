"""The security gate: checkov over every stack, zero unwaived findings, no stale waiver.

The waiver drills judge made-up findings against small stacks written here (no checkov run): a waiver covers
the resources it names and nothing else, stack- and check-wide waivers are refused, an unused pattern fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import scan

ROOT = Path(__file__).resolve().parents[1]
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="module")
def checkov() -> str:
    # make test installs it; a missing scanner is a failure, never a skip.
    assert CHECKOV.exists(), "checkov is not installed: run `make test` (it creates .venv-checkov)"
    return str(CHECKOV)


def _scan(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """``tools/scan.py`` as make scan runs it, with ``args``."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "scan.py"), *args], capture_output=True, text=True, timeout=timeout
    )


def test_checkov_finds_nothing_unwaived(checkov: str, synth_dir: Path, tmp_path: Path) -> None:
    sarif_path = tmp_path / "checkov.sarif"
    stacks = str(synth_dir / "stacks")
    completed = _scan("--checkov", checkov, "--sarif", str(sarif_path), stacks)
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
    completed = _scan("--checkov", checkov, "--sarif", str(sarif_path), str(stacks))
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


def _stacks(tmp_path: Path, stacks: dict[str, dict[str, dict[str, dict[str, str]]]]) -> Path:
    """Stack directories as cdktf writes them: ``{stack id: {type: {logical id: config}}}``."""
    for stack, resources in stacks.items():
        (tmp_path / stack).mkdir(parents=True)
        (tmp_path / stack / "cdk.tf.json").write_text(json.dumps({"resource": resources}))
    return tmp_path


def _finding(check_id: str, stack: str, resource: str) -> dict[str, object]:
    return {"check_id": check_id, "file_path": f"/{stack}/cdk.tf.json", "resource": resource, "check_name": "x"}


def _waivers(tmp_path: Path, text: str) -> list[scan.Waiver]:
    path = tmp_path / "checkov-waivers.yaml"
    path.write_text(text)
    return scan.read_waivers(path)


BUCKETS = {
    "aws_s3_bucket": {
        "Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0": {"bucket": "replaydash-staging-alb-alb-logs-1"},
        "Sessions_Bucket_A8EE7161": {"bucket": "replaydash-staging-sessions-1"},
    }
}
ACCESS_LOGS_ONLY = """
waivers:
  - check: CKV_AWS_18
    stacks: replaydash-.*
    resources: [aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_*]
    reason: The access-log bucket is itself the log store of the load balancer.
"""


def _verdict(
    tmp_path: Path, waivers: list[scan.Waiver], findings: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, list[tuple[scan.Finding, scan.Waiver | None]]]:
    stacks = _stacks(tmp_path / "stacks", {"replaydash-staging": BUCKETS})
    judged = scan.judge([scan.locate(f, stacks) for f in findings], waivers)
    status = scan.report_verdict(judged, waivers, 1, {"passed": 1, "failed": len(findings)})
    return status, capsys.readouterr().out, judged


def test_a_waiver_covers_only_the_resources_it_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's case: the log bucket's waiver once covered ReplayDash's bucket of user sessions too."""
    waivers = _waivers(tmp_path, ACCESS_LOGS_ONLY)
    findings = [
        _finding(
            "CKV_AWS_18", "replaydash-staging", "aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0"
        ),
        # Same check, same stack, another resource: the sessions bucket is named by no waiver.
        _finding("CKV_AWS_18", "replaydash-staging", "aws_s3_bucket.Sessions_Bucket_A8EE7161"),
    ]
    status, out, judged = _verdict(tmp_path, waivers, findings, capsys)
    assert status == 1
    assert [(f.address, w is not None) for f, w in judged] == [
        ("aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0", True),
        ("aws_s3_bucket.Sessions_Bucket_A8EE7161", False),
    ]
    assert "FAIL CKV_AWS_18 aws_s3_bucket.Sessions_Bucket_A8EE7161 in replaydash-staging" in out
    assert " 1 waived by 1 waivers, 1 unwaived" in out


def test_a_name_pattern_covers_by_the_name_attribute_and_checkov_s_untyped_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """checkov reports some findings as ``resource.<logical id>``: the type is read back from the stack."""
    waivers = _waivers(
        tmp_path,
        """
waivers:
  - check: CKV_AWS_145
    stacks: replaydash-staging
    names: [replaydash-*-alb-logs-*]
    reason: ELB cannot deliver access logs to an SSE-KMS bucket.
""",
    )
    findings = [
        _finding("CKV_AWS_145", "replaydash-staging", "resource.Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0"),
        _finding("CKV_AWS_145", "replaydash-staging", "resource.Sessions_Bucket_A8EE7161"),
    ]
    status, _out, judged = _verdict(tmp_path, waivers, findings, capsys)
    assert [(f.address, f.name, w is not None) for f, w in judged] == [
        (
            "aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0",
            "replaydash-staging-alb-alb-logs-1",
            True,
        ),
        ("aws_s3_bucket.Sessions_Bucket_A8EE7161", "replaydash-staging-sessions-1", False),
    ]
    assert status == 1


def test_a_waiver_covers_only_its_stacks_and_its_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    waivers = _waivers(tmp_path, ACCESS_LOGS_ONLY.replace("replaydash-.*", "replaydash-production"))
    address = "aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0"
    status, _out, judged = _verdict(tmp_path, waivers, [_finding("CKV_AWS_18", "replaydash-staging", address)], capsys)
    assert status == 1 and judged[0][1] is None
    waivers = _waivers(tmp_path, ACCESS_LOGS_ONLY)
    status, _out, judged = _verdict(
        tmp_path / "again", waivers, [_finding("CKV2_AWS_62", "replaydash-staging", address)], capsys
    )
    assert status == 1 and judged[0][1] is None


def test_a_stale_resource_pattern_fails_the_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each pattern must cover a finding: one that covers nothing (a fixed or renamed resource) fails."""
    waivers = _waivers(
        tmp_path,
        ACCESS_LOGS_ONLY.replace(
            "resources: [aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_*]",
            "resources: [aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_*, "
            "aws_s3_bucket.Sessions_Bucket_*]",
        ),
    )
    findings = [
        _finding(
            "CKV_AWS_18", "replaydash-staging", "aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_34E5C5B0"
        )
    ]
    status, out, _ = _verdict(tmp_path, waivers, findings, capsys)
    assert status == 1
    assert "STALE waiver CKV_AWS_18 pattern 'aws_s3_bucket.Sessions_Bucket_*' (checkov-waivers.yaml line 3)" in out
    assert " 0 unwaived" in out


@pytest.mark.parametrize(
    ("waiver", "message"),
    [
        (  # the old form: every resource of every stack
            "  - check: CKV_AWS_18\n    stacks: .*\n    reason: Logging needs another bucket for these.",
            "checkov-waivers.yaml:3: waiver CKV_AWS_18 covers every resource of stacks '.*': name the resources",
        ),
        (
            "  - check: CKV_AWS_18\n    stacks: replaydash-.*\n    resources: [aws_s3_bucket.*]\n"
            "    reason: Logging needs another bucket for these.",
            "resources entry 'aws_s3_bucket.*' names no resource",
        ),
        (
            "  - check: CKV_AWS_18\n    stacks: replaydash-.*\n    names: ['*-*']\n"
            "    reason: Logging needs another bucket for these.",
            "names entry '*-*' names no resource",
        ),
        (
            "  - check: CKV_AWS_18\n    stacks: replaydash-.*\n    resources: ['*.Sessions_Bucket_*']\n"
            "    reason: Logging needs another bucket for these.",
            "must be <type>.<glob>, type spelled out",
        ),
        (
            "  - check: CKV_AWS_18\n    resources: [aws_s3_bucket.Sessions_Bucket_*]\n"
            "    reason: Logging needs another bucket for these.",
            "checkov-waivers.yaml:3: waiver CKV_AWS_18 needs stacks",
        ),
        (
            "  - check: CKV_AWS_18\n    stacks: replaydash-.*\n    resources: [aws_s3_bucket.Sessions_Bucket_*]",
            "checkov-waivers.yaml:3: waiver CKV_AWS_18 needs a reason",
        ),
        (
            "  - check: CKV_AWS_18\n    stacks: replaydash-.*\n    resources: [aws_s3_bucket.Sessions_Bucket_*]\n"
            "    reason: accepted",
            "needs a reason (at least 30 characters)",
        ),
        (
            "  - check: CKV_AWS_18\n    stacks: replaydash-.*\n    resource: [aws_s3_bucket.Sessions_Bucket_*]\n"
            "    reason: Logging needs another bucket for these.",
            "unknown key(s) ['resource']",
        ),
    ],
)
def test_a_waiver_without_scope_or_reason_is_refused(tmp_path: Path, waiver: str, message: str) -> None:
    with pytest.raises(scan.WaiverError) as refused:
        _waivers(tmp_path, f"\nwaivers:\n{waiver}\n")
    assert message in str(refused.value)


def test_a_refused_waiver_file_stops_the_scan_with_status_2_before_anything_runs(tmp_path: Path) -> None:
    waivers = tmp_path / "checkov-waivers.yaml"
    waivers.write_text(
        "waivers:\n  - check: CKV2_AWS_57\n    stacks: .*\n    reason: Secrets rotate with their sources.\n"
    )
    # No checkov and no stacks: the waivers are refused first.
    completed = _scan("--checkov", str(tmp_path / "none"), "--waivers", str(waivers), str(tmp_path), timeout=60)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "checkov-waivers.yaml:2: waiver CKV2_AWS_57 covers every resource" in completed.stderr


@pytest.mark.parametrize("check_id", ["CKV_AWS_18", "CKV2_AWS_62", "CKV_AWS_144"])
@pytest.mark.parametrize(
    ("stack", "logical_id", "own"),
    [
        ("replaydash-production", "Sessions_Bucket_A8EE7161", "Sessions_Bucket_*"),
        ("solobase-prod", "DumpsBucket_92212E2B", "DumpsBucket_*"),
    ],
)
def test_the_project_s_waivers_cover_user_data_buckets_only_by_name(
    check_id: str, stack: str, logical_id: str, own: str, tmp_path: Path
) -> None:
    """The buckets of user sessions and customer dumps: no log-bucket or state-bucket waiver reaches them (the
    old check-wide ones did); a waiver covering them names them and gives their own reason, or none does."""
    waivers = scan.read_waivers(scan.WAIVERS)
    stacks = _stacks(tmp_path, {stack: {"aws_s3_bucket": {logical_id: {"bucket": f"{stack}-x"}}}})
    ((_, waiver),) = scan.judge(
        [scan.locate(_finding(check_id, stack, f"aws_s3_bucket.{logical_id}"), stacks)], waivers
    )
    if waiver is not None:
        assert waiver.resources == (f"aws_s3_bucket.{own}",) and not waiver.names
    # Access logging is not waived for them: the stacks log every access (the real scan proves it passes).
    assert (waiver is None) == (check_id == "CKV_AWS_18")
