"""The tenant registry: committed data per environment, every bad entry refused with one line, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra import app, systems
from infra.systems.solobase import tenants
from infra.systems.solobase.settings import SolobaseSettings
from infra.systems.solobase.tenants import TENANTS_DIR_ENV, Plan, Runtime, Tenant, TenantRegistry
from infra.validation import ConfigError
from tests.support.tenants import ACME, EMPTY, GLOBEX, TWO_CUSTOMERS
from tests.support.tenants import registry_dir as registries

ROOT = Path(__file__).resolve().parents[2]
GOOD = TWO_CUSTOMERS


def registry_dir(tmp_path: Path, dev: str = GOOD, **others: str) -> Path:
    return registries(tmp_path, dev=dev, **others)


def test_the_committed_registries_load_and_fit() -> None:
    for environment in systems.environments("solobase"):
        settings = systems.load("solobase", environment, Path("/nonexistent"))
        assert isinstance(settings, SolobaseSettings)
        registry = tenants.load(environment)
        tenants.check(registry, settings.tenancy, settings.max_connections)
        assert registry.tenants, f"{environment} has no customer instance to build"
    dev = tenants.load("dev")
    assert {(t.runtime, t.plan) for t in dev.tenants} == {
        (Runtime.LAMBDA, Plan.HOBBY),
        (Runtime.ECS, Plan.PROFESSIONAL),
    }


def test_an_entry_reads_into_typed_fields_and_names(tmp_path: Path) -> None:
    registry = tenants.load("dev", registry_dir(tmp_path))
    acme, globex = registry.tenants
    assert (acme.plan, acme.runtime, acme.shard, acme.listener_priority) == (Plan.HOBBY, Runtime.LAMBDA, "01", None)
    assert acme.function_name == "solobase-a1b2c3d4"
    assert acme.database_name == "instance_a1b2c3d4_e5f6_4890_abcd_ef1234567890"
    assert acme.role_name == "user_a1b2c3d4_e5f6_4890_abcd_ef1234567890"
    assert globex.listener_priority == 100 and registry.on_shard("01") == (acme, globex)


def test_an_environment_without_customers_is_its_shards_and_no_entry(tmp_path: Path) -> None:
    assert tenants.load("staging", registry_dir(tmp_path)) == TenantRegistry(
        "staging", shards=("01",), source="tenants/solobase/staging.toml"
    )
    assert EMPTY == 'shards = ["01"]\n'


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    registry = tenants.load("dev", registry_dir(tmp_path))
    written = tenants.save(registry, tmp_path / "out")
    assert tenants.load("dev", tmp_path / "out") == registry
    text = written.read_text()
    assert text.startswith("# Solobase customer instances of dev")
    assert "password_version" not in text, "defaults are not written"


def _tenant(**changes: object) -> str:
    fields = {"instance_id": ACME, "subdomain": "acme", "plan": "hobby", "shard": "01", **changes}
    body = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in fields.items() if v is not None)
    return 'shards = ["01"]\n\n[[tenants]]\n' + body


BAD = [
    (
        "duplicate id",
        GOOD.replace(GLOBEX, ACME),
        f"tenants/solobase/dev.toml tenants[1] (globex).instance_id must be unique in the environment "
        f"(tenants[0] has it); got '{ACME}'",
    ),
    (
        "duplicate subdomain",
        GOOD.replace('"globex"', '"acme"'),
        "tenants/solobase/dev.toml tenants[1] (acme).subdomain must be unique in the environment (tenants[0] has it)",
    ),
    (
        "two ids alike in their first 8 characters (they name the function)",
        GOOD.replace(GLOBEX, ACME[:8] + GLOBEX[8:]),
        "tenants/solobase/dev.toml tenants[1] (globex).instance_id must be an id whose first 8 characters no other "
        "entry has (tenants[0] has a1b2c3d4; they name the instance's resources)",
    ),
    (
        "malformed UUID",
        _tenant(instance_id="A1B2C3D4-nope"),
        "tenants/solobase/dev.toml tenants[0] (acme).instance_id must be a lower-case UUID",
    ),
    (
        "plan and runtime that do not fit",
        _tenant(runtime="ecs", listener_priority=100),
        "tenants/solobase/dev.toml tenants[0] (acme).runtime must be lambda for the hobby plan "
        "(ecs is for professional and business); got 'ecs'",
    ),
    (
        "unknown shard",
        _tenant(shard="02"),
        "tenants/solobase/dev.toml tenants[0] (acme).shard must be one of the registry's shards ('01',); got '02'",
    ),
    (
        "unknown plan",
        _tenant(plan="enterprise"),
        "tenants/solobase/dev.toml tenants[0] (acme).plan must be one of ('hobby', 'starter', 'professional', "
        "'business'); got 'enterprise'",
    ),
    (
        "business on a shard",
        _tenant(plan="business"),
        "tenants/solobase/dev.toml tenants[0] (acme).shard must be unset for the business plan",
    ),
    (
        "a shared plan without a shard",
        _tenant(shard=None),
        "tenants/solobase/dev.toml tenants[0] (acme).shard must be two digits naming a shard",
    ),
    (
        "unknown field",
        _tenant(tier="gold"),
        "tenants/solobase/dev.toml tenants[0] (acme).tier must be one of the fields",
    ),
    ("missing field", _tenant(plan=None), "tenants/solobase/dev.toml tenants[0] (acme).plan must be set"),
    (
        "no shards (an empty or truncated file is no registry)",
        "",
        "tenants/solobase/dev.toml shards must be set (the environment's shards",
    ),
    ("not TOML", "shards = [", "tenants/solobase/dev.toml must be valid TOML"),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_entries_fail_the_synth_naming_entry_and_field(
    case: str, text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TENANTS_DIR_ENV, str(registry_dir(tmp_path, text)))
    outdir = tmp_path / "out"
    with pytest.raises(ConfigError) as refused:
        app.synth(outdir=str(outdir), requested="solobase-dev")
    assert message in str(refused.value), str(refused.value)
    assert "\n" not in str(refused.value)
    assert not outdir.exists(), "nothing may be written"


def test_the_synth_command_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    directory = registry_dir(tmp_path, GOOD.replace(GLOBEX, ACME))
    outdir = tmp_path / "out"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INFRA_")},
        TENANTS_DIR_ENV: str(directory),
        "CDKTF_OUTDIR": str(outdir),
    }
    completed = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 2
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith(
        "error: tenants/solobase/dev.toml tenants[1] (globex).instance_id"
    )
    assert not outdir.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("solobase/production.toml", "tenant registry solobase/production.toml must be an environment from"),
        ("solobse/dev.toml", "tenant registry solobse/dev.toml must be solobase/<environment>.toml"),
        ("solobase/dev.tml", "tenant registry solobase/dev.tml must be solobase/<environment>.toml"),
        ("dev.toml", "tenant registry dev.toml must be solobase/<environment>.toml"),
    ],
)
def test_near_miss_file_names_are_refused(name: str, message: str, tmp_path: Path) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(GOOD)
    with pytest.raises(ConfigError, match=message):
        tenants.reject_stray_files(tmp_path, systems.environments("solobase"))


def test_a_shard_over_its_database_cap_is_refused(tmp_path: Path) -> None:
    settings = systems.load("solobase", "dev", Path("/nonexistent"))
    assert isinstance(settings, SolobaseSettings)
    crowded = TenantRegistry(
        "dev",
        tenants=tuple(
            Tenant(instance_id=f"{n:08x}-0000-4000-8000-{n:012x}", subdomain=f"t{n}", plan=Plan.HOBBY, shard="01")
            for n in range(121)
        ),
    )
    with pytest.raises(ConfigError, match="shard 01 databases must be at most 120"):
        tenants.check(crowded, settings.tenancy, settings.max_connections)


def test_the_concurrency_budget_refuses_the_synth_with_the_totals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = "".join(
        f'\n[[tenants]]\ninstance_id = "{n:08x}-0000-4000-8000-{n:012x}"\nsubdomain = "p{n}"\n'
        f'plan = "professional"\nshard = "{1 + n // 50:02d}"\n'
        for n in range(37)
    )
    monkeypatch.setenv(TENANTS_DIR_ENV, str(registry_dir(tmp_path, 'shards = ["01"]\n' + entries)))
    with pytest.raises(ConfigError) as refused:
        app.synth(outdir=str(tmp_path / "out"), requested="solobase-dev")
    assert str(refused.value) == (
        "tenants/solobase/dev.toml reserved concurrency must be at most 900 in total, leaving 100 of the account "
        "limit 1000 unreserved (reserved: professional 925); got 925"
    )


def test_a_synth_never_writes_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = registry_dir(tmp_path)
    path = directory / "solobase" / "dev.toml"
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    monkeypatch.setenv(TENANTS_DIR_ENV, str(directory))
    app.synth(outdir=str(tmp_path / "out"), requested="solobase-dev-tenant-acme")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in directory.rglob("*")) == ["dev.toml", "prod.toml", "solobase", "staging.toml"]


# ---- an operator typo never reads as "no customers" (issue 20.1)


def test_a_typoed_tenants_directory_stops_the_synth_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    registry_dir(tmp_path)
    outdir = tmp_path / "out"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("INFRA_")},
        TENANTS_DIR_ENV: str(tmp_path / "tenant"),  # tenants/ misspelt
        "CDKTF_OUTDIR": str(outdir),
    }
    completed = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert completed.returncode == 2, completed.stderr
    assert lines == [
        f"error: INFRA_TENANTS_DIR must be an existing directory holding solobase/<environment>.toml (a missing "
        f"registry would drop every customer database on the environment's shards); got '{tmp_path / 'tenant'}'"
    ]
    assert not outdir.exists(), "nothing may be written"


def test_a_missing_registry_file_is_refused_for_an_environment_with_shard_stacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = registry_dir(tmp_path)
    (directory / "solobase" / "prod.toml").unlink()
    monkeypatch.setenv(TENANTS_DIR_ENV, str(directory))
    outdir = tmp_path / "out"
    with pytest.raises(ConfigError) as refused:
        app.synth(outdir=str(outdir), requested="solobase-prod-shard-01-databases")
    assert str(refused.value) == (
        'tenants/solobase/prod.toml must be an existing file: an environment without customers has shards = ["01"] '
        "and no [[tenants]] (a missing registry would drop every customer database on the environment's shards); "
        f"got 'missing from {directory}'"
    )
    assert not outdir.exists()


def test_an_environment_without_customers_keeps_its_protected_databases_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TENANTS_DIR_ENV, str(registry_dir(tmp_path)))
    app.synth(outdir=str(tmp_path / "out"), requested="solobase-prod-shard-01-databases")
    stack = json.loads((tmp_path / "out" / "stacks" / "solobase-prod-shard-01-databases" / "cdk.tf.json").read_text())
    (block,) = stack["resource"]["postgresql_database"].values()
    # Empty, yet there: a database left in state would still meet prevent_destroy.
    assert (block["for_each"], block["lifecycle"]) == ({}, {"prevent_destroy": True})
