"""Link: a database and a role per service on one PostgreSQL cluster, through the PostgreSQL provider."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.outputs import output
from infra.constructs.postgres_databases import PostgresDatabases
from infra.constructs.postgresql_connection import postgresql_provider
from infra.registry import StackSpec
from infra.stacks.base import ExternalProviderStack
from infra.systems.link.settings import LinkSettings


class LinkStack(ExternalProviderStack):
    """``link-<env>``: the provider connects as the admin role (password from ``PGPASSWORD``) and creates,
    per service, its role and database; a monitoring role when asked. Role passwords come from the
    ``role_passwords`` variable (ephemeral) and reach only write-only arguments.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> LinkSettings:
        """The environment's settings are the stack's props (connection, databases, files)."""
        return spec.settings_of(LinkSettings)

    def __init__(self, scope: Construct, spec: StackSpec, props: LinkSettings) -> None:
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
