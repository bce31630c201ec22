"""The README's first command, end to end: ``make up`` for Freeside, again (no changes), then ``make down``.

This is Freeside's deploy in the run (both environments and their state
store, each applied once): it runs the make targets as a user does, in a
directory of its own (``UP_DIR``). The first ``make up`` is interrupted with
Ctrl-C (sent to make's process group, as a terminal does) while Terraform
holds a Freeside stack's state lock, and must leave no stack locked; the next
one deploys. While the stacks are up, the outputs and the database URL are
read from another "shell" holding ``make emulator-env``'s exports, a second
apply is refused while one holds the lock, and the deploy checks every
emulator deploy makes run (tests/support/deploy.py). ``make up`` again must
change nothing (the second plan), and after ``make down`` the emulator holds
exactly what it held before the first deploy. Between the two, RDS rotates
staging's database password and a task started then must get the new one
(tests/deploy/rotation.py): the second ``make up`` also shows that nothing
needs an apply after a rotation.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator
from infra.terraform import clean_environment, cli_config
from infra.up.session import Session, alive
from infra.up.stacks import held_lock
from tests.conftest import record_deploy, spec_of
from tests.deploy import rotation
from tests.deploy.checks import BY_SYSTEM
from tests.support.deploy import assert_final_snapshots_were_left, read_deployed
from tests.support.progress import phase
from tests.support.terraform import Terraform

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "891376933289"
# Freeside's two environments; its deployer roles (ci-freeside, no environment) are the delivery drill's to deploy.
CHOICE = ("SYSTEMS=freeside", "ENVS=production,staging")
BOOTSTRAP = "bootstrap-arrakis-tfstate-891376933289"
FREESIDE = ("freeside-production", "freeside-staging")
STACKS = (BOOTSTRAP, *FREESIDE)
"""What ``make up`` with CHOICE deploys (tests/deploy/test_selection.py checks it is Freeside's family)."""
NOTHING_REAL = ("AWS_", "INFRA_", "TF_")  # no credentials or settings of a real account reach the run


def user_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(NOTHING_REAL)}


def make(*args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "-s", *args],
        cwd=ROOT,
        env=env or user_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def explain(completed: subprocess.CompletedProcess[str]) -> str:
    return f"exit {completed.returncode}\n--- out\n{completed.stdout[-4000:]}\n--- err\n{completed.stderr[-3000:]}"


def exports(text: str) -> dict[str, str]:
    return dict(line.removeprefix("export ").split("=", 1) for line in text.splitlines() if line.startswith("export "))


def interrupt_while_locked(up_dir: Path, stack: str) -> tuple[int, str]:
    """Start ``make up`` and press Ctrl-C once Terraform holds the state lock of ``stack`` (planning it)."""
    process = subprocess.Popen(
        ["make", "-s", "up", *CHOICE, f"UP_DIR={up_dir}"],
        cwd=ROOT,
        env=user_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the one a terminal's Ctrl-C reaches
    )
    output: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: output.extend(process.stdout or ()), daemon=True)
    reader.start()
    deadline = time.monotonic() + 900
    synthesized = up_dir / "cdktf.out" / "stacks" / stack / "cdk.tf.json"
    emulator: Emulator | None = None
    while process.poll() is None and time.monotonic() < deadline:
        if emulator is None and (up_dir / "emulator.json").is_file():
            record = json.loads((up_dir / "emulator.json").read_text())
            emulator = Emulator.attach(record["endpoint"], record["ca_bundle"])
        if emulator is not None and synthesized.is_file():
            try:
                locked = held_lock(emulator, ACCOUNT, json.loads(synthesized.read_text())) is not None
            except ClientError:  # the lock table is not there yet: the bootstrap stack is still deploying
                locked = False
            if locked:
                os.killpg(process.pid, signal.SIGINT)
                break
        time.sleep(0.2)
    process.wait(timeout=600)
    reader.join(timeout=60)
    return process.returncode, "".join(output)


def done_lines(output: str) -> dict[str, str]:
    """Each stack's final line: what make up or make down did with it."""
    return dict(re.findall(r"^\s*\S+\s+(\S+)\s+done in \S+: (.*)$", output, re.MULTILINE))


@pytest.mark.deploy
def test_make_up_then_again_then_down(tmp_path: Path) -> None:
    up_dir = tmp_path / "up"
    choice = (*CHOICE, f"UP_DIR={up_dir}")
    try:
        # Ctrl-C while Terraform holds the lock: it stops cleanly, and leaves no lock.
        phase("make up, Ctrl-C while a stack is locked")
        code, interrupted = interrupt_while_locked(up_dir, "freeside-staging")
        assert code != 0 and "interrupted" in interrupted, interrupted
        assert done_lines(interrupted) == {BOOTSTRAP: "applied"}, interrupted
        record = json.loads((up_dir / "emulator.json").read_text())
        emulator = Emulator.attach(record["endpoint"], record["ca_bundle"])
        for stack in FREESIDE:
            synthesized = json.loads((up_dir / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
            assert held_lock(emulator, ACCOUNT, synthesized) is None, f"an interrupted run left {stack} locked"

        phase("make up")
        first = make("up", *choice)
        assert first.returncode == 0, explain(first)
        assert done_lines(first.stdout) == {BOOTSTRAP: "no changes", **dict.fromkeys(FREESIDE, "applied")}
        for stack in FREESIDE:
            for state in ("queued", "planning", r"applying \d+/\d+ resources"):
                assert re.search(rf"^\s*\S+\s+{stack}\s+{state}$", first.stdout, re.MULTILINE), (stack, state)
            assert "Apply complete!" in (up_dir / "logs" / f"{stack}.log").read_text()
        assert "[########################] 3/3 stacks  3 done" in first.stdout
        document: dict[str, Any] = json.loads((up_dir / "outputs.json").read_text())
        rows = {row["name"]: row for row in document["stacks"]["freeside-staging"]}
        assert rows["alb_dns_name"]["kind"] == "load balancer"
        assert rows["alb_dns_name"]["value"].endswith(".us-east-1.elb.amazonaws.com")
        assert rows["database_endpoint"]["kind"] == "endpoint"
        assert rows["database_endpoint"]["value"].startswith("arrakis-staging-postgres.")
        assert rows["db_credentials_secret_arn"]["value"].startswith(
            f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:arrakis-staging/db-credentials"
        )
        table_row = r"^freeside-staging\s+load balancer\s+alb_dns_name\s+\S+elb\.amazonaws\.com$"
        assert re.search(table_row, first.stdout, re.MULTILINE)
        assert f"export AWS_ACCESS_KEY_ID={ACCOUNT}EMULATOR" in first.stdout
        assert f"export AWS_CA_BUNDLE={up_dir / 'tls' / 'ca.pem'}" in first.stdout

        # Another shell: the emulator's exports, then the outputs and the database URL.
        shell = {**user_environment(), **exports(make("emulator-env", f"UP_DIR={up_dir}").stdout)}
        assert shell["AWS_ACCESS_KEY_ID"] == f"{ACCOUNT}EMULATOR"
        where = f"OUTPUT_DIR={tmp_path / 'output'}"
        dns = make("output", "STACK=freeside-staging", "NAME=alb_dns_name", where, env=shell)
        assert dns.returncode == 0 and dns.stdout == rows["alb_dns_name"]["value"] + "\n", explain(dns)
        assert "Initializing" not in dns.stdout + dns.stderr, "terraform init chatter"
        url = make("database-url", "STACK=freeside-staging", where, env=shell)
        assert url.returncode == 0, explain(url)
        database = r"postgresql://[^:@\s]+:[^@\s]+@arrakis-staging-postgres\.\S+:5432/arrakis\?sslmode=require\n"
        assert re.fullmatch(database, url.stdout), url.stdout
        assert "prints a secret" in url.stderr
        password = url.stdout.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
        assert password not in first.stdout and password not in (up_dir / "outputs.json").read_text()

        # What every emulator deploy checks, on the stacks make up brought up.
        session = Session(up_dir)
        deployed = {stack: read_deployed(session, emulator, spec_of(stack), up_dir / "cdktf.out") for stack in FREESIDE}
        for stack in FREESIDE:
            phase(f"checks {stack}")
            BY_SYSTEM["freeside"](deployed[stack])
        phase("state lock")
        contest_the_lock(session, "freeside-staging")

        phase("rotation drill")
        staging = deployed["freeside-staging"]
        rotation.a_task_started_after_a_rotation_gets_the_current_password(
            emulator,
            ACCOUNT,
            staging.region,
            json.loads(staging.state_text),
            operator_secrets=("arrakis-staging/app-config", "arrakis-staging/vault-token"),
        )

        phase("make up again")
        again = make("up", *choice)
        assert again.returncode == 0, explain(again)
        # The second plan: nothing to change (not even after the rotation), so no allowlisted drift either.
        assert done_lines(again.stdout) == dict.fromkeys(STACKS, "no changes"), explain(again)
        assert "drift" not in again.stdout
        for stack in STACKS:
            record_deploy(stack, set())

        status = make("status", f"UP_DIR={up_dir}")
        assert status.returncode == 0
        assert re.search(r"^freeside-staging\s+up\s+no changes\s", status.stdout, re.MULTILINE), status.stdout

        phase("make down")
        down = make("down", f"UP_DIR={up_dir}", "KEEP_EMULATOR=1")
        assert down.returncode == 0, explain(down)
        assert "the emulator holds nothing the stacks created" in down.stdout
        # Protections are turned off where the teardown configuration differs (production), nowhere else.
        relaxed = set(re.findall(r"^\s*\S+\s+(\S+)\s+turning protections off", down.stdout, re.MULTILINE))
        assert relaxed == {BOOTSTRAP, "freeside-production"}, explain(down)
        destroyed = done_lines(down.stdout)
        assert set(destroyed) == set(STACKS), explain(down)
        for stack, detail in destroyed.items():
            synthesized = json.loads((up_dir / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
            assert_final_snapshots_were_left(synthesized, detail)
        record = json.loads((up_dir / "emulator.json").read_text())
        assert record["baselines"], "no baseline was taken before the first deploy"
        for key, baseline in record["baselines"].items():
            account, region = key.split("/")
            assert emulator.inventory(account, region) == set(baseline), key
        secrets = emulator.client("secretsmanager", ACCOUNT)
        assert secrets.list_secrets(IncludePlannedDeletion=True)["SecretList"] == []
        assert emulator.client("rds", ACCOUNT).describe_db_snapshots()["DBSnapshots"] == []

        stopped = make("down", f"UP_DIR={up_dir}")
        assert stopped.returncode == 0 and "emulator stopped" in stopped.stdout, explain(stopped)
        assert not alive(record["pid"]), "make down left the emulator running"
    finally:  # whatever happened, no emulator is left running
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "-m", "infra.up", "stop", "--dir", str(up_dir)],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )


def contest_the_lock(session: Session, stack: str) -> None:
    """Apply A waits at its approval prompt holding the lock; apply B must be refused; A then completes.

    Neither refreshes: the lock is what is checked, and ``make up`` again plans the whole stack afterwards.
    """
    spec = spec_of(stack)
    env = {**clean_environment(cli_config()), **session.environment(ACCOUNT, spec.region)}
    tf = Terraform(session.layout.work(stack), env, session.layout.root / "logs" / "lock-contest.log")
    victim = next(a for a in tf.state_resources() if a.startswith("aws_cloudwatch_log_group."))
    holder = subprocess.Popen(
        ["terraform", "apply", "-no-color", "-refresh=false", f"-replace={victim}"],
        cwd=tf.workdir,
        env={**tf.env, "TF_INPUT": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = holder.stdout.readline()
        seen.append(line)
        if "Enter a value" in line or "Only 'yes' will be accepted" in line:
            break
        assert line or holder.poll() is None, "".join(seen)
    contender = tf.run("apply", "-no-color", "-auto-approve", "-refresh=false", "-lock-timeout=0s", ok=(0, 1))
    holder_output, _ = holder.communicate("yes\n", timeout=600)
    assert contender.returncode != 0, "a second apply ran while the first held the lock"
    assert "Error acquiring the state lock" in contender.stdout + contender.stderr
    assert holder.returncode == 0, "".join(seen) + holder_output
    assert "Apply complete!" in holder_output
    assert victim in tf.state_resources()
