"""Link: a database and a role per service on one PostgreSQL cluster, through the PostgreSQL provider; the
roles' passwords in Secrets Manager, through the AWS provider."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.kms_key import KmsKey
from infra.constructs.outputs import output
from infra.constructs.postgres_databases import PostgresDatabases
from infra.constructs.postgresql_connection import postgresql_provider
from infra.constructs.role_passwords import SecretPasswordRoles
from infra.registry import StackSpec
from infra.stacks.base import ExternalProviderStack
from infra.systems.link import names
from infra.systems.link.settings import LinkSettings


class LinkStack(ExternalProviderStack):
    """``link-<env>``: the PostgreSQL provider connects as the admin role (password from ``PGPASSWORD``) and
    creates, per service, its role and database; a monitoring role when asked. Each role's password is
    generated at apply time and written, write-only, to the role and to its secret ``link-<env>/<role>``
    (key ``alias/link-<env>-secrets``), where ``make link-files`` and ``make link-output`` read it.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> LinkSettings:
        """The environment's settings are the stack's props (connection, databases, files, secrets, keys)."""
        return spec.settings_of(LinkSettings)

    def __init__(self, scope: Construct, spec: StackSpec, props: LinkSettings) -> None:
        super().__init__(scope, spec)
        self.aws()
        postgresql_provider(self, "Postgresql", props.connection)
        key = KmsKey(
            self,
            "SecretsKey",
            alias=names.key_alias(props.environment),
            description=f"Secrets of link-{props.environment}: its PostgreSQL roles' passwords",
            props=props.keys,
        )
        passwords = SecretPasswordRoles(
            self,
            "Passwords",
            secret_name=lambda role: names.role_secret(props.environment, role),
            kms_key=key,
            secrets=props.secrets,
            versions=props.databases.password_versions,
        )
        databases = PostgresDatabases(self, "Databases", props=props.databases, passwords=passwords)
        output(
            self,
            "service_database_names",
            {service: database.name for service, database in databases.databases.items()},
            "Service -> its database",
        )
        output(
            self,
            "service_role_names",
            {service: role.name for service, role in databases.roles.items()},
            "Service -> its login role (passwords: make link-output NAME=service_passwords)",
        )
        output(
            self,
            "role_secret_arns",
            {role: secret.arn for role, secret in passwords.secrets.items()},
            "Login role -> the secret holding its username and password",
        )
        if databases.monitoring is not None:
            output(
                self,
                "monitoring_role_name",
                databases.monitoring.name,
                "Monitoring role: pg_monitor, CONNECT on every service database",
            )
