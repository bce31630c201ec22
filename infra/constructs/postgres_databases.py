"""A database and a login role per service on one PostgreSQL cluster, plus an optional monitoring role.

Service ``<svc>`` gets database ``<prefix>_<svc>`` owned by role
``<prefix>_<svc>_user``; PUBLIC loses CONNECT on every database, so no
service role can open another service's database. The monitoring role
``<prefix>_monitoring_user`` is a member of ``pg_monitor`` and may connect to
every service database (and read nothing in them). The databases are one
:class:`DatabaseSet`: dropping a service's database takes the teardown path.
"""

from __future__ import annotations

from dataclasses import replace

from constructs import Construct

from infra.constructs.database_set import DatabaseEntry, DatabaseSet
from infra.constructs.login_role import LoginRole
from infra.constructs.role_passwords import SecretPasswordRoles
from infra.constructs.service_database import ServiceDatabase, pascal
from infra.props.postgres_databases import PostgresDatabasesProps

# pg_monitor: read every pg_stat_* view and monitoring function, nothing else.
MONITORING_MEMBER_OF = ("pg_monitor",)


class PostgresDatabases(Construct):
    """Everything :class:`PostgresDatabasesProps` describes, the roles' passwords from ``passwords``."""

    def __init__(
        self, scope: Construct, id_: str, *, props: PostgresDatabasesProps, passwords: SecretPasswordRoles
    ) -> None:
        super().__init__(scope, id_)
        groups = {service: Construct(self, pascal(service)) for service in props.services}
        self.roles: dict[str, LoginRole] = {
            service: passwords.login_role(group, "Role", name=props.role_of(service), props=props.role)
            for service, group in groups.items()
        }
        self.database_set = DatabaseSet(
            self,
            "ServiceDatabases",
            entries={
                service: DatabaseEntry(
                    name=props.database_of(service),
                    owner=self.roles[service],
                    connection_limit=props.database.connection_limit,
                )
                for service in props.services
            },
            protected=props.database.deletion_protection,
        )
        self.databases: dict[str, ServiceDatabase] = {
            service: ServiceDatabase(
                group,
                "Database",
                databases=self.database_set,
                key=service,
                props=replace(props.database, extensions=props.extensions_of(service)),
            )
            for service, group in groups.items()
        }
        self.monitoring: LoginRole | None = None
        if props.monitoring_role:
            self.monitoring = passwords.login_role(
                self, "Monitoring", name=props.monitoring_role, props=props.role, member_of=MONITORING_MEMBER_OF
            )
            for database in self.databases.values():
                database.allow_connect("MonitoringConnect", self.monitoring)
