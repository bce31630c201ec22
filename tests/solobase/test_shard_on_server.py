"""solobase-dev's shard databases stack on a real PostgreSQL 15 (Debian's), and the move runbook's database steps.

The PostgreSQL provider cannot be installed here, so Terraform applies the
stack's PostgreSQL half with each ``postgresql_*`` resource played by a
stand-in running the provider double (tests/support/terraform_standin.py) on a
throwaway server with TLS. What AWS supplies at apply time is played by the
test: the provider's host, port and master credentials (data.aws_db_instance
and the RDS-managed secret) are the server's, and each ephemeral random
password is a fresh random value. Then the issue's claims are tried for real:
each instance reaches its own database with its own role, never another's
nor the shard's admin database (issue 21.2: PUBLIC has CONNECT on none of
them), and cannot see another's objects, within its plan's connection limit; and the runbook's pg_dump and pg_restore
move a database to another server as it says.
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

from infra import systems
from infra.systems.solobase.cli import runbook
from infra.systems.solobase.settings import SolobaseSettings
from infra.systems.solobase.tenants import Tenant
from tests.conftest import load_stack, spec_of
from tests.support.servers import PostgresServer, debian_postgres_bin
from tests.support.terraform import base_environment, cli_config
from tests.support.terraform_standin import StandInTerraform

pytestmark = pytest.mark.xdist_group("solobase-debian-postgres")

STACK = "solobase-dev-shard-01-databases"
MASTER = "solobase_admin"
ADMIN_DATABASE = "solobase"
"""The shard's own database (``[shared_database] database_name``), where the provider connects."""


class Shard:
    """The server standing for solobase-shared-dev-01, after Terraform applied the stack."""

    def __init__(self, server: PostgresServer, passwords: dict[str, str], tenants: tuple[Tenant, ...]) -> None:
        self.server = server
        self.passwords = passwords
        self.tenants = {t.subdomain: t for t in tenants}

    def connect_as(self, subdomain: str, database: str | None = None) -> psycopg.Connection[Any]:
        tenant = self.tenants[subdomain]
        return self.server.connect(database or tenant.database_name, tenant.role_name, self.passwords[tenant.role_name])


@pytest.fixture(scope="module")
def shard(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shard]:
    server = PostgresServer.start(
        debian_postgres_bin(), superuser=MASTER, password=secrets.token_hex(16), databases=(ADMIN_DATABASE,), tls=True
    )
    try:
        stack = load_stack(synth_dir, STACK)
        (provider,) = stack["provider"]["postgresql"]
        assert provider["host"].startswith("${data.aws_db_instance.") and "ephemeral." in provider["password"]
        workdir = tmp_path_factory.mktemp("shard-terraform")
        tf = StandInTerraform(
            workdir=workdir,
            env=base_environment(cli_config(workdir)),
            connection={
                "host": "127.0.0.1",
                "port": server.port,
                "username": MASTER,
                "database": provider["database"],
                "sslmode": provider["sslmode"],
            },
            admin_password=server.password,
            backend={"local": {"path": str(workdir / "terraform.tfstate")}},
        )
        standin = tf.write(stack, aws=False)
        assert standin.role_passwords, "role passwords are generated at apply time"
        tf.terraform().apply()
        tenants: tuple[Tenant, ...] = spec_of(STACK).arguments["tenants"]
        yield Shard(server, {t.role_name: tf.password_of(t.role_name) for t in tenants}, tenants)
    finally:
        server.stop()


def test_each_instance_reaches_its_own_database_with_its_own_role(shard: Shard) -> None:
    for subdomain, tenant in shard.tenants.items():
        with shard.connect_as(subdomain) as connection:
            row = connection.execute("SELECT current_database(), current_user").fetchone()
            assert row == (tenant.database_name, tenant.role_name)
            owner = connection.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
            ).fetchone()
            assert owner == (tenant.role_name,)


def test_no_instance_reaches_another_instances_database(shard: Shard) -> None:
    acme, globex = shard.tenants["acme"], shard.tenants["globex"]
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        shard.connect_as("acme", globex.database_name)
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        shard.connect_as("globex", acme.database_name)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        shard.server.connect(acme.database_name, acme.role_name, shard.passwords[globex.role_name])


def test_no_instance_connects_to_the_shards_admin_database(shard: Shard) -> None:
    for subdomain in shard.tenants:
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            shard.connect_as(subdomain, ADMIN_DATABASE)


def test_an_instance_cannot_list_another_instances_objects(shard: Shard) -> None:
    globex = shard.tenants["globex"]
    with shard.connect_as("globex") as connection:
        connection.execute("CREATE TABLE globex_customers (id serial PRIMARY KEY, email text NOT NULL)")
    # Objects live in their database's own catalog: acme can enter neither globex's database nor the admin one,
    # and its own database's catalog holds nothing of globex's.
    for database in (globex.database_name, ADMIN_DATABASE):
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            shard.connect_as("acme", database)
    with shard.connect_as("acme") as connection:
        found = connection.execute("SELECT count(*) FROM pg_class WHERE relname = 'globex_customers'").fetchone()
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    assert found == (0,) and tables == (0,)


def test_public_may_connect_to_no_database_the_stack_manages(shard: Shard) -> None:
    with shard.server.connect(ADMIN_DATABASE) as admin:
        rows = admin.execute(
            "SELECT d.datname FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
            " WHERE d.datallowconn AND a.grantee = 0 AND a.privilege_type = 'CONNECT'"
        ).fetchall()
    open_to_public = {name for (name,) in rows}
    assert not open_to_public & {ADMIN_DATABASE, *(t.database_name for t in shard.tenants.values())}
    # What is left is PostgreSQL's own maintenance databases, which hold no instance's data (docs/systems/solobase.md).
    assert open_to_public == {"postgres", "template1"}


def test_connection_limits_are_the_plans(shard: Shard) -> None:
    with shard.server.connect(ADMIN_DATABASE) as admin:
        limits = dict(
            admin.execute("SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname LIKE 'user_%'").fetchall()
        )
        databases = dict(
            admin.execute("SELECT datname, datconnlimit FROM pg_database WHERE datname LIKE 'instance_%'").fetchall()
        )
    acme, globex = shard.tenants["acme"], shard.tenants["globex"]
    assert limits == {acme.role_name: 2, globex.role_name: 5}
    assert databases == {acme.database_name: 2, globex.database_name: 5}
    held = [shard.connect_as("acme"), shard.connect_as("acme")]
    try:
        with pytest.raises(psycopg.OperationalError, match="too many connections"):
            shard.connect_as("acme")
    finally:
        for connection in held:
            connection.close()


def _commands(text: str, program: str) -> list[str]:
    """The runbook's shell commands starting with ``program``, continuation lines joined."""
    logical = re.sub(r"\\\n\s*", " ", text)
    return [line for line in logical.splitlines() if line.startswith(program + " ")]


def test_the_move_runbook_dumps_from_the_shard_and_restores_on_the_dedicated_instance(
    shard: Shard, tmp_path: Path
) -> None:
    settings = systems.load("solobase", "dev")
    assert isinstance(settings, SolobaseSettings)
    tenant = shard.tenants["acme"]
    with shard.connect_as("acme") as connection:
        connection.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)")
        connection.execute("INSERT INTO notes (body) VALUES ('kept across the move'), ('and this')")
    text = runbook(settings, tenant)
    (dump,) = _commands(text, "pg_dump")
    (restore,) = _commands(text, "pg_restore")
    dedicated = PostgresServer.start(
        debian_postgres_bin(), superuser=MASTER, password=secrets.token_hex(16), databases=("solobase",), tls=True
    )
    try:
        base = shard.server.client_environment()
        # The runbook's commands as printed; the servers listen on free ports rather than 5432.
        subprocess.run(
            ["bash", "-c", dump.replace("port=5432", f"port={shard.server.port}")],
            cwd=tmp_path,
            env={**base, "SHARD_HOST": "127.0.0.1", "PGPASSWORD": shard.passwords[tenant.role_name]},
            check=True,
            capture_output=True,
            text=True,
        )
        assert (tmp_path / f"{tenant.database_name}.dump").is_file()
        subprocess.run(
            ["bash", "-c", restore.replace("port=5432", f"port={dedicated.port}")],
            cwd=tmp_path,
            env={**base, "DEDICATED_HOST": "127.0.0.1", "PGPASSWORD": dedicated.password},
            check=True,
            capture_output=True,
            text=True,
        )
        with dedicated.connect("solobase") as connection:
            rows = connection.execute("SELECT body FROM notes ORDER BY id").fetchall()
            owner = connection.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'notes'").fetchone()
        assert rows == [("kept across the move",), ("and this",)]
        assert owner == (MASTER,), "restored without the shard's owner (its role does not exist there)"
    finally:
        dedicated.stop()
