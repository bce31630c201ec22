"""A database of a DatabaseSet, closed to every role but its owner, with its extensions."""

from __future__ import annotations

import re

from cdktf_cdktf_provider_postgresql.extension import Extension
from cdktf_cdktf_provider_postgresql.grant import Grant
from constructs import Construct

from infra.constructs.database_set import DatabaseSet
from infra.constructs.login_role import LoginRole
from infra.props.service_database import ServiceDatabaseProps


def pascal(name: str) -> str:
    """``uuid-ossp`` -> ``UuidOssp``: construct ids from PostgreSQL names."""
    return "".join(part.capitalize() for part in re.split(r"[-_]", name) if part)


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
        # An empty privilege list revokes everything PUBLIC has on the database (CONNECT, TEMPORARY).
        Grant(self, "RevokePublic", database=self.name, role="public", object_type="database", privileges=[])
        for extension in props.extensions:
            Extension(self, pascal(extension), name=extension, database=self.name)

    @property
    def name(self) -> str:
        """The database's name, as a reference."""
        return self._name

    def allow_connect(self, id_: str, role: LoginRole) -> Grant:
        """CONNECT on this database for ``role`` (nothing inside it)."""
        return Grant(self, id_, database=self.name, role=role.name, object_type="database", privileges=["CONNECT"])
