"""An Aurora PostgreSQL global database: a writer cluster in one region, a read-only secondary in another."""

from __future__ import annotations

from collections.abc import Sequence

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
from infra.constructs.protection import deletion_guard, final_snapshot_name
from infra.constructs.secret import Secret
from infra.props.aurora_postgres_cluster import AuroraPostgresProps
from infra.validation import ConfigError


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
                "final_snapshot_identifier": final_snapshot_name(
                    self,
                    "aurora",
                    identifier,
                    replaced_with=[props.database_name, props.master_username, storage_key.arn],
                ),
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
