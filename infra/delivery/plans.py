"""Plan once, apply that plan: a saved Terraform plan per stack, and the apply of exactly that file.

A plan (:func:`make_plan`) runs ``terraform plan -out=plan.tfplan`` in the
stack's synthesized directory and keeps, in ``<out>/<stack>/``:

    plan.tfplan   the saved plan (what the apply applies, byte for byte)
    plan.txt      ``terraform show`` of it: what the reviewer reads
    plan.json     the record: its SHA-256, the counts and changes, the commit it was made from,
                  and the lineage and serial of the state it was made against
    .terraform.lock.hcl   the provider versions it was made with

An apply (:func:`apply_plan`) refuses a plan file whose SHA-256 is not the
recorded one, a plan made from another commit, and a stale plan: when the
state's lineage or serial differ from the recorded ones (another apply ran
since), it stops before Terraform runs, and Terraform's own check ("Saved plan
is stale") is reported the same way should the state move in between. A
stale plan is an error, never a re-plan: the plan job runs again and a
reviewer sees the new plan.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from infra.terraform import Event, PlanSummary, Terraform, TerraformFailed

PLAN_FILE = "plan.tfplan"
PLAN_TEXT = "plan.txt"
RECORD_FILE = "plan.json"
LOCK_FILE = ".terraform.lock.hcl"
LOCK_TIMEOUT = "-lock-timeout=10m"
"""Another job holding the state's lock (an apply of the same stack) is waited for, not failed on."""


class PlanRefused(RuntimeError):
    """A saved plan that must not be applied: altered, from another commit, or stale."""


class PlanStale(PlanRefused):
    """The state changed since the plan was made."""


@dataclass(frozen=True)
class PlanRecord:
    """What a plan job made, for the apply job and the reviewer."""

    stack_id: str
    sha256: str
    add: int
    change: int
    remove: int
    changes: list[tuple[str, str]] = field(default_factory=list)
    commit: str | None = None
    state_lineage: str | None = None
    state_serial: int | None = None

    @property
    def has_changes(self) -> bool:
        return self.add + self.change + self.remove > 0

    def describe(self) -> str:
        return f"{self.add} to add, {self.change} to change, {self.remove} to destroy"

    def write(self, directory: Path) -> None:
        (directory / RECORD_FILE).write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def read(cls, directory: Path) -> PlanRecord:
        path = directory / RECORD_FILE
        if not path.is_file():
            raise PlanRefused(f"{directory}: no {RECORD_FILE}: not a plan made by `make plan-stacks`")
        data: dict[str, Any] = json.loads(path.read_text())
        data["changes"] = [tuple(change) for change in data.get("changes", [])]
        return cls(**data)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def state_version(tf: Terraform) -> tuple[str | None, int | None]:
    """The lineage and serial of the stack's state now (None, None before its first apply)."""
    state = tf.state()
    serial = state.get("serial")
    return state.get("lineage"), int(serial) if serial is not None else None


def make_plan(
    tf: Terraform, out: Path, stack_id: str, *, commit: str | None, on_event: Callable[[Event], None] | None = None
) -> PlanRecord:
    """Plan the stack in ``tf.workdir`` to a file and keep it, its text and its record in ``out/<stack_id>/``."""
    target = out / stack_id
    target.mkdir(parents=True, exist_ok=True)
    (tf.workdir / PLAN_FILE).unlink(missing_ok=True)
    tf.init()
    lineage, serial = state_version(tf)
    summary = PlanSummary()

    def observe(event: Event) -> None:
        summary.observe(event)
        if on_event is not None:
            on_event(event)

    tf.stream("plan", "-input=false", LOCK_TIMEOUT, f"-out={PLAN_FILE}", on_event=observe)
    text = tf.run("show", "-no-color", PLAN_FILE).stdout
    shutil.copy2(tf.workdir / PLAN_FILE, target / PLAN_FILE)
    if (tf.workdir / LOCK_FILE).is_file():
        shutil.copy2(tf.workdir / LOCK_FILE, target / LOCK_FILE)
    (target / PLAN_TEXT).write_text(text)
    record = PlanRecord(
        stack_id=stack_id,
        sha256=sha256(target / PLAN_FILE),
        add=summary.add,
        change=summary.change,
        remove=summary.remove,
        changes=summary.changes,
        commit=commit,
        state_lineage=lineage,
        state_serial=serial,
    )
    record.write(target)
    return record


def check_plan(plan_dir: Path, stack_id: str, *, commit: str | None) -> PlanRecord:
    """The record of the plan in ``plan_dir``, once its file is the one recorded and its commit ours."""
    record = PlanRecord.read(plan_dir)
    if record.stack_id != stack_id:
        raise PlanRefused(f"{plan_dir}: a plan of {record.stack_id}, not of {stack_id}")
    plan_file = plan_dir / PLAN_FILE
    if not plan_file.is_file():
        raise PlanRefused(f"{stack_id}: {plan_file} is missing")
    digest = sha256(plan_file)
    if digest != record.sha256:
        raise PlanRefused(
            f"{stack_id}: {plan_file} is not the plan that was reviewed (SHA-256 {digest}, recorded {record.sha256})"
        )
    if commit and record.commit and commit != record.commit:
        raise PlanRefused(
            f"{stack_id}: the plan was made from commit {record.commit}, this checkout is {commit}; plan it again"
        )
    return record


def _stale(stack_id: str, record: PlanRecord, now: tuple[str | None, int | None]) -> PlanStale:
    was = f"lineage {record.state_lineage}, serial {record.state_serial}"
    return PlanStale(
        f"{stack_id}: stale plan refused: the state changed since the plan was made ({was}; now lineage "
        f"{now[0]}, serial {now[1]}). Another apply ran in between. Nothing was applied: run the plan again "
        "and review the new plan."
    )


def apply_plan(
    tf: Terraform, plan_dir: Path, stack_id: str, *, commit: str | None, on_event: Callable[[Event], None] | None = None
) -> PlanRecord:
    """Apply exactly the saved plan in ``plan_dir`` to the stack in ``tf.workdir``; refuse a stale one."""
    record = check_plan(plan_dir, stack_id, commit=commit)
    shutil.copy2(plan_dir / PLAN_FILE, tf.workdir / PLAN_FILE)
    if (plan_dir / LOCK_FILE).is_file():
        shutil.copy2(plan_dir / LOCK_FILE, tf.workdir / LOCK_FILE)
    tf.init()
    now = state_version(tf)
    if now != (record.state_lineage, record.state_serial):
        raise _stale(stack_id, record, now)
    try:
        tf.stream("apply", "-input=false", LOCK_TIMEOUT, PLAN_FILE, on_event=on_event or (lambda event: None))
    except TerraformFailed as failed:
        if "plan is stale" in failed.error.lower():
            raise _stale(stack_id, record, state_version(tf)) from None
        raise
    return record
