"""Luneo, from 001_0343b5819d0167c0.txt (settings only: its stacks come later).

From the document: two regions, eu-west-1 primary (writes) and us-east-1
secondary (read replicas, failover); EKS with Spot nodes in both; RDS
PostgreSQL ``luneo-<env>-db`` (database ``luneo``, master ``luneo_admin``,
100 GB) on db.r6g.large in prod and db.t3.medium in staging, 7-day backups in
the 04:00-05:00 UTC window, postgresql and upgrade logs exported; Redis on
cache.r6g.large with 2 nodes, failover and Multi-AZ in prod, cache.t3.micro in
staging; assets bucket ``luneo-<env>-assets`` behind CloudFront, encrypted
with KMS; ECR repositories luneo-worker-ia and luneo-usdz-converter scanned on
push; one KMS key per purpose (RDS, Redis, S3, secrets; the secrets key
usable by Secrets Manager and RDS); Route53 failover; alarms on RDS
replication lag, S3 replication latency and Redis CPU/memory. Cost targets:
staging about $225/month (2 nodes), prod about $800 (3 nodes + Spot).

Choices where it is silent (production-safe):
- the database password is generated at apply time (write-only), never a
  tfvars value as the document's ``db_master_password`` suggests;
- VPCs: prod 10.10.0.0/16 (primary) and 10.11.0.0/16 (secondary), staging
  10.12/10.13, so regions can be peered; NAT per zone in prod;
- EKS nodes: 3 desired / 10 max in prod, 2 / 4 in staging (the document's
  cost lines), m6i.large and m5.large on Spot; Kubernetes 1.31;
- Aurora Global Database off (the document offers it as an option).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from infra import validation
from infra.config.model import REGIONS, StateBackendSettings, SystemSettings
from infra.config.sections import DatabaseSettings, NetworkSettings, RedisSettings, RegistrySettings
from infra.registry import StackSpec, System
from infra.validation import ConfigError

ENVIRONMENTS = ("staging", "prod")

_K8S_VERSION = re.compile(r"^1\.(2[89]|3[0-9])$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9]*\.[a-z0-9]+$")


@dataclass(frozen=True, kw_only=True)
class EksNodeGroupSettings:
    """Managed node group of one region's EKS cluster."""

    desired_size: int
    max_size: int
    min_size: int = 1
    instance_types: tuple[str, ...] = ("m6i.large", "m5.large")
    """Several types so Spot can find capacity."""
    capacity_type: str = "SPOT"
    """SPOT (the document's cost choice) or ON_DEMAND."""

    def __post_init__(self) -> None:
        validation.int_between("max_size", self.max_size, 1, 450)
        validation.int_between("min_size", self.min_size, 0, self.max_size)
        validation.int_between("desired_size", self.desired_size, self.min_size, self.max_size)
        if not self.instance_types:
            raise ConfigError("instance_types", "at least one instance type", self.instance_types)
        for instance_type in self.instance_types:
            if not _INSTANCE_TYPE.match(instance_type):
                raise ConfigError("instance_types", "EC2 instance types such as 'm6i.large'", instance_type)
        validation.one_of("capacity_type", self.capacity_type, ("SPOT", "ON_DEMAND"))


@dataclass(frozen=True, kw_only=True)
class RegionSettings:
    """What Luneo runs in one region."""

    region: str
    network: NetworkSettings
    eks_cluster_name: str
    nodes: EksNodeGroupSettings

    def __post_init__(self) -> None:
        validation.one_of("region", self.region, REGIONS)
        validation.resource_name("eks_cluster_name", self.eks_cluster_name, max_length=100)


@dataclass(frozen=True, kw_only=True)
class LuneoSettings(SystemSettings):
    """One Luneo environment across its two regions."""

    primary: RegionSettings
    secondary: RegionSettings
    kubernetes_version: str = "1.31"
    database_name: str
    """The document's RDS module ``name`` (``luneo-<env>-db``)."""
    database: DatabaseSettings
    enable_aurora_global: bool = False
    """Aurora Global Database instead of RDS with cross-region replicas."""
    redis_name: str
    redis: RedisSettings
    assets_bucket: str
    repositories: tuple[str, ...] = ("luneo-worker-ia", "luneo-usdz-converter")
    registry: RegistrySettings = field(default_factory=RegistrySettings)
    kms_key_purposes: tuple[str, ...] = ("rds", "redis", "s3", "secrets")
    """One customer key per purpose, as the document's security section asks."""
    domain_name: str | None = None
    """Route53 failover record; None until the ingress hostnames exist."""
    monthly_cost_target_usd: int
    """The document's estimate, for the cost report."""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.primary.region == self.secondary.region:
            raise ConfigError(
                "secondary.region", f"a region other than the primary ({self.primary.region})", self.secondary.region
            )
        validation.no_overlap(
            "primary and secondary networks",
            [
                ("primary", validation.cidr_block("primary.network.cidr_block", self.primary.network.cidr_block)),
                ("secondary", validation.cidr_block("secondary.network.cidr_block", self.secondary.network.cidr_block)),
            ],
        )
        if not _K8S_VERSION.match(self.kubernetes_version):
            raise ConfigError("kubernetes_version", "an EKS version such as '1.31'", self.kubernetes_version)
        validation.resource_name("database_name", self.database_name, max_length=63)
        validation.resource_name("redis_name", self.redis_name, max_length=40)
        validation.resource_name("assets_bucket", self.assets_bucket, max_length=63)
        validation.unique("repositories", self.repositories)
        for purpose in self.kms_key_purposes:
            validation.one_of("kms_key_purposes", purpose, ("rds", "redis", "s3", "secrets", "eks", "logs"))
        validation.int_between("monthly_cost_target_usd", self.monthly_cost_target_usd, 1, 1_000_000)


def _region(
    region: str, octet: int, environment: str, role: str, nodes: EksNodeGroupSettings, prod: bool
) -> RegionSettings:
    zones = (f"{region}a", f"{region}b", f"{region}c")
    return RegionSettings(
        region=region,
        network=NetworkSettings(
            cidr_block=f"10.{octet}.0.0/16",
            availability_zones=zones,
            public_subnet_cidrs=tuple(f"10.{octet}.{i}.0/24" for i in range(3)),
            private_subnet_cidrs=tuple(f"10.{octet}.{16 + i * 16}.0/20" for i in range(3)),
            database_subnet_cidrs=tuple(f"10.{octet}.{100 + i}.0/24" for i in range(3)),
            nat_gateways="per_az" if prod else "single",
            interface_endpoints=("ecr.api", "ecr.dkr", "sts"),
        ),
        eks_cluster_name=f"luneo-{environment}-eks-{role}",
        nodes=nodes,
    )


def defaults(environment: str) -> LuneoSettings:
    prod = environment == "prod"
    nodes = (
        EksNodeGroupSettings(desired_size=3, max_size=10) if prod else EksNodeGroupSettings(desired_size=2, max_size=4)
    )
    base = 10 if prod else 12
    return LuneoSettings(
        system="luneo",
        environment=environment,
        region="eu-west-1",
        state=StateBackendSettings.per_environment(
            bucket="luneo-terraform-state",
            lock_table="luneo-terraform-locks",
            region="eu-west-1",
            environment=environment,
            key="global/multi-region/terraform.tfstate",
        ),
        primary=_region("eu-west-1", base, environment, "primary", nodes, prod),
        secondary=_region("us-east-1", base + 1, environment, "secondary", nodes, prod),
        database_name=f"luneo-{environment}-db",
        database=DatabaseSettings(
            instance_class="db.r6g.large" if prod else "db.t3.medium",
            engine_version="15.10",
            allocated_storage_gb=100,
            database_name="luneo",
            master_username="luneo_admin",
            multi_az=prod,
            backup_retention_days=7,
            backup_window="04:00-05:00",
            maintenance_window="sun:05:30-sun:06:30",
            log_exports=("postgresql", "upgrade"),
            performance_insights=prod,
            master_password="write_only",
            deletion_protection=prod,
            final_snapshot=prod,
        ),
        redis_name=f"luneo-{environment}-redis",
        redis=RedisSettings(node_type="cache.r6g.large", num_cache_clusters=2, automatic_failover=True, multi_az=True)
        if prod
        else RedisSettings(node_type="cache.t3.micro"),
        assets_bucket=f"luneo-{environment}-assets",
        monthly_cost_target_usd=800 if prod else 225,
    )


def stacks(settings: LuneoSettings) -> list[StackSpec]:
    """None yet: the two-region stack comes with the Luneo issue (state store only)."""
    return []


SYSTEM = System(name="luneo", environments=ENVIRONMENTS, defaults=defaults, stacks=stacks)
