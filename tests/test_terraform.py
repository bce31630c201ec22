"""Running Terraform for users (infra/terraform.py): JSON progress, first error, and a clean stop on Ctrl-C.

A stand-in ``terraform`` on PATH plays Terraform's part: it streams JSON events
and, on SIGINT, finishes "in-flight work" before exiting, as Terraform does.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest

from infra.terraform import (
    Interrupted,
    PlanSummary,
    Processes,
    Terraform,
    TerraformFailed,
    clean_environment,
    outputs_of,
)

FAKE = """#!{python}
import json, os, signal, sys, time
log = os.environ["FAKE_LOG"]
def note(text):
    with open(log, "a") as handle:
        handle.write(text + "\\n")
note("session " + str(os.getsid(0)))
interrupts = []
signal.signal(signal.SIGINT, lambda *_: (interrupts.append(1), note("SIGINT")))
def emit(**event):
    print(json.dumps(event), flush=True)
mode = os.environ.get("FAKE_MODE", "ok")
emit(type="planned_change", change={{"resource": {{"addr": "aws_s3_bucket.a"}}, "action": "create"}})
emit(type="change_summary", changes={{"add": 2, "change": 1, "remove": 0, "operation": "plan"}})
emit(type="apply_complete", hook={{"resource": {{"addr": "data.aws_region.x"}}, "action": "read"}})
if mode == "fail":
    failure = {{"summary": "creating S3 Bucket: AccessDenied", "address": "aws_s3_bucket.a"}}
    emit(**{{"@level": "error", "type": "diagnostic", "diagnostic": failure}})
    sys.exit(1)
if mode == "wait":
    note("ready")
    while not interrupts:
        time.sleep(0.05)
    time.sleep(0.5)  # the operations in flight finish; state is written; the lock released
    emit(**{{"@level": "error", "type": "diagnostic", "diagnostic": {{"summary": "execution halted"}}}})
    sys.exit(1)
print("not json at all", flush=True)
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""


@pytest.fixture
def fake(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "terraform"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "FAKE_LOG": str(tmp_path / "fake.log")}


def test_events_reach_the_caller_and_the_log_reads_as_text(fake: dict[str, str], tmp_path: Path) -> None:
    summary = PlanSummary()
    tf = Terraform(tmp_path, fake, tmp_path / "stack.log")
    code = tf.stream("plan", "-detailed-exitcode", on_event=summary.observe, ok=(0, 2))
    assert code == 0
    assert (summary.add, summary.change, summary.remove, summary.total) == (2, 1, 0, 3)
    assert summary.changes == [("aws_s3_bucket.a", "create")]
    assert summary.describe() == "2 to add, 1 to change, 0 to destroy"
    log = (tmp_path / "stack.log").read_text()
    assert log.startswith("$ terraform plan -json -detailed-exitcode  [")
    assert "not json at all\n" in log and "-> exit 0 in " in log


def test_a_failure_names_the_first_error_and_the_log(fake: dict[str, str], tmp_path: Path) -> None:
    tf = Terraform(tmp_path, {**fake, "FAKE_MODE": "fail"}, tmp_path / "stack.log")
    with pytest.raises(TerraformFailed) as failed:
        tf.stream("apply", on_event=lambda event: None)
    assert str(failed.value) == (
        f"terraform apply exited 1: creating S3 Bucket: AccessDenied (aws_s3_bucket.a); see {tmp_path / 'stack.log'}"
    )


def test_an_interrupt_reaches_each_terraform_once_and_it_stops_cleanly(fake: dict[str, str], tmp_path: Path) -> None:
    processes = Processes()
    tf = Terraform(tmp_path, {**fake, "FAKE_MODE": "wait"}, tmp_path / "stack.log", processes)
    raised: list[BaseException] = []

    def apply() -> None:
        try:
            tf.stream("apply", on_event=lambda event: None)
        except BaseException as error:
            raised.append(error)

    worker = threading.Thread(target=apply)
    worker.start()
    log = Path(fake["FAKE_LOG"])
    deadline = time.monotonic() + 30
    while "ready" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes.count == 1
    assert processes.interrupt() == 1
    assert processes.interrupt() == 1, "a second Ctrl-C must not send a second SIGINT (Terraform would stop at once)"
    worker.join(timeout=30)
    assert log.read_text().count("SIGINT") == 1
    assert len(raised) == 1 and isinstance(raised[0], Interrupted)
    assert processes.count == 0
    # A terminal's Ctrl-C goes to its foreground process group: Terraform is in a session of its own.
    session = int(log.read_text().splitlines()[0].split()[1])
    assert session != os.getsid(0)
    with pytest.raises(Interrupted):  # nothing starts once interrupted
        tf.run("version")


def test_the_environment_keeps_nothing_that_could_reach_a_real_account() -> None:
    env = clean_environment("/tmp/terraformrc", {"AWS_PROFILE": "prod", "TF_LOG": "trace", "HOME": "/root"})
    assert env == {
        "HOME": "/root",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "TF_CLI_CONFIG_FILE": "/tmp/terraformrc",
    }


def test_outputs_read_from_the_state_are_what_terraform_output_prints(tmp_path: Path) -> None:
    """The engine reads outputs from the state it pulls anyway (outputs_of): the same as ``terraform output``."""
    config = {
        "output": {
            "plain": {"value": "a"},
            "secret": {"value": "s3cr3t", "sensitive": True},
            "listed": {"value": [1, 2]},
            "mapped": {"value": {"k": {"n": True}}},
        }
    }
    (tmp_path / "main.tf.json").write_text(json.dumps(config))
    tf = Terraform(tmp_path, clean_environment(None), None)
    tf.init()
    tf.run("apply", "-auto-approve", "-input=false", "-no-color")
    printed = tf.outputs()
    assert set(printed) == {"plain", "secret", "listed", "mapped"}
    assert outputs_of(tf.state()) == printed
