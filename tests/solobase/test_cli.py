"""The tenant commands (``make tenant-add``, ``make tenant-move``): what they write and what they print."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra import registry
from infra.systems.solobase import SYSTEM, cli, tenants
from infra.systems.solobase.tenants import TENANTS_DIR_ENV, Plan, Runtime, Tenant
from tests.support.tenants import registry_dir

ROOT = Path(__file__).resolve().parents[2]
ACME = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every environment's registry, without customers; no config overrides."""
    monkeypatch.setenv(TENANTS_DIR_ENV, str(registry_dir(tmp_path)))
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
        "# Run from a host in the security group solobase-prod-database-operators (every database of prod",
        'grep -qx solobase-dedicated-prod-a1b2c3d4-clients <<<"$JOINED" '
        '&& ! grep -qx solobase-shared-prod-01-clients <<<"$JOINED" && echo "groups switched"',
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


def _step(runbook_text: str, number: int) -> str:
    """The commands of one step of a runbook, continuation lines joined, comments dropped."""
    block = runbook_text.split(f"# {number}. ", 1)[1].split(f"\n# {number + 1}. ", 1)[0]
    logical = block.replace("\\\n", " ")
    return "\n".join(line for line in logical.splitlines()[1:] if line and not line.startswith("#"))


@pytest.fixture
def moved_runbook() -> str:
    """The runbook for a shared Lambda instance of prod (acme on shard 01, as the earlier test adds it)."""
    settings = registry.load(SYSTEM, "prod")
    tenant = Tenant(instance_id=ACME, subdomain="acme", plan=Plan.PROFESSIONAL, runtime=Runtime.LAMBDA, shard="01")
    return cli.runbook(settings, tenant)


def test_step_4_targets_the_dedicated_instance_and_every_rule_into_or_out_of_its_group(
    moved_runbook: str, synth_dir: Path, tmp_path: Path
) -> None:
    """The restore at step 5 needs the operators' way in: without its rules, -target would leave the instance
    admitting nobody. Run on a synthesized Business instance's stack (prod's stark), as after step 3."""
    (targets_line,) = [line for line in _step(moved_runbook, 4).splitlines() if line.startswith("TARGETS=")]
    stack = tmp_path / "cdktf.out" / "stacks" / "solobase-prod-tenant-acme"
    stack.mkdir(parents=True)
    shutil.copy(synth_dir / "stacks" / "solobase-prod-tenant-stark" / "cdk.tf.json", stack / "cdk.tf.json")
    printed = subprocess.run(
        ["bash", "-c", f'{targets_line}\necho "$TARGETS"'], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout.split()
    json_text = (stack / "cdk.tf.json").read_text()
    resources = json.loads(json_text)["resource"]
    (database,) = resources["aws_db_instance"]
    assert printed[0] == f"aws_db_instance.{database}"
    rules = {
        f"{kind}.{logical}": rule
        for kind in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule")
        for logical, rule in resources[kind].items()
    }
    chosen = {address: rules[address]["description"] for address in printed[1:]}
    assert sorted(chosen.values()) == [
        "PostgreSQL from its clients",
        "PostgreSQL from the database operators",
        "PostgreSQL to solobase-dedicated-prod-e9d3b7a1",
        "PostgreSQL to solobase-dedicated-prod-e9d3b7a1",
    ]


@pytest.mark.parametrize(
    ("joined", "switched"),
    [
        (["solobase-a1b2c3d4-function", "solobase-dedicated-prod-a1b2c3d4-clients"], True),
        (["solobase-a1b2c3d4-function", "solobase-shared-prod-01-clients"], False),
        (["solobase-dedicated-prod-a1b2c3d4-clients", "solobase-shared-prod-01-clients"], False),
    ],
)
def test_step_6_says_the_groups_switched_only_when_they_did(
    moved_runbook: str, tmp_path: Path, joined: list[str], switched: bool
) -> None:
    """Step 6's check, with an ``aws`` that answers as AWS would for the function's groups."""
    fake = tmp_path / "aws"
    fake.write_text(
        "#!/bin/bash\n"
        'case "$1 $2" in\n'
        '  "lambda get-function-configuration") echo "sg-0function sg-0clients" ;;\n'
        f'  "ec2 describe-security-groups") printf "%s\\t%s\\n" {" ".join(joined)} ;;\n'
        "  *) exit 64 ;;\n"
        "esac\n"
    )
    fake.chmod(0o755)
    check = "\n".join(line for line in _step(moved_runbook, 6).splitlines() if not line.startswith("make "))
    result = subprocess.run(
        ["bash", "-c", check],
        env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
    )
    assert ("groups switched" in result.stdout) is switched, result


# ---- registry typos and removals (issue 20.1)


def test_tenant_add_with_a_typoed_directory_refuses_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registry_dir(tmp_path)
    monkeypatch.setenv(TENANTS_DIR_ENV, str(tmp_path / "tenant"))  # tenants/ misspelt
    code = cli.main(["tenant-add", "--env", "prod", "--subdomain", "acme", "--plan", "hobby"])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: INFRA_TENANTS_DIR must be an existing directory")
    assert not (tmp_path / "tenant").exists(), "a brand-new registry holding only the new tenant is what dropped them"


GLOBEX = "5f3c9e2a-7b1d-4c8e-9a6f-2d4b8e1c7a93"


def _two_customers(environment: str) -> None:
    cli.main(["tenant-add", "--env", environment, "--subdomain", "acme", "--plan", "hobby", "--instance-id", ACME])
    cli.main(
        ["tenant-add", "--env", environment, "--subdomain", "globex", "--plan", "business", "--instance-id", GLOBEX]
    )


def test_tenant_remove_lists_what_goes_and_the_runbook_then_asks(
    directory: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_customers("prod")
    capsys.readouterr()
    before = (directory / "solobase" / "prod.toml").read_text()
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "acme ")
    assert cli.main(["tenant-remove", "--env", "prod", "--subdomain", "acme"]) == 0
    out = capsys.readouterr().out
    database = "instance_a1b2c3d4_e5f6_4890_abcd_ef1234567890"
    for line in (
        f"  - the entry acme ({ACME}, hobby) in tenants/solobase/prod.toml",
        "  - stack solobase-prod-tenant-acme: Lambda function solobase-a1b2c3d4 and its CloudFront distribution, "
        f"secret solobase-prod/{ACME}/b2",
        f"  - stack solobase-prod-shard-01-databases: database {database} with its data, "
        f"role user_a1b2c3d4_e5f6_4890_abcd_ef1234567890, secret solobase-prod/{ACME}/database",
        "BUCKET=$(make -s output STACK=solobase-prod NAME=database_dumps_bucket_name)",
        f'pg_dump "host=$DB_HOST port=5432 dbname={database} user=user_a1b2c3d4_e5f6_4890_abcd_ef1234567890 '
        f'sslmode=require" --format=custom --file={database}.dump',
        f"pg_restore --list {database}.dump >/dev/null",
        f'KEY="prod/{ACME}/final-$(date -u +%Y%m%dT%H%M%SZ).dump"',
        "make destroy STACK=solobase-prod-tenant-acme",
        f"removed acme ({ACME}) from {directory / 'solobase' / 'prod.toml'}; commit it.",
        "#      [instances.shard_database]",
        "#      deletion_protection = false",
        "make diff STACK=solobase-prod-shard-01-databases",
        "make deploy STACK=solobase-prod-shard-01-databases",
    ):
        assert line in out, line
    # The dump comes first, the registry edit after the question, the shard's deploy last.
    assert out.index("pg_dump") < out.index("make destroy") < out.index("removed acme") < out.index("make deploy")
    (left,) = tenants.load("prod", directory).tenants
    assert left.subdomain == "globex" and before != (directory / "solobase" / "prod.toml").read_text()


def test_tenant_remove_changes_nothing_unless_the_subdomain_is_typed(
    directory: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _two_customers("prod")
    before = (directory / "solobase" / "prod.toml").read_text()
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert cli.main(["tenant-remove", "--env", "prod", "--subdomain", "acme"]) == 1
    assert "not removed: tenants/solobase/prod.toml is unchanged" in capsys.readouterr().out
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert cli.main(["tenant-remove", "--env", "prod", "--subdomain", "acme"]) == 2
    assert "AUTO_APPROVE must be 1 to remove without a terminal to ask on" in capsys.readouterr().err
    assert cli.main(["tenant-remove", "--env", "prod", "--subdomain", "acmee", "--yes"]) == 2
    assert "subdomain must be one of ('acme', 'globex'); got 'acmee'" in capsys.readouterr().err
    assert (directory / "solobase" / "prod.toml").read_text() == before


def _removed(environment: str, subdomain: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What ``make tenant-remove AUTO_APPROVE=1`` prints, two customers registered first."""
    _two_customers(environment)
    capsys.readouterr()
    assert cli.main(["tenant-remove", "--env", environment, "--subdomain", subdomain, "--yes"]) == 0
    return capsys.readouterr().out


def test_tenant_remove_of_a_business_customer_lifts_its_dedicated_instance_protection_for_its_stack_only(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _removed("prod", "globex", capsys)
    for line in (
        "  - stack solobase-prod-tenant-globex: RDS instance solobase-dedicated-prod-5f3c9e2a with its data "
        "(a final snapshot stays)",
        "--db-instance-identifier solobase-dedicated-prod-5f3c9e2a",
        'pg_dump "host=$DB_HOST port=5432 dbname=solobase user=solobase_admin sslmode=require"',
        "#      [instances.dedicated_database]",
        "make deploy STACK=solobase-prod-tenant-globex\nmake destroy STACK=solobase-prod-tenant-globex",
    ):
        assert line in out, line
    assert "shard_database" not in out, "a dedicated database is on no shard"
    assert [t.subdomain for t in tenants.load("prod", directory).tenants] == ["acme"]


def test_in_dev_the_shard_deploy_drops_the_database_without_a_lift(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _removed("dev", "acme", capsys)
    assert out.rstrip().endswith("make deploy STACK=solobase-dev-shard-01-databases")
    assert "deletion_protection" not in out


def test_make_tenant_remove_passes_auto_approve_as_yes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    target = makefile[makefile.index("tenant-remove: ") :].split("\n\n")[0]
    assert "python -m infra.systems.solobase.cli tenant-remove" in target
    assert "$(if $(call is_set,$(AUTO_APPROVE)),--yes,)" in target
