"""A customer's database on a real shard, through Terraform: deleted from the registry by hand it stays and the
plan fails; removed with ``make tenant-remove`` it goes, after a final dump that restores (issue 20.1).

``solobase-prod-shard-01-databases`` (prod: protected) is synthesized from a
registry of two customers and applied on Debian's PostgreSQL 15 (TLS on). The
cyrilgdn/postgresql provider cannot be installed here, so Terraform applies
the stack with each ``postgresql_*`` resource played by a ``terraform_data``
stand-in whose provisioners run the provider double
(tests/support/terraform_standin.py): the plan, the state, ``for_each`` and
``prevent_destroy`` are Terraform's own, on the synthesized configuration. The
AWS half (the secrets, the shard's lookup) is left out: it is not what can
drop a database. State is local, in the test's directory.
"""

from __future__ import annotations

import re
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from infra import app
from infra.systems.solobase import cli
from infra.systems.solobase.tenants import TENANTS_DIR_ENV, Tenant
from tests.support.servers import PostgresServer, debian_postgres_bin
from tests.support.tenants import ACME, GLOBEX, GLOBEX_ENTRY, TWO_CUSTOMERS, registry_dir
from tests.support.terraform import base_environment, cli_config
from tests.support.terraform_standin import StandInTerraform

pytestmark = pytest.mark.xdist_group("solobase-debian-postgres")

STACK = "solobase-prod-shard-01-databases"
MASTER = "solobase_admin"
REGISTRY = TWO_CUSTOMERS
ACME_TENANT = Tenant(instance_id=ACME, subdomain="acme", plan="hobby", shard="01")  # type: ignore[arg-type]
GLOBEX_TENANT = Tenant(
    instance_id=GLOBEX,
    subdomain="globex",
    plan="professional",  # type: ignore[arg-type]
    runtime="ecs",  # type: ignore[arg-type]
    shard="01",
    listener_priority=100,
)


class Shard:
    """The server standing for solobase-shared-prod-01, the registry, and Terraform with its state."""

    def __init__(self, root: Path, server: PostgresServer, tf: StandInTerraform) -> None:
        self.root = root
        self.server = server
        self.tf = tf
        self.registry = root / "tenants" / "solobase" / "prod.toml"
        self.config_dir = root / "config"
        self.config_dir.mkdir(exist_ok=True)
        self._synths = 0

    def synthesize(self) -> dict[str, Any]:
        """A fresh synth of the shard stack from the registry and config as they are now."""
        import json

        self._synths += 1
        outdir = self.root / f"synth-{self._synths}"
        app.synth(outdir=str(outdir), requested=STACK, config_dir=self.config_dir)
        stack: dict[str, Any] = json.loads((outdir / "stacks" / STACK / "cdk.tf.json").read_text())
        return stack

    def password(self, tenant: Tenant) -> str:
        return self.tf.password_of(tenant.role_name)

    def connect_as(self, tenant: Tenant, password: str) -> psycopg.Connection[Any]:
        return self.server.connect(tenant.database_name, tenant.role_name, password)

    def databases(self) -> set[str]:
        with self.server.connect("solobase") as admin:
            return {row[0] for row in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'instance%'")}

    def roles(self) -> set[str]:
        with self.server.connect("solobase") as admin:
            return {row[0] for row in admin.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'user%'")}


@pytest.fixture
def shard(tmp_path: Path) -> Iterator[Shard]:
    server = PostgresServer.start(
        debian_postgres_bin(), superuser=MASTER, password=secrets.token_hex(16), databases=("solobase",), tls=True
    )
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(TENANTS_DIR_ENV, str(registry_dir(tmp_path, prod=REGISTRY)))
            tf = StandInTerraform(
                workdir=tmp_path / "terraform",
                env=base_environment(cli_config(tmp_path)),
                connection={
                    "host": "127.0.0.1",
                    "port": server.port,
                    "username": MASTER,
                    "database": "solobase",
                    "sslmode": "require",
                },
                admin_password=server.password,
                backend={"local": {"path": str(tmp_path / "terraform" / "terraform.tfstate")}},
            )
            deployed = Shard(tmp_path, server, tf)
            tf.write(deployed.synthesize(), aws=False)
            tf.terraform().apply()
            yield deployed
    finally:
        server.stop()


def _keep_data(shard: Shard, tenant: Tenant, rows: list[str]) -> None:
    with shard.connect_as(tenant, shard.password(tenant)) as connection:
        connection.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
        for row in rows:
            connection.execute("INSERT INTO notes (body) VALUES (%s)", (row,))


def test_both_customers_databases_are_applied_with_their_roles(shard: Shard) -> None:
    assert shard.databases() == {ACME_TENANT.database_name, GLOBEX_TENANT.database_name}
    for tenant in (ACME_TENANT, GLOBEX_TENANT):
        with shard.connect_as(tenant, shard.password(tenant)) as connection:
            assert connection.execute("SELECT current_user").fetchone() == (tenant.role_name,)
    code, _ = shard.tf.terraform().plan_changes()
    assert code == 0, "a second plan of the same registry changes nothing"


def test_an_entry_deleted_by_hand_fails_the_shards_plan_on_prevent_destroy(shard: Shard) -> None:
    _keep_data(shard, ACME_TENANT, ["acme's customer data"])
    shard.registry.write_text('shards = ["01"]\n' + GLOBEX_ENTRY)  # acme's entry deleted by hand
    shard.tf.write(shard.synthesize(), aws=False)
    tf = shard.tf.terraform()
    state = tf.state_resources()

    refused = tf.run("plan", "-input=false", "-no-color", ok=(0, 1))

    assert refused.returncode == 1, refused.stdout
    assert "Error: Instance cannot be destroyed" in refused.stderr
    message = " ".join(refused.stderr.split())  # Terraform wraps long lines
    assert f'Resource terraform_data.{_set_id(shard)}["{ACME}"] has lifecycle.prevent_destroy set' in message
    refused_apply = tf.run("apply", "-input=false", "-no-color", "-auto-approve", ok=(0, 1))
    assert refused_apply.returncode == 1 and "Instance cannot be destroyed" in refused_apply.stderr
    assert tf.state_resources() == state, "nothing was touched"
    assert [call["action"] for call in shard.tf.done() if call["action"] == "destroy"] == []
    with shard.connect_as(ACME_TENANT, shard.password(ACME_TENANT)) as connection:
        assert connection.execute("SELECT body FROM notes").fetchall() == [("acme's customer data",)]


def _set_id(shard: Shard) -> str:
    """The logical id of the shard's one databases block (the stand-in keeps it)."""
    (logical_id,) = shard.synthesize()["resource"]["postgresql_database"]
    return str(logical_id)


def _runbook_command(text: str, program: str) -> str:
    """The runbook's one command starting with ``program``, continuation lines joined."""
    (command,) = [line for line in re.sub(r"\\\n\s*", " ", text).splitlines() if line.startswith(program + " ")]
    return command


def _lift(text: str) -> str:
    """The setting the runbook says to put in config/solobase/<env>.toml, as a TOML file."""
    block = re.search(r"#      (\[instances\.shard_database\])\n#      (deletion_protection = false)", text)
    assert block, text
    return "\n".join(block.groups()) + "\n"


def test_tenant_remove_then_its_runbook_drops_only_that_database_after_a_final_dump_that_restores(
    shard: Shard, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _keep_data(shard, ACME_TENANT, ["first", "second"])
    _keep_data(shard, GLOBEX_TENANT, ["globex stays"])
    acme_password = shard.password(ACME_TENANT)

    assert cli.main(["tenant-remove", "--env", "prod", "--subdomain", "acme", "--yes"]) == 0
    runbook = capsys.readouterr().out
    assert ACME not in shard.registry.read_text()

    # The final dump, as the runbook prints it (the server listens on a free port rather than 5432).
    dump = _runbook_command(runbook, "pg_dump").replace("port=5432", f"port={shard.server.port}")
    env = {**shard.server.client_environment(), "DB_HOST": "127.0.0.1", "PGPASSWORD": acme_password}
    subprocess.run(["bash", "-c", dump], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    listed = subprocess.run(
        ["bash", "-c", _runbook_command(runbook, "pg_restore").replace(" >/dev/null", "")],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "TABLE DATA public notes" in listed.stdout

    # The registry edit alone drops nothing: the protection still fails the plan.
    shard.tf.write(shard.synthesize(), aws=False)
    still = shard.tf.terraform().run("plan", "-input=false", "-no-color", ok=(0, 1))
    assert still.returncode == 1 and "Instance cannot be destroyed" in still.stderr

    # The teardown path, exactly as the runbook says: the setting in config, diff, deploy.
    (shard.config_dir / "solobase").mkdir(parents=True, exist_ok=True)
    (shard.config_dir / "solobase" / "prod.toml").write_text(_lift(runbook))
    shard.tf.write(shard.synthesize(), aws=False)
    tf = shard.tf.terraform()
    code, plan = tf.plan_changes()
    assert code == 2
    destroyed = sorted(c["address"] for c in plan["resource_changes"] if c["change"]["actions"] == ["delete"])
    changed = [c["address"] for c in plan["resource_changes"] if c["change"]["actions"] not in (["delete"], ["no-op"])]
    assert [re.sub(r"_[0-9A-F]{8}", "", a) for a in destroyed] == [
        "terraform_data.InstanceA1B2C3D4_Database_RevokePublic",
        "terraform_data.InstanceA1B2C3D4_Role",
        "terraform_data.InstanceA1B2C3D4_Role__password",
        f'terraform_data.TenantDatabases["{ACME}"]',
    ]
    assert changed == []
    tf.apply()
    assert shard.databases() == {GLOBEX_TENANT.database_name}
    assert shard.roles() == {GLOBEX_TENANT.role_name}
    drops = [c["statements"] for c in shard.tf.done() if c["action"] == "destroy"]
    assert [f'DROP DATABASE "{ACME_TENANT.database_name}" WITH (FORCE)'] in drops
    with shard.connect_as(GLOBEX_TENANT, shard.password(GLOBEX_TENANT)) as connection:
        assert connection.execute("SELECT body FROM notes").fetchall() == [("globex stays",)]

    # The final dump brings acme's data back.
    dump_file = tmp_path / f"{ACME_TENANT.database_name}.dump"
    with shard.server.connect("solobase") as admin:
        admin.execute("CREATE DATABASE restored")
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", shard.server.conninfo("restored"), str(dump_file)],
        env=shard.server.client_environment(),
        check=True,
        capture_output=True,
        text=True,
    )
    with shard.server.connect("restored") as restored:
        assert restored.execute("SELECT body FROM notes ORDER BY id").fetchall() == [("first",), ("second",)]
