"""Where services run: an ECS cluster and an internet-facing load balancer they share, routed by host or path."""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from infra.constructs.container_registry import ContainerRegistry
from infra.constructs.ecs_cluster import EcsCluster
from infra.constructs.fargate_service import FargateService
from infra.constructs.load_balancer import ListenerTarget, LoadBalancer, Route
from infra.constructs.network import NetworkLike
from infra.constructs.outputs import output
from infra.constructs.secret import ContainerSecretSource
from infra.props.fargate_service import FargateServiceProps
from infra.props.service_host import ServiceHostProps
from infra.validation import ConfigError


class ServiceHost(Construct):
    """Cluster ``cluster_name`` and load balancer ``load_balancer_name``; services join with :meth:`add_service`.

    A service given a route receives what the load balancer routes to it (by
    host name, path, or by default); the others are internal. Every service
    runs in the network's private subnets.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        cluster_name: str,
        load_balancer_name: str,
        network: NetworkLike,
        props: ServiceHostProps,
    ) -> None:
        super().__init__(scope, id_)
        self.network = network
        self.cluster = EcsCluster(self, "Cluster", name=cluster_name, props=props.cluster)
        self.load_balancer: LoadBalancer | None = None
        if props.load_balancer is not None:
            self.load_balancer = LoadBalancer(
                self,
                "LoadBalancer",
                name=load_balancer_name,
                vpc_id=network.vpc_id,
                public_subnet_ids=network.public_subnet_ids,
                props=props.load_balancer,
            )
        self.services: dict[str, FargateService] = {}

    def add_service(
        self,
        key: str,
        *,
        name: str,
        container_name: str,
        repository: ContainerRegistry,
        log_group_name: str,
        secrets: Mapping[str, ContainerSecretSource],
        props: FargateServiceProps,
        route: Route | None = None,
    ) -> FargateService:
        """Service ``name``; with ``route``, behind the load balancer (``key`` names its constructs, PascalCase)."""
        if key in self.services:
            raise ConfigError("service key", "unique on the host", key)
        target: ListenerTarget | None = None
        if route is not None:
            if self.load_balancer is None:
                raise ConfigError(f"{name} route", "unset on a host without a load balancer", route)
            if props.container_port is None:
                raise ConfigError(
                    f"{container_name}.container_port", "set for a service behind the load balancer", None
                )
            target = self.load_balancer.add_target(
                key, name=name, port=props.container_port, health_check_path=props.health_check_path, route=route
            )
        service = FargateService(
            self,
            f"{key}Service",
            name=name,
            container_name=container_name,
            cluster=self.cluster,
            vpc_id=self.network.vpc_id,
            subnet_ids=list(self.network.private_subnet_ids),
            repository=repository,
            log_group_name=log_group_name,
            secrets=secrets,
            props=props,
            target=target,
        )
        self.services[key] = service
        return service

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>ecs_cluster_name`` and the load balancer's outputs."""
        output(self, f"{prefix}ecs_cluster_name", self.cluster.name, "ECS cluster of the services")
        if self.load_balancer is not None:
            self.load_balancer.declare_outputs(prefix)
