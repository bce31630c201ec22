"""A database and a login role per service on one PostgreSQL cluster, plus an optional monitoring role.

Service ``<svc>`` gets database ``<prefix>_<svc>`` owned by role
``<prefix>_<svc>_user``; PUBLIC loses CONNECT on every database, so no
service role can open another service's database. The monitoring role
``<prefix>_monitoring_user`` is a member of ``pg_monitor`` and may connect to
every service database (and read nothing in them).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from constructs import Construct

from infra import validation
from infra.constructs.login_role import LoginRole, LoginRoleProps
from infra.constructs.postgresql_connection import identifier
from infra.constructs.role_passwords import RolePasswords
from infra.constructs.service_database import ServiceDatabase, ServiceDatabaseProps, extension_names, pascal
from infra.validation import ConfigError

MONITORING = "monitoring"
_SERVICE = re.compile(r"^[a-z][a-z0-9]{0,30}$")
# pg_monitor: read every pg_stat_* view and monitoring function, nothing else.
MONITORING_MEMBER_OF = ("pg_monitor",)


@dataclass(frozen=True, kw_only=True)
class PostgresDatabasesProps:
    """The services, and the limits and extensions their databases and roles get."""

    name_prefix: str
    """Databases are ``<prefix>_<service>``, roles ``<prefix>_<service>_user``."""
    services: tuple[str, ...]
    database: ServiceDatabaseProps = field(default_factory=ServiceDatabaseProps)
    """Every service database: connection limit, extensions in each."""
    role: LoginRoleProps = field(default_factory=LoginRoleProps)
    """Every login role (services and monitoring): connection limit."""
    service_extensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Service -> extensions its database gets on top of ``database.extensions``."""
    create_monitoring_role: bool = True
    """A role for observability: ``pg_monitor`` and CONNECT on every service database."""

    def __post_init__(self) -> None:
        identifier("name_prefix", self.name_prefix)
        if not self.services:
            raise ConfigError("services", "at least one service", self.services)
        for service in self.services:
            if not isinstance(service, str) or not _SERVICE.match(service):
                raise ConfigError("services", "service names of lower-case letters and digits", service)
            if service == MONITORING:
                raise ConfigError("services", f"names other than {MONITORING!r} (the monitoring role's)", service)
            identifier("services", self.role_of(service))
        validation.unique("services", self.services)
        for service, extensions in self.service_extensions.items():
            validation.one_of("service_extensions", service, self.services)
            extension_names("service_extensions", extensions)

    def database_of(self, service: str) -> str:
        return f"{self.name_prefix}_{service}"

    def role_of(self, service: str) -> str:
        return f"{self.name_prefix}_{service}_user"

    def extensions_of(self, service: str) -> tuple[str, ...]:
        extra = self.service_extensions.get(service, ())
        return (*self.database.extensions, *[e for e in extra if e not in self.database.extensions])

    @property
    def monitoring_role(self) -> str | None:
        """The monitoring role's name, or None when there is none."""
        return f"{self.name_prefix}_{MONITORING}_user" if self.create_monitoring_role else None

    @property
    def login_roles(self) -> tuple[str, ...]:
        """Every role that gets a password: the services', then the monitoring role."""
        monitoring = (self.monitoring_role,) if self.monitoring_role else ()
        return (*(self.role_of(s) for s in self.services), *monitoring)


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
