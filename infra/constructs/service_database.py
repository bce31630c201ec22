"""A database of a DatabaseSet, closed to every role but its owner, with its extensions."""

from __future__ import annotations

import re

from cdktf import Token
from cdktf_cdktf_provider_postgresql.extension import Extension
from cdktf_cdktf_provider_postgresql.grant import Grant
from constructs import Construct

from infra.constructs.database_set import DatabaseSet
from infra.constructs.login_role import LoginRole
from infra.props.postgresql_connection import identifier
from infra.props.service_database import ServiceDatabaseProps


def pascal(name: str) -> str:
    """``uuid-ossp`` -> ``UuidOssp``: construct ids from PostgreSQL names."""
    return "".join(part.capitalize() for part in re.split(r"[-_]", name) if part)


def revoke_public(scope: Construct, id_: str, *, database: str) -> Grant:
    """Everything PUBLIC (every role) has on ``database`` revoked: CONNECT and TEMPORARY.

    An empty privilege list makes the provider revoke all and grant nothing;
    the owner and superusers keep their own rights.
    """
    # A reference (a token, or a resource expression such as a for_each key's name) is checked where it is made.
    if not Token.is_unresolved(database) and not database.startswith("${"):
        identifier("database name", database)
    return Grant(scope, id_, database=database, role="public", object_type="database", privileges=[])


class ServiceDatabase(Construct):
    """Database ``key`` of ``databases`` (which creates it, protected): CONNECT and TEMPORARY revoked from
    PUBLIC, so only its owner (and superusers) can connect; ``props.extensions`` created in it.

    :meth:`allow_connect` lets another role in (a monitoring role, say). The
    database itself used to be this construct's own resource; it moves into the
    set (see :meth:`DatabaseSet.adopt`).
    """

    def __init__(
        self, scope: Construct, id_: str, *, databases: DatabaseSet, key: str, props: ServiceDatabaseProps
    ) -> None:
        super().__init__(scope, id_)
        databases.adopt(self, key)
        self._name = databases.name_of(key)
        revoke_public(self, "RevokePublic", database=self.name)
        for extension in props.extensions:
            Extension(self, pascal(extension), name=extension, database=self.name)

    @property
    def name(self) -> str:
        """The database's name, as a reference."""
        return self._name

    def allow_connect(self, id_: str, role: LoginRole) -> Grant:
        """CONNECT on this database for ``role`` (nothing inside it)."""
        return Grant(self, id_, database=self.name, role=role.name, object_type="database", privileges=["CONNECT"])
