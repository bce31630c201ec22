"""make tenant-rotate: a shared instance's role password rotates by its registry entry and one shard deploy.

The document rotates credentials every 90 days; RDS does that for the master
passwords it manages. A role on a shard gets a new password when its entry's
``password_version`` rises: the shard's databases stack then sends a freshly
generated password to the role (``password_wo_version``) and to the
instance's secret (its write-only version) in one run. The provider double
(tests/support/postgresql_provider_double.py) creates but does not update,
so the run itself is shown by what the stack asks Terraform to change.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cdktf import Testing

from infra import app
from infra.systems.solobase import cli, tenants
from infra.systems.solobase.tenants import TENANTS_DIR_ENV
from tests.support.tenants import registry_dir

ACME = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"
SHARD_STACK = "solobase-dev-shard-01-databases"


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(TENANTS_DIR_ENV, str(registry_dir(tmp_path)))
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("INFRA_CONFIG_DIR", str(tmp_path / "config"))
    for subdomain, plan, instance in (("acme", "hobby", ["--instance-id", ACME]), ("globex", "business", [])):
        assert cli.main(["tenant-add", "--env", "dev", "--subdomain", subdomain, "--plan", plan, *instance]) == 0
    return tmp_path / "tenants"


def shard_stack() -> dict[str, Any]:
    (spec,) = app.chosen(SHARD_STACK)
    stack_class = spec.stack_class()
    stack = stack_class(Testing.app(), spec, stack_class.configure(spec))
    synthesized: dict[str, Any] = json.loads(Testing.synth(stack))
    return synthesized


def role_and_secret_versions(stack: dict[str, Any]) -> tuple[str, str]:
    (role,) = stack["resource"]["postgresql_role"].values()
    (secret,) = stack["resource"]["aws_secretsmanager_secret_version"].values()
    return str(role["password_wo_version"]), str(secret["secret_string_wo_version"])


def test_tenant_rotate_raises_the_version_and_the_shard_stack_sends_a_new_password(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = role_and_secret_versions(shard_stack())
    capsys.readouterr()
    assert cli.main(["tenant-rotate", "--env", "dev", "--subdomain", "acme"]) == 0
    out = capsys.readouterr().out
    assert "acme: password_version 1 -> 2" in out
    assert f"make deploy STACK={SHARD_STACK}" in out
    assert "aws lambda update-function-configuration --function-name solobase-a1b2c3d4" in out
    acme = tenants.load("dev", directory).find("acme")
    assert acme.password_version == 2
    role_version, secret_version = role_and_secret_versions(shard_stack())
    # Both change in the same deploy: the role's write-only version and the secret's.
    assert role_version == "2" and before[0] == "1"
    assert secret_version != before[1] and f"{ACME}:2" in secret_version


def test_a_dedicated_database_is_rotated_by_rds_not_by_the_registry(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = (directory / "solobase" / "dev.toml").read_text()
    assert cli.main(["tenant-rotate", "--env", "dev", "--subdomain", "globex"]) == 2
    error = capsys.readouterr().err
    assert "globex.shard must be a shard" in error and "--rotate-master-user-password" in error
    assert cli.main(["tenant-rotate", "--env", "dev", "--subdomain", "nobody"]) == 2
    assert (directory / "solobase" / "dev.toml").read_text() == registry, "nothing written"
