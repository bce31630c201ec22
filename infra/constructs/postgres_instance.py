"""An RDS PostgreSQL instance in private subnets, encrypted, TLS-only, reachable only from named groups."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_instance_automated_backups_replication import DbInstanceAutomatedBackupsReplication
from cdktf_cdktf_provider_aws.db_parameter_group import DbParameterGroup, DbParameterGroupParameter
from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.secretsmanager_secret_rotation import (
    SecretsmanagerSecretRotation,
    SecretsmanagerSecretRotationRotationRules,
)
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion
from constructs import Construct

from infra import validation
from infra.constructs.ephemeral_password import EphemeralPassword
from infra.constructs.iam import ServiceRole
from infra.constructs.kms_key import KeyLike
from infra.constructs.private_data_store import PrivateDataStore
from infra.constructs.protection import deletion_guard, final_snapshot_name
from infra.constructs.secret import ContainerSecretSource, Secret, SecretByArn, version_from
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps, ReadReplicaProps
from infra.validation import ConfigError


@dataclass(frozen=True)
class PostgresClient:
    """How a container reaches the database: plain environment, and secrets ECS injects when a task starts."""

    environment: Mapping[str, str]
    secrets: Mapping[str, ContainerSecretSource]


class PostgresInstance(PrivateDataStore):
    """``identifier`` in the given private subnets.

    Not publicly accessible; storage encrypted (gp3); TLS forced by its own
    parameter group; exported logs kept ``log_retention_days``; enhanced
    monitoring and IAM authentication on; a final snapshot unless told not to.
    ``storage_key`` encrypts storage (and Performance Insights), ``secret_key``
    the RDS-managed master secret; None uses the AWS-managed keys.
    It accepts connections only from the security groups passed to
    :meth:`allow_from`. :meth:`write_connection_secret` puts a URL with the
    password into a secret without the password ever reaching state.

    With ``replica_of`` it is a read replica of that instance, in the region of
    the provider ``scope`` is under (see :meth:`add_read_replica`).
    """

    instance: DbInstance

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        identifier: str,
        vpc_id: str,
        subnet_ids: Sequence[str],
        storage_key: KeyLike | None,
        secret_key: KeyLike | None,
        props: PostgresInstanceProps,
        existing_security_group_id: str | None = None,
        replica_of: PostgresInstance | None = None,
    ) -> None:
        validation.resource_name("database identifier", identifier, max_length=63)
        super().__init__(
            scope,
            id_,
            name=identifier,
            kind="PostgreSQL",
            port=props.port,
            group_suffix="db",
            vpc_id=vpc_id,
            existing_security_group_id=existing_security_group_id,
        )
        self.identifier = identifier
        self.props = props
        self.secret_key = secret_key
        self.replica_of = replica_of
        subnet_group_name = props.existing_subnet_group_name
        if subnet_group_name is None:
            if not subnet_ids:
                raise ConfigError(f"{identifier} subnet_ids", "subnets, or existing_subnet_group_name", subnet_ids)
            subnet_group_name = DbSubnetGroup(
                self,
                "SubnetGroup",
                name=identifier,
                subnet_ids=list(subnet_ids),
                description=f"Private subnets of {identifier}",
            ).name
        parameter_group_name = props.existing_parameter_group_name
        if parameter_group_name is None:
            parameters = [DbParameterGroupParameter(name="rds.force_ssl", value="1" if props.force_ssl else "0")]
            if props.max_connections is not None:
                parameters.append(
                    DbParameterGroupParameter(
                        name="max_connections", value=str(props.max_connections), apply_method="pending-reboot"
                    )
                )
            parameter_group_name = DbParameterGroup(
                self,
                "ParameterGroup",
                name=f"{identifier}-postgres{props.major_version}",
                family=f"postgres{props.major_version}",
                description=f"Parameters of {identifier}",
                parameter=parameters,
            ).name
        log_groups = export_log_groups(
            self, f"/aws/rds/instance/{identifier}", props.log_exports, props.log_retention_days
        )
        monitoring_role = enhanced_monitoring_role(self, identifier) if props.monitoring_interval_seconds else None

        self._password: EphemeralPassword | None = None
        source_settings: dict[str, object]
        if replica_of is not None:
            # A replica copies the source's engine, database and credentials. It keeps automated backups of
            # its own (RDS PostgreSQL replicas can from 14.1), so a promoted replica has point-in-time
            # recovery at once. RDS takes no final snapshot of a replica (DeleteDBInstance).
            source_settings = {
                "replicate_source_db": replica_of.instance.arn,
                "backup_retention_period": props.backup_retention_days,
                "backup_window": props.backup_window,
                "skip_final_snapshot": True,
            }
        else:
            source_settings = {
                "engine": "postgres",
                "engine_version": props.engine_version,
                "allocated_storage": props.allocated_storage_gb,
                "db_name": props.database_name,
                "username": props.master_username,
                "backup_retention_period": props.backup_retention_days,
                "backup_window": props.backup_window,
                "skip_final_snapshot": not props.final_snapshot,
                # What replaces the instance replaces the name too (the rest keep the instance).
                "final_snapshot_identifier": final_snapshot_name(
                    self,
                    "rds",
                    identifier,
                    replaced_with=[
                        props.database_name,
                        props.master_username,
                        storage_key.arn if storage_key else "aws/rds",
                    ],
                ),
            }
            if props.master_password == MasterPassword.RDS_MANAGED:
                source_settings["manage_master_user_password"] = True
                if secret_key is not None:
                    source_settings["master_user_secret_kms_key_id"] = secret_key.arn
            else:
                self._password = EphemeralPassword(self, "MasterPassword")
                source_settings["password_wo"] = f"${{{self._password.value}}}"
                source_settings["password_wo_version"] = props.password_version

        self.instance = DbInstance(
            self,
            "Instance",
            identifier=identifier,
            instance_class=props.instance_class,
            max_allocated_storage=props.max_allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=storage_key.arn if storage_key else None,
            performance_insights_kms_key_id=storage_key.arn if storage_key and props.performance_insights else None,
            port=props.port,
            db_subnet_group_name=subnet_group_name,
            vpc_security_group_ids=[self.security_group.id],
            parameter_group_name=parameter_group_name,
            publicly_accessible=False,
            multi_az=props.multi_az,
            maintenance_window=props.maintenance_window,
            copy_tags_to_snapshot=True,
            deletion_protection=props.deletion_protection,
            lifecycle=deletion_guard(props.deletion_protection),
            enabled_cloudwatch_logs_exports=list(props.log_exports),
            performance_insights_enabled=props.performance_insights,
            performance_insights_retention_period=7 if props.performance_insights else None,
            monitoring_interval=props.monitoring_interval_seconds,
            monitoring_role_arn=monitoring_role.arn if monitoring_role else None,
            iam_database_authentication_enabled=True,
            auto_minor_version_upgrade=props.auto_minor_version_upgrade,
            apply_immediately=False,
            tags={"Name": identifier},
            depends_on=log_groups,
            **source_settings,  # type: ignore[arg-type]
        )
        self.address = self.instance.address
        self.endpoint = self.instance.endpoint
        self.arn = self.instance.arn
        if props.master_password_rotation_days is not None:
            # The managed secret's schedule is Secrets Manager's; RDS sets the new password itself.
            SecretsmanagerSecretRotation(
                self,
                "MasterSecretRotation",
                secret_id=self.master_secret_arn,
                rotate_immediately=False,
                rotation_rules=SecretsmanagerSecretRotationRotationRules(
                    automatically_after_days=props.master_password_rotation_days
                ),
            )

    def replicate_backups(
        self, scope: Construct, id_: str, *, kms_key: KeyLike
    ) -> DbInstanceAutomatedBackupsReplication:
        """Copy the automated backups (snapshots and logs) to the region ``scope`` is in, kept as long as here.

        ``scope`` is a RegionScope of another region; ``kms_key`` is a key of that region (the copies are
        encrypted with it).
        """
        if self.replica_of is not None:
            raise ConfigError(f"{self.identifier} backups", "replicated from the primary (the replica's source)", None)
        if self.props.backup_retention_days == 0:
            raise ConfigError("backup_retention_days", "at least 1 to replicate automated backups", 0)
        return DbInstanceAutomatedBackupsReplication(
            scope,
            id_,
            source_db_instance_arn=self.instance.arn,
            kms_key_id=kms_key.arn,
            retention_period=self.props.backup_retention_days,
        )

    def add_read_replica(
        self,
        scope: Construct,
        id_: str,
        *,
        identifier: str,
        vpc_id: str,
        subnet_ids: Sequence[str],
        storage_key: KeyLike,
        props: ReadReplicaProps,
    ) -> PostgresInstance:
        """A read replica of this instance under ``scope`` (a RegionScope for another region).

        Its storage is encrypted with ``storage_key``, a key of the replica's
        region (RDS re-encrypts what it copies across regions); it gets its own
        subnet group, parameter group (TLS forced), security group, log groups
        and monitoring role there. It shares the source's engine, size, port,
        windows and deletion protection; ``props`` says what differs.
        """
        if self.replica_of is not None:
            raise ConfigError(f"{identifier} source", "a primary instance (not a replica)", self.identifier)
        source = self.props
        replica_props = dataclasses.replace(
            source,
            instance_class=props.instance_class or source.instance_class,
            multi_az=props.multi_az,
            performance_insights=(
                source.performance_insights if props.performance_insights is None else props.performance_insights
            ),
            monitoring_interval_seconds=(
                source.monitoring_interval_seconds
                if props.monitoring_interval_seconds is None
                else props.monitoring_interval_seconds
            ),
            max_allocated_storage_gb=source.max_allocated_storage_gb,
            backup_retention_days=props.backup_retention_days or max(source.backup_retention_days, 1),
            existing_subnet_group_name=None,
            existing_parameter_group_name=None,
            master_password_rotation_days=None,  # the replica has no secret of its own: the source's rotates
        )
        return PostgresInstance(
            scope,
            id_,
            identifier=identifier,
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            storage_key=storage_key,
            secret_key=None,
            props=replica_props,
            replica_of=self,
        )

    @property
    def master_secret_arn(self) -> str:
        """ARN of the RDS-managed secret holding the master credentials (RDS_MANAGED only)."""
        if self.props.master_password != MasterPassword.RDS_MANAGED or self.replica_of is not None:
            raise ConfigError("master_password", "rds_managed for a managed secret", self.props.master_password)
        return self.instance.master_user_secret.get(0).secret_arn

    @property
    def master_secret(self) -> SecretByArn:
        """The RDS-managed secret with the master credentials, to grant reading it (RDS_MANAGED only)."""
        return SecretByArn(arn=self.master_secret_arn, kms_key=self.secret_key)

    def write_connection_secret(self, secret: Secret) -> None:
        """Write how to reach the database into ``secret``, never a copy of a password that rotates.

        WRITE_ONLY: ``{"url", "host", "port", "username", "dbname"}`` with the
        URL ``postgresql://user:password@host:port/dbname?sslmode=require``.
        The password changes only when ``password_version`` does (or the
        instance is replaced), in the same apply that rewrites this secret, so
        the secret is never behind the database; state never sees it.

        RDS_MANAGED: RDS rotates the password on its own schedule, so a copy
        would go stale at the first rotation. The secret holds the same keys
        with a URL without password (``postgresql://user@host:port/dbname?sslmode=require``)
        and ``password_secret_arn``, the managed secret whose current version
        holds the password: clients read it there (:meth:`client_settings`
        gives a container ``PGPASSWORD`` from it, which libpq-based clients use
        for a URL without password).
        """
        if self.replica_of is not None:
            raise ConfigError(f"{self.identifier} connection secret", "written for the primary, not a replica", None)
        props = self.props
        username = json.dumps(props.master_username)
        # Tokens are written in expression positions only: cdktf renders them as bare references there.
        if self._password is not None:
            write_postgres_url(
                secret,
                username=username,
                password=self._password.value,
                host=self.instance.address,
                port=props.port,
                database_name=props.database_name,
                version_source=f'join(":", [{self.instance.resource_id}, "{props.password_version}"])',
            )
            return
        write_postgres_url(
            secret,
            username=username,
            password=None,
            host=self.instance.address,
            port=props.port,
            database_name=props.database_name,
            version_source=f'join(":", [{self.instance.resource_id}, {self.instance.address}, "{props.port}"])',
            password_secret_arn=self.master_secret_arn,
        )

    def client_settings(self) -> PostgresClient:
        """What a container needs to connect, with the password read from the managed secret at each start.

        Plain environment: libpq's ``PGHOST``, ``PGPORT``, ``PGDATABASE``,
        ``PGUSER`` and ``PGSSLMODE=require``. Secret: ``PGPASSWORD``, the
        ``password`` key of the RDS-managed secret (``<arn>:password::``), which
        ECS resolves to its AWSCURRENT version when a task starts: a task
        started after a rotation gets the new password. RDS_MANAGED only (a
        WRITE_ONLY password lives in the connection secret, rewritten with it).
        """
        props = self.props
        return PostgresClient(
            environment={
                "PGHOST": self.instance.address,
                "PGPORT": str(props.port),
                "PGDATABASE": props.database_name,
                "PGUSER": props.master_username,
                "PGSSLMODE": "require",
            },
            secrets={"PGPASSWORD": self.master_secret.key("password")},
        )


def export_log_groups(
    scope: Construct, prefix: str, exports: Sequence[str], retention_days: int
) -> list[CloudwatchLogGroup]:
    """The log groups RDS exports into (``<prefix>/<export>``), made first so they get a retention."""
    return [
        CloudwatchLogGroup(
            scope,
            f"LogGroup{export.title().replace('-', '')}",
            name=f"{prefix}/{export}",
            retention_in_days=retention_days,
        )
        for export in exports
    ]


def enhanced_monitoring_role(scope: Construct, identifier: str) -> ServiceRole:
    """The role RDS enhanced monitoring publishes OS metrics with (``<identifier>-rds-monitoring``)."""
    role = ServiceRole(
        scope,
        "MonitoringRole",
        name=f"{identifier}-rds-monitoring",
        service="monitoring.rds.amazonaws.com",
        description=f"Enhanced monitoring of {identifier}",
    )
    role.attach_managed_policy("service-role/AmazonRDSEnhancedMonitoringRole")
    return role


def write_postgres_url(
    secret: Secret,
    *,
    username: str,
    password: str | None,
    host: str,
    port: int | str,
    database_name: str,
    version_source: str,
    with_password: bool = False,
    password_secret_arn: str | None = None,
) -> SecretsmanagerSecretVersion:
    """Write ``{"url", "host", "port", "username", "dbname"}`` (HCL expressions) into ``secret``, write-only.

    ``username`` and ``password`` are HCL expressions (a quoted literal, an
    ephemeral reference), ``port`` a number or a reference to one; ``version_source``
    an HCL string that changes exactly when the value can have (see
    :func:`infra.constructs.secret.version_from`). ``with_password`` also
    writes the password under ``password``, for clients that take the parts.
    ``password`` None writes a URL without password and, under
    ``password_secret_arn``, the secret that holds it (one that rotates).
    """
    if password is None:
        url = (
            f'format("postgresql://%s@%s:%d/%s?sslmode=require", urlencode({username}), {host}, {port}, '
            f'"{database_name}")'
        )
    else:
        url = (
            f'format("postgresql://%s:%s@%s:%d/%s?sslmode=require", urlencode({username}), urlencode({password}), '
            f'{host}, {port}, "{database_name}")'
        )
    extra = f"password = {password}, " if with_password and password is not None else ""
    if password_secret_arn is not None:
        extra += f"password_secret_arn = {password_secret_arn}, "
    value = (
        f"jsonencode({{url = {url}, host = {host}, port = {port}, username = {username}, "
        f'{extra}dbname = "{database_name}"}})'
    )
    return secret.write_only(value, version=version_from(version_source))
