"""Props of infra/constructs/service_database.py: data only (no cdktf), so settings can be made of them.

A database owned by one role and closed to every other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

_EXTENSION = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


def extension_names(field: str, values: tuple[str, ...]) -> None:
    """Names ``CREATE EXTENSION`` takes, each once."""
    for extension in values:
        if not isinstance(extension, str) or not _EXTENSION.match(extension):
            raise ConfigError(field, "extension names such as 'uuid-ossp' or 'vector'", extension)
    validation.unique(field, values)


@dataclass(frozen=True, kw_only=True)
class ServiceDatabaseProps:
    """Limits and extensions of a service's database."""

    connection_limit: int = -1
    """Connections the database accepts at once; -1 for no limit (PostgreSQL's default)."""
    extensions: tuple[str, ...] = ()
    """Created in the database's ``public`` schema; the server must ship them."""
    deletion_protection: bool = True
    """``lifecycle.prevent_destroy`` on the database: any plan that would drop it (its entry or service removed,
    a change that replaces it) fails before anything is touched. Turn it off only to tear down on purpose."""

    def __post_init__(self) -> None:
        validation.int_between("connection_limit", self.connection_limit, -1, 100000)
        extension_names("extensions", self.extensions)
