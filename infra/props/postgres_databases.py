"""Props of infra/constructs/postgres_databases.py: data only (no cdktf), so settings can be made of them.

A database and a login role per service on one PostgreSQL cluster, plus an optional monitoring role.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from infra import validation
from infra.props.login_role import LoginRoleProps
from infra.props.postgresql_connection import identifier
from infra.props.service_database import ServiceDatabaseProps, extension_names
from infra.validation import ConfigError

MONITORING = "monitoring"
_SERVICE = re.compile(r"^[a-z][a-z0-9]{0,30}$")


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
    password_versions: Mapping[str, int] = field(default_factory=dict)
    """Login role -> the version of its password (1 when unset). Raise one and deploy: that role, and only
    that role, gets a new password. Committed, so every machine deploying the environment agrees."""

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
        for role, version in self.password_versions.items():
            validation.one_of("password_versions", role, self.login_roles)
            validation.int_between(f"password_versions.{role}", version, 1, 1_000_000)

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

    def password_version(self, role: str) -> int:
        """The version of ``role``'s password (1 until raised)."""
        return self.password_versions.get(role, 1)

    @property
    def login_roles(self) -> tuple[str, ...]:
        """Every role that gets a password: the services', then the monitoring role."""
        monitoring = (self.monitoring_role,) if self.monitoring_role else ()
        return (*(self.role_of(s) for s in self.services), *monitoring)
