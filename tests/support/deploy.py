"""The suite's emulator deploys, through make up's engine (infra.up): what every deploy checks.

A family is a bootstrap stack and the stacks that keep their state in its
bucket. It goes up and down together on an emulator of its own, so each stack,
its bootstrap stack included, is applied once per run:

1. up, as ``make up`` (infra.up.cli.up): the emulator's baseline is taken;
   the bootstrap stack is applied on local state; what an operator uploads
   first is put in place (infra.up.uploads); every other stack is applied on
   the S3 backend (DynamoDB + S3 lock file), after what it depends on
   (customer stacks after their platform), concurrently where the graph allows;
2. each stack, concurrently: its state object is in the bucket, and a second
   ``plan -detailed-exitcode`` shows no change but allowlisted emulator drift
   (emulator/allowlist.py); its outputs and state are read;
3. the system's checks (tests/deploy/checks.py): outputs, what the emulator
   holds, no secret in state;
4. down, as ``make down`` (infra.up.cli.down): last deployed first, protections
   switched off through config overlays (infra/config/teardown.py) and applied
   where they are on, then destroy; a final snapshot must be left by each
   database that keeps one (checked, then removed, as are secrets in their
   recovery window, and the uploads); the bucket is emptied and the bootstrap
   stack destroyed; the emulator then holds exactly its baseline.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.allowlist import EmulatorDrift, allowed
from emulator.server import Emulator
from infra.registry import StackSpec
from infra.terraform import Terraform, clean_environment, cli_config, outputs_of
from infra.up import cli
from infra.up.session import Session, account_of
from infra.up.stacks import LOCK_TIMEOUT, stack_json
from tests.support.progress import phase


@dataclass(frozen=True)
class Change:
    """One attribute a plan would change (``*`` for creates, deletes and replacements)."""

    address: str
    resource_type: str
    attribute: str
    actions: tuple[str, ...]


def plan_changes(plan: dict[str, Any]) -> list[Change]:
    """Every attribute a saved plan would change."""
    changes = []
    for rc in plan.get("resource_changes", []):
        actions = tuple(rc["change"]["actions"])
        if actions in (("no-op",), ("read",)):
            continue
        if actions != ("update",):
            # Which attributes force a replacement says what to fix.
            paths = ",".join(".".join(str(p) for p in path) for path in rc["change"].get("replace_paths") or [])
            changes.append(
                Change(rc["address"], rc["type"], f"*{f' (replaced for {paths})' if paths else ''}", actions)
            )
            continue
        before = rc["change"].get("before") or {}
        after = rc["change"].get("after") or {}
        unknown = rc["change"].get("after_unknown") or {}
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key) or unknown.get(key):
                changes.append(Change(rc["address"], rc["type"], key, actions))
    for name, change in (plan.get("output_changes") or {}).items():
        if tuple(change["actions"]) != ("no-op",):
            changes.append(Change(f"output.{name}", "output", name, tuple(change["actions"])))
    return changes


def expected_final_snapshots(stack: dict[str, Any]) -> dict[str, list[str]]:
    """Final snapshots a destroy of this stack must leave, by what make down calls them: databases without
    skip_final_snapshot, replication groups with a final_snapshot_identifier."""
    resources = stack.get("resource", {})
    databases = resources.get("aws_db_instance", {}).values()
    caches = resources.get("aws_elasticache_replication_group", {}).values()
    expected = {
        "final snapshot(s)": [db["final_snapshot_identifier"] for db in databases if not db.get("skip_final_snapshot")],
        "final cache snapshot(s)": [
            group["final_snapshot_identifier"] for group in caches if group.get("final_snapshot_identifier")
        ],
    }
    return {kind: names for kind, names in expected.items() if names}


def assert_final_snapshots_were_left(stack: dict[str, Any], destroyed: str) -> None:
    """``destroyed``: what make down reported for the stack; it removes the final snapshots it finds (by name,
    from state), so a count short of the resources keeping one means a destroy left none."""
    for kind, names in expected_final_snapshots(stack).items():
        assert f"{len(names)} {kind}" in destroyed, f"final snapshots {names}: {destroyed}"


@dataclass
class Deployed:
    """One stack up on the emulator, as the checks see it."""

    spec: StackSpec
    emulator: Emulator
    synth_dir: Path
    tf: Terraform
    outputs: dict[str, Any] = field(default_factory=dict)
    state_text: str = ""
    observed_drift: set[EmulatorDrift] = field(default_factory=set)

    @property
    def account(self) -> str:
        return account_of(self.spec)

    @property
    def region(self) -> str:
        return self.spec.region

    @property
    def stack_json(self) -> dict[str, Any]:
        return stack_json(self.synth_dir, self.spec.stack_id)


Check = Callable[[Deployed], None]


def read_deployed(session: Session, emulator: Emulator, spec: StackSpec, synth_dir: Path) -> Deployed:
    """The stack make up brought up in ``session``: its state object in the bucket, its outputs and state."""
    env = {**clean_environment(cli_config()), **session.environment(account_of(spec), spec.region)}
    tf = Terraform(session.layout.work(spec.stack_id), env, session.layout.log(spec.stack_id))
    deployed = Deployed(spec, emulator, synth_dir, tf)
    backend = deployed.stack_json["terraform"]["backend"].get("s3")
    if backend:
        s3 = emulator.client("s3", deployed.account, backend["region"])
        assert s3.head_object(Bucket=backend["bucket"], Key=backend["key"])["ContentLength"] > 0, (
            f"state object of {spec.stack_id} missing"
        )
    deployed.state_text = tf.run("state", "pull").stdout
    deployed.outputs = outputs_of(json.loads(deployed.state_text))
    return deployed


def second_plan(deployed: Deployed) -> None:
    """A plan right after the apply changes nothing but allowlisted emulator drift (noted in ``observed_drift``)."""
    args = ("-input=false", "-no-color", "-detailed-exitcode", LOCK_TIMEOUT, "-out=plan.bin")
    if deployed.tf.run("plan", *args, ok=(0, 2)).returncode == 0:
        return
    plan = json.loads(deployed.tf.run("show", "-json", "plan.bin").stdout)
    unexpected = []
    for change in plan_changes(plan):
        entry = allowed(change.resource_type, change.attribute) if change.actions == ("update",) else None
        if entry:
            deployed.observed_drift.add(entry)
        else:
            unexpected.append(change)
    assert not unexpected, f"second plan of {deployed.spec.stack_id} is not empty:\n" + "\n".join(
        f"  {c.address}: {c.attribute} ({'/'.join(c.actions)})" for c in unexpected
    )


def start_emulator(root: Path, specs: Sequence[StackSpec]) -> threading.Thread:
    """Start the emulator of make up's directory ``root`` and take its baselines for ``specs`` in the background,
    as make up would first: a minute of a busy machine's time, spent while the session's synth is made or
    waited for."""

    def start() -> None:
        session = Session(root)
        _, emulator, _ = session.ensure_emulator()
        for spec in specs:
            for region in sorted({*spec.regions, *([spec.state.region] if spec.state else [])}):
                session.baseline(emulator, account_of(spec), region)

    thread = threading.Thread(target=start, name=f"emulator-{root}", daemon=True)
    thread.start()
    return thread


class _Output(io.StringIO):
    """make up's output: kept whole (printed when the test fails), its latest line shown as the test's phase."""

    def write(self, text: str) -> int:
        line = text.strip().splitlines()[-1:] if text.strip() else []
        if line:
            phase(line[0][:160])
        return super().write(text)


@dataclass
class Family:
    """A bootstrap stack and the stacks keeping state in its bucket, up and down together (module docstring)."""

    bootstrap: str
    stacks: Sequence[str]
    root: Path
    synthesize: Callable[[], Path]
    """The session's synth (made once per run, by whichever test asks first)."""
    teardown_synthesize: Callable[[], Path]
    """The session's teardown synth, asked for when the family goes down."""
    checks: Mapping[str, Check]
    """System name to its checks on a deployed stack."""
    specs: Mapping[str, StackSpec]
    deployed: dict[str, Deployed] = field(default_factory=dict)
    out: _Output = field(default_factory=_Output)
    synth_dir: Path = field(init=False)

    def run(self) -> dict[str, Deployed]:
        session = Session(self.root)
        jobs = max(len(self.stacks), 1)
        down = cli.Options(None, None, None, jobs)
        starting = start_emulator(self.root, [self.specs[s] for s in (self.bootstrap, *self.stacks)])
        try:
            try:
                self.synth_dir = self.synthesize()
                starting.join()  # what it could not do, make up does itself
                self._up(session, jobs)
            except BaseException:
                starting.join()
                # Take down what came up (the failure to report is the one above), then stop the emulator.
                with contextlib.suppress(Exception):
                    cli.down(down, session, io.StringIO(), keep_emulator=False, synthesized=self.teardown_synthesize())
                raise
            report = cli.down(down, session, self.out, keep_emulator=False, synthesized=self.teardown_synthesize())
        finally:
            session.stop_emulator()
            print(self.out.getvalue())
        assert report.status == 0 and not report.leftovers, f"make down: {report.leftovers or report.results}"
        assert set(report.results) == {self.bootstrap, *self.stacks}
        for stack_id, result in report.results.items():
            assert_final_snapshots_were_left(stack_json(self.synth_dir, stack_id), result.detail)
        return self.deployed

    def _up(self, session: Session, jobs: int) -> None:
        options = cli.Options(None, None, ",".join(self.stacks), jobs)
        report = cli.up(options, session, self.out, synthesized=self.synth_dir)
        assert report.status == 0, "make up failed:\n" + "\n".join(
            f"  {node}: {result.outcome}: {result.detail}" for node, result in report.results.items()
        )
        assert set(report.results) == {self.bootstrap, *self.stacks}, "make up chose other stacks than the family"
        running = session.attach()
        assert running is not None, "make up's emulator is gone"
        ids = [self.bootstrap, *self.stacks]

        def check(stack_id: str) -> Deployed:
            deployed = read_deployed(session, running[1], self.specs[stack_id], self.synth_dir)
            second_plan(deployed)
            return deployed

        phase("second plans")
        with ThreadPoolExecutor(max_workers=len(ids)) as pool:
            self.deployed = dict(zip(ids, pool.map(check, ids), strict=True))
        for stack_id, deployed in self.deployed.items():
            system_check = self.checks.get(deployed.spec.system)
            if system_check is not None and deployed.spec.kind != "bootstrap":
                phase(f"checks {stack_id}")
                system_check(deployed)
