"""Security gate: checkov over every synthesized stack; any finding not waived fails.

Waivers live in ``.checkov.yaml`` (a plain checkov config file, so running
``checkov --config-file .checkov.yaml -d cdktf.out/stacks`` by hand gives the
same verdict). Each ``skip-check`` entry is ``CHECK_ID`` or
``CHECK_ID:<regex on the stack path>`` and must carry a ``# reason`` comment.

Beyond checkov itself this script refuses: a waiver without a reason, a
waiver that no longer matches any finding (so the list cannot rot), and a
scan that saw no resources (checkov's plain ``terraform`` framework silently
scans nothing in CDKTF output; ``terraform_json`` is required).

    .venv-checkov/bin/python tools/scan.py --checkov .venv-checkov/bin/checkov [--synth] [--sarif F] [STACKS_DIR]

``--sarif`` also writes every finding as SARIF 2.1.0 for code scanning, the
waived ones marked suppressed with their reason.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".checkov.yaml"
MIN_REASON = 15
_ENTRY = re.compile(r"^\s*-\s*['\"]?(?P<entry>[A-Z0-9_]+(:[^'\"#\s]+)?)['\"]?\s*(#\s*(?P<reason>.*))?$")


@dataclass
class Waiver:
    check_id: str
    path_pattern: str | None
    reason: str
    line: int
    used: int = 0

    def matches(self, check_id: str, stack_path: str) -> bool:
        if check_id != self.check_id:
            return False
        return self.path_pattern is None or re.match(self.path_pattern, stack_path) is not None


def read_waivers(config: Path) -> list[Waiver]:
    """``skip-check`` entries of the config, each with the reason from its comment."""
    waivers = []
    in_skip = False
    for number, line in enumerate(config.read_text().splitlines(), start=1):
        if re.match(r"^skip-check:\s*$", line):
            in_skip = True
            continue
        if in_skip and re.match(r"^\S", line):
            in_skip = False
        if not in_skip or not line.strip() or line.strip().startswith("#"):
            continue
        match = _ENTRY.match(line)
        if not match:
            raise SystemExit(f"{config.name}:{number}: cannot read waiver: {line.strip()}")
        reason = (match.group("reason") or "").strip()
        if len(reason) < MIN_REASON:
            raise SystemExit(f"{config.name}:{number}: waiver {match.group('entry')} needs a '# reason' comment")
        check_id, _, pattern = match.group("entry").partition(":")
        waivers.append(Waiver(check_id, pattern or None, reason, number))
    return waivers


_MOVED = re.compile(r'^  "moved": \[$', re.MULTILINE)


def scannable(stacks: Path, into: Path) -> Path:
    """A copy of the stacks checkov can parse, same paths and line numbers: top-level ``moved`` blocks (cdktf's
    move support; addresses only, no configuration) become a ``//`` comment, which checkov skips (its JSON
    parser fails on ``moved``)."""
    for source in sorted(stacks.glob("*/cdk.tf.json")):
        text = source.read_text()
        if "moved" in json.loads(text):
            text = _MOVED.sub('  "//": [', text, count=1)
            if "moved" in json.loads(text):
                raise SystemExit(f"{source}: its moved blocks are not where cdktf writes them")
        target = into / source.relative_to(stacks)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return into


def run_checkov(checkov: str, stacks: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="scan-") as scratch:
        return _run_checkov(checkov, scannable(stacks, Path(scratch)))


def _run_checkov(checkov: str, stacks: Path) -> dict[str, object]:
    # Run from inside the stacks directory so checkov does not also pick up .checkov.yaml:
    # waivers are applied below, where unused ones can be noticed.
    completed = subprocess.run(
        [checkov, "-d", ".", "--framework", "terraform_json", "-o", "json", "--quiet", "--compact", "--skip-download"],
        cwd=stacks,
        capture_output=True,
        text=True,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"},
        check=False,
    )
    if completed.returncode not in (0, 1):
        raise SystemExit(f"checkov failed ({completed.returncode}):\n{completed.stderr}")
    report = json.loads(completed.stdout)
    if isinstance(report, list):
        report = next(r for r in report if r.get("check_type") == "terraform_json")
    result: dict[str, object] = report
    return result


def sarif(findings: list[tuple[dict[str, Any], Waiver | None]], stacks_prefix: str) -> dict[str, Any]:
    """SARIF 2.1.0 for code scanning: every finding, waived ones as suppressed with the waiver's reason."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for finding, waiver in findings:
        check_id = finding["check_id"]
        rules.setdefault(
            check_id,
            {
                "id": check_id,
                "name": check_id,
                "shortDescription": {"text": finding["check_name"]},
                "helpUri": finding.get("guideline") or "https://www.checkov.io/",
            },
        )
        start, end = (finding.get("file_line_range") or [1, 1])[:2]
        result: dict[str, Any] = {
            "ruleId": check_id,
            "level": "error",
            "message": {"text": f"{finding['check_name']} ({finding['resource']})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f"{stacks_prefix}{finding['file_path'].lstrip('/')}"},
                        "region": {"startLine": max(int(start), 1), "endLine": max(int(end), int(start), 1)},
                    }
                }
            ],
        }
        if waiver is not None:
            result["suppressions"] = [{"kind": "external", "justification": waiver.reason}]
        results.append(result)
    driver = {"name": "checkov", "informationUri": "https://www.checkov.io/", "rules": list(rules.values())}
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }


def synthesize() -> Path:
    outdir = ROOT / "cdktf.out"
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir)}
    env.pop("INFRA_STACKS", None)
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "main.py"], cwd=ROOT, env=env, check=True)
    return outdir / "stacks"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stacks", nargs="?", type=Path, default=ROOT / "cdktf.out" / "stacks")
    parser.add_argument("--checkov", default="checkov")
    parser.add_argument("--synth", action="store_true", help="synthesize all stacks first (app venv)")
    parser.add_argument("--sarif", type=Path, help="also write the findings as SARIF (waived ones suppressed)")
    args = parser.parse_args()

    waivers = read_waivers(CONFIG)
    stacks = synthesize() if args.synth else args.stacks
    stack_count = sum(1 for p in stacks.glob("*/cdk.tf.json"))
    if stack_count == 0:
        print(f"error: no synthesized stacks under {stacks}", file=sys.stderr)
        return 1
    # checkov runs from inside the stacks directory: a relative path (make's) must not change meaning.
    checkov = str(Path(args.checkov).resolve()) if os.sep in args.checkov else args.checkov
    report = run_checkov(checkov, stacks)
    summary = report["summary"]
    assert isinstance(summary, dict)
    if summary["parsing_errors"]:
        print(f"error: checkov could not parse {summary['parsing_errors']} file(s)", file=sys.stderr)
        return 1
    if summary["passed"] + summary["failed"] == 0:
        print("error: checkov evaluated no checks: nothing was scanned", file=sys.stderr)
        return 1

    results = report["results"]
    assert isinstance(results, dict)
    unwaived = []
    judged: list[tuple[dict[str, Any], Waiver | None]] = []
    for finding in results["failed_checks"]:
        stack_path = finding["file_path"].lstrip("/")
        waiver = next((w for w in waivers if w.matches(finding["check_id"], stack_path)), None)
        judged.append((finding, waiver))
        if waiver:
            waiver.used += 1
        else:
            unwaived.append(finding)
    if args.sarif:
        prefix = f"{stacks.relative_to(ROOT)}/" if stacks.resolve().is_relative_to(ROOT) else ""
        args.sarif.parent.mkdir(parents=True, exist_ok=True)
        args.sarif.write_text(json.dumps(sarif(judged, prefix), indent=2) + "\n")

    for finding in unwaived:
        print(
            f"FAIL {finding['check_id']} {finding['resource']} in {finding['file_path'].lstrip('/')}: "
            f"{finding['check_name']} ({finding.get('guideline') or 'no guideline'})"
        )
    stale = [w for w in waivers if w.used == 0]
    for waiver in stale:
        pattern = f":{waiver.path_pattern}" if waiver.path_pattern else ""
        print(
            f"STALE waiver {waiver.check_id}{pattern} (.checkov.yaml line {waiver.line}) matches no finding: remove it"
        )
    print(
        f"checkov: {stack_count} stacks, {summary['passed']} passed, {summary['failed']} failed, "
        f"{summary['failed'] - len(unwaived)} waived by {len(waivers) - len(stale)} waivers, {len(unwaived)} unwaived"
    )
    return 1 if unwaived or stale else 0


if __name__ == "__main__":
    sys.exit(main())
