"""Link: a database and a role per service on one PostgreSQL cluster, through the PostgreSQL provider."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from infra.config.mapping import fields_to_props, to_props
from infra.constructs.outputs import output
from infra.constructs.postgres_databases import PostgresDatabases
from infra.constructs.postgresql_connection import postgresql_provider
from infra.props.login_role import LoginRoleProps
from infra.props.postgres_databases import PostgresDatabasesProps
from infra.props.postgresql_connection import PostgresConnectionProps
from infra.props.service_database import ServiceDatabaseProps
from infra.registry import StackSpec
from infra.stacks.base import ExternalProviderStack
from infra.systems.link.files import BackupProps, LinkFilesProps, PgBouncerProps
from infra.systems.link.settings import LinkSettings
from infra.validation import ConfigError


@dataclass(frozen=True, kw_only=True)
class LinkProps:
    """Everything a Link environment declares, and what its rendered files need."""

    connection: PostgresConnectionProps
    databases: PostgresDatabasesProps
    files: LinkFilesProps

    def __post_init__(self) -> None:
        self.files.check_services(self.databases.services)


def _sslmode(enable_ssl: bool | None) -> str | None:
    return None if enable_ssl is None else "require" if enable_ssl else "disable"


def _vector(services: tuple[str, ...] | None) -> dict[str, tuple[str, ...]] | None:
    return None if services is None else {service: ("vector",) for service in services}


def _given(**values: object) -> dict[str, object]:
    """Settings left unset (None) take the props' default."""
    return {name: value for name, value in values.items() if value is not None}


class LinkStack(ExternalProviderStack):
    """``link-<env>``: the provider connects as the admin role (password from ``PGPASSWORD``) and creates,
    per service, its role and database; a monitoring role when asked. Role passwords come from the
    ``role_passwords`` variable (ephemeral) and reach only write-only arguments.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> LinkProps:
        settings = spec.settings_of(LinkSettings)
        path = f"{settings.system}.{settings.environment}"
        connection = fields_to_props(
            PostgresConnectionProps,
            settings,
            path,
            {"host": "postgres_host", "port": "postgres_port", "username": "admin_user", "database": "admin_database"},
            derived={"sslmode": ("enable_ssl", _sslmode(settings.enable_ssl))},
        )
        databases = fields_to_props(
            PostgresDatabasesProps,
            settings,
            path,
            {"services": "services", "create_monitoring_role": "create_monitoring_user"},
            name_prefix=settings.system,
            database=fields_to_props(
                ServiceDatabaseProps,
                settings,
                path,
                {"connection_limit": "database_connection_limit", "extensions": "extensions"},
            ),
            role=fields_to_props(LoginRoleProps, settings, path, {"connection_limit": "user_connection_limit"}),
            derived={"service_extensions": ("vector_services", _vector(settings.vector_services))},
        )
        files = fields_to_props(
            LinkFilesProps,
            settings,
            path,
            {
                "kubernetes_namespace": "kubernetes_namespace",
                "service_names": "service_names",
                "migration_tables": "migration_tables",
            },
            pgbouncer=to_props(
                PgBouncerProps, settings.pgbouncer, f"{path}.pgbouncer", **_given(enabled=settings.enable_pgbouncer)
            ),
            backup=fields_to_props(
                BackupProps,
                settings,
                path,
                {"directory": "backup_directory", "retention_days": "backup_retention_days"},
            ),
        )
        try:
            return LinkProps(connection=connection, databases=databases, files=files)
        except ConfigError as error:
            raise error.within(path) from None

    def __init__(self, scope: Construct, spec: StackSpec, props: LinkProps) -> None:
        super().__init__(scope, spec)
        postgresql_provider(self, "Postgresql", props.connection)
        databases = PostgresDatabases(self, "Databases", props=props.databases)
        output(
            self,
            "service_database_names",
            {service: database.name for service, database in databases.databases.items()},
            "Service -> its database",
        )
        output(
            self,
            "service_role_names",
            {service: role.name for service, role in databases.roles.items()},
            "Service -> its login role (passwords: make link-output NAME=service_passwords)",
        )
        if databases.monitoring is not None:
            output(
                self,
                "monitoring_role_name",
                databases.monitoring.name,
                "Monitoring role: pg_monitor, CONNECT on every service database",
            )
