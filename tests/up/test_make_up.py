"""The README's first command, end to end: ``make up`` for Freeside staging, again (no changes), then ``make down``.

Runs the make targets as a user does, in a directory of its own (``UP_DIR``).
Between the two ups it also presses Ctrl-C in the middle of one (the signal
goes to make's process group, as a terminal sends it) and checks no stack is
left locked, and reads the outputs and the database URL from another "shell"
holding ``make emulator-env``'s exports. After ``make down`` the emulator
holds exactly what it held before the first deploy.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from emulator.server import Emulator
from infra.up.session import alive
from infra.up.stacks import held_lock
from tests.support.progress import phase

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "891376933289"
STACKS = ("bootstrap-arrakis-tfstate-891376933289", "freeside-staging")
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


def interrupt_during_planning(up_dir: Path) -> tuple[int, str]:
    """Start ``make up`` again and press Ctrl-C while Terraform plans (and holds the lock on) freeside-staging."""
    process = subprocess.Popen(
        ["make", "-s", "up", "SYSTEMS=freeside", "ENVS=staging", f"UP_DIR={up_dir}"],
        cwd=ROOT,
        env=user_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the one a terminal's Ctrl-C reaches
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if re.search(r"freeside-staging\s+planning$", line.rstrip()):
            time.sleep(1)  # inside the plan (it refreshes 100-odd resources): the lock is held
            os.killpg(process.pid, signal.SIGINT)
            break
    rest, _ = process.communicate(timeout=600)
    return process.returncode, "".join(seen) + rest


@pytest.mark.deploy
def test_make_up_then_again_then_down(tmp_path: Path) -> None:
    up_dir = tmp_path / "up"
    choice = ("SYSTEMS=freeside", "ENVS=staging", f"UP_DIR={up_dir}")
    try:
        phase("make up")
        first = make("up", *choice)
        assert first.returncode == 0, explain(first)
        for stack in STACKS:
            for state in ("queued", "planning", r"applying \d+/\d+ resources", r"done in \S+: applied"):
                assert re.search(rf"^\s*\S+\s+{stack}\s+{state}$", first.stdout, re.MULTILINE), (stack, state)
            assert "Apply complete!" in (up_dir / "logs" / f"{stack}.log").read_text()
        assert "[########################] 2/2 stacks  2 done" in first.stdout
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

        # Ctrl-C while Terraform holds the lock: it stops cleanly, and leaves no lock.
        phase("Ctrl-C during make up")
        code, interrupted = interrupt_during_planning(up_dir)
        assert code != 0 and "interrupted" in interrupted, interrupted
        record = json.loads((up_dir / "emulator.json").read_text())
        emulator = Emulator.attach(record["endpoint"], record["ca_bundle"])
        synthesized = json.loads((up_dir / "cdktf.out" / "stacks" / "freeside-staging" / "cdk.tf.json").read_text())
        assert held_lock(emulator, ACCOUNT, synthesized) is None, "an interrupted run left the state locked"

        phase("make up again")
        again = make("up", *choice)
        assert again.returncode == 0, explain(again)
        for stack in STACKS:
            assert re.search(rf"^\s*\S+\s+{stack}\s+done in \S+: no changes$", again.stdout, re.MULTILINE), stack
        assert "drift" not in again.stdout

        status = make("status", f"UP_DIR={up_dir}")
        assert status.returncode == 0
        assert re.search(r"^freeside-staging\s+up\s+no changes\s", status.stdout, re.MULTILINE), status.stdout

        phase("make down")
        down = make("down", f"UP_DIR={up_dir}", "KEEP_EMULATOR=1")
        assert down.returncode == 0, explain(down)
        assert "the emulator holds nothing the stacks created" in down.stdout
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
