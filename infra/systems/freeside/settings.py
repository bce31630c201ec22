"""Freeside (resources named ``arrakis-*``), from 003_af44a56795883dfb.txt.

Production is what the document describes. Staging is the environment it
plans ("deploy with reduced resources (t3.micro, etc.)"): same shape,
smaller sizes, one API task, everything on Fargate Spot, nothing that blocks
a destroy.

Choices where the document is silent (each production-safe):
- the API listens on 8080 and answers health checks on /health; the worker
  runs the same image (the document has one repository, ``arrakis-api``)
  with the command ``npm run worker``;
- images are deployed by tag: ``api.image_tag``/``worker.image_tag`` name an
  immutable tag pushed to ECR;
- the certificate's domain is ``load_balancer.domain_name``: the document
  names none, so set yours in ``config/freeside/<env>.toml`` before a real
  deploy; production's example.com placeholder is refused by ``make diff``
  and ``make deploy`` (``check_deployable``), never by the emulator;
- production storage autoscales up to 100 GB so a full disk does not take the
  database down; staging backups are kept 1 day;
- PostgreSQL 15.10 is retired (RDS no longer creates it,
  data/rds-engine-versions.json): the document's major 15 is kept and RDS
  keeps the minor current (automatic minor upgrades in the maintenance window).
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.config.model import ContainerPlatformSettings, StateBackendSettings
from infra.config.usage import container_platform_usage
from infra.props.fargate_service import FargateServiceProps
from infra.props.kms_key import KmsKeyProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.network import InterfaceEndpoint, NatGateways, NetworkProps
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps

ENVIRONMENTS = ("production", "staging")

# The account the document's state bucket is named after.
ACCOUNT_ID = "891376933289"


@dataclass(frozen=True, kw_only=True)
class FreesideSettings(ContainerPlatformSettings):
    """One Freeside environment (``arrakis-<environment>-*``): the container platform plus its two services.

    The worker runs the API's image (``repository_name``).
    """

    api: FargateServiceProps
    """``[api]``: the API service, behind the load balancer's default route."""
    worker: FargateServiceProps
    """``[worker]``: the background worker (no load balancer)."""

    def check_deployable(self) -> None:
        """Production's certificate is for a domain of yours: the example.com default is a placeholder."""
        if self.environment == "production":
            validation.not_placeholder_domain("load_balancer.domain_name", self.load_balancer.domain_name)


def _network(second_octet: int, flow_log_retention_days: int) -> NetworkProps:
    return NetworkProps(
        cidr_block=f"10.{second_octet}.0.0/16",
        availability_zones=("us-east-1a", "us-east-1b"),
        private_subnet_cidrs=(f"10.{second_octet}.1.0/24", f"10.{second_octet}.2.0/24"),
        public_subnet_cidrs=(f"10.{second_octet}.101.0/24", f"10.{second_octet}.102.0/24"),
        nat_gateways=NatGateways.SINGLE,
        interface_endpoints=(InterfaceEndpoint.ECR_API, InterfaceEndpoint.ECR_DKR, InterfaceEndpoint.LOGS),
        flow_log_retention_days=flow_log_retention_days,
    )


def defaults(environment: str) -> FreesideSettings:
    production = environment == "production"
    prefix = f"arrakis-{environment}"
    log_days = 30 if production else 7
    return FreesideSettings(
        system="freeside",
        environment=environment,
        region="us-east-1",
        account_id=ACCOUNT_ID,
        state=StateBackendSettings.per_environment(
            bucket=f"arrakis-tfstate-{ACCOUNT_ID}",
            lock_table="arrakis-terraform-locks",
            region="us-east-1",
            environment=environment,
        ),
        name_prefix=prefix,
        repository_name="arrakis-api" if production else "arrakis-staging-api",
        # Staging gets its own range (10.1/16), so the two VPCs can be peered later.
        network=_network(0 if production else 1, log_days),
        api=FargateServiceProps(
            cpu=512,
            memory=1024,
            desired_count=2 if production else 1,
            image_tag="1.0.0",
            container_port=8080,
            # Staging runs everything on Spot; production keeps the API on regular Fargate.
            spot_weight=0 if production else 1,
            on_demand_weight=1 if production else 0,
            log_retention_days=log_days,
        ),
        # Background jobs are the document's "non-critical tasks" for Fargate Spot.
        worker=FargateServiceProps(
            cpu=256,
            memory=512,
            desired_count=1,
            image_tag="1.0.0",
            command=("npm", "run", "worker"),
            spot_weight=1,
            on_demand_weight=0,
            log_retention_days=log_days,
        ),
        load_balancer=LoadBalancerProps(
            domain_name="api.arrakis.example.com" if production else "api.staging.arrakis.example.com",
            deletion_protection=production,
        ),
        database=PostgresInstanceProps(
            instance_class="db.t3.small" if production else "db.t3.micro",
            engine_version="15",
            allocated_storage_gb=20,
            max_allocated_storage_gb=100 if production else None,
            database_name="arrakis",
            master_username="arrakis",
            master_password=MasterPassword.RDS_MANAGED,
            backup_retention_days=7 if production else 1,
            deletion_protection=production,
            final_snapshot=production,
            log_retention_days=log_days,
        ),
        cache=RedisProps(
            node_type="cache.t3.micro", snapshot_retention_days=1 if production else 0, final_snapshot=production
        ),
        secrets=SecretProps() if production else SecretProps(recovery_window_days=7),
        keys=KmsKeyProps() if production else KmsKeyProps(deletion_window_days=7),
        cost=container_platform_usage(production),
    )
