"""Solobase, from 000_6dd02aca88e0a71d.txt: shared RDS shards, a stack per customer instance, management platform.

From the document: shared RDS PostgreSQL 15.4 instances ``solobase-shared-<env>-NN``
(storage 100 GB autoscaling to 500 GB, ``max_connections`` 300, daily backups,
Performance Insights in prod), db.t3.small single-AZ in dev and db.t3.medium
Multi-AZ in prod; a new shard when databases pass 120; per customer a Lambda
function ``solobase-<first 8 of id>`` on a custom runtime (Go binary
``bootstrap``, x86_64) from ``solobase-binaries``/``solobase-v0.1.0.zip``, 256 MB
in dev and 512 MB in prod, 30 s timeout, reserved concurrency Hobby 5 /
Starter 10 / Pro 25, a function URL, logs kept 3 days in dev and 30 in prod,
CloudFront in front, Backblaze B2 storage (bucket ``solobase-<id8>``, endpoint
``https://s3.us-east-005.backblazeb2.com``); Professional and up may run on
ECS; Business gets a dedicated RDS instance; alarms at CPU 80%, 250
connections, 10 GB free storage and on read/write latency, to SNS
``solobase-infrastructure-alerts`` mailing alerts@solobase.dev; dashboard
``Solobase-Production``; VPC 10.0.0.0/16 in prod; state in
``solobase-terraform-state`` (``<env>/terraform.tfstate``, lock table
``solobase-terraform-locks``, us-east-1, encrypted); CloudTrail; secrets in
Secrets Manager rotated every 90 days; VPC endpoints for AWS services.

Where the document contradicts itself (production-safe readings):
- PostgreSQL 15.4: RDS no longer creates it (data/rds-engine-versions.json);
  the major is kept, RDS picks a minor it creates and keeps it current
  (automatic minor upgrades), so no retired minor can stop a deploy;
- backups: prod says "7 days" and "30 days": 30; dev says "No backups" and
  "7 days": 7 (a dev database can be restored too);
- connections: "~30,000 concurrent connections" cannot be: ``max_connections``
  is 300, so shards are planned on 300 (250 for tenants, see tenancy).

Production-safe readings (docs/systems/solobase.md):
- a customer's database is never dropped by an edit: every shared instance's
  database is one instance of a protected block (``prevent_destroy`` outside
  dev), a missing registry file is refused, and removing a customer is
  ``make tenant-remove`` (its runbook dumps the database to the dumps bucket
  first, then lifts the protection through the teardown path for one deploy).

Where it is silent (choices, each documented in the README):
- staging runs dev's database sizes with production's durability (7-day
  backups, deletion protection, 14-day logs) and prod's Lambda size;
- VPCs: prod 10.0.0.0/16, staging 10.1.0.0/16, dev 10.2.0.0/16; NAT per zone
  in prod, single elsewhere (instances reach Backblaze B2 through it);
- prod copies automated backups to us-west-2;
- customers live at ``<subdomain>.<domain>`` with ``solobase.dev`` (prod),
  ``staging.solobase.dev`` and ``dev.solobase.dev``; the management platform
  at ``manage.<domain>``;
- management platform: one Fargate service (512 CPU / 1 GiB; 2 tasks in prod,
  1 elsewhere) and its own PostgreSQL 15 (db.t3.small Multi-AZ in prod,
  db.t3.micro elsewhere, 20 GB growing to 100 GB);
- ECS instances: 256 CPU / 512 MiB, one task, image ``solobase-<env>-instance:0.1.0``;
- Business instances' dedicated databases: the shards' class and Multi-AZ,
  20 GB growing to 100 GB;
- the binaries bucket and the state bucket are the document's prerequisites,
  shared by every environment of the account: the bootstrap stack creates
  both once, so no environment's stack owns what the others use;
- accounts: the document says "one AWS account" and keeps environments
  apart; an environment naming no ``account_id`` has an account of its own
  (the production-safe default), environments naming one share it: one
  multi-region trail and one quota alarm for the account (made by its last
  environment, prod where it shares), per-function Lambda alarms, the
  reserved-concurrency budget counted across them, no name shared
  (docs/systems/solobase.md, Accounts);
- the document names one alert topic, ``solobase-infrastructure-alerts``:
  prod's. Dev and staging get ``solobase-<env>-infrastructure-alerts``: with
  one name, three environments in one account would share the topic
  (CreateTopic returns the existing one), and destroying dev would delete
  prod's alerts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from infra import validation
from infra.config.model import REGIONS, ContainerPlatformSettings, StateBackendSettings
from infra.config.presets import GATEWAY_ONLY, SINGLE_NAT, Change, Preset
from infra.config.usage import SolobaseUsage
from infra.props.audit_trail import AuditTrailProps
from infra.props.cdn_distribution import CdnDistributionProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.kms_key import KmsKeyProps
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.monitoring import MonitoringProps
from infra.props.network import InterfaceEndpoint, NatGateways, NetworkProps
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps
from infra.props.private_bucket import PrivateBucketProps
from infra.props.secret import SecretProps
from infra.props.service_database import ServiceDatabaseProps
from infra.systems.solobase.tenants import Plan, TenancySettings
from infra.validation import ConfigError

ENVIRONMENTS = ("dev", "staging", "prod")


@dataclass(frozen=True, kw_only=True)
class BinariesSettings:
    """``[binaries]``: where the packaged instance binary (``bootstrap`` in a zip) is uploaded."""

    bucket_name: str = "solobase-binaries"
    create_bucket: bool = True
    """True: the system's bootstrap stack creates it, once for every environment sharing the state bucket
    (the document's prerequisite, like the state bucket); False: a bucket that exists already, used as it is."""
    package_key: str = "solobase-v0.1.0.zip"
    """The release every Lambda instance runs; deploy a new one by uploading it and changing this."""

    def __post_init__(self) -> None:
        validation.bucket_name("bucket_name", self.bucket_name)
        validation.non_empty_text("package_key", self.package_key, max_length=1024)
        if not self.package_key.endswith(".zip"):
            raise ConfigError("package_key", "the key of a .zip package", self.package_key)


@dataclass(frozen=True, kw_only=True)
class B2Settings:
    """``[instances.b2]``: each instance's Backblaze B2 storage (its keys are secrets, never settings)."""

    endpoint: str = "https://s3.us-east-005.backblazeb2.com"
    bucket_name_pattern: str = "solobase-{id8}"
    """``{id8}`` (first 8 characters of the instance id) or ``{instance_id}`` is replaced per instance."""

    def __post_init__(self) -> None:
        if not self.endpoint.startswith("https://"):
            raise ConfigError("endpoint", "an https:// URL", self.endpoint)
        validation.hostname("endpoint", self.endpoint.removeprefix("https://").rstrip("/"))
        if "{id8}" not in self.bucket_name_pattern and "{instance_id}" not in self.bucket_name_pattern:
            raise ConfigError(
                "bucket_name_pattern", "a name with {id8} or {instance_id} in it", self.bucket_name_pattern
            )
        validation.bucket_name("bucket_name_pattern", self.bucket_name("a1b2c3d4-e5f6-7890-abcd-ef1234567890"))

    def bucket_name(self, instance_id: str) -> str:
        return self.bucket_name_pattern.replace("{id8}", instance_id[:8]).replace("{instance_id}", instance_id)


@dataclass(frozen=True, kw_only=True)
class InstanceSettings:
    """``[instances]``: what every customer instance of the environment gets."""

    domain: str
    """Instances answer at ``<subdomain>.<domain>`` (CloudFront alias or ALB host rule)."""
    enable_custom_domains: bool = True
    """Off: Lambda instances answer on their distribution's ``*.cloudfront.net`` name only (no alias, no
    certificate), and the ECS runtime, which needs a host name, is refused."""
    function: LambdaFunctionProps
    """``[instances.function]``: the Lambda runtime's size and logs."""
    container: FargateServiceProps
    """``[instances.container]``: the ECS runtime's task size, port and image tag."""
    dedicated_database: PostgresInstanceProps
    """``[instances.dedicated_database]``: Business instances' own RDS instance."""
    shard_database: ServiceDatabaseProps = field(default_factory=ServiceDatabaseProps)
    """``[instances.shard_database]``: each shared-plan instance's database on its shard (``deletion_protection``,
    ``extensions``); its connection limit is its plan's (``tenancy.plans``)."""
    cdn: CdnDistributionProps = field(default_factory=CdnDistributionProps)
    """Each Lambda instance's distribution; its domain is the instance's host, its zone ``hosted_zone_id``."""
    b2: B2Settings = field(default_factory=B2Settings)
    hosted_zone_id: str | None = None
    """Route 53 zone of ``domain``: when set, each instance's DNS record is created with it."""
    origin_secret_version: int = 1
    """Raise it to give every Lambda instance a new origin header value (``solobase-<env>/<id>/origin``, the
    proof a request came through its distribution) at its stack's next deploy; the previous value keeps
    being accepted while CloudFront's edges take the new one."""

    def __post_init__(self) -> None:
        validation.hostname("domain", self.domain)
        validation.int_between("origin_secret_version", self.origin_secret_version, 1, 1_000_000)
        if self.shard_database.connection_limit != ServiceDatabaseProps().connection_limit:
            raise ConfigError(
                "shard_database.connection_limit",
                "unset: each database takes its plan's limit (tenancy.plans.<plan>.connection_limit)",
                self.shard_database.connection_limit,
            )
        if self.hosted_zone_id is not None and not self.enable_custom_domains:
            raise ConfigError("hosted_zone_id", "unset when enable_custom_domains is false", self.hosted_zone_id)
        # Per instance, not per environment: the host is <subdomain>.<domain>, one origin each.
        unset = CdnDistributionProps()
        for name, instead in (
            ("domain_name", "unset: each instance's is <subdomain>.<domain> (instances.domain)"),
            ("hosted_zone_id", "unset: instances.hosted_zone_id names the zone of every instance"),
            ("enable_origin_failover", "unset: an instance has one origin, its HTTP API"),
        ):
            if getattr(self.cdn, name) != getattr(unset, name):
                raise ConfigError(f"cdn.{name}", instead, getattr(self.cdn, name))


@dataclass(frozen=True, kw_only=True)
class SolobaseSettings(ContainerPlatformSettings):
    """One Solobase environment: the management platform (ContainerPlatformSettings), the shards, the instances."""

    management: FargateServiceProps
    """``[management]``: the management platform's Fargate service."""
    shared_database: PostgresInstanceProps
    """``[shared_database]``: every shared RDS shard ``solobase-shared-<env>-NN``."""
    instances: InstanceSettings
    """``[instances]``: what every customer instance of the environment gets."""
    tenancy: TenancySettings = field(default_factory=TenancySettings)
    """``[tenancy]``: how instances are placed on shards, and the plans' limits."""
    binaries: BinariesSettings = field(default_factory=BinariesSettings)
    """``[binaries]``: where the packaged instance binary is uploaded."""
    trail: AuditTrailProps = field(default_factory=AuditTrailProps)
    """``[trail]``: the CloudTrail trail and what it keeps."""
    alert_topic_name: str
    """SNS topic every alarm of the environment notifies (see the module docstring)."""
    backup_region: str | None = None
    """Region the shards' automated backups are copied to; None copies nothing."""
    cost: SolobaseUsage = field(default_factory=SolobaseUsage)
    """``[cost]``: as every system's, plus per-customer usage and the plans' prices and mix."""
    dashboard_name: str | None = None
    """CloudWatch dashboard of the shards and the Lambda instances; None makes none."""
    dumps: PrivateBucketProps = field(default_factory=PrivateBucketProps)
    """``[dumps]``: the bucket ``solobase-<env>-database-dumps-<account>`` holding the final ``pg_dump`` of each
    removed customer's database (``make tenant-remove``), encrypted with the platform's data key."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.require_access_logs("dumps")
        validation.resource_name("alert_topic_name", self.alert_topic_name, max_length=256)
        if self.backup_region is not None:
            validation.one_of("backup_region", self.backup_region, REGIONS)
            if self.backup_region == self.region:
                raise ConfigError("backup_region", f"a region other than {self.region}", self.backup_region)
        if self.shared_database.max_connections is None:
            raise ConfigError("shared_database.max_connections", "set (shards are planned on it)", None)
        budget = self.tenancy.connection_budget(self.shared_database.max_connections)
        largest = max(self.tenancy.plans.of(p).connection_limit or 0 for p in Plan)
        if budget < largest:
            raise ConfigError(
                "tenancy.reserved_admin_connections",
                f"small enough to leave a shard room for a role of {largest} connections "
                f"(max_connections {self.shared_database.max_connections})",
                self.tenancy.reserved_admin_connections,
            )
        if not self.load_balancer.domain_name:
            raise ConfigError(
                "load_balancer.domain_name", "set: the management host, on the certificate the instances share", None
            )
        # CloudFront takes certificates from us-east-1 only: the platform's (its ALB's) must be there.
        if self.region != "us-east-1":
            raise ConfigError("region", "us-east-1 (CloudFront uses the platform's certificate)", self.region)

    @property
    def prerequisite_buckets(self) -> tuple[str, ...]:
        return (self.binaries.bucket_name,) if self.binaries.create_bucket else ()

    def account_names(self) -> dict[str, tuple[str, str]]:
        """Every bucket, key alias, log group and role the platform makes is named from ``name_prefix`` (the
        trail's bucket ``<prefix>-trail-<account>``); the binaries bucket is the account's, shared on purpose."""
        names = {**super().account_names(), "alert_topic_name": ("SNS topic", self.alert_topic_name)}
        if self.dashboard_name is not None:
            names["dashboard_name"] = ("CloudWatch dashboard", self.dashboard_name)
        return names

    @property
    def max_connections(self) -> int:
        return self.shared_database.max_connections or 0


def defaults(environment: str) -> SolobaseSettings:
    prod = environment == "prod"
    dev = environment == "dev"
    octet = {"prod": 0, "staging": 1, "dev": 2}[environment]
    log_days = 30 if prod else 3 if dev else 14
    domain = "solobase.dev" if prod else f"{environment}.solobase.dev"
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
        name_prefix=f"solobase-{environment}",
        repository_name=f"solobase-{environment}-management",
        network=NetworkProps(
            cidr_block=f"10.{octet}.0.0/16",
            availability_zones=("us-east-1a", "us-east-1b"),
            public_subnet_cidrs=(f"10.{octet}.0.0/24", f"10.{octet}.1.0/24"),
            private_subnet_cidrs=(f"10.{octet}.10.0/24", f"10.{octet}.11.0/24"),
            database_subnet_cidrs=(f"10.{octet}.20.0/24", f"10.{octet}.21.0/24"),
            nat_gateways=NatGateways.PER_AZ if prod else NatGateways.SINGLE,
            # What the instances and the management service call: images, logs, secrets.
            interface_endpoints=(
                InterfaceEndpoint.ECR_API,
                InterfaceEndpoint.ECR_DKR,
                InterfaceEndpoint.LOGS,
                InterfaceEndpoint.SECRETS_MANAGER,
            ),
            flow_log_retention_days=log_days,
        ),
        load_balancer=LoadBalancerProps(domain_name=f"manage.{domain}", deletion_protection=not dev),
        database=PostgresInstanceProps(
            instance_class="db.t3.small" if prod else "db.t3.micro",
            engine_version="15",
            allocated_storage_gb=20,
            max_allocated_storage_gb=100,
            database_name="solobase",
            master_username="solobase_admin",
            multi_az=prod,
            backup_retention_days=30 if prod else 7,
            deletion_protection=not dev,
            final_snapshot=not dev,
            master_password=MasterPassword.RDS_MANAGED,
            master_password_rotation_days=90,
            log_retention_days=log_days,
        ),
        management=FargateServiceProps(
            cpu=512,
            memory=1024,
            desired_count=2 if prod else 1,
            image_tag="0.1.0",
            container_port=8080,
            log_retention_days=log_days,
        ),
        shared_database=PostgresInstanceProps(
            instance_class="db.t3.medium" if prod else "db.t3.small",
            engine_version="15",
            allocated_storage_gb=100,
            max_allocated_storage_gb=500,
            database_name="solobase",
            master_username="solobase_admin",
            multi_az=prod,
            backup_retention_days=30 if prod else 7,
            performance_insights=prod,
            max_connections=300,
            force_ssl=True,
            master_password=MasterPassword.RDS_MANAGED,
            master_password_rotation_days=90,
            deletion_protection=not dev,
            final_snapshot=not dev,
            log_retention_days=log_days,
        ),
        instances=InstanceSettings(
            domain=domain,
            function=LambdaFunctionProps(
                runtime="provided.al2023",
                handler="bootstrap",
                architecture="x86_64",
                memory_mb=256 if dev else 512,
                timeout_seconds=30,
                log_retention_days=log_days,
            ),
            container=FargateServiceProps(
                cpu=256,
                memory=512,
                desired_count=1,
                image_tag="0.1.0",
                container_port=8080,
                log_retention_days=log_days,
            ),
            dedicated_database=PostgresInstanceProps(
                instance_class="db.t3.medium" if prod else "db.t3.small",
                engine_version="15",
                allocated_storage_gb=20,
                max_allocated_storage_gb=100,
                database_name="solobase",
                master_username="solobase_admin",
                multi_az=prod,
                backup_retention_days=30 if prod else 7,
                performance_insights=prod,
                master_password=MasterPassword.RDS_MANAGED,
                master_password_rotation_days=90,
                deletion_protection=not dev,
                final_snapshot=not dev,
                log_retention_days=log_days,
            ),
            # A customer's database goes only through make tenant-remove's runbook (the teardown path).
            shard_database=ServiceDatabaseProps(deletion_protection=not dev),
        ),
        monitoring=MonitoringProps(
            alert_email="alerts@solobase.dev",
            database_cpu_percent=80,
            database_connections=250,
            database_free_storage_gb=10,
            database_read_latency_seconds=0.02,
            database_write_latency_seconds=0.02,
        ),
        alert_topic_name="solobase-infrastructure-alerts" if prod else f"solobase-{environment}-infrastructure-alerts",
        backup_region="us-west-2" if prod else None,
        dashboard_name="Solobase-Production" if prod else None,
        # A removed customer's final dump: a year in prod (late requests, disputes), a month elsewhere.
        dumps=PrivateBucketProps(expiration_days=365 if prod else 30),
        secrets=SecretProps() if prod else SecretProps(recovery_window_days=7),
        keys=KmsKeyProps() if prod else KmsKeyProps(deletion_window_days=7),
        cost=cost_usage(environment),
    )


def cost_usage(environment: str) -> SolobaseUsage:
    """``[cost]`` defaults: the document's per-customer usage (1M requests at 200 ms, 2 GB of B2) and logs."""
    prod = environment == "prod"
    # The document's "CloudWatch Logs: $5" (dev) and "$20" (prod) at $0.50/GB; staging as dev.
    return SolobaseUsage(
        log_ingestion_gb=40.0 if prod else 10.0,
        nat_data_gb=50.0 if prod else 20.0,
        endpoint_data_gb=20.0 if prod else 10.0,
        internet_egress_gb=50.0 if prod else 10.0,
        # Every request of the document's 1M reaches the function through its distribution; 5 KB a response.
        cdn_requests_millions=1.0,
        cdn_data_gb=5.0,
        cross_region_gb=30.0 if prod else 0.0,
    )


def cost_preset(environment: str) -> Preset:
    """``cost_profile = \"document\"``: what brings the environment closest to the document's $35 / $141."""
    prod = environment == "prod"
    table: dict[str, Any] = {"network": {"interface_endpoints": []}}
    changes = [GATEWAY_ONLY]
    if prod:
        table["network"]["nat_gateways"] = "single"
        table["database"] = {"multi_az": False, "instance_class": "db.t4g.small"}
        table["management"] = {"desired_count": 1}
        changes += [
            SINGLE_NAT,
            Change(
                'database.multi_az = false, database.instance_class = "db.t4g.small" (the management database)',
                "the management platform's database has no standby: an AZ failure or maintenance stops sign-ups "
                "and plan changes until it is restored (customer instances keep running on their shards)",
            ),
            Change(
                "management.desired_count = 1",
                "one management task: a task replacement or deployment is a short outage of the management "
                "platform (customers' instances are not affected)",
            ),
        ]
    return Preset("solobase", environment, table, tuple(changes))
