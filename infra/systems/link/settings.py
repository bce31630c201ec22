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

Production-safe readings (docs/systems/link.md):
- the role passwords the document keeps in Terraform outputs live in Secrets
  Manager (``link-<env>/<role>``, a key per environment), generated at apply
  time and sent write-only, so every operator and CI reads the same ones and a
  deploy from a fresh checkout changes none; the stack uses the AWS provider
  beside the PostgreSQL one;
- service databases carry ``prevent_destroy`` outside development: a service
  dropped from ``services`` fails the plan instead of dropping its database;
- inside Docker Compose, where the rendered ``.env`` files are injected,
  ``localhost`` is the container itself: development's files name the Compose
  services, ``postgres`` (as the document's PgBouncer lines do) and ``pgbouncer``.

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

from dataclasses import dataclass, field

from infra.config.model import StateBackendSettings, SystemSettings
from infra.props.kms_key import KmsKeyProps
from infra.props.login_role import LoginRoleProps
from infra.props.postgres_databases import PostgresDatabasesProps
from infra.props.postgresql_connection import PostgresConnectionProps
from infra.props.secret import SecretProps
from infra.props.service_database import ServiceDatabaseProps
from infra.systems.link.files import BackupProps, LinkFilesProps, PgBouncerProps
from infra.validation import ConfigError

ENVIRONMENTS = ("development", "staging", "production")


@dataclass(frozen=True, kw_only=True)
class LinkSettings(SystemSettings):
    """One Link environment: the cluster to connect to, what to create in it, the files to render."""

    connection: PostgresConnectionProps
    """``[connection]``: the cluster Terraform and the scripts connect to, as its administrator (whose password
    comes from ``PGPASSWORD``, never from settings)."""
    databases: PostgresDatabasesProps
    """``[databases]``: a database and a login role per service (``[databases.database]``: every service
    database; ``[databases.role]``: every login role)."""
    files: LinkFilesProps
    """``[files]``: what the rendered files need (``[files.pgbouncer]``, ``[files.backup]``)."""
    secrets: SecretProps = field(default_factory=SecretProps)
    """``[secrets]``: the secrets holding the roles' passwords (``link-<env>/<role>``)."""
    keys: KmsKeyProps = field(default_factory=KmsKeyProps)
    """``[keys]``: the KMS key those secrets are encrypted with (``alias/link-<env>-secrets``)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            self.files.check_services(self.databases.services)
        except ConfigError as error:
            raise error.within("files") from None


def defaults(environment: str) -> LinkSettings:
    development = environment == "development"
    production = environment == "production"
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
        connection=PostgresConnectionProps(
            host="localhost" if development else f"postgres.{environment}.link.internal",
            port=5432,
            username="link_user",
            database="link_app",
            sslmode="require",
        ),
        databases=PostgresDatabasesProps(
            name_prefix="link",
            services=("users", "chat", "ai", "search", "discovery"),
            database=ServiceDatabaseProps(
                connection_limit=100, extensions=("uuid-ossp",), deletion_protection=not development
            ),
            role=LoginRoleProps(connection_limit=50),
            # pgvector only where the document puts vectors: link_search ("vector search, embeddings").
            service_extensions={"search": ("vector",)},
            create_monitoring_role=True,
        ),
        files=LinkFilesProps(
            # Inside Compose the services reach PostgreSQL and PgBouncer by service name.
            database_host="postgres" if development else None,
            kubernetes_namespace="default",
            service_names={
                "users": "user-svc",
                "chat": "chat-svc",
                "ai": "ai-svc",
                "search": "search-svc",
                "discovery": "discovery-svc",
            },
            pgbouncer=PgBouncerProps(
                enabled=True,
                pool_mode="session",
                default_pool_size=10,
                max_client_conn=100,
                host="pgbouncer" if development else None,
                upstream_host="postgres",
            ),
            backup=BackupProps(directory="/var/backups/postgresql", retention_days=30),
        ),
        secrets=SecretProps() if production else SecretProps(recovery_window_days=7),
        keys=KmsKeyProps() if production else KmsKeyProps(deletion_window_days=7),
    )
