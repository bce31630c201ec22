"""Passwords of login roles, given to Terraform at plan and apply time and never stored by it.

Two input variables per stack:

- ``role_passwords`` (role -> password) is ephemeral and sensitive: Terraform
  keeps it out of plans and state and lets it reach only write-only
  arguments (``password_wo``);
- ``role_password_versions`` (role -> version): a write-only value is sent
  only when its version changes, so a new version is what rotates a password.

Their values come from the environment (``TF_VAR_role_passwords``, ...; see
infra.systems.link.passwords). cdktf 0.21's TerraformVariable has no ``ephemeral``, so
it is set by override.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformVariable
from constructs import Construct

from infra.props.postgresql_connection import identifier

PASSWORDS_VARIABLE = "role_passwords"
VERSIONS_VARIABLE = "role_password_versions"


@dataclass(frozen=True)
class WriteOnlyPassword:
    """References to one role's password (valid only in write-only arguments) and its version."""

    value: str
    version: str


class RolePasswords(Construct):
    """The two variables; :meth:`of` hands out one role's references. One per stack."""

    def __init__(self, scope: Construct, id_: str) -> None:
        super().__init__(scope, id_)
        passwords = TerraformVariable(
            self,
            "Passwords",
            type="map(string)",
            sensitive=True,
            nullable=False,
            description="Role name -> password (ephemeral: never in plan or state); set TF_VAR_role_passwords",
        )
        passwords.override_logical_id(PASSWORDS_VARIABLE)
        passwords.add_override("ephemeral", True)
        versions = TerraformVariable(
            self,
            "Versions",
            type="map(string)",
            nullable=False,
            description="Role name -> password version; a new version sends the role's password again",
        )
        versions.override_logical_id(VERSIONS_VARIABLE)

    def of(self, role: str) -> WriteOnlyPassword:
        identifier("role name", role)
        return WriteOnlyPassword(
            value=f'${{var.{PASSWORDS_VARIABLE}["{role}"]}}',
            version=f'${{var.{VERSIONS_VARIABLE}["{role}"]}}',
        )
