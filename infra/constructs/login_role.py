"""A PostgreSQL role that logs in, with a write-only password and a connection limit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_postgresql.role import Role
from constructs import Construct

from infra.props.login_role import LoginRoleProps
from infra.props.postgresql_connection import identifier


@dataclass(frozen=True)
class WriteOnlyPassword:
    """References to one role's password (valid only in write-only arguments) and its version."""

    value: str
    version: str


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

    @property
    def address(self) -> str:
        """The role's Terraform address (``postgresql_role.<id>``), for ``replace_triggered_by``."""
        return f"{self.resource.terraform_resource_type}.{self.resource.friendly_unique_id}"
