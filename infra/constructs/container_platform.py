"""The shape Freeside and ReplayDash share, composed of the parts any stack can use on its own.

Network, three customer keys (secrets, data at rest, alerts), a data tier
(PostgreSQL and Redis reachable only from the services), a service host (ECS
cluster and internet-facing load balancer), an ECR repository and the
alerting topic. Services join with :meth:`ContainerPlatform.add_service`,
which wires their access to the data tier and their alarms; secrets come from
:meth:`ContainerPlatform.secret`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from constructs import Construct

from infra.constructs.container_registry import ContainerRegistry
from infra.constructs.dashboard import ServiceDashboard
from infra.constructs.data_tier import DataTier
from infra.constructs.fargate_service import FargateService
from infra.constructs.kms_key import KeyPurpose, purpose_keys
from infra.constructs.load_balancer import LoadBalancer, Route
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import network_from
from infra.constructs.outputs import output
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.constructs.secret import ContainerSecretSource, Secret
from infra.constructs.service_host import ServiceHost
from infra.naming import PlatformNames
from infra.props.container_platform import ContainerPlatformProps
from infra.props.data_tier import DataTierProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.service_host import ServiceHostProps


class ContainerPlatform(Construct):
    """Everything but the services, named ``<prefix>-*``; the repository is ``repository_name``.

    The parts other stacks look up (network, cluster, load balancer, secrets
    and data keys) are named by ``names``, ``PlatformNames.of(prefix)`` unless
    a system's contract gives them. The alert topic is ``<prefix>-alerts``
    unless ``topic_name`` names it.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        prefix: str,
        repository_name: str,
        props: ContainerPlatformProps,
        topic_name: str | None = None,
        names: PlatformNames | None = None,
    ) -> None:
        super().__init__(scope, id_)
        names = names or PlatformNames.of(prefix)
        self.prefix = prefix
        self.props = props
        self.network = network_from(self, "Network", name=names.network, props=props.network)
        keys = purpose_keys(
            self,
            prefix=prefix,
            purposes={
                "secrets": KeyPurpose(alias=names.secrets_key_alias, description=f"Secrets of {prefix}"),
                "data": KeyPurpose(alias=names.data_key_alias, description=f"Database and cache storage of {prefix}"),
                "alerts": KeyPurpose(
                    description=f"Alert topic of {prefix}", allowed_services=("cloudwatch.amazonaws.com",)
                ),
            },
            props=props.keys,
        )
        self.secrets_key, self.data_key, self.alerts_key = keys["secrets"], keys["data"], keys["alerts"]
        self.data = DataTier(
            self,
            "Data",
            network=self.network,
            database_identifier=f"{prefix}-postgres",
            cache_name=f"{prefix}-redis",
            storage_key=self.data_key,
            secret_key=self.secrets_key,
            props=DataTierProps(database=props.database, cache=props.cache),
        )
        self.host = ServiceHost(
            self,
            "Host",
            cluster_name=names.cluster,
            load_balancer_name=names.load_balancer,
            network=self.network,
            props=ServiceHostProps(cluster=props.cluster, load_balancer=props.load_balancer),
        )
        self.registry = ContainerRegistry(self, "Registry", name=repository_name, props=props.registry)
        self.monitoring = Monitoring(
            self, "Monitoring", name=prefix, kms_key=self.alerts_key, props=props.monitoring, topic_name=topic_name
        )
        self.data.watch(self.monitoring)
        self.monitoring.watch_load_balancer(self.load_balancer.reference)

    @property
    def database(self) -> PostgresInstance:
        return self.data.database

    @property
    def cache(self) -> RedisReplicationGroup:
        if self.data.cache is None:
            raise LookupError(f"{self.prefix} has no cache (props.cache is None)")
        return self.data.cache

    @property
    def load_balancer(self) -> LoadBalancer:
        if self.host.load_balancer is None:  # the platform always has one; this narrows the type
            raise LookupError("container platform without a load balancer")
        return self.host.load_balancer

    @property
    def access_log_bucket(self) -> PrivateBucket:
        """The load balancer's access-log bucket (SSE-S3), the target of the system's buckets' access logs."""
        bucket = self.load_balancer.access_log_bucket
        if bucket is None:  # settings refuse this where a bucket logs to it (require_access_logs)
            raise LookupError(f"{self.prefix}: [load_balancer] enable_access_logs is off")
        return bucket

    @property
    def services(self) -> dict[str, FargateService]:
        return self.host.services

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
        route: Route | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> FargateService:
        """Service ``<prefix>-<container_name>``; ``route`` puts it behind the load balancer.

        It may reach the database and the cache; with a cache, its task role
        may connect to it as the IAM-authenticated user ``<prefix>-<container_name>``,
        named in its ``REDIS_USER`` (with ``REDIS_REPLICATION_GROUP_ID``, the
        group its tokens are signed for). Its CPU and memory are alarmed, and
        its unhealthy targets when it is behind the load balancer.
        ``environment`` adds plain variables the stack knows (endpoints) to the props' own.
        """
        name = f"{self.prefix}-{container_name}"
        added = dict(environment or {})
        if self.data.cache is not None:
            added.update(self.data.cache.client_environment(name))
        if added:
            props = dataclasses.replace(props, environment={**props.environment, **added})
        service = self.host.add_service(
            key,
            name=name,
            container_name=container_name,
            repository=self.registry,
            log_group_name=log_group_name,
            secrets=secrets,
            props=props,
            route=route,
        )
        self.data.allow_from(service.security_group, label=container_name)
        if self.data.cache is not None:
            self.data.cache.grant_connect(service.task_role, user=name)
        self.monitoring.watch_service(service, key=key)
        if service.target is not None:
            self.monitoring.watch_target(service.target, key=key)
        return service

    def dashboard(self, scope: Construct, id_: str, *, name: str) -> ServiceDashboard:
        """Dashboard ``name`` (made in ``scope``) of every service so far, the load balancer, the database and
        the cache."""
        return ServiceDashboard(
            scope,
            id_,
            name=name,
            services=list(self.services.values()),
            load_balancer=self.load_balancer.reference,
            databases=[self.database],
            cache=self.data.cache,
        )

    def declare_outputs(self, *, data_prefix: str = "") -> None:
        """The platform's outputs, under the names the READMEs use (``data_prefix`` starts the data tier's)."""
        self.network.declare_outputs()
        self.host.declare_outputs()
        self.data.declare_outputs(data_prefix)
        output(self, "ecr_repository_url", self.registry.url, "Push the service images here")
        output(self, "sns_topic_arn", self.monitoring.topic_arn, "SNS topic that receives every alarm")
