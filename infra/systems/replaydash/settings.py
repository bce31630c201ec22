"""ReplayDash, from 002_bc7aa9729d4cca4d.txt.

From the document: ECS Fargate API behind an HTTPS ALB (HTTP redirects),
RDS PostgreSQL db.t4g.medium on gp3 with Performance Insights and 7-day
backups, ElastiCache Redis cache.t4g.micro, S3 session data with lifecycle
tiers, VPC over 2 AZs with a single NAT and endpoints, autoscaling on CPU 70%
and memory 80% between 1 and 4 tasks, ECS Exec, Spot for non-production,
Secrets Manager for the database URL (key ``url``) and SSM for the rest, a
dashboard and SNS alerts with an optional ``alert_email``. Production runs 2
tasks (the cost estimate's "2 ECS tasks"); staging 1, on Fargate Spot.

Choices where the document is silent:
- session data lifecycle: current objects move to Intelligent-Tiering after
  30 days and to Glacier Flexible Retrieval after 180; replaced versions are
  deleted after 30 days (``sessions.transitions``,
  ``sessions.noncurrent_version_expiration_days``);
- the API listens on 3000 with /health for health checks, 512 CPU / 1024 MiB;
- the repository is ``replaydash-<env>-api`` (the document's rollback
  section) with mutable tags, because the documented release flow pushes
  ``latest`` again and forces a new deployment;
- deletion protection and final snapshot in production only, so the
  documented clean-up (switch to staging settings, then destroy) works;
- the domain is api.replaydash.com (production) and
  api.staging.replaydash.com (staging);
- PostgreSQL 16 (the document names no version), the minor kept current by
  RDS (automatic minor upgrades; 16.4 is retired); storage starts at
  20 GB and autoscales to 100 GB in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.config.model import ContainerPlatformSettings, StateBackendSettings
from infra.config.usage import container_platform_usage
from infra.props.container_registry import ContainerRegistryProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.network import InterfaceEndpoint, NatGateways, NetworkProps
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps
from infra.props.private_bucket import PrivateBucketProps, Transition
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps
from infra.props.service_autoscaling import ServiceAutoscalingProps

ENVIRONMENTS = ("staging", "production")


@dataclass(frozen=True, kw_only=True)
class ReplayDashSettings(ContainerPlatformSettings):
    """One ReplayDash environment (``replaydash-<environment>-*``): the platform, the API and session storage."""

    api: FargateServiceProps
    """``[api]``: the API service, behind the load balancer's default route."""
    sessions: PrivateBucketProps = field(default_factory=PrivateBucketProps)
    """``[sessions]``: the session-data bucket's lifecycle tiers and version retention."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.require_access_logs("sessions")


def defaults(environment: str) -> ReplayDashSettings:
    production = environment == "production"
    octet = 20 if production else 21
    prefix = f"replaydash-{environment}"
    log_days = 30 if production else 7
    return ReplayDashSettings(
        system="replaydash",
        environment=environment,
        region="us-east-1",
        state=StateBackendSettings.per_environment(
            bucket="replaydash-terraform-state",
            lock_table="replaydash-terraform-locks",
            region="us-east-1",
            environment=environment,
        ),
        name_prefix=prefix,
        repository_name=f"{prefix}-api",
        network=NetworkProps(
            cidr_block=f"10.{octet}.0.0/16",
            availability_zones=("us-east-1a", "us-east-1b"),
            public_subnet_cidrs=(f"10.{octet}.0.0/24", f"10.{octet}.1.0/24"),
            private_subnet_cidrs=(f"10.{octet}.10.0/24", f"10.{octet}.11.0/24"),
            nat_gateways=NatGateways.SINGLE,
            # What the tasks call: image pulls, logs, secrets, parameters, ECS Exec sessions.
            interface_endpoints=(
                InterfaceEndpoint.ECR_API,
                InterfaceEndpoint.ECR_DKR,
                InterfaceEndpoint.LOGS,
                InterfaceEndpoint.SECRETS_MANAGER,
                InterfaceEndpoint.SSM,
                InterfaceEndpoint.SSM_MESSAGES,
            ),
            flow_log_retention_days=log_days,
        ),
        registry=ContainerRegistryProps(immutable_tags=False),
        api=FargateServiceProps(
            cpu=512,
            memory=1024,
            desired_count=2 if production else 1,
            image_tag="latest",
            container_port=3000,
            enable_execute_command=True,
            autoscaling=ServiceAutoscalingProps(
                min_tasks=1, max_tasks=4, cpu_target_percent=70, memory_target_percent=80
            ),
            spot_weight=0 if production else 1,
            on_demand_weight=1 if production else 0,
            log_retention_days=log_days,
        ),
        load_balancer=LoadBalancerProps(
            domain_name="api.replaydash.com" if production else "api.staging.replaydash.com",
            deletion_protection=production,
        ),
        database=PostgresInstanceProps(
            instance_class="db.t4g.medium",
            engine_version="16",
            allocated_storage_gb=20,
            max_allocated_storage_gb=100 if production else None,
            database_name="replaydash",
            master_username="replaydash",
            performance_insights=True,
            backup_retention_days=7,
            deletion_protection=production,
            final_snapshot=production,
            master_password=MasterPassword.WRITE_ONLY,
            log_retention_days=log_days,
        ),
        cache=RedisProps(
            node_type="cache.t4g.micro", snapshot_retention_days=1 if production else 0, final_snapshot=production
        ),
        sessions=PrivateBucketProps(
            transitions=(
                Transition(days=30, storage_class="INTELLIGENT_TIERING"),
                Transition(days=180, storage_class="GLACIER"),
            ),
            noncurrent_version_expiration_days=30,
        ),
        secrets=SecretProps() if production else SecretProps(recovery_window_days=7),
        cost=container_platform_usage(production),
    )
