"""Luneo: both regions of an environment in one stack (``luneo-<env>-*``), eu-west-1 primary, us-east-1 secondary."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from constructs import Construct

from infra.constructs.aurora_postgres_cluster import AuroraPostgresCluster
from infra.constructs.aws_context import RegionScope
from infra.constructs.cdn_distribution import CdnDistribution, CdnOrigin
from infra.constructs.container_registry import ContainerRegistry, RegistryReplication, ReplicationRule
from infra.constructs.dns_failover import FailoverRecord
from infra.constructs.iam import ServiceRole
from infra.constructs.kms_key import KeyPurpose, KmsKey, purpose_keys
from infra.constructs.kubernetes_platform import KubernetesPlatform
from infra.constructs.monitoring import Monitoring
from infra.constructs.outputs import output
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.constructs.secret import Secret
from infra.constructs.security_group import SecurityGroup
from infra.naming import pascal
from infra.props.aurora_postgres_cluster import AuroraPostgresProps
from infra.props.cdn_distribution import CdnDistributionProps
from infra.props.container_registry import ContainerRegistryProps
from infra.props.dns_failover import FailoverRecordProps
from infra.props.eks_cluster import ServiceAccountProps
from infra.props.kms_key import KmsKeyProps
from infra.props.kubernetes_platform import KubernetesPlatformProps
from infra.props.monitoring import MonitoringProps
from infra.props.postgres_instance import PostgresInstanceProps, ReadReplicaProps
from infra.props.private_bucket import PrivateBucketProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from infra.systems.luneo.settings import LuneoSettings, RegionSettings

KEYS = {
    "rds": KeyPurpose(description="KMS key for RDS"),
    "redis": KeyPurpose(description="KMS key for ElastiCache Redis"),
    "s3": KeyPurpose(description="KMS key for S3 assets"),
    "alerts": KeyPurpose(description="KMS key for the alert topic", allowed_services=("cloudwatch.amazonaws.com",)),
    # The document's luneo-secrets: usable only through its allowed_services.
    "secrets": KeyPurpose(
        description="KMS key for application secrets",
        via_services=("secretsmanager.amazonaws.com", "rds.amazonaws.com"),
    ),
}
"""Luneo's keys per purpose, each ``alias/<prefix>-<purpose>`` in every region it is made in."""


@dataclass(frozen=True, kw_only=True)
class LuneoProps:
    """Everything a Luneo environment builds, in both regions."""

    prefix: str
    secondary_region: str
    primary: KubernetesPlatformProps
    secondary: KubernetesPlatformProps
    database: PostgresInstanceProps | None
    """Instance mode: the RDS instance (its replica from ``replica``); None in Aurora mode."""
    replica: ReadReplicaProps
    aurora: AuroraPostgresProps | None
    """Aurora mode: the global database; None in instance mode."""
    cache: RedisProps
    assets: PrivateBucketProps
    cdn: CdnDistributionProps
    repositories: tuple[str, ...]
    """ECR names (``<environment>/<document name>``)."""
    registry: ContainerRegistryProps
    replication: tuple[ReplicationRule, ...]
    """The account's ECR replication rules, when this environment writes its one configuration; else none."""
    redis_clients: tuple[ServiceAccountProps, ...]
    failover: FailoverRecordProps | None
    keys: KmsKeyProps
    secrets: SecretProps
    monitoring: MonitoringProps


def replication_rules(settings: LuneoSettings) -> tuple[ReplicationRule, ...]:
    """The ECR replication rules this environment writes: its own repositories' in an account of its own,
    every environment's of the account where it shares one and writes the account's one configuration
    (ECR keeps one per account and region: two writers would each overwrite the other's rules), none else."""
    if not settings.owns_account_resources:
        return ()
    own = (
        [(name, settings.secondary.region) for name in (settings.repository_name(n) for n in settings.repositories)]
        if settings.enable_registry_replication
        else []
    )
    by_destination: dict[str, list[str]] = {}
    for name, region in [*settings.account_replicated_repositories, *own]:
        by_destination.setdefault(region, []).append(name)
    return tuple(
        ReplicationRule(repositories=tuple(names), destination_regions=(region,))
        for region, names in by_destination.items()
    )


class LuneoStack(AwsStack):
    """One Luneo environment: everything in eu-west-1 is under the default provider, everything in the
    secondary region under the ``secondary`` RegionScope (addresses ``Secondary/...``).

    - Per region: a VPC (public, private and isolated data subnets), an EKS
      cluster ``<prefix>-eks-primary``/``-secondary`` with a Spot node group,
      and KMS keys per purpose ``alias/<prefix>-<purpose>`` (eks, rds, s3,
      alerts; rds in the secondary for the replica's storage).
    - Data in eu-west-1: PostgreSQL ``<prefix>-db`` (RDS key) with a read
      replica ``<prefix>-db-replica`` in the secondary region (its own RDS
      key), or an Aurora global database; Redis ``<prefix>-redis`` (Redis key);
      the connection secret ``<prefix>/database`` (secrets key, usable only
      through Secrets Manager and RDS). Both reach the databases and Redis
      only from their region's EKS cluster security group.
    - Assets ``<prefix>-assets`` (S3 key) replicated to
      ``<prefix>-assets-replica``, both behind one CloudFront distribution
      (origin access control, the replica as failover origin).
    - ECR ``<env>/luneo-*`` in both regions, replicated from the primary by
      the account's one replication configuration, which the environment
      owning the account's resources writes with every environment's rules.
    - Redis clients: per ``redis_clients`` entry, a role its service account's
      pods assume (IAM roles for service accounts on the primary cluster)
      that may connect as the IAM-authenticated Redis user ``<prefix>-<name>``.
    - Route 53 failover between the regions' ingress hostnames.
    - Topics ``<prefix>-alerts`` in each region (alarms notify a topic of their
      own region): Redis, database and replication alarms in eu-west-1,
      replica lag and health checks in us-east-1.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> LuneoProps:
        settings = spec.settings_of(LuneoSettings)

        def platform(region: RegionSettings) -> KubernetesPlatformProps:
            return KubernetesPlatformProps(
                network=region.network,
                cluster=settings.kubernetes,
                nodes=region.nodes,
                base_nodes=region.base_nodes,
                keys=settings.keys,
            )

        aurora = settings.enable_aurora_global
        return LuneoProps(
            prefix=settings.name_prefix,
            secondary_region=settings.secondary.region,
            primary=platform(settings.primary),
            secondary=platform(settings.secondary),
            database=None if aurora else settings.database,
            replica=settings.replica,
            aurora=settings.aurora if aurora else None,
            cache=settings.cache,
            assets=settings.assets,
            cdn=settings.cdn,
            repositories=tuple(settings.repository_name(name) for name in settings.repositories),
            registry=settings.registry,
            replication=replication_rules(settings),
            redis_clients=settings.redis_clients,
            failover=settings.dns if settings.enable_failover_dns else None,
            keys=settings.keys,
            secrets=settings.secrets,
            monitoring=settings.monitoring,
        )

    def __init__(self, scope: Construct, spec: StackSpec, props: LuneoProps) -> None:
        super().__init__(scope, spec)
        prefix = props.prefix
        self.props = props
        secondary = self.region("secondary", props.secondary_region)
        # CloudFront certificates and Route 53 health check metrics live in us-east-1 only.
        edge: Construct = secondary if props.secondary_region == "us-east-1" else self.region("edge", "us-east-1")

        primary_keys = self._keys(self, ("rds", "redis", "s3", "alerts"))
        secondary_keys = self._keys(secondary, ("rds", "s3", "alerts"))
        secrets_key = self._keys(self, ("secrets",))["secrets"]

        self.primary = KubernetesPlatform(
            self,
            "Platform",
            name=f"{prefix}-primary",
            key_alias=f"{prefix}-eks",
            cluster_name=f"{prefix}-eks-primary",
            props=props.primary,
        )
        self.secondary = KubernetesPlatform(
            secondary,
            "Platform",
            name=f"{prefix}-secondary",
            key_alias=f"{prefix}-eks",
            cluster_name=f"{prefix}-eks-secondary",
            props=props.secondary,
        )
        primary_nodes = SecurityGroup.existing(
            self, "PrimaryClusterGroup", group_id=self.primary.cluster.security_group_id, name=f"{prefix}-eks-primary"
        )
        secondary_nodes = SecurityGroup.existing(
            secondary,
            "ClusterGroup",
            group_id=self.secondary.cluster.security_group_id,
            name=f"{prefix}-eks-secondary",
        )

        self.monitoring = Monitoring(
            self, "Monitoring", name=prefix, kms_key=primary_keys["alerts"], props=props.monitoring
        )
        self.secondary_monitoring = Monitoring(
            secondary, "Monitoring", name=prefix, kms_key=secondary_keys["alerts"], props=props.monitoring
        )

        self.database_secret = Secret(
            self,
            "DatabaseSecret",
            name=f"{prefix}/database",
            description="Database URL, host, port, user and name, written by Terraform (password write-only)",
            kms_key=secrets_key,
            props=props.secrets,
        )
        self._database(secondary, primary_keys, secondary_keys, primary_nodes, secondary_nodes)

        cache_subnets = list(self.primary.network.data_subnet_ids)
        self.cache = RedisReplicationGroup(
            self,
            "Cache",
            name=f"{prefix}-redis",
            vpc_id=self.primary.network.vpc_id,
            subnet_ids=cache_subnets,
            kms_key=primary_keys["redis"],
            props=props.cache,
        )
        self.cache.allow_from(primary_nodes, label="Redis from the EKS cluster")
        self.monitoring.watch_redis(self.cache)
        # Every pod reaches Redis through the cluster's security group; only these authenticate.
        self.redis_clients: dict[str, tuple[ServiceRole, str]] = {}
        for client in props.redis_clients:
            user = f"{prefix}-{client.name}"
            client_role = self.primary.cluster.service_account_role(client, name=user)
            self.cache.grant_connect(client_role, user=user)
            self.redis_clients[f"{client.namespace}/{client.name}"] = (client_role, user)

        self._assets(secondary, edge, primary_keys, secondary_keys)
        self._registries(secondary)

        self.failover: FailoverRecord | None = None
        if props.failover is not None:
            self.failover = FailoverRecord(self, "Failover", name=f"{prefix}-ingress", props=props.failover)
            edge_monitoring = self.secondary_monitoring
            if edge is not secondary:
                edge_monitoring = Monitoring(
                    edge,
                    "Monitoring",
                    name=prefix,
                    kms_key=self._keys(edge, ("alerts",))["alerts"],
                    props=props.monitoring,
                )
            for role, check in self.failover.health_checks.items():
                edge_monitoring.watch_health_check(
                    check.id, name=f"{prefix}-ingress-{role}", key=f"{pascal(role)}Ingress"
                )
        self._outputs()

    def _keys(self, scope: Construct, purposes: tuple[str, ...]) -> dict[str, KmsKey]:
        """One key per purpose, ``alias/<prefix>-<purpose>`` (aliases are regional: the same in each region)."""
        return purpose_keys(
            scope, prefix=self.props.prefix, purposes={p: KEYS[p] for p in purposes}, props=self.props.keys
        )

    def _database(
        self,
        secondary: RegionScope,
        primary_keys: dict[str, KmsKey],
        secondary_keys: dict[str, KmsKey],
        primary_nodes: SecurityGroup,
        secondary_nodes: SecurityGroup,
    ) -> None:
        props = self.props
        prefix = props.prefix
        network, remote = self.primary.network, self.secondary.network
        subnets = list(network.data_subnet_ids)
        remote_subnets = list(remote.data_subnet_ids)
        self.database: PostgresInstance | None = None
        self.replica: PostgresInstance | None = None
        self.aurora: AuroraPostgresCluster | None = None
        self.aurora_secondary: AuroraPostgresCluster | None = None
        if props.aurora is not None:
            self.aurora = AuroraPostgresCluster(
                self,
                "Database",
                identifier=f"{prefix}-db",
                vpc_id=network.vpc_id,
                subnet_ids=subnets,
                storage_key=primary_keys["rds"],
                props=props.aurora,
            )
            self.aurora_secondary = self.aurora.add_secondary(
                secondary,
                "Database",
                identifier=f"{prefix}-db-secondary",
                vpc_id=remote.vpc_id,
                subnet_ids=remote_subnets,
                storage_key=secondary_keys["rds"],
            )
            self.aurora.allow_from(primary_nodes, label="PostgreSQL from the EKS cluster")
            self.aurora_secondary.allow_from(secondary_nodes, label="PostgreSQL from the EKS cluster")
            self.aurora.write_connection_secret(self.database_secret)
            self.secondary_monitoring.watch_replica_lag(self.aurora_secondary.identifier, cluster=True)
            return
        if props.database is None:  # configure sets one of the two
            raise LookupError("Luneo stack without a database")
        self.database = PostgresInstance(
            self,
            "Database",
            identifier=f"{prefix}-db",
            vpc_id=network.vpc_id,
            subnet_ids=subnets,
            storage_key=primary_keys["rds"],
            secret_key=None,
            props=props.database,
        )
        self.replica = self.database.add_read_replica(
            secondary,
            "DatabaseReplica",
            identifier=f"{prefix}-db-replica",
            vpc_id=remote.vpc_id,
            subnet_ids=remote_subnets,
            storage_key=secondary_keys["rds"],
            props=props.replica,
        )
        self.database.allow_from(primary_nodes, label="PostgreSQL from the EKS cluster")
        self.replica.allow_from(secondary_nodes, label="PostgreSQL from the EKS cluster")
        self.database.write_connection_secret(self.database_secret)
        self.monitoring.watch_database(self.database)
        self.secondary_monitoring.watch_database(self.replica, key="Replica")
        self.secondary_monitoring.watch_replica_lag(self.replica.identifier)

    def _assets(
        self,
        secondary: RegionScope,
        edge: Construct,
        primary_keys: dict[str, KmsKey],
        secondary_keys: dict[str, KmsKey],
    ) -> None:
        props = self.props
        prefix = props.prefix
        self.assets = PrivateBucket(
            self,
            "Assets",
            bucket_name=f"{prefix}-assets",
            props=dataclasses.replace(props.assets, kms_key_arn=primary_keys["s3"].arn),
        )
        self.assets_replica = PrivateBucket(
            secondary,
            "AssetsReplica",
            bucket_name=f"{prefix}-assets-replica",
            props=dataclasses.replace(props.assets, kms_key_arn=secondary_keys["s3"].arn),
        )
        self.assets.replicate_to(self.assets_replica, role_name=f"{prefix}-assets-replication")
        self.monitoring.watch_bucket_replication(self.assets)
        self.cdn = CdnDistribution(
            self,
            "Cdn",
            name=f"{prefix}-assets",
            origin=CdnOrigin.s3_bucket(origin_id="assets", bucket=self.assets, key=primary_keys["s3"]),
            failover_origin=CdnOrigin.s3_bucket(
                origin_id="assets-replica", bucket=self.assets_replica, key=secondary_keys["s3"]
            ),
            certificate_scope=edge,
            props=props.cdn,
        )

    def _registries(self, secondary: RegionScope) -> None:
        props = self.props
        self.registries = {
            name: ContainerRegistry(self, f"Registry{pascal(name)}", name=name, props=props.registry)
            for name in props.repositories
        }
        self.secondary_registries = {
            name: ContainerRegistry(secondary, f"Registry{pascal(name)}", name=name, props=props.registry)
            for name in props.repositories
        }
        if props.replication:
            RegistryReplication(
                self,
                "RegistryReplication",
                rules=props.replication,
                depends_on=[registry.repository for registry in self.secondary_registries.values()],
            )

    def _outputs(self) -> None:
        self.primary.declare_outputs("primary_")
        self.secondary.declare_outputs("secondary_")
        if self.aurora is not None and self.aurora_secondary is not None:
            output(self, "database_endpoint", self.aurora.endpoint, "Aurora writer endpoint (eu-west-1), private")
            output(self, "database_reader_endpoint", self.aurora.reader_endpoint, "Aurora reader endpoint (eu-west-1)")
            output(
                self,
                "database_secondary_reader_endpoint",
                self.aurora_secondary.reader_endpoint,
                "Aurora reader endpoint of the secondary region (promoted in a regional failover)",
            )
        elif self.database is not None and self.replica is not None:
            output(self, "database_endpoint", self.database.endpoint, "PostgreSQL endpoint (host:port), private")
            output(
                self,
                "database_replica_endpoint",
                self.replica.endpoint,
                "Read replica endpoint in the secondary region (promote it in a regional failover)",
            )
        output(self, "database_secret_arn", self.database_secret.arn, "Secret with the database URL (key url)")
        output(self, "redis_endpoint", self.cache.primary_endpoint, "Redis primary endpoint (TLS), private")
        output(
            self,
            "redis_replication_group_id",
            self.cache.name,
            "The replication group Redis clients sign their IAM tokens for (REDIS_REPLICATION_GROUP_ID)",
        )
        output(
            self,
            "redis_clients",
            {key: {"role_arn": role.arn, "redis_user": user} for key, (role, user) in self.redis_clients.items()},
            "Per <namespace>/<service account>: the role to annotate it with (eks.amazonaws.com/role-arn) and the "
            "Redis user its pods authenticate as",
        )
        output(self, "assets_bucket_name", self.assets.name, "S3 bucket of the assets (eu-west-1)")
        output(self, "assets_replica_bucket_name", self.assets_replica.name, "Replica of the assets bucket")
        self.cdn.declare_outputs()
        output(
            self,
            "ecr_repository_urls",
            {name: registry.url for name, registry in self.registries.items()},
            "Push images here (eu-west-1); they replicate to the secondary region",
        )
        output(
            self,
            "secondary_ecr_repository_urls",
            {name: registry.url for name, registry in self.secondary_registries.items()},
            "The secondary cluster pulls from these replicas",
        )
        output(self, "sns_topic_arn", self.monitoring.topic_arn, "SNS topic of the alarms in eu-west-1")
        output(
            self,
            "secondary_sns_topic_arn",
            self.secondary_monitoring.topic_arn,
            "SNS topic of the alarms in the secondary region (replica lag, health checks)",
        )
        if self.failover is not None:
            self.failover.declare_outputs()
