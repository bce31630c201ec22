"""link-development on a real PostgreSQL (Debian's) and PgBouncer, through the product's own paths.

The stack is synthesized with settings pointing at a throwaway server on
127.0.0.1 (TLS on, as ``enable_ssl`` asks) and applied by Terraform: its
roles, databases and grants through stand-ins running the provider double
(tests/support/terraform_standin.py: the provider binary cannot be installed
here), its key and secrets on the emulator, the role passwords generated at
apply time by ``aws_secretsmanager_random_password``. The files come from
``python -m infra.systems.link files``, which reads those passwords from
Secrets Manager. Then each claim of the document is tried for real. Debian's
server ships ``uuid-ossp`` but not pgvector: ``vector`` is proven on
PostgreSQL 18 in test_vector.py.
"""

from __future__ import annotations

import datetime
import gzip
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from emulator.server import Emulator
from infra.paths import REPOSITORY_ROOT
from tests.support.link import LinkEnvironment, leaked
from tests.support.servers import (
    LOOPBACK,
    PgBouncer,
    PostgresServer,
    debian_postgres_bin,
    free_port,
    private_directory,
)

pytestmark = pytest.mark.xdist_group("link-debian-postgres")

SERVICES = ("users", "chat", "ai", "search", "discovery")
ADMIN = "link_user"
ADMIN_DATABASE = "link_app"
DAY = 86400
ACCOUNT = "210000000701"  # an account of its own on this worker's emulator


class Deployed:
    """The environment after Terraform applied the stack, files rendered and PgBouncer started."""

    def __init__(self, link: LinkEnvironment, stack: dict[str, Any], pgbouncer: PgBouncer) -> None:
        self.link = link
        self.server = link.server
        self.stack = stack
        self.pgbouncer = pgbouncer

    def connect_as(self, service: str, *, through_pgbouncer: bool = False) -> psycopg.Connection[Any]:
        values = self.link.dotenv(service)
        url = values["PGBOUNCER_URL"] if through_pgbouncer else values["DATABASE_URL"]
        return psycopg.connect(url, autocommit=True, connect_timeout=10)

    def script(self, name: str, *args: str, ok: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.link.files_dir / "scripts" / name), *args]
        return self.link.run(command, env={**self.server.client_environment(), **env}, ok=ok)


@pytest.fixture(scope="module")
def deployed(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator, base_env: dict[str, str]
) -> Iterator[Deployed]:
    admin_password = os.urandom(18).hex()
    server = PostgresServer.start(
        debian_postgres_bin(),
        superuser=ADMIN,
        password=admin_password,
        databases=(ADMIN_DATABASE,),
        tls=True,
        log_statements=True,
    )
    pgbouncer_root = private_directory("link-pgbouncer-")
    pgbouncer: PgBouncer | None = None
    try:
        root = tmp_path_factory.mktemp("link-debian")
        pgbouncer_port = free_port()
        link = LinkEnvironment(
            root,
            server,
            {
                "connection": {"host": LOOPBACK, "port": server.port},
                "files": {
                    # Not inside Compose here: the test reaches the server on loopback.
                    "database_host": LOOPBACK,
                    "backup": {"directory": str(root / "backups")},
                    "pgbouncer": {
                        "listen_addr": LOOPBACK,
                        "listen_port": pgbouncer_port,
                        "host": LOOPBACK,
                        "upstream_host": LOOPBACK,
                        "config_dir": str(pgbouncer_root),
                    },
                },
            },
            emulator=emulator,
            account=ACCOUNT,
            base_env=base_env,
            unavailable_extensions=("vector",),
        )
        link.write_config()
        stack = link.deploy()
        files = link.render_files()
        for name in ("pgbouncer.ini", "userlist.txt"):
            shutil.copy2(files / "pgbouncer" / name, pgbouncer_root / name)
        pgbouncer = PgBouncer.start(pgbouncer_root, pgbouncer_port)
        yield Deployed(link, stack, pgbouncer)
    finally:
        if pgbouncer is not None:
            pgbouncer.stop()
        shutil.rmtree(pgbouncer_root, ignore_errors=True)
        server.stop()


def test_the_double_applied_exactly_what_the_stack_declares(deployed: Deployed) -> None:
    with deployed.server.connect(ADMIN_DATABASE) as admin:
        databases = dict(
            admin.execute(
                "SELECT datname, datconnlimit FROM pg_database WHERE datname LIKE 'link\\_%' AND datname <> 'link_app'"
            ).fetchall()
        )
        roles = dict(admin.execute("SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname LIKE 'link\\_%\\_user'"))
        owners = dict(
            admin.execute(
                "SELECT d.datname, r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
                "WHERE d.datname LIKE 'link\\_%' AND d.datname <> 'link_app'"
            )
        )
    assert databases == {f"link_{s}": 100 for s in SERVICES}
    assert roles == {**{f"link_{s}_user": 50 for s in SERVICES}, "link_monitoring_user": 50}
    assert owners == {f"link_{s}": f"link_{s}_user" for s in SERVICES}
    # The only thing left out: pgvector, which Debian's server does not ship (proven on PostgreSQL 18).
    done = deployed.link.standin().done()
    assert [call["skipped"] for call in done if "skipped" in call] == [["link_search", "vector"]]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_connects_with_its_env_file_directly_and_through_pgbouncer(
    deployed: Deployed, service: str
) -> None:
    with deployed.connect_as(service) as direct:
        assert direct.execute("SELECT current_user, current_database()").fetchone() == (
            f"link_{service}_user",
            f"link_{service}",
        )
        assert direct.pgconn.ssl_in_use, "enable_ssl: the direct connection must use TLS"
    with deployed.connect_as(service, through_pgbouncer=True) as pooled:
        assert pooled.execute("SELECT current_user, current_database()").fetchone() == (
            f"link_{service}_user",
            f"link_{service}",
        )
        # PgBouncer reaches the server over TLS (the server refuses anything else on TCP).
        assert pooled.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)


def test_the_51st_connection_of_a_role_is_refused(deployed: Deployed) -> None:
    role = "link_discovery_user"
    with deployed.server.connect() as admin:
        # Idle server connections PgBouncer may keep for this role would count too.
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
    opened: list[psycopg.Connection[Any]] = []
    try:
        for _ in range(50):
            opened.append(deployed.connect_as("discovery"))
        with pytest.raises(psycopg.OperationalError, match="too many connections for role"):
            deployed.connect_as("discovery").close()
    finally:
        for connection in opened:
            connection.close()
    assert len(opened) == 50


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_cannot_open_another_services_database(deployed: Deployed, service: str) -> None:
    values = deployed.link.dotenv(service)
    for other in (s for s in SERVICES if s != service):
        with pytest.raises(psycopg.OperationalError, match=f'permission denied for database "link_{other}"'):
            deployed.server.connect(f"link_{other}", user=values["DB_USER"], password=values["DB_PASSWORD"]).close()


def test_the_monitoring_role_sees_every_database_and_reads_no_table(deployed: Deployed) -> None:
    password = deployed.link.credentials()["link_monitoring_user"].password
    with deployed.connect_as("users") as owner:
        owner.execute("CREATE TABLE IF NOT EXISTS monitoring_probe (id int)")
    for service in SERVICES:
        with deployed.server.connect(f"link_{service}", user="link_monitoring_user", password=password) as monitor:
            assert monitor.execute("SELECT pg_has_role('pg_monitor', 'MEMBER')").fetchone() == (True,)
            # pg_monitor shows other roles' queries.
            assert monitor.execute("SELECT count(*) > 0 FROM pg_stat_activity WHERE query <> ''").fetchone() == (True,)
    with (
        deployed.server.connect("link_users", user="link_monitoring_user", password=password) as monitor,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        monitor.execute("SELECT * FROM monitoring_probe")


@pytest.mark.parametrize("service", SERVICES)
def test_uuid_ossp_works_in_every_service_database(deployed: Deployed, service: str) -> None:
    with deployed.connect_as(service) as connection:
        (value,) = connection.execute("SELECT uuid_generate_v4()::text").fetchone() or ("",)
        assert len(value) == 36 and value[14] == "4"
        vector = connection.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone()
    assert vector == (0,)


def _dumps(directory: Path) -> dict[str, Path]:
    return {p.name: p for p in directory.glob("*.sql.gz")}


def _age(path: Path, days: float) -> None:
    stamp = time.time() - days * DAY
    os.utime(path, (stamp, stamp))


def _stamps() -> set[str]:
    return {datetime.datetime.now().strftime("%Y%m%d")}


def test_backup_writes_a_dump_per_database_and_the_cluster_and_prunes_by_age(deployed: Deployed) -> None:
    backups = deployed.link.root / "backups"
    backups.mkdir(exist_ok=True)
    ages = {
        "link_users_backup_20000101.sql.gz": 31,  # older than 30 days: removed
        "cluster_backup_20000101.sql.gz": 45,  # removed
        "link_chat_backup_20000102.sql.gz": 29,  # kept
        "link_ai_backup_20000103.sql.gz": 30 - 1 / 24,  # an hour short of 30 days: kept
        "unrelated.sql.gz": 400,  # not the script's: never touched
    }
    for name, days in ages.items():
        (backups / name).write_bytes(gzip.compress(b"-- old\n"))
        _age(backups / name, days)
    stamps = _stamps()
    completed = deployed.script("backup-databases.sh")
    stamps |= _stamps()

    dumps = _dumps(backups)
    written = {name: path for name, path in dumps.items() if name not in ages}
    stamp = next(s for s in stamps if f"cluster_backup_{s}.sql.gz" in written)
    assert set(written) == {f"{n}_backup_{stamp}.sql.gz" for n in [*(f"link_{x}" for x in SERVICES), "cluster"]}
    for service in SERVICES:
        text = gzip.decompress(dumps[f"link_{service}_backup_{stamp}.sql.gz"].read_bytes()).decode()
        assert "PostgreSQL database dump complete" in text
        assert 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp"' in text
    cluster = gzip.decompress(dumps[f"cluster_backup_{stamp}.sql.gz"].read_bytes()).decode()
    assert "CREATE ROLE link_users_user" in cluster and "CREATE DATABASE link_discovery" in cluster
    assert not (backups / "link_users_backup_20000101.sql.gz").exists()
    assert not (backups / "cluster_backup_20000101.sql.gz").exists()
    for kept in ("link_chat_backup_20000102.sql.gz", "link_ai_backup_20000103.sql.gz", "unrelated.sql.gz"):
        assert (backups / kept).exists(), kept
    assert all(p.stat().st_mode & 0o077 == 0 for p in written.values()), "dumps are readable by their owner only"
    log = (backups / "backup.log").read_text()
    assert "removed" in log and "link_users_backup_20000101.sql.gz" in log
    assert "OK: 5 service databases and the cluster dumped" in completed.stderr


def test_a_failed_backup_logs_it_exits_non_zero_and_removes_nothing(deployed: Deployed) -> None:
    backups = deployed.link.root / "failing-backups"
    backups.mkdir()
    old = backups / "link_users_backup_20000101.sql.gz"
    old.write_bytes(gzip.compress(b"-- old\n"))
    _age(old, 90)
    completed = deployed.script(
        "backup-databases.sh",
        ok=False,
        BACKUP_DIR=str(backups),
        PGPORT=str(free_port()),  # nothing listens there
    )
    assert completed.returncode != 0
    assert "FAILED" in (backups / "backup.log").read_text()
    assert "no older dump removed" in completed.stderr
    assert old.exists(), "a failed run must not prune"
    assert list(backups.glob("*.partial")) == [] and set(_dumps(backups)) == {old.name}


def test_a_restore_brings_back_a_dropped_table(deployed: Deployed) -> None:
    backups = deployed.link.root / "restore-backups"
    with deployed.connect_as("users") as service:
        service.execute(
            "CREATE TABLE profiles (id serial PRIMARY KEY, name text NOT NULL, uid uuid DEFAULT uuid_generate_v4())"
        )
        service.execute("INSERT INTO profiles (name) VALUES ('ada'), ('grace'), ('edsger')")
    deployed.script("backup-databases.sh", BACKUP_DIR=str(backups))
    (dump,) = backups.glob("link_users_backup_*.sql.gz")
    with deployed.connect_as("users") as service:
        service.execute("DROP TABLE profiles")
        service.execute("CREATE TABLE written_after_backup (id int)")

    completed = deployed.script("restore-database.sh", "users", str(dump))

    assert f"OK: link_users restored from {dump}" in completed.stderr
    with deployed.connect_as("users") as service:
        assert service.execute("SELECT name FROM profiles ORDER BY id").fetchall() == [
            ("ada",),
            ("grace",),
            ("edsger",),
        ]
        assert service.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'profiles'").fetchone() == (
            "link_users_user",
        )
        service.execute("INSERT INTO profiles (name) VALUES ('barbara')")  # sequence and uuid default still work
    refused = deployed.script("restore-database.sh", "billing", str(dump), ok=False)
    assert refused.returncode == 2 and "services: users chat ai search discovery" in refused.stderr


def _fingerprint(connection: psycopg.Connection[Any], tables: list[str]) -> dict[str, Any]:
    """Rows with their xmin: a table copied again, even with equal rows, would change it."""
    return {
        table: connection.execute(
            f"SELECT tableowner, (SELECT string_agg(t.xmin::text || ':' || t::text, ',' ORDER BY t::text) "
            f"FROM public.{table} t) FROM pg_tables WHERE schemaname = 'public' AND tablename = %s",
            (table,),
        ).fetchone()
        for table in tables
    }


def test_a_migration_copies_a_services_tables_with_their_rows_and_a_second_run_changes_nothing(
    deployed: Deployed,
) -> None:
    with deployed.server.connect(ADMIN_DATABASE) as shared:
        shared.execute("CREATE TABLE users_accounts (id serial PRIMARY KEY, email text UNIQUE NOT NULL)")
        shared.execute(
            "CREATE TABLE users_sessions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            "account_id int NOT NULL REFERENCES users_accounts(id), started timestamptz DEFAULT now())"
        )
        shared.execute("CREATE TABLE chat_messages (id serial PRIMARY KEY, body text)")
        shared.execute(
            "INSERT INTO users_accounts (email) SELECT 'user' || g || '@link.test' FROM generate_series(1, 40) g"
        )
        shared.execute("INSERT INTO users_sessions (account_id) SELECT id FROM users_accounts")
        shared.execute("INSERT INTO chat_messages (body) VALUES ('hello')")
        before = _fingerprint(shared, ["users_accounts", "users_sessions", "chat_messages"])

    first = deployed.script("migrate-users-database.sh")

    assert "copied users_accounts users_sessions into link_users" in first.stderr
    tables = ["users_accounts", "users_sessions"]
    with deployed.connect_as("users") as service:
        assert service.execute("SELECT count(*) FROM users_accounts").fetchone() == (40,)
        assert service.execute("SELECT count(*) FROM users_sessions").fetchone() == (40,)
        owners = service.execute(
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'users%'"
        ).fetchall()
        assert sorted(owners) == [("users_accounts", "link_users_user"), ("users_sessions", "link_users_user")]
        assert service.execute("SELECT to_regclass('public.chat_messages')").fetchone() == (None,)
        # Sequences came along and continue after the copied rows.
        assert service.execute(
            "INSERT INTO users_accounts (email) VALUES ('new@link.test') RETURNING id"
        ).fetchone() == (41,)
        service.execute("DELETE FROM users_accounts WHERE id = 41")
        after_first = _fingerprint(service, tables)
    with deployed.server.connect(ADMIN_DATABASE) as shared:
        assert _fingerprint(shared, ["users_accounts", "users_sessions", "chat_messages"]) == before, (
            "link_app unchanged"
        )

    second = deployed.script("migrate-users-database.sh")

    assert "users_accounts: already in link_users, left alone" in second.stderr
    assert "copied" not in second.stderr
    with deployed.connect_as("users") as service:
        assert _fingerprint(service, tables) == after_first


def test_no_password_reaches_a_log_cdktf_out_the_state_a_command_output_or_git(deployed: Deployed) -> None:
    secrets = deployed.link.secrets()
    assert len(secrets) == 7
    link = deployed.link
    texts = {
        "postgresql.log (every statement logged)": deployed.server.logs(),
        "pgbouncer.log": deployed.pgbouncer.logs(),
        "terraform.tfstate": (link.root / "terraform" / "terraform.tfstate").read_text(),
        "terraform log": link.terraform().log_text(),
        "the double's log": link.standin().log_file.read_text(),
        **{f"command {i}": output for i, output in enumerate(link.outputs)},
        **{
            f"{synth.name}/{p.relative_to(synth)}": p.read_text()
            for synth in link.synth_dirs
            for p in synth.rglob("*")
            if p.is_file()
        },
        **{f"backups/{p.name}": p.read_text() for p in (link.root / "backups").glob("*.log")},
    }
    # git: every tracked file, and every untracked one git would pick up.
    listed = subprocess.run(
        ["git", "-C", str(REPOSITORY_ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        path = REPOSITORY_ROOT / name
        if path.is_file() and not path.is_symlink():
            texts[f"git:{name}"] = path.read_text(errors="replace")
    assert "CREATE ROLE" in texts["postgresql.log (every statement logged)"], "statements must be logged to be checked"
    assert "ALTER ROLE" in texts["postgresql.log (every statement logged)"], "so must the passwords' (as verifiers)"
    assert leaked(texts, secrets) == []
