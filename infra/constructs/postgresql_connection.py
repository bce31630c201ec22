"""The PostgreSQL provider: which server, as whom, over what TLS; never with a password in code or state.

The provider reads the password from ``PGPASSWORD`` when none is configured,
so the synthesized JSON names none; provider configuration is never written
to Terraform state. For an RDS instance whose master password RDS manages,
:func:`rds_postgresql_provider` reads the credentials from its secret through
an ephemeral read instead: nobody handles them, and no plan, state or file
holds them.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_db_instance import DataAwsDbInstance
from cdktf_cdktf_provider_postgresql.provider import PostgresqlProvider
from constructs import Construct

from infra.constructs.aws_context import stack_of
from infra.props.postgresql_connection import PostgresConnectionProps, identifier


def postgresql_provider(scope: Construct, id_: str, props: PostgresConnectionProps) -> PostgresqlProvider:
    """The provider for ``props``; it takes the password from ``PGPASSWORD`` at plan and apply time."""
    return PostgresqlProvider(
        scope,
        id_,
        host=props.host,
        port=props.port,
        username=props.username,
        database=props.database,
        sslmode=props.sslmode,
    )


def rds_postgresql_provider(
    scope: Construct, id_: str, *, instance_identifier: str, database: str
) -> DataAwsDbInstance:
    """The provider for RDS instance ``instance_identifier``, as its master user, over TLS; returns the instance.

    Address and port come from ``data.aws_db_instance``; the master user's name
    and password from its RDS-managed secret, read ephemerally (Terraform 1.10+
    lets provider configuration use ephemeral values). The master user of RDS
    is no superuser, and the provider is told so. The stack needs an AWS provider.
    """
    identifier("database", database)
    stack = stack_of(scope)
    instance = DataAwsDbInstance(scope, f"{id_}Instance", db_instance_identifier=instance_identifier)
    reader = f"{id_.lower()}_master"
    stack.add_override(
        f"ephemeral.aws_secretsmanager_secret_version.{reader}",
        {"secret_id": instance.master_user_secret.get(0).secret_arn},
    )
    credentials = f"jsondecode(ephemeral.aws_secretsmanager_secret_version.{reader}.secret_string)"
    PostgresqlProvider(
        scope,
        id_,
        host=instance.address,
        port=instance.port,
        database=database,
        username=f"${{{credentials}.username}}",
        password=f"${{{credentials}.password}}",
        sslmode="require",
        superuser=False,
        connect_timeout=15,
    )
    return instance
