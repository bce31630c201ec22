"""A PostgreSQL role that logs in, with a write-only password and a connection limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_postgresql.role import Role
from constructs import Construct

from infra import validation
from infra.constructs.postgresql_connection import identifier
from infra.constructs.role_passwords import WriteOnlyPassword


@dataclass(frozen=True, kw_only=True)
class LoginRoleProps:
    """Limits of a login role."""

    connection_limit: int = -1
    """Connections the role may hold at once; -1 for no limit (PostgreSQL's default)."""

    def __post_init__(self) -> None:
        validation.int_between("connection_limit", self.connection_limit, -1, 100000)


class LoginRole(Construct):
    """Role ``name``: login, no other attribute, member of ``member_of`` (``pg_monitor``, say).

    The password goes through ``password_wo``: Terraform sends it when its
    version changes and keeps it in neither plan nor state.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        password: WriteOnlyPassword,
        props: LoginRoleProps,
        member_of: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id_)
        identifier("role name", name)
        for role in member_of:
            identifier(f"{name} member_of", role)
        self.resource = Role(
            self,
            "Resource",
            name=name,
            login=True,
            connection_limit=props.connection_limit,
            password_wo=password.value,
            password_wo_version=password.version,
            roles=list(member_of) or None,
        )

    @property
    def name(self) -> str:
        """The role's name, as a reference (so users of it depend on the role)."""
        return self.resource.name
