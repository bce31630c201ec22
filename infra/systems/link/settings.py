"""Link, from 004_3722e3135b002b68.txt: a database per service on one PostgreSQL cluster.

From the document: services users, chat, ai, search, discovery, each with
database ``link_<svc>`` (connection limit 100) and role ``link_<svc>_user``
(login, connection limit 50); Terraform connects to ``link_app`` as
``link_user`` on port 5432 (development: ``localhost``); a monitoring user;
extensions uuid-ossp and pgvector; SSL; PgBouncer in session mode with pools
of 10 and 100 client connections, its ``[databases]`` lines pointing at
``host=postgres port=5432``; gzipped backups under ``/var/backups/postgresql``
kept 30 days; Kubernetes secrets in the ``default`` namespace; the compose
services ``user-svc``, ``chat-svc``, ``ai-svc``, ``search-svc``,
``discovery-svc``. The admin password is a secret: it comes from the
environment (``PGPASSWORD``), never from settings.

Choices where it is silent or ambiguous (README, "Link"):
- state in bucket ``link-terraform-state`` with lock table
  ``link-terraform-locks`` in us-east-1 (the document names no backend);
- staging and production connect to ``postgres.<env>.link.internal``;
- ``uuid-ossp`` goes into every service database, ``vector`` only where the
  document puts vectors: ``link_search`` ("vector search, embeddings");
- the monitoring role is ``link_monitoring_user`` (the document's
  ``link_<x>_user`` pattern), with the same connection limit as the others;
- PgBouncer listens on 6432, PgBouncer's own default and the port the
  document publishes to clients;
- a service's tables in ``link_app`` are those named ``<svc>_*`` unless
  ``migration_tables`` says otherwise;
- read replicas (a "future enhancement" there) are not built.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from infra.config.model import StateBackendSettings, SystemSettings

ENVIRONMENTS = ("development", "staging", "production")


@dataclass(frozen=True, kw_only=True)
class PgBouncerSettings:
    """``[pgbouncer]``: the pooler in front of the cluster (see PgBouncerProps)."""

    pool_mode: str | None = None
    default_pool_size: int | None = None
    max_client_conn: int | None = None
    listen_addr: str | None = None
    listen_port: int | None = None
    host: str | None = None
    """Where clients reach PgBouncer (``PGBOUNCER_URL`` in the ``.env`` files)."""
    upstream_host: str | None = None
    """The PostgreSQL host in the ``[databases]`` lines (the document's ``host=postgres``)."""
    config_dir: str | None = None
    """Where pgbouncer.ini and its auth file live on the PgBouncer host."""


@dataclass(frozen=True, kw_only=True)
class LinkSettings(SystemSettings):
    """One Link environment: the cluster to connect to, what to create in it, the files to render.

    Top-level names are the document's variables (``database_connection_limit``, ...).
    """

    postgres_host: str
    postgres_port: int | None = None
    admin_user: str | None = None
    """Role Terraform and the scripts connect as (its password comes from ``PGPASSWORD``)."""
    admin_database: str | None = None
    """Database Terraform connects to, and the shared database the migrations copy from."""
    services: tuple[str, ...] | None = None
    service_names: Mapping[str, str] | None = None
    """Service -> its name in Compose (the document's "Service" column)."""
    database_connection_limit: int | None = None
    user_connection_limit: int | None = None
    create_monitoring_user: bool | None = None
    enable_pgbouncer: bool | None = None
    enable_ssl: bool | None = None
    extensions: tuple[str, ...] | None = None
    """Extensions in every service database."""
    vector_services: tuple[str, ...] | None = None
    """Services whose database also gets ``vector`` (pgvector)."""
    backup_retention_days: int | None = None
    backup_directory: str | None = None
    kubernetes_namespace: str | None = None
    migration_tables: Mapping[str, tuple[str, ...]] | None = None
    """Service -> glob patterns of its tables in the admin database's ``public`` schema."""
    pgbouncer: PgBouncerSettings = field(default_factory=PgBouncerSettings)


def defaults(environment: str) -> LinkSettings:
    return LinkSettings(
        system="link",
        environment=environment,
        region="us-east-1",
        state=StateBackendSettings.per_environment(
            bucket="link-terraform-state",
            lock_table="link-terraform-locks",
            region="us-east-1",
            environment=environment,
        ),
        postgres_host="localhost" if environment == "development" else f"postgres.{environment}.link.internal",
        postgres_port=5432,
        admin_user="link_user",
        admin_database="link_app",
        services=("users", "chat", "ai", "search", "discovery"),
        service_names={
            "users": "user-svc",
            "chat": "chat-svc",
            "ai": "ai-svc",
            "search": "search-svc",
            "discovery": "discovery-svc",
        },
        database_connection_limit=100,
        user_connection_limit=50,
        create_monitoring_user=True,
        enable_pgbouncer=True,
        enable_ssl=True,
        extensions=("uuid-ossp",),
        vector_services=("search",),
        backup_retention_days=30,
        backup_directory="/var/backups/postgresql",
        kubernetes_namespace="default",
        pgbouncer=PgBouncerSettings(
            pool_mode="session",
            default_pool_size=10,
            max_client_conn=100,
            upstream_host="postgres",
        ),
    )
