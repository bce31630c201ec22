"""Solobase, from 000_6dd02aca88e0a71d.txt (settings only: its stacks come later).

From the document: a shared RDS PostgreSQL 15.4 instance per environment
(``solobase-shared-<env>-01``) with storage autoscaling 100-500 GB, 7-day
backups, Performance Insights and ``max_connections`` 300; dev on
db.t3.small single-AZ, prod on db.t3.medium Multi-AZ; Lambda per customer
(custom Go runtime, Function URL) with 256 MB in dev and 512 MB in prod,
30 s timeout, reserved concurrency per plan (Hobby 5, Starter 10, Pro 25);
log retention 3 days in dev and 30 in prod; alarms at CPU 80%, 250
connections and 10 GB free storage; SNS topic
``solobase-infrastructure-alerts`` mailing alerts@solobase.dev; VPC
10.0.0.0/16.

Where the document contradicts itself or is silent (production-safe choices):
- backups: "No backups" (dev) and "7 days (dev), 30 days (prod)" both appear;
  dev keeps 7 days and prod 30 (the larger of each pair: restoring is the point);
- Performance Insights: prod only, as the environment list says (dev's
  db.t3.small does not offer it);
- staging, which the document names but does not describe, runs dev's sizes
  with production's durability (7-day backups, deletion protection, 14-day logs);
- each environment has its own VPC: prod 10.0.0.0/16 (documented), staging
  10.1.0.0/16, dev 10.2.0.0/16; NAT per zone in prod, single elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from infra import validation
from infra.config.model import StateBackendSettings, SystemSettings
from infra.config.sections import DatabaseSettings, MonitoringSettings, NetworkSettings
from infra.registry import StackSpec, System
from infra.validation import ConfigError

ENVIRONMENTS = ("dev", "staging", "prod")

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Plan(StrEnum):
    """Customer plans; Professional and above may run on ECS instead of Lambda."""

    HOBBY = "hobby"
    STARTER = "starter"
    PROFESSIONAL = "professional"
    BUSINESS = "business"


@dataclass(frozen=True, kw_only=True)
class CustomerLambdaDefaults:
    """The ``instance-lambda`` module's settings shared by every customer instance."""

    memory_mb: int
    """256 MB in dev, 512 MB in prod (document)."""
    timeout_seconds: int = 30
    """Document's module example; raise per customer when they time out."""
    log_retention_days: int = 30
    binary_bucket: str = "solobase-binaries"
    """Where the packaged Go binary (``bootstrap`` in a zip) is uploaded."""
    binary_key: str = "solobase-v0.1.0.zip"
    reserved_concurrency: dict[str, int] = field(
        default_factory=lambda: {Plan.HOBBY.value: 5, Plan.STARTER.value: 10, Plan.PROFESSIONAL.value: 25}
    )
    """Per-plan ceiling on concurrent executions: the cost protection the document promises."""

    def __post_init__(self) -> None:
        validation.int_between("memory_mb", self.memory_mb, 128, 10240)
        validation.int_between("timeout_seconds", self.timeout_seconds, 1, 900)
        validation.log_retention("log_retention_days", self.log_retention_days)
        validation.resource_name("binary_bucket", self.binary_bucket, max_length=63)
        validation.non_empty_text("binary_key", self.binary_key, max_length=1024)
        for plan, limit in self.reserved_concurrency.items():
            validation.one_of("reserved_concurrency plan", plan, tuple(p.value for p in Plan))
            validation.int_between(f"reserved_concurrency.{plan}", limit, 1, 1000)


@dataclass(frozen=True, kw_only=True)
class CustomerInstance:
    """One customer's Solobase instance (its database lives in the shared RDS)."""

    instance_id: str
    """UUID of the instance."""
    subdomain: str
    plan: Plan = Plan.HOBBY
    b2_bucket_name: str | None = None
    """Backblaze B2 bucket; its keys are secrets and live in Secrets Manager."""

    def __post_init__(self) -> None:
        if not _UUID.match(self.instance_id):
            raise ConfigError("instance_id", "a lower-case UUID", self.instance_id)
        validation.resource_name("subdomain", self.subdomain, max_length=63)
        validation.one_of("plan", self.plan, tuple(Plan))


@dataclass(frozen=True, kw_only=True)
class SolobaseSettings(SystemSettings):
    """One Solobase environment."""

    network: NetworkSettings
    shared_database_identifier: str
    """The document's ``solobase-shared-<env>-01``: new shared instances get -02, -03..."""
    shared_database: DatabaseSettings
    customer_lambda: CustomerLambdaDefaults
    monitoring: MonitoringSettings
    alert_topic_name: str = "solobase-infrastructure-alerts"
    customers: tuple[CustomerInstance, ...] = ()
    """Customer instances of this environment (added as customers sign up)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        validation.resource_name("shared_database_identifier", self.shared_database_identifier, max_length=63)
        validation.resource_name("alert_topic_name", self.alert_topic_name, max_length=256)
        validation.unique("customers", [c.instance_id for c in self.customers])
        validation.unique("customers subdomains", [c.subdomain for c in self.customers])


def defaults(environment: str) -> SolobaseSettings:
    prod = environment == "prod"
    octet = {"prod": 0, "staging": 1, "dev": 2}[environment]
    return SolobaseSettings(
        system="solobase",
        environment=environment,
        region="us-east-1",
        state=StateBackendSettings.per_environment(
            bucket="solobase-terraform-state",
            lock_table="solobase-terraform-locks",
            region="us-east-1",
            environment=environment,
        ),
        network=NetworkSettings(
            cidr_block=f"10.{octet}.0.0/16",
            availability_zones=("us-east-1a", "us-east-1b"),
            public_subnet_cidrs=(f"10.{octet}.0.0/24", f"10.{octet}.1.0/24"),
            private_subnet_cidrs=(f"10.{octet}.10.0/24", f"10.{octet}.11.0/24"),
            database_subnet_cidrs=(f"10.{octet}.20.0/24", f"10.{octet}.21.0/24"),
            nat_gateways="per_az" if prod else "single",
            interface_endpoints=("secretsmanager", "logs"),
            flow_log_retention_days=30 if prod else 3 if environment == "dev" else 14,
        ),
        shared_database_identifier=f"solobase-shared-{environment}-01",
        shared_database=DatabaseSettings(
            instance_class="db.t3.medium" if prod else "db.t3.small",
            engine_version="15.4",
            allocated_storage_gb=100,
            max_allocated_storage_gb=500,
            database_name="solobase",
            master_username="solobase_admin",
            multi_az=prod,
            backup_retention_days=30 if prod else 7,
            performance_insights=prod,
            max_connections=300,
            master_password="rds_managed",
            deletion_protection=environment != "dev",
            final_snapshot=environment != "dev",
            log_retention_days=30 if prod else 3 if environment == "dev" else 14,
        ),
        customer_lambda=CustomerLambdaDefaults(
            memory_mb=512 if environment != "dev" else 256,
            log_retention_days=30 if prod else 3 if environment == "dev" else 14,
        ),
        monitoring=MonitoringSettings(
            alert_email="alerts@solobase.dev",
            database_cpu_percent=80,
            database_connections=250,
            database_free_storage_gb=10,
        ),
    )


def stacks(settings: SolobaseSettings) -> list[StackSpec]:
    """None yet: the platform, tenant and shard stacks come with the Solobase issue (state store only)."""
    return []


SYSTEM = System(name="solobase", environments=ENVIRONMENTS, defaults=defaults, stacks=stacks)
