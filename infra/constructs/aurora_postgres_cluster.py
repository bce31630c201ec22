"""An Aurora PostgreSQL global database: a writer cluster in one region, a read-only secondary in another."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster
from cdktf_cdktf_provider_aws.rds_cluster_instance import RdsClusterInstance
from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
    RdsClusterParameterGroup,
    RdsClusterParameterGroupParameter,
)
from cdktf_cdktf_provider_aws.rds_global_cluster import RdsGlobalCluster
from constructs import Construct

from infra import validation
from infra.constructs.ephemeral_password import EphemeralPassword
from infra.constructs.kms_key import KeyLike
from infra.constructs.postgres_instance import enhanced_monitoring_role, export_log_groups, write_postgres_url
from infra.constructs.private_data_store import PrivateDataStore
from infra.constructs.protection import deletion_guard
from infra.constructs.secret import Secret
from infra.validation import ConfigError

# Aurora global databases run on memory-optimized classes only (no burstable t3/t4g).
ALLOWED_INSTANCE_CLASSES = tuple(
    f"db.{family}.{size}"
    for family in ("r5", "r6g", "r6i", "r7g", "r7i", "r8g")
    for size in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
)
SUPPORTED_MAJOR_VERSIONS = (13, 14, 15, 16, 17)
_ENGINE_VERSION = re.compile(r"^(\d+)\.\d+$")
_WINDOW = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$"
)


@dataclass(frozen=True, kw_only=True)
class AuroraPostgresProps:
    """Size, durability and access of the global database."""

    engine_version: str
    """``<major>.<minor>`` of Aurora PostgreSQL, pinned (global databases upgrade deliberately)."""
    instance_class: str = "db.r6g.large"
    """One of ALLOWED_INSTANCE_CLASSES (global databases do not run on burstable classes)."""
    database_name: str = "app"
    master_username: str = "app_admin"
    port: int = 5432
    primary_instances: int = 2
    """Writer plus a reader in another zone: the writer fails over within the region."""
    secondary_instances: int = 1
    """Readers of the secondary cluster; the one promoted in a regional failover."""
    backup_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:30-sun:05:30"
    deletion_protection: bool = True
    final_snapshot: bool = True
    """Snapshot ``<identifier>-final`` of the primary cluster when it is destroyed."""
    force_ssl: bool = True
    """``rds.force_ssl = 1`` in each cluster's parameter group."""
    performance_insights: bool = True
    monitoring_interval_seconds: int = 60
    log_exports: tuple[str, ...] = ("postgresql",)
    """Aurora PostgreSQL exports its server log only (no ``upgrade`` log as RDS PostgreSQL has)."""
    log_retention_days: int = 30
    password_version: int = 1
    """Raise it to rotate the master password (generated at apply time, written write-only)."""

    def __post_init__(self) -> None:
        validation.one_of("instance_class", self.instance_class, ALLOWED_INSTANCE_CLASSES)
        match = _ENGINE_VERSION.match(str(self.engine_version))
        if not match or int(match.group(1)) not in SUPPORTED_MAJOR_VERSIONS:
            raise ConfigError(
                "engine_version", f"<major>.<minor> with major in {SUPPORTED_MAJOR_VERSIONS}", self.engine_version
            )
        if not re.match(r"^[a-z][a-z0-9_]{0,62}$", self.database_name):
            raise ConfigError("database_name", "a lower-case identifier of at most 63 characters", self.database_name)
        if not re.match(r"^[a-z][a-z0-9_]{0,62}$", self.master_username) or self.master_username in (
            "postgres",
            "rdsadmin",
        ):
            raise ConfigError(
                "master_username", "a lower-case identifier other than postgres/rdsadmin", self.master_username
            )
        validation.int_between("port", self.port, 1150, 65535)
        validation.int_between("primary_instances", self.primary_instances, 1, 16)
        validation.int_between("secondary_instances", self.secondary_instances, 1, 16)
        validation.int_between("backup_retention_days", self.backup_retention_days, 1, 35)
        if not _WINDOW.match(self.backup_window):
            raise ConfigError("backup_window", "hh:mm-hh:mm (UTC)", self.backup_window)
        if not _MAINTENANCE_WINDOW.match(self.maintenance_window):
            raise ConfigError("maintenance_window", "ddd:hh:mm-ddd:hh:mm (UTC)", self.maintenance_window)
        validation.one_of("monitoring_interval_seconds", self.monitoring_interval_seconds, (0, 1, 5, 10, 15, 30, 60))
        for export in self.log_exports:
            validation.one_of("log_exports", export, ("postgresql", "iam-db-auth-error"))
        validation.log_retention("log_retention_days", self.log_retention_days)
        validation.int_between("password_version", self.password_version, 1, 1_000_000)

    @property
    def major_version(self) -> int:
        return int(str(self.engine_version).split(".")[0])


class AuroraPostgresCluster(PrivateDataStore):
    """Cluster ``identifier`` with its instances, in the region of the provider ``scope`` is under.

    Made on its own it is the writer of a new global database
    ``<identifier>-global`` (:attr:`global_cluster`); :meth:`add_secondary`
    adds a read-only cluster of it in another region. Storage is encrypted with
    ``storage_key`` (a key of the cluster's region), TLS is forced, nothing is
    public, and the master password is generated at apply time and sent
    write-only (``master_password_wo``): a global database cannot use a
    password managed by RDS in Secrets Manager. :meth:`write_connection_secret`
    stores the URL without it reaching state.
    """

    instances: list[RdsClusterInstance]

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        identifier: str,
        vpc_id: str,
        subnet_ids: Sequence[str],
        storage_key: KeyLike,
        props: AuroraPostgresProps,
        secondary_of: AuroraPostgresCluster | None = None,
    ) -> None:
        validation.resource_name("cluster identifier", identifier, max_length=55)
        super().__init__(
            scope,
            id_,
            name=identifier,
            kind="PostgreSQL",
            port=props.port,
            group_suffix="db",
            vpc_id=vpc_id,
        )
        if not subnet_ids:
            raise ConfigError(f"{identifier} subnet_ids", "at least two subnets in different zones", subnet_ids)
        self.identifier = identifier
        self.props = props
        self.secondary_of = secondary_of
        subnet_group = DbSubnetGroup(
            self,
            "SubnetGroup",
            name=identifier,
            subnet_ids=list(subnet_ids),
            description=f"Private subnets of {identifier}",
        )
        parameter_group = RdsClusterParameterGroup(
            self,
            "ParameterGroup",
            name=f"{identifier}-aurora-postgresql{props.major_version}",
            family=f"aurora-postgresql{props.major_version}",
            description=f"Parameters of {identifier}",
            parameter=[RdsClusterParameterGroupParameter(name="rds.force_ssl", value="1" if props.force_ssl else "0")],
        )
        log_groups = export_log_groups(
            self, f"/aws/rds/cluster/{identifier}", props.log_exports, props.log_retention_days
        )

        self._password: EphemeralPassword | None = None
        role_settings: dict[str, object]
        if secondary_of is None:
            self.global_cluster: RdsGlobalCluster = RdsGlobalCluster(
                self,
                "GlobalCluster",
                global_cluster_identifier=f"{identifier}-global",
                engine="aurora-postgresql",
                engine_version=props.engine_version,
                storage_encrypted=True,
                deletion_protection=props.deletion_protection,
                lifecycle=deletion_guard(props.deletion_protection),
            )
            self._password = EphemeralPassword(self, "MasterPassword")
            role_settings = {
                "database_name": props.database_name,
                "master_username": props.master_username,
                "master_password_wo": f"${{{self._password.value}}}",
                "master_password_wo_version": props.password_version,
                "skip_final_snapshot": not props.final_snapshot,
                "final_snapshot_identifier": f"{identifier}-final" if props.final_snapshot else None,
            }
            instances = props.primary_instances
        else:
            self.global_cluster = secondary_of.global_cluster
            # A secondary joins with no credentials of its own; AWS adds it once the primary has a writer.
            role_settings = {"skip_final_snapshot": True, "depends_on": [*secondary_of.instances, *log_groups]}
            instances = props.secondary_instances
        depends_on = role_settings.pop("depends_on", log_groups)
        self.cluster = RdsCluster(
            self,
            "Cluster",
            cluster_identifier=identifier,
            global_cluster_identifier=self.global_cluster.id,
            engine="aurora-postgresql",
            engine_version=props.engine_version,
            port=props.port,
            storage_encrypted=True,
            kms_key_id=storage_key.arn,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            db_cluster_parameter_group_name=parameter_group.name,
            backup_retention_period=props.backup_retention_days,
            preferred_backup_window=props.backup_window,
            preferred_maintenance_window=props.maintenance_window,
            deletion_protection=props.deletion_protection,
            lifecycle=deletion_guard(props.deletion_protection),
            copy_tags_to_snapshot=True,
            enabled_cloudwatch_logs_exports=list(props.log_exports),
            iam_database_authentication_enabled=True,
            apply_immediately=False,
            tags={"Name": identifier},
            depends_on=depends_on,  # type: ignore[arg-type]
            **role_settings,  # type: ignore[arg-type]
        )
        monitoring_role = enhanced_monitoring_role(self, identifier) if props.monitoring_interval_seconds else None
        self.instances = [
            RdsClusterInstance(
                self,
                f"Instance{index}",
                identifier=f"{identifier}-{index}",
                cluster_identifier=self.cluster.id,
                engine="aurora-postgresql",
                engine_version=props.engine_version,
                instance_class=props.instance_class,
                db_subnet_group_name=subnet_group.name,
                publicly_accessible=False,
                performance_insights_enabled=props.performance_insights,
                performance_insights_kms_key_id=storage_key.arn if props.performance_insights else None,
                performance_insights_retention_period=7 if props.performance_insights else None,
                monitoring_interval=props.monitoring_interval_seconds,
                monitoring_role_arn=monitoring_role.arn if monitoring_role else None,
                auto_minor_version_upgrade=False,
                copy_tags_to_snapshot=True,
                apply_immediately=False,
                tags={"Name": f"{identifier}-{index}"},
            )
            for index in range(1, instances + 1)
        ]
        self.endpoint = self.cluster.endpoint
        self.reader_endpoint = self.cluster.reader_endpoint

    def add_secondary(
        self,
        scope: Construct,
        id_: str,
        *,
        identifier: str,
        vpc_id: str,
        subnet_ids: Sequence[str],
        storage_key: KeyLike,
    ) -> AuroraPostgresCluster:
        """A read-only cluster of this global database under ``scope`` (a RegionScope for another region)."""
        if self.secondary_of is not None:
            raise ConfigError(f"{identifier} source", "the primary cluster (not a secondary)", self.identifier)
        return AuroraPostgresCluster(
            scope,
            id_,
            identifier=identifier,
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            storage_key=storage_key,
            props=self.props,
            secondary_of=self,
        )

    def write_connection_secret(self, secret: Secret) -> None:
        """``{"url", "host", "port", "username", "dbname"}`` for the writer endpoint, written write-only.

        Rewritten when the cluster is replaced (its resource id changes) or ``password_version`` changes.
        """
        if self._password is None:
            raise ConfigError(f"{self.identifier} connection secret", "written for the primary cluster", None)
        props = self.props
        write_postgres_url(
            secret,
            username=f'"{props.master_username}"',
            password=self._password.value,
            host=self.cluster.endpoint,
            port=props.port,
            database_name=props.database_name,
            version_source=f'join(":", [{self.cluster.cluster_resource_id}, "{props.password_version}"])',
        )
