"""Link (document 004): a database and a role per service on one PostgreSQL cluster, and the files rendered
from them (env files, Kubernetes secrets, compose override, PgBouncer config, backup/restore/migrate scripts).

One databases stack per environment (``link-<env>``, PostgreSQL provider
only); settings and defaults in :mod:`.settings`, the stack in :mod:`.stacks`,
the rendered files in :mod:`.files`, the role passwords in :mod:`.passwords`,
the operator commands in :mod:`.__main__` (``python -m infra.systems.link``).
"""

from __future__ import annotations

import os
import sys

from infra.registry import ConfiguredStack, StackSpec, System
from infra.systems.link.passwords import ADMIN_PASSWORD_ENV, PasswordStore, variables
from infra.systems.link.settings import ENVIRONMENTS, LinkSettings, defaults
from infra.validation import ConfigError


def databases_class() -> ConfiguredStack:
    from infra.systems.link.stacks import LinkStack

    return LinkStack


def stack_specs(settings: LinkSettings) -> list[StackSpec]:
    """One stack per environment, holding the databases and roles (PostgreSQL provider only)."""
    return [
        StackSpec(
            stack_id=f"{settings.system}-{settings.environment}",
            kind="databases",
            system=settings.system,
            environments=(settings.environment,),
            regions=(settings.state.region,),
            state=settings.state,
            factory=databases_class,
            settings=settings,
            providers=("postgresql",),
        )
    ]


def terraform_environment(spec: StackSpec) -> dict[str, str]:
    """What ``make diff/deploy/destroy`` add for a Link stack: the role passwords (``TF_VAR_*``) from the
    local store, made there on first use."""
    props = spec.settings_of(LinkSettings)
    if not os.environ.get(ADMIN_PASSWORD_ENV):
        raise ConfigError(
            ADMIN_PASSWORD_ENV,
            f"set to the password of {props.connection.username}, which the PostgreSQL provider connects as",
            "unset",
        )
    store = PasswordStore(spec.system, spec.environments[0])
    credentials, created = store.ensure(props.databases.login_roles)
    if created:
        print(
            f"{spec.stack_id}: generated passwords for {', '.join(created)} in {store.path} "
            "(the only copy: back it up)",
            file=sys.stderr,
        )
    return variables(credentials)


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
    terraform_environment=terraform_environment,
    renamed=RENAMED,
)
