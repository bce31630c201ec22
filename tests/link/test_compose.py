"""Development's files inside Compose: each service's environment reaches PostgreSQL and PgBouncer by their
Compose service names (issue 20.3).

``make link-files ENV=development`` renders ``.env.<svc>`` files that the
Compose override injects into each service's container, where ``localhost`` is
the container itself. Before, they said ``DB_HOST=localhost``; now the hosts
are the Compose services, ``postgres`` (the name the document's PgBouncer lines
use) and ``pgbouncer`` (the override's own service).

The proof runs the real development files, unchanged, with no Docker:
``link-development`` is synthesized from its defaults and applied (Terraform,
the PostgreSQL half through the provider double's stand-ins, the secrets on the
emulator), its files rendered from Secrets Manager; then, in a stand-in for the
Compose project's network (tests/support/compose.py: a private network and mount
namespace whose ``/etc/hosts`` maps each service name to an address of its own,
the test-local mapping Compose's DNS would provide), Debian's PostgreSQL runs as
``postgres`` on 5432 (TLS on, listening on its own address only, as a container
does), and Debian's PgBouncer runs as the override describes: its config
directory ``./pgbouncer`` mounted read-only at ``/etc/pgbouncer``, listening on
6432. From each service's environment, and nothing else (``env -i`` with the
``.env`` file's variables), a client connects with ``DATABASE_URL`` and with
``PGBOUNCER_URL``. ``localhost`` in the same place reaches nothing: what the old
files said.
"""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.server import Emulator
from tests.support.compose import SHARED_PARENT, ComposeNetwork
from tests.support.link import LinkEnvironment
from tests.support.servers import (
    SERVICE_USER,
    PostgresServer,
    debian_postgres_bin,
    hand_over,
    pgbouncer_binary,
    private_directory,
)

pytestmark = pytest.mark.xdist_group("link-compose")

ACCOUNT = "210000000705"  # an account of its own on this worker's emulator
SERVICES = ("users", "chat", "ai", "search", "discovery")
PROBE = (
    "import json, os, sys, psycopg\n"
    "with psycopg.connect(os.environ[sys.argv[1]], connect_timeout=5) as c:\n"
    "    row = c.execute('SELECT current_user, current_database(), host(inet_server_addr())').fetchone()\n"
    "    print(json.dumps(row))\n"
)


class Project:
    def __init__(self, network: ComposeNetwork, link: LinkEnvironment, pgbouncer_log: Path) -> None:
        self.network = network
        self.link = link
        self.pgbouncer_log = pgbouncer_log

    def connect_from(self, service: str, variable: str, **changes: str) -> subprocess.CompletedProcess[str]:
        """A client in ``service``'s container: exactly its ``.env`` variables, connecting with ``variable``."""
        env = {**self.link.dotenv(service), **changes}
        return self.network.run([sys.executable, "-c", PROBE, variable], env=env)


@pytest.fixture(scope="module")
def project(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator, base_env: dict[str, str]
) -> Iterator[Project]:
    network = ComposeNetwork.start(["postgres", "pgbouncer"])
    server: PostgresServer | None = None
    pgbouncer: subprocess.Popen[bytes] | None = None
    config = private_directory("compose-pgbouncer-", SHARED_PARENT)
    try:
        server = PostgresServer.start(
            debian_postgres_bin(),
            superuser="link_user",
            password=secrets.token_hex(16),
            databases=("link_app",),
            tls=True,
            port=5432,
            network=network,
            listen=network.addresses["postgres"],
        )
        link = LinkEnvironment(
            tmp_path_factory.mktemp("link-compose"),
            server,
            {},  # development's own settings: the files are the real ones
            emulator=emulator,
            account=ACCOUNT,
            base_env=base_env,
            # Terraform runs on the host, where Compose publishes 5432; here the server's socket stands for it.
            connection={
                "host": server.host,
                "port": 5432,
                "username": "link_user",
                "database": "link_app",
                "sslmode": "require",
            },
            unavailable_extensions=("vector",),
        )
        link.write_config()
        link.deploy()
        files = link.render_files()
        # The override's volume, ./pgbouncer:/etc/pgbouncer:ro (handed to the user PgBouncer runs as).
        for item in (files / "pgbouncer").iterdir():
            shutil.copy2(item, config / item.name)
        hand_over(config)
        network.mount(config, "/etc/pgbouncer")
        log = link.root / "pgbouncer.log"
        with log.open("wb") as output:
            pgbouncer = network.popen(
                [str(pgbouncer_binary()), "/etc/pgbouncer/pgbouncer.ini"],
                user=SERVICE_USER,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while "process up" not in log.read_text():
            assert pgbouncer.poll() is None and time.monotonic() < deadline, (
                f"PgBouncer did not start:\n{log.read_text()}"
            )
            time.sleep(0.2)
        yield Project(network, link, log)
    finally:
        if pgbouncer is not None:
            pgbouncer.terminate()
            pgbouncer.wait(timeout=10)
        if server is not None:
            server.stop()
        network.stop()
        shutil.rmtree(config, ignore_errors=True)


def test_the_rendered_development_files_name_the_compose_services(project: Project) -> None:
    for service in SERVICES:
        env = project.link.dotenv(service)
        assert (env["DB_HOST"], env["DB_PORT"]) == ("postgres", "5432")
        assert (env["PGBOUNCER_HOST"], env["PGBOUNCER_PORT"]) == ("pgbouncer", "6432")
    ini = (project.link.files_dir / "pgbouncer" / "pgbouncer.ini").read_text()
    assert "link_users = host=postgres port=5432 dbname=link_users" in ini
    assert "listen_addr = *" in ini and "auth_file = /etc/pgbouncer/userlist.txt" in ini


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_reaches_postgres_by_its_compose_name(project: Project, service: str) -> None:
    completed = project.connect_from(service, "DATABASE_URL")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == [
        f"link_{service}_user",
        f"link_{service}",
        project.network.addresses["postgres"],
    ]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_reaches_postgres_through_pgbouncer_by_its_compose_name(project: Project, service: str) -> None:
    completed = project.connect_from(service, "PGBOUNCER_URL")
    assert completed.returncode == 0, f"{completed.stderr}\n{project.pgbouncer_log.read_text()}"
    # PgBouncer resolved postgres too: the server saw PgBouncer's connection arrive at postgres's address.
    assert json.loads(completed.stdout) == [
        f"link_{service}_user",
        f"link_{service}",
        project.network.addresses["postgres"],
    ]


def test_localhost_inside_a_container_reaches_nothing(project: Project) -> None:
    env = project.link.dotenv("users")
    old = env["DATABASE_URL"].replace("@postgres:", "@localhost:")
    completed = project.connect_from("users", "DATABASE_URL", DATABASE_URL=old)
    assert completed.returncode != 0
    assert "Connection refused" in completed.stderr
