"""Login roles whose passwords are generated at apply time and kept in Secrets Manager, never in state.

Per role: an ephemeral ``aws_secretsmanager_random_password``
(:class:`EphemeralPassword`) goes, in the same run, to the role
(``postgresql_role.password_wo``) and to its secret (named by the caller) as
``{"username", "password"}`` (``secret_string_wo``). Both send it only when the
role's password version changes, so a plan or apply from any machine, with or
without local files, generates a value and sends it nowhere until someone
raises a version in settings. The secret is where operators, CI and rendered
files read the password. A role made again (renamed, say) starts with a new
password, and its secret is written again with it (``replace_triggered_by``).

Both get the value in one apply; should that apply fail between the two,
raising the role's version once sets both again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from constructs import Construct

from infra import validation
from infra.constructs.ephemeral_password import EphemeralPassword
from infra.constructs.kms_key import KeyLike
from infra.constructs.login_role import LoginRole, WriteOnlyPassword
from infra.constructs.secret import Secret
from infra.constructs.service_database import pascal
from infra.props.login_role import LoginRoleProps
from infra.props.postgresql_connection import identifier
from infra.props.secret import SecretProps


class SecretPasswordRoles(Construct):
    """Makes login roles whose passwords live in secrets ``secret_name(role)``, encrypted with ``kms_key``.

    ``versions`` maps a role to its password's version (1 when absent).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        secret_name: Callable[[str], str],
        kms_key: KeyLike,
        secrets: SecretProps,
        versions: Mapping[str, int],
    ) -> None:
        super().__init__(scope, id_)
        for role, version in versions.items():
            identifier("password version role", role)
            validation.int_between(f"{role} password version", version, 1, 1_000_000)
        self.secret_name = secret_name
        self.kms_key = kms_key
        self.secret_props = secrets
        self.versions = dict(versions)
        self.secrets: dict[str, Secret] = {}

    def login_role(
        self, scope: Construct, id_: str, *, name: str, props: LoginRoleProps, member_of: Sequence[str] = ()
    ) -> LoginRole:
        """Role ``name`` at ``scope/id_``; its password and secret under this construct."""
        identifier("role name", name)
        if name in self.secrets:
            raise ValueError(f"role {name} made twice")
        group = Construct(self, pascal(name))
        password = EphemeralPassword(group, "Password")
        version = self.versions.get(name, 1)
        role = LoginRole(
            scope,
            id_,
            name=name,
            password=WriteOnlyPassword(value=f"${{{password.value}}}", version=str(version)),
            props=props,
            member_of=member_of,
        )
        secret = Secret(
            group,
            "Secret",
            name=self.secret_name(name),
            description=f"Password of PostgreSQL role {name}, written by Terraform",
            kms_key=self.kms_key,
            props=self.secret_props,
        )
        value = secret.write_only(f'jsonencode({{username = "{name}", password = {password.value}}})', version=version)
        # An override: cdktf renders replace_triggered_by as "${...}", which Terraform's JSON syntax refuses there.
        value.add_override("lifecycle.replace_triggered_by", [role.address])
        self.secrets[name] = secret
        return role
