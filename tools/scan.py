"""Security gate: checkov over every synthesized stack; any finding not waived fails.

checkov runs with no skip list at all; this script applies the waivers in
``checkov-waivers.yaml`` (repository root) to its findings. A waiver covers
named resources only, never a whole check or stack::

    - check: CKV_AWS_18                      # the checkov check id
      stacks: (replaydash|solobase)-.*       # regex, matched in full against the stack id
      resources:                             # globs on <type>.<logical id>, as in cdk.tf.json
        - aws_s3_bucket.Platform_Host_LoadBalancer_AccessLogs_Bucket_*
      names:                                 # globs on the resource's name attribute
        - arrakis-*-alb-logs-*               # (bucket, identifier, name, ...; references stay ${...})
      reason: Why this finding is accepted for exactly these resources.

A finding is waived when its check and stack match and its address matches a
``resources`` glob or its name attribute a ``names`` glob (checkov reports
some addresses as ``resource.<logical id>``; the type is read back from the
stack JSON). Globs are fnmatch globs, case-sensitive, matched in full.

Refused before anything runs (exit status 2, naming the file and line): a
waiver without ``resources``/``names`` (stack- or check-wide), a pattern
with no literal part of its own (``aws_s3_bucket.*``, ``*``), an unknown
key, a bad regex, a reason shorter than ``MIN_REASON`` (30) characters. After the
scan it fails (exit status 1) on: an unwaived finding, and a waiver pattern
that covered no finding (each ``resources``/``names`` entry must cover at
least one, so the list cannot rot), and a scan that saw no resources
(checkov's plain ``terraform`` framework silently scans nothing in CDKTF
output; ``terraform_json`` is required). A finding goes to the first waiver
that covers it, so a pattern repeating an earlier waiver's is stale too.

    .venv-checkov/bin/python tools/scan.py --checkov .venv-checkov/bin/checkov [--synth] [--sarif F] [STACKS_DIR]

``--sarif`` also writes every finding as SARIF 2.1.0 for code scanning, the
waived ones marked suppressed with their reason.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
WAIVERS = ROOT / "checkov-waivers.yaml"
MIN_REASON = 30
MIN_LITERAL = 3
"""A pattern needs this many characters that are not wildcards: ``aws_s3_bucket.*`` is check-wide."""
NAME_ATTRIBUTES = ("bucket", "identifier", "replication_group_id", "function_name", "name")
"""The attribute that names a resource, first present wins (S3, RDS, ElastiCache, Lambda, the rest)."""
_KEYS = {"check", "stacks", "resources", "names", "reason"}
_CHECK = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_ADDRESS = re.compile(r"^[a-z][a-z0-9_]*\.(?P<name>.+)$")


class WaiverError(Exception):
    """The waiver file is wrong: the message names file, line and what is allowed."""


@dataclass(frozen=True)
class Finding:
    """One failed check, located: ``address`` is ``<type>.<logical id>``, ``name`` the name attribute (or None)."""

    check_id: str
    stack: str
    address: str
    name: str | None
    raw: Mapping[str, Any]


@dataclass
class Waiver:
    check_id: str
    stacks: str
    resources: tuple[str, ...]
    names: tuple[str, ...]
    reason: str
    line: int
    used: dict[str, int] = field(default_factory=dict)
    """Findings covered, per pattern (``resources`` entries as given, ``names`` entries prefixed ``name:``)."""

    def patterns(self) -> list[str]:
        return [*self.resources, *(f"name:{n}" for n in self.names)]

    def covering(self, finding: Finding) -> str | None:
        """The pattern that covers ``finding``, if any."""
        if finding.check_id != self.check_id or re.fullmatch(self.stacks, finding.stack) is None:
            return None
        for pattern in self.resources:
            if fnmatch.fnmatchcase(finding.address, pattern):
                return pattern
        for pattern in self.names:
            if finding.name is not None and fnmatch.fnmatchcase(finding.name, pattern):
                return f"name:{pattern}"
        return None


class _LineLoader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type hints
    """Safe YAML that remembers the line of each mapping (for errors that name it)."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def _literal(pattern: str) -> int:
    return len(re.sub(r"\[[^]]*\]|[*?]", "", pattern))


def _patterns(where: str, entry: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(p, str) and p for p in value):
        raise WaiverError(f"{where}: {key} must be a list of glob strings, got {value!r}")
    if len(set(value)) != len(value):
        raise WaiverError(f"{where}: {key} lists a pattern twice: {value!r}")
    for pattern in value:
        if key == "resources":
            match = _ADDRESS.match(pattern)
            if match is None or any(c in pattern[: match.start("name")] for c in "*?["):
                raise WaiverError(f"{where}: resources entry {pattern!r} must be <type>.<glob>, type spelled out")
            literal = _literal(match.group("name"))
        else:
            literal = _literal(pattern)
        if literal < MIN_LITERAL:
            raise WaiverError(
                f"{where}: {key} entry {pattern!r} names no resource (needs {MIN_LITERAL}+ literal characters; "
                "a pattern of wildcards is a check-wide waiver)"
            )
    return tuple(value)


def read_waivers(path: Path) -> list[Waiver]:
    """The waivers of ``path``, each checked; :class:`WaiverError` names the first wrong one."""
    try:
        document = yaml.load(path.read_text(), Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.YAMLError as error:
        raise WaiverError(f"{path.name}: not YAML: {error}") from error
    entries = document.get("waivers") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise WaiverError(f"{path.name}: expected a top-level 'waivers:' list")
    waivers = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise WaiverError(f"{path.name}: each waiver is a mapping with keys {sorted(_KEYS)}, got {entry!r}")
        line = entry.pop("__line__")
        where = f"{path.name}:{line}"
        unknown = set(entry) - _KEYS
        if unknown:
            raise WaiverError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
        check_id = entry.get("check")
        if not isinstance(check_id, str) or not _CHECK.match(check_id):
            raise WaiverError(f"{where}: check must be a checkov id such as CKV_AWS_18, got {check_id!r}")
        stacks = entry.get("stacks")
        if not isinstance(stacks, str) or not stacks:
            raise WaiverError(f"{where}: waiver {check_id} needs stacks: a regex on the stack id, got {stacks!r}")
        try:
            re.compile(stacks)
        except re.error as error:
            raise WaiverError(f"{where}: stacks {stacks!r} is not a regex: {error}") from error
        resources = _patterns(where, entry, "resources")
        names = _patterns(where, entry, "names")
        if not resources and not names:
            raise WaiverError(
                f"{where}: waiver {check_id} covers every resource of stacks {stacks!r}: name the resources it "
                "covers (resources: <type>.<glob>, or names: <glob>); stack- and check-wide waivers are refused"
            )
        reason = entry.get("reason")
        if not isinstance(reason, str) or len(reason.split()) < 3 or len(reason.strip()) < MIN_REASON:
            raise WaiverError(f"{where}: waiver {check_id} needs a reason (at least {MIN_REASON} characters)")
        waivers.append(Waiver(check_id, stacks, resources, names, " ".join(reason.split()), line))
    return waivers


def locate(finding: Mapping[str, Any], stacks: Path) -> Finding:
    """``finding`` with its Terraform address and name attribute, read back from its stack's JSON.

    checkov reports some addresses as ``resource.<logical id>`` (its terraform_json parser loses the type for
    some checks); the logical id is unique in a stack, so its type is the one whose block holds it. A finding
    that cannot be placed keeps checkov's address, which no ``<type>.<glob>`` pattern covers: it stays unwaived.
    """
    relative = finding["file_path"].lstrip("/")
    stack = relative.split("/", 1)[0]
    kind, _, logical_id = finding["resource"].partition(".")
    resources = json.loads((stacks / relative).read_text()).get("resource", {})
    types = [t for t, blocks in resources.items() if logical_id in blocks]
    if kind in types:
        types = [kind]
    if len(types) != 1:
        return Finding(finding["check_id"], stack, finding["resource"], None, finding)
    config = resources[types[0]][logical_id]
    name = next((config[a] for a in NAME_ATTRIBUTES if isinstance(config.get(a), str)), None)
    return Finding(finding["check_id"], stack, f"{types[0]}.{logical_id}", name, finding)


def judge(findings: Iterable[Finding], waivers: Sequence[Waiver]) -> list[tuple[Finding, Waiver | None]]:
    """Each finding with the first waiver covering it (None: unwaived); counts each pattern's use."""
    judged: list[tuple[Finding, Waiver | None]] = []
    for finding in findings:
        for waiver in waivers:
            pattern = waiver.covering(finding)
            if pattern is not None:
                waiver.used[pattern] = waiver.used.get(pattern, 0) + 1
                judged.append((finding, waiver))
                break
        else:
            judged.append((finding, None))
    return judged


def stale(waivers: Sequence[Waiver]) -> list[tuple[Waiver, str]]:
    """Every (waiver, pattern) that covered no finding."""
    return [(w, p) for w in waivers for p in w.patterns() if not w.used.get(p)]


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
    # Run from inside the stacks directory so checkov reads no config file (no skip list): every
    # finding comes back, and the waivers are applied to it here, where unused ones can be noticed.
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


def sarif(findings: Sequence[tuple[Finding, Waiver | None]], stacks_prefix: str) -> dict[str, Any]:
    """SARIF 2.1.0 for code scanning: every finding, waived ones as suppressed with the waiver's reason."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for located, waiver in findings:
        finding = located.raw
        check_id = located.check_id
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
            "message": {"text": f"{finding['check_name']} ({located.address})"},
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
    parser.add_argument("--waivers", type=Path, default=WAIVERS, help="the waiver file (default: %(default)s)")
    args = parser.parse_args()

    try:
        waivers = read_waivers(args.waivers)
    except WaiverError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
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
    judged = judge((locate(f, stacks) for f in results["failed_checks"]), waivers)
    if args.sarif:
        prefix = f"{stacks.relative_to(ROOT)}/" if stacks.resolve().is_relative_to(ROOT) else ""
        args.sarif.parent.mkdir(parents=True, exist_ok=True)
        args.sarif.write_text(json.dumps(sarif(judged, prefix), indent=2) + "\n")
    return report_verdict(judged, waivers, stack_count, summary, args.waivers.name)


def report_verdict(
    judged: Sequence[tuple[Finding, Waiver | None]],
    waivers: Sequence[Waiver],
    stack_count: int,
    summary: Mapping[str, int],
    waiver_file: str = WAIVERS.name,
) -> int:
    """Print each unwaived finding and stale pattern, then the totals; the exit status (1 on either)."""
    unwaived = [finding for finding, waiver in judged if waiver is None]
    for finding in unwaived:
        raw = finding.raw
        print(
            f"FAIL {finding.check_id} {finding.address} in {finding.stack} (name {finding.name}): "
            f"{raw.get('check_name', '')} ({raw.get('guideline') or 'no guideline'})"
        )
    unused = stale(waivers)
    for waiver, pattern in unused:
        print(
            f"STALE waiver {waiver.check_id} pattern {pattern!r} ({waiver_file} line {waiver.line}) "
            f"covers no finding in stacks {waiver.stacks!r}: remove it"
        )
    print(
        f"checkov: {stack_count} stacks, {summary['passed']} passed, {summary['failed']} failed, "
        f"{len(judged) - len(unwaived)} waived by {sum(1 for w in waivers if w.used)} waivers, "
        f"{len(unwaived)} unwaived"
    )
    return 1 if unwaived or unused else 0


if __name__ == "__main__":
    sys.exit(main())
