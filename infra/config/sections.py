"""The settings sections users write in ``config/<system>/<environment>.toml``.

Each section is the stable, user-facing schema of one part of a system
(``[network]``, ``[database]``, ``[api]``, ...). It is data only: it imports
no construct. A stack class maps it onto the matching construct props in one
place (``infra.config.mapping.to_props``), field by field by name.

A field left at ``None`` means "the construct's default": every default that
a document does not state is set once, in the construct's props, and
documented there (``infra/constructs/<construct>.py``). The system modules
(``infra/config/<system>.py``) set what the documents state. Value checks
(ranges, allowed values) live with the props too, and run for every stack
before anything is synthesized; errors name the setting's full path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class NetworkSettings:
    """``[network]``: the VPC (see NetworkProps)."""

    cidr_block: str | None = None
    availability_zones: tuple[str, ...] | None = None
    public_subnet_cidrs: tuple[str, ...] | None = None
    private_subnet_cidrs: tuple[str, ...] | None = None
    database_subnet_cidrs: tuple[str, ...] | None = None
    nat_gateways: str | None = None
    """none, single or per_az."""
    enable_s3_gateway_endpoint: bool | None = None
    interface_endpoints: tuple[str, ...] | None = None
    """Service suffixes: ecr.api, ecr.dkr, logs, secretsmanager, ssm, ssmmessages, kms, sts, ..."""
    enable_flow_logs: bool | None = None
    flow_log_retention_days: int | None = None
    flow_log_traffic_type: str | None = None
    existing: ExistingNetworkSettings | None = None
    """``[network.existing]``: use a VPC made elsewhere instead of creating one."""


@dataclass(frozen=True, kw_only=True)
class ExistingNetworkSettings:
    """A VPC and subnets made elsewhere (see ExistingNetworkProps); the other network settings then do not apply."""

    vpc_id: str
    public_subnet_ids: tuple[str, ...] | None = None
    private_subnet_ids: tuple[str, ...] | None = None
    database_subnet_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, kw_only=True)
class AutoscalingSettings:
    """``[<service>.autoscaling]``: target tracking of the task count (see ServiceAutoscalingProps)."""

    min_tasks: int | None = None
    max_tasks: int | None = None
    cpu_target_percent: float | None = None
    memory_target_percent: float | None = None
    scale_out_cooldown_seconds: int | None = None
    scale_in_cooldown_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """``[api]``, ``[worker]``, ...: one Fargate service (see FargateServiceProps)."""

    cpu: int | None = None
    memory: int | None = None
    desired_count: int | None = None
    image_tag: str | None = None
    container_port: int | None = None
    health_check_path: str | None = None
    command: tuple[str, ...] | None = None
    environment: Mapping[str, str] | None = None
    log_retention_days: int | None = None
    on_demand_weight: int | None = None
    on_demand_base: int | None = None
    spot_weight: int | None = None
    enable_execute_command: bool | None = None
    autoscaling: AutoscalingSettings | None = None
    cpu_architecture: str | None = None
    readonly_root_filesystem: bool | None = None
    health_check_grace_period_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class LoadBalancerSettings:
    """``[load_balancer]``: the HTTPS entry (see LoadBalancerProps)."""

    domain_name: str | None = None
    certificate_arn: str | None = None
    hosted_zone_id: str | None = None
    ssl_policy: str | None = None
    deletion_protection: bool | None = None
    idle_timeout_seconds: int | None = None
    enable_access_logs: bool | None = None
    access_log_retention_days: int | None = None


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings:
    """``[database]``: an RDS PostgreSQL instance (see PostgresInstanceProps)."""

    instance_class: str | None = None
    engine_version: str | None = None
    allocated_storage_gb: int | None = None
    max_allocated_storage_gb: int | None = None
    database_name: str | None = None
    master_username: str | None = None
    port: int | None = None
    multi_az: bool | None = None
    backup_retention_days: int | None = None
    backup_window: str | None = None
    maintenance_window: str | None = None
    deletion_protection: bool | None = None
    final_snapshot: bool | None = None
    force_ssl: bool | None = None
    performance_insights: bool | None = None
    monitoring_interval_seconds: int | None = None
    log_exports: tuple[str, ...] | None = None
    log_retention_days: int | None = None
    max_connections: int | None = None
    master_password: str | None = None
    """rds_managed or write_only."""
    password_version: int | None = None
    """write_only: raise it to rotate the password."""
    master_password_rotation_days: int | None = None
    """rds_managed: days between rotations of the managed secret (RDS's default when unset)."""
    existing_subnet_group_name: str | None = None
    """Use this DB subnet group instead of creating one."""
    existing_parameter_group_name: str | None = None
    """Use this parameter group instead of creating one (it must force SSL itself)."""


@dataclass(frozen=True, kw_only=True)
class RedisSettings:
    """``[cache]``: an ElastiCache Redis replication group (see RedisProps)."""

    node_type: str | None = None
    engine_version: str | None = None
    num_cache_clusters: int | None = None
    automatic_failover: bool | None = None
    multi_az: bool | None = None
    port: int | None = None
    snapshot_retention_days: int | None = None
    snapshot_window: str | None = None
    maintenance_window: str | None = None


@dataclass(frozen=True, kw_only=True)
class TransitionSettings:
    """One storage-class step of a bucket's lifecycle (see Transition)."""

    days: int
    storage_class: str


@dataclass(frozen=True, kw_only=True)
class BucketSettings:
    """A private bucket's lifecycle (see PrivateBucketProps)."""

    transitions: tuple[TransitionSettings, ...] | None = None
    noncurrent_version_expiration_days: int | None = None
    expiration_days: int | None = None
    abort_incomplete_multipart_upload_days: int | None = None


@dataclass(frozen=True, kw_only=True)
class MonitoringSettings:
    """``[monitoring]``: who is told and when (see MonitoringProps)."""

    alert_email: str | None = None
    service_cpu_percent: float | None = None
    service_memory_percent: float | None = None
    alb_5xx_percent: float | None = None
    database_cpu_percent: float | None = None
    database_free_storage_gb: float | None = None
    database_connections: int | None = None
    database_read_latency_seconds: float | None = None
    database_write_latency_seconds: float | None = None
    function_errors: int | None = None
    function_throttles: int | None = None
    function_duration_percent: float | None = None
    account_function_errors: int | None = None
    account_function_throttles: int | None = None
    account_concurrency_percent: float | None = None
    redis_cpu_percent: float | None = None
    redis_memory_percent: float | None = None
    replica_lag_seconds: int | None = None
    replication_latency_seconds: int | None = None
    period_seconds: int | None = None
    evaluation_periods: int | None = None


@dataclass(frozen=True, kw_only=True)
class FunctionSettings:
    """A Lambda function's runtime and size (see LambdaFunctionProps)."""

    runtime: str | None = None
    handler: str | None = None
    architecture: str | None = None
    memory_mb: int | None = None
    timeout_seconds: int | None = None
    log_retention_days: int | None = None


@dataclass(frozen=True, kw_only=True)
class AuditTrailSettings:
    """``[trail]``: the CloudTrail trail and what it keeps (see AuditTrailProps)."""

    log_retention_days: int | None = None
    object_expiration_days: int | None = None
    include_global_service_events: bool | None = None


@dataclass(frozen=True, kw_only=True)
class KeySettings:
    """``[keys]``: lifecycle of the customer-managed KMS keys (see KmsKeyProps)."""

    deletion_window_days: int | None = None
    enable_rotation: bool | None = None


@dataclass(frozen=True, kw_only=True)
class SecretSettings:
    """``[secrets]``: lifecycle of the Secrets Manager secrets (see SecretProps)."""

    recovery_window_days: int | None = None


@dataclass(frozen=True, kw_only=True)
class RegistrySettings:
    """``[registry]``: the ECR repository (see ContainerRegistryProps)."""

    keep_images: int | None = None
    scan_on_push: bool | None = None
    immutable_tags: bool | None = None


@dataclass(frozen=True, kw_only=True)
class ClusterSettings:
    """``[cluster]``: the ECS cluster (see EcsClusterProps)."""

    enable_container_insights: bool | None = None


@dataclass(frozen=True, kw_only=True)
class StateStoreSettings:
    """``[state.store]``: the state bucket and lock table (see TerraformStateStoreProps)."""

    noncurrent_version_expiration_days: int | None = None
    enable_lock_table_deletion_protection: bool | None = None


@dataclass(frozen=True, kw_only=True)
class KubernetesSettings:
    """``[kubernetes]``: the EKS control plane of every region (see EksClusterProps)."""

    version: str | None = None
    endpoint_public_access_cidrs: tuple[str, ...] | None = None
    """Ranges that may reach the public API endpoint; empty keeps the endpoint private only."""
    admin_principal_arns: tuple[str, ...] | None = None
    """IAM roles or users given cluster-admin through access entries."""
    log_types: tuple[str, ...] | None = None
    log_retention_days: int | None = None


@dataclass(frozen=True, kw_only=True)
class NodeGroupSettings:
    """``[<region>.nodes]``: one managed node group (see EksNodeGroupProps)."""

    desired_size: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    instance_types: tuple[str, ...] | None = None
    capacity_type: str | None = None
    """SPOT or ON_DEMAND."""
    disk_size_gb: int | None = None
    max_unavailable: int | None = None


@dataclass(frozen=True, kw_only=True)
class AuroraSettings:
    """``[aurora]``: an Aurora PostgreSQL global database (see AuroraPostgresProps)."""

    instance_class: str | None = None
    engine_version: str | None = None
    database_name: str | None = None
    master_username: str | None = None
    port: int | None = None
    primary_instances: int | None = None
    secondary_instances: int | None = None
    backup_retention_days: int | None = None
    backup_window: str | None = None
    maintenance_window: str | None = None
    deletion_protection: bool | None = None
    final_snapshot: bool | None = None
    log_exports: tuple[str, ...] | None = None
    log_retention_days: int | None = None
    password_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReadReplicaSettings:
    """``[replica]``: the cross-region read replica of an RDS instance (see ReadReplicaProps)."""

    instance_class: str | None = None
    """None: the source's class."""
    performance_insights: bool | None = None
    monitoring_interval_seconds: int | None = None


@dataclass(frozen=True, kw_only=True)
class CdnSettings:
    """``[cdn]`` (Solobase: ``[instances.cdn]``): a CloudFront distribution (see CdnDistributionProps)."""

    domain_name: str | None = None
    """Custom domain (a us-east-1 certificate is made for it); None uses the cloudfront.net name."""
    hosted_zone_id: str | None = None
    """Route 53 zone for the certificate's validation records and the alias record."""
    logging_bucket: str | None = None
    """Existing bucket for standard (legacy) access logs; None turns logging off."""
    price_class: str | None = None
    enable_origin_failover: bool | None = None
    minimum_protocol_version: str | None = None
    http_version: str | None = None
    enable_ipv6: bool | None = None


@dataclass(frozen=True, kw_only=True)
class FailoverDnsSettings:
    """``[dns]``: Route 53 failover between two regional ingress hostnames (see FailoverRecordProps)."""

    zone_name: str | None = None
    """Public hosted zone created for the record (give this or hosted_zone_id)."""
    hosted_zone_id: str | None = None
    """Existing public hosted zone the records go into."""
    record_name: str | None = None
    primary_hostname: str | None = None
    secondary_hostname: str | None = None
    health_check_path: str | None = None
    health_check_port: int | None = None
    failure_threshold: int | None = None
    request_interval_seconds: int | None = None
    ttl_seconds: int | None = None
