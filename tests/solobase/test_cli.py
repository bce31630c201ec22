"""The tenant commands (``make tenant-add``, ``make tenant-move``): what they write and what they print."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from infra.systems.solobase import cli, tenants
from infra.systems.solobase.tenants import TENANTS_DIR_ENV, Plan

ROOT = Path(__file__).resolve().parents[2]
ACME = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(TENANTS_DIR_ENV, str(tmp_path / "tenants"))
    (tmp_path / "config").mkdir()  # no overrides (a directory named but missing is refused)
    monkeypatch.setenv("INFRA_CONFIG_DIR", str(tmp_path / "config"))
    return tmp_path / "tenants"


def test_tenant_add_writes_the_placement_and_says_what_to_deploy(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli.main(["tenant-add", "--env", "dev", "--subdomain", "acme", "--plan", "hobby", "--instance-id", ACME]) == 0
    )
    out = capsys.readouterr().out
    assert "shard 01 (solobase-shared-dev-01): 1/120 databases, 2/250 connections" in out
    assert out.rstrip().endswith(
        "make deploy STACK=solobase-dev-shard-01-databases\n  make deploy STACK=solobase-dev-tenant-acme"
    )
    (acme,) = tenants.load("dev", directory).tenants
    assert (acme.instance_id, acme.plan, acme.shard) == (ACME, Plan.HOBBY, "01")

    assert cli.main(["tenant-add", "--env", "dev", "--subdomain", "globex", "--plan", "business"]) == 0
    assert "dedicated RDS instance" in capsys.readouterr().out
    first, second = tenants.load("dev", directory).tenants
    assert first == acme and second.shard is None


def test_tenant_add_opens_a_shard_and_says_the_platform_comes_first(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for n in range(120):
        assert cli.main(["tenant-add", "--env", "staging", "--subdomain", f"t{n}", "--plan", "hobby"]) == 0
    capsys.readouterr()
    assert cli.main(["tenant-add", "--env", "staging", "--subdomain", "t120", "--plan", "hobby"]) == 0
    out = capsys.readouterr().out
    assert "opened shard 02" in out
    steps = [line.strip() for line in out.splitlines() if line.strip().startswith("make deploy")]
    assert steps == [
        "make deploy STACK=solobase-staging",
        "make deploy STACK=solobase-staging-shard-02-databases",
        "make deploy STACK=solobase-staging-tenant-t120",
    ]
    assert tenants.load("staging", directory).shards == ("01", "02")


def test_a_refused_tenant_add_exits_2_and_writes_nothing(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["tenant-add", "--env", "dev", "--subdomain", "acme", "--plan", "hobby", "--instance-id", ACME])
    before = (directory / "solobase" / "dev.toml").read_text()
    code = cli.main(["tenant-add", "--env", "dev", "--subdomain", "acme", "--plan", "starter"])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: tenants/solobase/dev.toml new tenant (acme).subdomain must be")
    assert (directory / "solobase" / "dev.toml").read_text() == before


def test_tenant_move_prints_the_runbook_then_records_the_move(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["tenant-add", "--env", "prod", "--subdomain", "acme", "--plan", "professional", "--instance-id", ACME])
    capsys.readouterr()
    assert cli.main(["tenant-move", "--env", "prod", "--subdomain", "acme"]) == 0
    runbook = capsys.readouterr().out
    database = "instance_a1b2c3d4_e5f6_4890_abcd_ef1234567890"
    for line in (
        "aws lambda put-function-concurrency --region us-east-1 --function-name solobase-a1b2c3d4 "
        "--reserved-concurrent-executions 0",
        f'pg_dump "host=$SHARD_HOST port=5432 dbname={database} user=user_a1b2c3d4_e5f6_4890_abcd_ef1234567890 '
        'sslmode=require" \\',
        "make tenant-move ENV=prod SUBDOMAIN=acme WRITE=1",
        "--db-instance-identifier solobase-dedicated-prod-a1b2c3d4",
        "make deploy STACK=solobase-prod-tenant-acme",
        "make deploy STACK=solobase-prod-shard-01-databases",
    ):
        assert line in runbook, line
    steps = [line for line in runbook.splitlines() if line.startswith("# ") and line[2].isdigit()]
    assert [s.split(".")[0] for s in steps] == [f"# {n}" for n in range(1, 9)]
    assert "pg_restore --no-owner --no-privileges --exit-on-error" in runbook
    assert tenants.load("prod", directory).tenants[0].plan == Plan.PROFESSIONAL, "printing changes nothing"

    assert cli.main(["tenant-move", "--env", "prod", "--subdomain", "acme", "--write-registry"]) == 0
    (moved,) = tenants.load("prod", directory).tenants
    assert (moved.plan, moved.shard, moved.instance_id) == (Plan.BUSINESS, None, ACME)
    assert cli.main(["tenant-move", "--env", "prod", "--subdomain", "acme"]) == 2
    assert "a shared plan to move to a dedicated instance" in capsys.readouterr().err


def test_the_module_runs_as_the_make_targets_call_it(directory: Path) -> None:
    env = {**os.environ, TENANTS_DIR_ENV: str(directory)}
    add = f"tenant-add --env dev --subdomain acme --plan hobby --instance-id {ACME}"
    completed = subprocess.run(
        [sys.executable, "-m", "infra.systems.solobase.cli", *shlex.split(add)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    move = subprocess.run(
        [sys.executable, "-m", "infra.systems.solobase.cli", "tenant-move", "--env", "dev", "--subdomain", "acme"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert move.returncode == 0 and "# 8. Drop it from the shared instance" in move.stdout
    makefile = (ROOT / "Makefile").read_text()
    assert (
        "python -m infra.systems.solobase.cli tenant-add" in makefile
        and "python -m infra.systems.solobase.cli tenant-move" in makefile
    )
