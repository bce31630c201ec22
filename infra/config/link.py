"""Link, from 004_3722e3135b002b68.txt (settings only: its stacks come later).

From the document: one PostgreSQL cluster holding a database per service
(users, chat, ai, search, discovery: database ``link_<svc>``, user
``link_<svc>_user``), connection limits 100 per database and 50 per user, a
monitoring user, extensions uuid-ossp and pgvector, SSL, PgBouncer in session
mode with pools of 10 and 100 client connections, backups kept 30 days,
Kubernetes secrets in the ``default`` namespace. The PostgreSQL password is a
secret: it comes from the environment (``TF_VAR``-style, never config).

Choices where it is silent: the state bucket ``link-terraform-state`` with
lock table ``link-terraform-locks`` in us-east-1 (the document names no
backend); development connects to localhost, staging and production to
``postgres.<env>.link.internal``; read replicas stay off (a "future
enhancement" there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.config.model import StateBackendSettings, SystemSettings
from infra.registry import StackSpec, System
from infra.validation import ConfigError

ENVIRONMENTS = ("development", "staging", "production")

_HOST = re.compile(r"^(localhost|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$")


@dataclass(frozen=True, kw_only=True)
class PgBouncerSettings:
    """Connection pooling in front of the cluster."""

    enabled: bool = True
    pool_mode: str = "session"
    default_pool_size: int = 10
    max_client_conn: int = 100
    listen_port: int = 6432

    def __post_init__(self) -> None:
        validation.one_of("pool_mode", self.pool_mode, ("session", "transaction", "statement"))
        validation.int_between("default_pool_size", self.default_pool_size, 1, 10000)
        validation.int_between("max_client_conn", self.max_client_conn, 1, 100000)
        validation.int_between("listen_port", self.listen_port, 1024, 65535)


@dataclass(frozen=True, kw_only=True)
class LinkSettings(SystemSettings):
    """One Link environment: the cluster to connect to and what to create in it."""

    postgres_host: str
    postgres_port: int = 5432
    postgres_admin_user: str = "link_user"
    """Administrative role Terraform connects as (its password is a secret, from the environment)."""
    services: tuple[str, ...] = ("users", "chat", "ai", "search", "discovery")
    database_connection_limit: int = 100
    user_connection_limit: int = 50
    create_monitoring_user: bool = True
    extensions: tuple[str, ...] = ("uuid-ossp", "vector")
    enable_ssl: bool = True
    pgbouncer: PgBouncerSettings = PgBouncerSettings()
    backup_retention_days: int = 30
    kubernetes_namespace: str = "default"
    enable_replica_setup: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        if not _HOST.match(self.postgres_host) or len(self.postgres_host) > 253:
            raise ConfigError("postgres_host", "a host name", self.postgres_host)
        validation.int_between("postgres_port", self.postgres_port, 1, 65535)
        if not re.match(r"^[a-z_][a-z0-9_]{0,62}$", self.postgres_admin_user):
            raise ConfigError("postgres_admin_user", "a PostgreSQL role name", self.postgres_admin_user)
        if not self.services:
            raise ConfigError("services", "at least one service", self.services)
        for service in self.services:
            if not re.match(r"^[a-z][a-z0-9]{0,30}$", service):
                raise ConfigError("services", "short lower-case service names", service)
        validation.unique("services", self.services)
        validation.int_between("database_connection_limit", self.database_connection_limit, -1, 10000)
        validation.int_between("user_connection_limit", self.user_connection_limit, -1, 10000)
        for extension in self.extensions:
            validation.one_of("extensions", extension, ("uuid-ossp", "vector", "pg_trgm", "pgcrypto", "citext"))
        validation.int_between("backup_retention_days", self.backup_retention_days, 1, 3650)
        validation.resource_name("kubernetes_namespace", self.kubernetes_namespace, max_length=63)

    def database_of(self, service: str) -> str:
        return f"link_{service}"

    def user_of(self, service: str) -> str:
        return f"link_{service}_user"


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
    )


def stacks(settings: LinkSettings) -> list[StackSpec]:
    """None yet: the PostgreSQL-provider stacks come with the Link issue (state store only)."""
    return []


SYSTEM = System(name="link", environments=ENVIRONMENTS, defaults=defaults, stacks=stacks)
