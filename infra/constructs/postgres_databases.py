"""A database and a login role per service on one PostgreSQL cluster, plus an optional monitoring role.

Service ``<svc>`` gets database ``<prefix>_<svc>`` owned by role
``<prefix>_<svc>_user``; PUBLIC loses CONNECT on every database, so no
service role can open another service's database. The monitoring role
``<prefix>_monitoring_user`` is a member of ``pg_monitor`` and may connect to
every service database (and read nothing in them).
"""

from __future__ import annotations

from dataclasses import replace

from constructs import Construct

from infra.constructs.login_role import LoginRole
from infra.constructs.role_passwords import RolePasswords
from infra.constructs.service_database import ServiceDatabase, pascal
from infra.props.postgres_databases import PostgresDatabasesProps

# pg_monitor: read every pg_stat_* view and monitoring function, nothing else.
MONITORING_MEMBER_OF = ("pg_monitor",)


class PostgresDatabases(Construct):
    """Everything :class:`PostgresDatabasesProps` describes, passwords from :class:`RolePasswords`."""

    def __init__(self, scope: Construct, id_: str, *, props: PostgresDatabasesProps) -> None:
        super().__init__(scope, id_)
        passwords = RolePasswords(self, "Passwords")
        self.roles: dict[str, LoginRole] = {}
        self.databases: dict[str, ServiceDatabase] = {}
        for service in props.services:
            group = Construct(self, pascal(service))
            role_name = props.role_of(service)
            role = LoginRole(group, "Role", name=role_name, password=passwords.of(role_name), props=props.role)
            self.roles[service] = role
            self.databases[service] = ServiceDatabase(
                group,
                "Database",
                name=props.database_of(service),
                owner=role,
                props=replace(props.database, extensions=props.extensions_of(service)),
            )
        self.monitoring: LoginRole | None = None
        if props.monitoring_role:
            self.monitoring = LoginRole(
                self,
                "Monitoring",
                name=props.monitoring_role,
                password=passwords.of(props.monitoring_role),
                props=props.role,
                member_of=MONITORING_MEMBER_OF,
            )
            for database in self.databases.values():
                database.allow_connect("MonitoringConnect", self.monitoring)
