"""A database owned by one role and closed to every other."""

from __future__ import annotations

import re

from cdktf import Token
from cdktf_cdktf_provider_postgresql.database import Database
from cdktf_cdktf_provider_postgresql.extension import Extension
from cdktf_cdktf_provider_postgresql.grant import Grant
from constructs import Construct

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
    if not Token.is_unresolved(database):
        identifier("database name", database)
    return Grant(scope, id_, database=database, role="public", object_type="database", privileges=[])


class ServiceDatabase(Construct):
    """Database ``name`` owned by ``owner``; CONNECT and TEMPORARY revoked from PUBLIC.

    Only its owner (and superusers) can connect; :meth:`allow_connect` lets
    another role in (a monitoring role, say).
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, owner: LoginRole, props: ServiceDatabaseProps) -> None:
        super().__init__(scope, id_)
        identifier("database name", name)
        self.resource = Database(self, "Resource", name=name, owner=owner.name, connection_limit=props.connection_limit)
        revoke_public(self, "RevokePublic", database=self.name)
        for extension in props.extensions:
            Extension(self, pascal(extension), name=extension, database=self.name)

    @property
    def name(self) -> str:
        """The database's name, as a reference."""
        return self.resource.name

    def allow_connect(self, id_: str, role: LoginRole) -> Grant:
        """CONNECT on this database for ``role`` (nothing inside it)."""
        return Grant(self, id_, database=self.name, role=role.name, object_type="database", privileges=["CONNECT"])
