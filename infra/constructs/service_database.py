"""A database owned by one role and closed to every other."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf_cdktf_provider_postgresql.database import Database
from cdktf_cdktf_provider_postgresql.extension import Extension
from cdktf_cdktf_provider_postgresql.grant import Grant
from constructs import Construct

from infra import validation
from infra.constructs.login_role import LoginRole
from infra.constructs.postgresql_connection import identifier
from infra.validation import ConfigError

_EXTENSION = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")


def extension_names(field: str, values: tuple[str, ...]) -> None:
    """Names ``CREATE EXTENSION`` takes, each once."""
    for extension in values:
        if not isinstance(extension, str) or not _EXTENSION.match(extension):
            raise ConfigError(field, "extension names such as 'uuid-ossp' or 'vector'", extension)
    validation.unique(field, values)


def pascal(name: str) -> str:
    """``uuid-ossp`` -> ``UuidOssp``: construct ids from PostgreSQL names."""
    return "".join(part.capitalize() for part in re.split(r"[-_]", name) if part)


@dataclass(frozen=True, kw_only=True)
class ServiceDatabaseProps:
    """Limits and extensions of a service's database."""

    connection_limit: int = -1
    """Connections the database accepts at once; -1 for no limit (PostgreSQL's default)."""
    extensions: tuple[str, ...] = ()
    """Created in the database's ``public`` schema; the server must ship them."""

    def __post_init__(self) -> None:
        validation.int_between("connection_limit", self.connection_limit, -1, 100000)
        extension_names("extensions", self.extensions)


class ServiceDatabase(Construct):
    """Database ``name`` owned by ``owner``; CONNECT and TEMPORARY revoked from PUBLIC.

    Only its owner (and superusers) can connect; :meth:`allow_connect` lets
    another role in (a monitoring role, say).
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, owner: LoginRole, props: ServiceDatabaseProps) -> None:
        super().__init__(scope, id_)
        identifier("database name", name)
        self.resource = Database(self, "Resource", name=name, owner=owner.name, connection_limit=props.connection_limit)
        # An empty privilege list revokes everything PUBLIC has on the database (CONNECT, TEMPORARY).
        Grant(self, "RevokePublic", database=self.name, role="public", object_type="database", privileges=[])
        for extension in props.extensions:
            Extension(self, pascal(extension), name=extension, database=self.name)

    @property
    def name(self) -> str:
        """The database's name, as a reference."""
        return self.resource.name

    def allow_connect(self, id_: str, role: LoginRole) -> Grant:
        """CONNECT on this database for ``role`` (nothing inside it)."""
        return Grant(self, id_, database=self.name, role=role.name, object_type="database", privileges=["CONNECT"])
