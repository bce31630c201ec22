"""Props of infra/constructs/postgresql_connection.py: data only (no cdktf), so settings can be made of them.

The PostgreSQL provider: which server, as whom, over what TLS; never with a password in code or state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

SSL_MODES = ("disable", "require")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def identifier(field: str, value: object) -> None:
    """A PostgreSQL name that needs no quoting: lower case, digits, underscores, at most 63 characters."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise ConfigError(field, "a PostgreSQL name of lower-case letters, digits and _ (at most 63)", value)


def host_name(field: str, value: object) -> None:
    """A host name or IPv4 address, lower case."""
    if not isinstance(value, str) or not _HOST.match(value):
        raise ConfigError(field, "a lower-case host name or IPv4 address", value)


@dataclass(frozen=True, kw_only=True)
class PostgresConnectionProps:
    """Where Terraform (and the generated scripts) reach the cluster as its administrator."""

    host: str
    port: int = 5432
    username: str = "postgres"
    """An administrative role; its password comes from ``PGPASSWORD``."""
    database: str = "postgres"
    """The database the provider connects to first."""
    sslmode: str = "require"
    """libpq's sslmode: one of SSL_MODES."""

    def __post_init__(self) -> None:
        host_name("host", self.host)
        validation.int_between("port", self.port, 1, 65535)
        identifier("username", self.username)
        identifier("database", self.database)
        validation.one_of("sslmode", self.sslmode, SSL_MODES)
