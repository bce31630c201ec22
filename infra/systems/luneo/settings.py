"""Luneo, from 001_0343b5819d0167c0.txt: one stack per environment holding both regions.

From the document: eu-west-1 primary (writes) and us-east-1 secondary (read
replicas, failover); EKS with Spot nodes in both; RDS PostgreSQL
``luneo-<env>-db`` (database ``luneo``, master ``luneo_admin``, 100 GB) on
db.r6g.large in prod and db.t3.medium in staging, 7-day backups in the
04:00-05:00 UTC window, postgresql and upgrade logs exported, not public,
with a cross-region read replica (or Aurora Global Database, which the
document allows); Redis ``luneo-<env>-redis`` on cache.r6g.large with 2
clusters, failover and Multi-AZ in prod, cache.t3.micro in staging; assets
bucket ``luneo-<env>-assets`` (KMS, versioned, lifecycle) behind CloudFront
and replicated to us-east-1; ECR repositories luneo-worker-ia and
luneo-usdz-converter scanned on push; one KMS key per purpose, the secrets
key ("KMS key for application secrets") usable through Secrets Manager and
RDS only; Route 53 failover with health checks; alarms on RDS replication
lag, S3 replication latency and Redis CPU/memory; state in
``luneo-terraform-state`` (key ``global/multi-region/terraform.tfstate``),
locks in ``luneo-terraform-locks``, eu-west-1. Cost targets: staging about
$225/month (2 nodes), prod about $800 (3 nodes + Spot).

Where the document is vague or contradicts itself (production-safe readings):
- nodes: prod's "3 nodes + spot" (the cost section) is 3 on-demand nodes
  (``base_nodes``, which Spot interruptions cannot take) plus Spot nodes
  above them, 10 in all at most (the scaling example's 5 is an example);
  staging all Spot, 2 (at most 4). Both regions get the same node groups: the
  secondary must carry the load after a failover;
- kubectl: access entries for ``[kubernetes] admin_principal_arns`` only; prod's
  API endpoint stays private (a public one is refused), staging may open one
  to listed ranges;
- Redis: only the service accounts of ``redis_clients`` can authenticate (IAM
  roles for service accounts, IAM-authenticated Redis users), though every pod
  reaches it through the cluster's security group;
- Redis: 2 clusters in prod (the module; 3 is the scaling example);
- the assets bucket is encrypted with the S3 key, not the secrets key the
  module example passes: the secrets key is fenced to Secrets Manager and RDS;
- PostgreSQL 15 (the document names no version): RDS keeps the minor current
  (automatic minor upgrades); the Aurora Global mode pins Aurora PostgreSQL
  15.17, the newest minor Aurora lists (data/rds-engine-versions.json);
- the database password is never a tfvar: it is generated at apply time,
  written write-only to RDS and to the secret ``luneo-<env>/database``
  (encrypted with the secrets key), and never reaches state;
- names the document gives without an environment get one so staging and
  prod can share an account: key aliases ``alias/luneo-<env>-<purpose>`` (the
  description and purpose stay the document's), repositories
  ``<env>/luneo-worker-ia`` and ``<env>/luneo-usdz-converter``;
- the state key of prod is the document's; staging's is
  ``staging/global/multi-region/terraform.tfstate``;
- networks: prod 10.10.0.0/16 (eu-west-1) and 10.11.0.0/16 (us-east-1),
  staging 10.12 and 10.13, so regions and environments can be peered; NAT per
  zone in prod, one in staging;
- the document names no domain: the failover record, zone and ingress
  hostnames are example.com placeholders to replace before a real deploy
  (``config/luneo/<env>.toml``, ``[dns]``); prod's, and prod without
  ``[monitoring] alert_email``, are refused by ``make diff``/``make deploy``
  (``check_deployable``), never by synthesis or the emulator, so the defaults
  stay loadable;
- ECR replication: one configuration per account and region, written by the
  environment owning the account's resources, with the rules of every
  environment sharing the account (``account_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infra import validation
from infra.config.model import REGIONS, StateBackendSettings, SystemSettings
from infra.config.presets import GATEWAY_ONLY, SINGLE_NAT, Change, Preset
from infra.config.usage import Usage
from infra.props import set_by_stack
from infra.props.aurora_postgres_cluster import AuroraPostgresProps
from infra.props.cdn_distribution import CdnDistributionProps
from infra.props.container_registry import ContainerRegistryProps
from infra.props.dns_failover import FailoverRecordProps
from infra.props.eks_cluster import EksClusterProps, ServiceAccountProps
from infra.props.eks_node_group import EksNodeGroupProps
from infra.props.kms_key import KmsKeyProps
from infra.props.monitoring import MonitoringProps
from infra.props.network import InterfaceEndpoint, NatGateways, NetworkProps
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps, ReadReplicaProps
from infra.props.private_bucket import PrivateBucketProps, Transition
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps
from infra.validation import ConfigError

ENVIRONMENTS = ("staging", "prod")
PRODUCTION = "prod"
STATE_KEY = "global/multi-region/terraform.tfstate"
"""The document's state key: prod's exactly, staging's under ``staging/``."""


@dataclass(frozen=True, kw_only=True)
class RegionSettings:
    """``[primary]`` / ``[secondary]``: what Luneo runs in one region."""

    region: str
    network: NetworkProps
    """``[<region>.network]``: the region's VPC."""
    nodes: EksNodeGroupProps = field(default_factory=EksNodeGroupProps)
    """``[<region>.nodes]``: the region's managed node group (Spot by default): the capacity that scales."""
    base_nodes: EksNodeGroupProps | None = None
    """``[<region>.base_nodes]``: an on-demand node group ``<cluster>-base`` under ``nodes``, the capacity a Spot
    interruption cannot take; required in prod ("3 nodes + spot"), none in staging (all Spot)."""

    def __post_init__(self) -> None:
        validation.one_of("region", self.region, REGIONS)
        if self.base_nodes is not None and self.base_nodes.capacity_type != "ON_DEMAND":
            raise ConfigError(
                "base_nodes.capacity_type", "ON_DEMAND (the base Spot cannot take away)", self.base_nodes.capacity_type
            )


@dataclass(frozen=True, kw_only=True)
class LuneoSettings(SystemSettings):
    """One Luneo environment across its two regions (resources named ``luneo-<env>-*``)."""

    name_prefix: str
    """Every resource name starts with it (``<prefix>-eks-primary``, ``<prefix>-db``, ...)."""
    primary: RegionSettings
    """eu-west-1: writes, the EKS cluster ``<prefix>-eks-primary``, the database, Redis, the assets bucket."""
    secondary: RegionSettings
    """us-east-1: read replica, ``<prefix>-eks-secondary``, the assets replica, CloudFront's certificate."""
    kubernetes: EksClusterProps = field(default_factory=EksClusterProps)
    """``[kubernetes]``: the EKS control plane of every region."""
    database: PostgresInstanceProps
    """``[database]``: the RDS PostgreSQL instance ``<prefix>-db`` (instance mode)."""
    replica: ReadReplicaProps = field(default_factory=ReadReplicaProps)
    """Its read replica ``<prefix>-db-replica`` in the secondary region (instance mode)."""
    enable_aurora_global: bool = False
    """Aurora PostgreSQL Global Database (``[aurora]``) instead of the instance and its replica."""
    aurora: AuroraPostgresProps
    """``[aurora]``: the Aurora PostgreSQL global database (when enable_aurora_global)."""
    cache: RedisProps
    """``[cache]``: the Redis replication group ``<prefix>-redis``."""
    assets: PrivateBucketProps = field(default_factory=PrivateBucketProps)
    """Lifecycle of the assets bucket ``<prefix>-assets`` and its replica ``<prefix>-assets-replica``."""
    cdn: CdnDistributionProps = field(default_factory=CdnDistributionProps)
    """``[cdn]``: the CloudFront distribution in front of the assets."""
    repositories: tuple[str, ...] = ("luneo-worker-ia", "luneo-usdz-converter")
    """The document's repositories; each is ``<environment>/<name>`` in ECR (see the module docstring)."""
    registry: ContainerRegistryProps = field(default_factory=ContainerRegistryProps)
    """``[registry]``: every ECR repository."""
    enable_registry_replication: bool = True
    """Replicate the repositories to the secondary region. ECR keeps one replication configuration per account
    and region: where environments share an account (the same ``account_id``), the one owning its resources
    (prod) writes it with every environment's rules, and the others write none."""
    enable_failover_dns: bool = True
    """Route 53 failover records and health checks (``[dns]``); required in prod."""
    dns: FailoverRecordProps
    """``[dns]``: Route 53 failover between the regions' ingress hostnames."""
    keys: KmsKeyProps = field(default_factory=KmsKeyProps)
    """``[keys]``: lifecycle of the per-purpose KMS keys."""
    secrets: SecretProps = field(default_factory=SecretProps)
    """``[secrets]``: lifecycle of the Secrets Manager secrets."""
    monitoring: MonitoringProps = field(default_factory=MonitoringProps)
    """``[monitoring]``: who is told (``alert_email``, subscribed to every alert topic: required before prod
    deploys), and when."""
    redis_clients: tuple[ServiceAccountProps, ...] = (
        ServiceAccountProps(namespace="luneo", name="luneo-worker-ia"),
        ServiceAccountProps(namespace="luneo", name="luneo-usdz-converter"),
    )
    """``[[redis_clients]]``: the Kubernetes service accounts (``namespace``, ``name``) whose pods may use Redis:
    each gets an IAM role ``<prefix>-<name>`` (IAM roles for service accounts, on the primary cluster) allowed to
    connect as the IAM-authenticated Redis user ``<prefix>-<name>``; no other pod can authenticate. The
    document's two images by default."""
    account_replicated_repositories: tuple[tuple[str, str], ...] = set_by_stack(())
    """(repository, destination region) of the other environments in this one's account and region, when this
    one writes the account's one ECR replication configuration (infra.systems.luneo.across_environments)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        validation.resource_name("name_prefix", self.name_prefix, max_length=24)
        if self.primary.region != self.region:
            raise ConfigError("primary.region", f"the environment's region ({self.region})", self.primary.region)
        if self.primary.region == self.secondary.region:
            raise ConfigError(
                "secondary.region", f"a region other than the primary ({self.primary.region})", self.secondary.region
            )
        if self.primary.network.existing is None and self.secondary.network.existing is None:
            validation.no_overlap(
                "primary and secondary networks",
                [
                    ("primary", validation.cidr_block("primary.network.cidr_block", self.primary.network.cidr_block)),
                    (
                        "secondary",
                        validation.cidr_block("secondary.network.cidr_block", self.secondary.network.cidr_block),
                    ),
                ],
            )
        validation.unique("repositories", self.repositories)
        for index, repository in enumerate(self.repositories):
            validation.resource_name(f"repositories[{index}]", repository, max_length=200)
        if self.environment == PRODUCTION and not self.enable_failover_dns:
            raise ConfigError("enable_failover_dns", "true in prod (the document's DNS failover)", False)
        if self.environment == PRODUCTION:
            for name, region in (("primary", self.primary), ("secondary", self.secondary)):
                if region.base_nodes is None:
                    raise ConfigError(
                        f"{name}.base_nodes", 'an on-demand node group in prod ("3 nodes + spot", not all Spot)', None
                    )
            if self.kubernetes.endpoint_public_access_cidrs:
                raise ConfigError(
                    "kubernetes.endpoint_public_access_cidrs",
                    "empty in prod (its API endpoint is private: reach it from inside the VPC)",
                    list(self.kubernetes.endpoint_public_access_cidrs),
                )
        validation.unique("redis_clients", [(c.namespace, c.name) for c in self.redis_clients])
        validation.unique("redis_clients names", [c.name for c in self.redis_clients])
        for index, client in enumerate(self.redis_clients):
            # <prefix>-<name> is the client's Redis user (at most 40 characters) and its IAM role.
            validation.resource_name(f"redis_clients[{index}].name", f"{self.name_prefix}-{client.name}", max_length=40)
        if not self.enable_aurora_global and self.database.master_password != MasterPassword.WRITE_ONLY:
            raise ConfigError(
                "database.master_password",
                "write_only (the password is generated at apply time and kept in the luneo-secrets secret)",
                self.database.master_password.value,
            )

    def account_names(self) -> dict[str, tuple[str, str]]:
        """Every resource name starts with ``name_prefix`` (buckets, topics, keys, clusters, roles)."""
        return {"name_prefix": ("name prefix", self.name_prefix)}

    def check_deployable(self) -> None:
        """Prod needs someone to receive its alarms, and a domain of its own: the example.com defaults are
        placeholders (fine on the emulator, never in an AWS account)."""
        if self.environment != PRODUCTION:
            return
        if self.enable_failover_dns:
            for name in ("zone_name", "record_name", "primary_hostname", "secondary_hostname"):
                validation.not_placeholder_domain(f"dns.{name}", getattr(self.dns, name))
        if self.monitoring.alert_email is None:
            raise ConfigError(
                "monitoring.alert_email",
                "the address every prod alert topic mails (alarms nobody receives are no alerts)",
                None,
            )

    def repository_name(self, name: str) -> str:
        """The ECR name of one of the document's repositories in this environment."""
        return f"{self.environment}/{name}"

    @property
    def secondary_regions(self) -> tuple[str, ...]:
        """Regions the stack uses besides the primary: the secondary, and us-east-1 for CloudFront's certificate."""
        return tuple(dict.fromkeys([self.secondary.region, "us-east-1"]))


def _region(
    region: str, octet: int, *, prod: bool, nodes: EksNodeGroupProps, base_nodes: EksNodeGroupProps | None
) -> RegionSettings:
    zones = (f"{region}a", f"{region}b", f"{region}c")
    return RegionSettings(
        region=region,
        network=NetworkProps(
            cidr_block=f"10.{octet}.0.0/16",
            availability_zones=zones,
            public_subnet_cidrs=tuple(f"10.{octet}.{i}.0/24" for i in range(3)),
            # Pods take VPC addresses (VPC CNI): the private tier gets /20s.
            private_subnet_cidrs=tuple(f"10.{octet}.{16 + i * 16}.0/20" for i in range(3)),
            # The document's "private subnets for data": no route to the internet.
            database_subnet_cidrs=tuple(f"10.{octet}.{100 + i}.0/24" for i in range(3)),
            nat_gateways=NatGateways.PER_AZ if prod else NatGateways.SINGLE,
            interface_endpoints=(InterfaceEndpoint.ECR_API, InterfaceEndpoint.ECR_DKR, InterfaceEndpoint.STS),
            flow_log_retention_days=30 if prod else 7,
        ),
        nodes=nodes,
        base_nodes=base_nodes,
    )


def defaults(environment: str) -> LuneoSettings:
    prod = environment == PRODUCTION
    prefix = f"luneo-{environment}"
    # Prod: "3 nodes + spot": three on-demand nodes always there, Spot above them up to ten in all.
    nodes = (
        EksNodeGroupProps(desired_size=1, min_size=0, max_size=7, capacity_type="SPOT")
        if prod
        else EksNodeGroupProps(desired_size=2, min_size=2, max_size=4, capacity_type="SPOT")
    )
    base_nodes = EksNodeGroupProps(desired_size=3, min_size=3, max_size=3, capacity_type="ON_DEMAND") if prod else None
    octet = 10 if prod else 12
    domain = "luneo.example.com" if prod else "staging.luneo.example.com"
    log_days = 30 if prod else 7
    return LuneoSettings(
        system="luneo",
        environment=environment,
        region="eu-west-1",
        state=StateBackendSettings(
            bucket="luneo-terraform-state",
            key=STATE_KEY if prod else f"{environment}/{STATE_KEY}",
            region="eu-west-1",
            lock_table="luneo-terraform-locks",
        ),
        name_prefix=prefix,
        primary=_region("eu-west-1", octet, prod=prod, nodes=nodes, base_nodes=base_nodes),
        secondary=_region("us-east-1", octet + 1, prod=prod, nodes=nodes, base_nodes=base_nodes),
        database=PostgresInstanceProps(
            instance_class="db.r6g.large" if prod else "db.t3.medium",
            engine_version="15",
            allocated_storage_gb=100,
            database_name="luneo",
            master_username="luneo_admin",
            multi_az=prod,
            backup_retention_days=7,
            backup_window="04:00-05:00",
            maintenance_window="sun:05:30-sun:06:30",
            log_exports=("postgresql", "upgrade"),
            log_retention_days=log_days,
            performance_insights=True,
            master_password=MasterPassword.WRITE_ONLY,
            deletion_protection=prod,
            final_snapshot=prod,
        ),
        aurora=AuroraPostgresProps(
            instance_class="db.r6g.large",
            engine_version="15.17",
            database_name="luneo",
            master_username="luneo_admin",
            primary_instances=2 if prod else 1,
            secondary_instances=1,
            backup_retention_days=7,
            backup_window="04:00-05:00",
            maintenance_window="sun:05:30-sun:06:30",
            log_retention_days=log_days,
            deletion_protection=prod,
            final_snapshot=prod,
        ),
        cache=RedisProps(
            node_type="cache.r6g.large",
            num_cache_clusters=2,
            automatic_failover=True,
            multi_az=True,
            final_snapshot=True,
        )
        if prod
        else RedisProps(node_type="cache.t3.micro", snapshot_retention_days=0),
        assets=PrivateBucketProps(
            transitions=(
                Transition(days=30, storage_class="STANDARD_IA"),
                Transition(days=90, storage_class="GLACIER_IR"),
            ),
            noncurrent_version_expiration_days=30,
        ),
        dns=FailoverRecordProps(
            zone_name=domain,
            record_name=f"app.{domain}",
            primary_hostname=f"ingress-eu-west-1.{domain}",
            secondary_hostname=f"ingress-us-east-1.{domain}",
        ),
        keys=KmsKeyProps() if prod else KmsKeyProps(deletion_window_days=7),
        secrets=SecretProps() if prod else SecretProps(recovery_window_days=7),
        cost=cost_usage(environment),
    )


def cost_usage(environment: str) -> Usage:
    """``[cost]`` defaults: volumes that give the document's \"S3 + CloudFront\" figures."""
    prod = environment == "prod"
    # "S3 + CloudFront: ~$10/month (low traffic)" staging, "~$50 (moderate traffic)" prod: volumes that give
    # those figures at list prices (100 GB + 1M requests + 20 GB stored; 450 GB + 5M + 100 GB).
    return Usage(
        log_ingestion_gb=20.0 if prod else 5.0,
        nat_data_gb=100.0 if prod else 20.0,
        endpoint_data_gb=50.0 if prod else 10.0,
        internet_egress_gb=0.0,
        cdn_requests_millions=5.0 if prod else 1.0,
        cdn_data_gb=450.0 if prod else 100.0,
        bucket_storage_gb={f"luneo-{environment}-assets*": 100.0 if prod else 20.0},
        cross_region_gb=100.0 if prod else 20.0,
    )


def cost_preset(environment: str) -> Preset:
    """``cost_profile = \"document\"``: what brings the environment closest to the document's $225 / $800."""
    prod = environment == "prod"
    network: dict[str, Any] = {"interface_endpoints": []}
    if prod:
        network["nat_gateways"] = "single"
    table: dict[str, Any] = {
        "primary": {"network": dict(network)},
        # Prod's secondary keeps one on-demand base node and Spot from zero; staging's one Spot node.
        "secondary": {"network": dict(network), "base_nodes": {"desired_size": 1, "min_size": 1, "max_size": 1}}
        if prod
        else {"network": dict(network), "nodes": {"desired_size": 1, "min_size": 1}},
        # RDS offers no Performance Insights on small classes.
        "replica": {"instance_class": "db.t4g.large"}
        if prod
        else {"instance_class": "db.t4g.small", "performance_insights": False},
    }
    changes = [
        Change("primary.network / secondary.network: interface_endpoints = []", GATEWAY_ONLY.gives_up),
        Change(
            "secondary.base_nodes: desired_size = min_size = max_size = 1 (the Spot group above it may go to 0)"
            if prod
            else "secondary.nodes: desired_size = 1, min_size = 1",
            "the secondary region idles on one node: after a failover it must scale out (minutes per node) before "
            "it carries the primary's load",
        ),
        Change(
            f'replica.instance_class = "{"db.t4g.large" if prod else "db.t4g.small"}" (smaller than the primary)'
            + ("" if prod else ", replica.performance_insights = false"),
            "a promoted replica has less memory and burstable CPU: after a regional failover the database runs "
            "slower until it is resized (a resize restarts it)" + ("" if prod else "; no Performance Insights on it"),
        ),
    ]
    if prod:
        changes.insert(1, Change('primary.network / secondary.network: nat_gateways = "single"', SINGLE_NAT.gives_up))
    return Preset("luneo", environment, table, tuple(changes))
