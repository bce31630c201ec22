"""The shape Freeside and ReplayDash share: containers on Fargate behind an ALB, with PostgreSQL and Redis.

One VPC, three customer keys (secrets, data at rest, alerts), a PostgreSQL
instance and a Redis group reachable only from the services, an ECS cluster,
an ECR repository, an internet-facing load balancer and the alerting topic.
Services are added with :meth:`ContainerPlatform.add_service`, which wires
their network access and alarms; secrets with :meth:`ContainerPlatform.secret`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs import Construct

from infra.constructs.container_registry import ContainerRegistry, ContainerRegistryProps
from infra.constructs.ecs_cluster import EcsCluster, EcsClusterProps
from infra.constructs.fargate_service import FargateService, FargateServiceProps
from infra.constructs.kms_key import KmsKey, KmsKeyProps
from infra.constructs.load_balancer import LoadBalancer, LoadBalancerProps, LoadBalancerTarget
from infra.constructs.monitoring import Monitoring, MonitoringProps
from infra.constructs.network import Network, NetworkProps
from infra.constructs.outputs import output
from infra.constructs.postgres_instance import PostgresInstance, PostgresInstanceProps
from infra.constructs.redis_replication_group import RedisProps, RedisReplicationGroup
from infra.constructs.secret import ContainerSecretSource, Secret, SecretProps
from infra.validation import ConfigError


@dataclass(frozen=True, kw_only=True)
class ContainerPlatformProps:
    """Settings of every part of the platform (system settings extend this)."""

    network: NetworkProps
    load_balancer: LoadBalancerProps
    database: PostgresInstanceProps
    cache: RedisProps
    cluster: EcsClusterProps = field(default_factory=EcsClusterProps)
    registry: ContainerRegistryProps = field(default_factory=ContainerRegistryProps)
    secrets: SecretProps = field(default_factory=SecretProps)
    keys: KmsKeyProps = field(default_factory=KmsKeyProps)
    monitoring: MonitoringProps = field(default_factory=MonitoringProps)


class ContainerPlatform(Construct):
    """Everything but the services, named ``<prefix>-*``; the repository is ``repository_name``."""

    def __init__(
        self, scope: Construct, id_: str, *, prefix: str, repository_name: str, props: ContainerPlatformProps
    ) -> None:
        super().__init__(scope, id_)
        self.prefix = prefix
        self.props = props
        self.network = Network(self, "Network", name=prefix, props=props.network)
        self.secrets_key = KmsKey(
            self, "SecretsKey", alias=f"{prefix}-secrets", description=f"Secrets of {prefix}", props=props.keys
        )
        self.data_key = KmsKey(
            self,
            "DataKey",
            alias=f"{prefix}-data",
            description=f"Database and cache storage of {prefix}",
            props=props.keys,
        )
        alerts_key = KmsKey(
            self,
            "AlertsKey",
            alias=f"{prefix}-alerts",
            description=f"Alert topic of {prefix}",
            allowed_services=("cloudwatch.amazonaws.com",),
            props=props.keys,
        )
        vpc_id, private_subnets = self.network.vpc_id, self.network.private_subnet_ids
        self.database = PostgresInstance(
            self,
            "Database",
            identifier=f"{prefix}-postgres",
            vpc_id=vpc_id,
            subnet_ids=private_subnets,
            storage_key=self.data_key,
            secret_key=self.secrets_key,
            props=props.database,
        )
        self.cache = RedisReplicationGroup(
            self,
            "Cache",
            name=f"{prefix}-redis",
            vpc_id=vpc_id,
            subnet_ids=private_subnets,
            kms_key=self.data_key,
            props=props.cache,
        )
        self.cluster = EcsCluster(self, "Cluster", name=f"{prefix}-cluster", props=props.cluster)
        self.registry = ContainerRegistry(self, "Registry", name=repository_name, props=props.registry)
        self.load_balancer = LoadBalancer(
            self,
            "LoadBalancer",
            name=f"{prefix}-alb",
            vpc_id=self.network.vpc_id,
            public_subnet_ids=self.network.public_subnet_ids,
            props=props.load_balancer,
        )
        self.monitoring = Monitoring(self, "Monitoring", name=prefix, kms_key=alerts_key, props=props.monitoring)
        self.monitoring.watch_database(self.database)
        self.monitoring.watch_redis(self.cache)
        self.services: dict[str, FargateService] = {}

        output(self, "ecr_repository_url", self.registry.url, "Push the service images here")
        output(self, "ecs_cluster_name", self.cluster.name, "ECS cluster of the services")
        output(self, "database_endpoint", self.database.endpoint, "PostgreSQL endpoint (host:port), private")
        output(self, "redis_endpoint", self.cache.primary_endpoint, "Redis primary endpoint (TLS), private")

    def secret(self, id_: str, *, name: str, description: str) -> Secret:
        """A secret encrypted with the platform's secrets key."""
        return Secret(self, id_, name=name, description=description, kms_key=self.secrets_key, props=self.props.secrets)

    def add_service(
        self,
        key: str,
        *,
        container_name: str,
        log_group_name: str,
        secrets: Mapping[str, ContainerSecretSource],
        props: FargateServiceProps,
        public: bool,
    ) -> FargateService:
        """Service ``<prefix>-<container_name>``; ``public`` puts it behind the load balancer (once).

        It may reach the database and the cache, and its CPU and memory are
        alarmed (with the load balancer's error rate and unhealthy targets when public).
        """
        if key in self.services:
            raise ConfigError("service key", "unique within the platform", key)
        name = f"{self.prefix}-{container_name}"
        target: LoadBalancerTarget | None = None
        if public:
            if props.container_port is None:
                raise ConfigError(f"{container_name}.container_port", "set for a public service", None)
            target = self.load_balancer.forward_to(
                name=name, port=props.container_port, health_check_path=props.health_check_path
            )
        service = FargateService(
            self,
            f"{key}Service",
            name=name,
            container_name=container_name,
            cluster=self.cluster,
            vpc_id=self.network.vpc_id,
            subnet_ids=self.network.private_subnet_ids,
            repository=self.registry,
            log_group_name=log_group_name,
            secrets=secrets,
            props=props,
            target=target,
        )
        self.database.allow_from(service.security_group, label=f"PostgreSQL from {container_name}")
        self.cache.allow_from(service.security_group, label=f"Redis from {container_name}")
        self.monitoring.watch_service(service, key=key)
        if target is not None:
            self.monitoring.watch_load_balancer(target)
        self.services[key] = service
        return service
