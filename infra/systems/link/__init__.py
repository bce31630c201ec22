"""Link (document 004): a database and a role per service on one PostgreSQL cluster, and the files rendered
from them (env files, Kubernetes secrets, compose override, PgBouncer config, backup/restore/migrate scripts).

One databases stack per environment (``link-<env>``: the PostgreSQL provider for
the databases and roles, the AWS provider for the secrets holding the roles'
passwords); settings and defaults in :mod:`.settings`, the stack in
:mod:`.stacks`, the names of its secrets in :mod:`.names`, reading them in
:mod:`.credentials`, the rendered files in :mod:`.files`, rotation in
:mod:`.rotation`, the operator commands in :mod:`.__main__`
(``python -m infra.systems.link``).
"""

from __future__ import annotations

from infra.registry import ConfiguredStack, StackSpec, System
from infra.systems.link.settings import ENVIRONMENTS, LinkSettings, defaults


def databases_class() -> ConfiguredStack:
    from infra.systems.link.stacks import LinkStack

    return LinkStack


def stack_specs(settings: LinkSettings) -> list[StackSpec]:
    """One stack per environment, holding the databases and roles (PostgreSQL provider) and the secrets
    with the roles' passwords (AWS provider)."""
    return [
        StackSpec(
            stack_id=f"{settings.system}-{settings.environment}",
            kind="databases",
            system=settings.system,
            environments=(settings.environment,),
            regions=(settings.region,),
            state=settings.state,
            factory=databases_class,
            settings=settings,
            providers=("postgresql", "aws"),
            account_id=settings.account_id,
        )
    ]


RENAMED = {
    "postgres_host": "connection.host",
    "postgres_port": "connection.port",
    "admin_user": "connection.username",
    "admin_database": "connection.database",
    "enable_ssl": "connection.sslmode",
    "services": "databases.services",
    "database_connection_limit": "databases.database.connection_limit",
    "extensions": "databases.database.extensions",
    "user_connection_limit": "databases.role.connection_limit",
    "vector_services": "databases.service_extensions",
    "create_monitoring_user": "databases.create_monitoring_role",
    "service_names": "files.service_names",
    "kubernetes_namespace": "files.kubernetes_namespace",
    "migration_tables": "files.migration_tables",
    "backup_directory": "files.backup.directory",
    "backup_retention_days": "files.backup.retention_days",
    "enable_pgbouncer": "files.pgbouncer.enabled",
    "pgbouncer": "files.pgbouncer",
}
"""Link's flat keys before its settings became the props of its constructs (enable_ssl = false is now
sslmode = "disable"; vector_services = ["search"] is service_extensions = {search = ["vector"]})."""

SYSTEM = System(
    name="link",
    environments=ENVIRONMENTS,
    defaults=defaults,
    stacks=stack_specs,
    renamed=RENAMED,
)
