"""ECS: services, and the capacity providers they run on."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="DescribeServices reports the settings CreateService and UpdateService were given, "
    "with AWS's defaults for the rest.",
    reference="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
)
def ecs_service_settings() -> None:
    """An ECS service keeps the settings it was created or updated with, as on AWS.

    moto 5.2.5's CreateService passes the backend only some of its input, so
    DescribeServices has no ``capacityProviderStrategy``, ``enableECSManagedTags``,
    ``enableExecuteCommand``, ``healthCheckGracePeriodSeconds``,
    ``deploymentConfiguration`` or ``availabilityZoneRebalancing``, and reports
    ``launchType`` EC2 for a service given a capacity provider strategy instead.
    Here CreateService keeps them (AWS's defaults when not given: deployment
    100/200 percent, or 0/100 for a DAEMON service, circuit breaker off,
    rebalancing DISABLED), a service with a strategy has no launch type, and a
    launch type given together with a strategy is an InvalidParameterException.
    UpdateService changes only the parts of ``deploymentConfiguration`` it is
    given (moto replaced the whole), and a strategy it is given replaces the
    launch type.
    """
    from typing import Any, cast

    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend, Service
    from moto.ecs.responses import EC2ContainerServiceResponse

    def deployment_configuration(current: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
        given = given or {}
        breaker = {**current["deploymentCircuitBreaker"], **given.get("deploymentCircuitBreaker", {})}
        return {**current, **given, "deploymentCircuitBreaker": breaker}

    def use_capacity_providers(service: Service, strategy: list[dict[str, Any]]) -> None:
        service.launch_type = None
        for deployment in service.deployments:
            deployment.update(launchType=None, capacityProviderStrategy=strategy)

    original_create = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
        strategy = self._get_param("capacityProviderStrategy")
        if strategy and self._get_param("launchType"):
            raise InvalidParameterException(
                "Specifying both a launch type and capacity provider strategy is not supported. "
                "Remove one and try again."
            )
        result = original_create(self)
        service = cast(dict[str, Service], result.result)["service"]
        if strategy:
            use_capacity_providers(service, strategy)
        daemon = service.scheduling_strategy == "DAEMON"
        defaults = {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 100 if daemon else 200,
            "minimumHealthyPercent": 0 if daemon else 100,
        }
        vars(service).update(
            capacity_provider_strategy=strategy or None,
            enable_ecs_managed_tags=bool(self._get_param("enableECSManagedTags")),
            enable_execute_command=bool(self._get_param("enableExecuteCommand")),
            health_check_grace_period_seconds=self._get_param("healthCheckGracePeriodSeconds"),
            deployment_configuration=deployment_configuration(defaults, self._get_param("deploymentConfiguration")),
            availability_zone_rebalancing=self._get_param("availabilityZoneRebalancing") or "DISABLED",
        )
        return result

    original_update = EC2ContainerServiceBackend.update_service

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Service:
        current = self._get_service(service_properties.get("cluster", "default"), service_properties["service"])
        given = service_properties.get("deployment_configuration")
        if given is not None and "deployment_configuration" in vars(current):
            service_properties["deployment_configuration"] = deployment_configuration(
                vars(current)["deployment_configuration"], given
            )
        strategy = service_properties.get("capacity_provider_strategy")
        service: Service = original_update(self, service_properties)
        if strategy:
            use_capacity_providers(service, strategy)
        return service

    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]


ASSOCIATION_MESSAGE = (
    "The specified capacity provider strategy cannot contain a capacity provider that is not associated with "
    "the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again."
)
IN_USE_MESSAGE = "The specified capacity provider is in use and cannot be removed."


def _strategy_of(service: object) -> list[dict[str, object]]:
    """The capacity provider strategy a service runs on (kept by ecs_service_settings), or none."""
    strategy: list[dict[str, object]] = vars(service).get("capacity_provider_strategy") or []
    return strategy


@fill(
    behaviour="CreateService and UpdateService refuse a capacity provider strategy naming a provider not "
    "associated with the cluster; without a strategy or launch type a service gets the cluster's default "
    "strategy, and a cluster without one is refused.",
    reference="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html",
)
def ecs_service_strategy_needs_associated_capacity_provider() -> None:
    """A service runs only on capacity providers associated with its cluster, as on AWS.

    moto 5.2.5 accepts any ``capacityProviderStrategy`` on CreateService and
    UpdateService (API_UpdateService.html), whatever the cluster's capacity
    providers (PutClusterCapacityProviders), and gives a service with neither
    a strategy nor a launch type the EC2 launch type. On AWS a strategy naming
    a provider the cluster does not have fails with InvalidParameterException,
    so a Terraform service that does not depend on its cluster's
    ``aws_ecs_cluster_capacity_providers`` fails on create whenever Terraform
    creates it first. Here both calls refuse such a strategy with AWS's
    message. A service given neither gets the cluster's default capacity
    provider strategy, as the reference says; for a cluster without one the
    reference does not say what AWS does, so the emulator refuses it the same
    way (fail closed) instead of choosing a launch type.
    """
    from typing import Any

    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import Cluster, EC2ContainerServiceBackend, Service
    from moto.ecs.responses import EC2ContainerServiceResponse

    def require_associated(cluster: Cluster, strategy: list[dict[str, Any]]) -> None:
        associated = set(cluster.capacity_providers or [])
        if any(item.get("capacityProvider") not in associated for item in strategy):
            raise InvalidParameterException(ASSOCIATION_MESSAGE)

    original_create = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
        strategy = self._get_param("capacityProviderStrategy")
        launch_type = self._get_param("launchType")
        cluster = self.ecs_backend._get_cluster(self._get_param("cluster", "default"))
        default: list[dict[str, Any]] = []
        if strategy and not launch_type:
            require_associated(cluster, strategy)
        elif not strategy and not launch_type:
            default = list(cluster.default_capacity_provider_strategy or [])
            if not default:
                raise InvalidParameterException(
                    f"{ASSOCIATION_MESSAGE} (The service names no launch type or capacity provider strategy, "
                    f"and cluster {cluster.name} has no default capacity provider strategy: the emulator does not "
                    "guess what AWS would run it on.)"
                )
            require_associated(cluster, default)
        result = original_create(self)
        if default:
            service = result.result["service"]  # type: ignore[index]
            service.launch_type = None
            for deployment in service.deployments:
                deployment.update(launchType=None, capacityProviderStrategy=default)
            vars(service)["capacity_provider_strategy"] = default
        return result

    original_update = EC2ContainerServiceBackend.update_service

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Service:
        strategy = service_properties.get("capacity_provider_strategy")
        if strategy:
            require_associated(self._get_cluster(service_properties.get("cluster") or "default"), strategy)
        service: Service = original_update(self, service_properties)
        return service

    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]


@fill(
    behaviour="PutClusterCapacityProviders refuses to remove a capacity provider that a service of the "
    "cluster still uses (ResourceInUseException).",
    reference="https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html",
)
def ecs_capacity_provider_in_use_cannot_be_removed() -> None:
    """A cluster keeps a capacity provider while a service uses it, as on AWS.

    moto 5.2.5's PutClusterCapacityProviders replaces the cluster's providers
    with whatever it is given. On AWS, removing a provider that a service of
    the cluster still uses (the service is not yet deleted: ACTIVE or
    DRAINING, whatever its desired count) fails with ResourceInUseException,
    which is what destroying an ``aws_ecs_cluster_capacity_providers`` before
    the services on it runs into (the provider retries it until the services
    are gone, or times out). Here the call is refused the same way, before
    anything changes; a provider no live service uses can go.
    """
    from typing import Any

    from moto.ecs.exceptions import ECSException
    from moto.ecs.models import Cluster, EC2ContainerServiceBackend

    class ResourceInUseException(ECSException):
        code = "ResourceInUseException"

    original = EC2ContainerServiceBackend.put_cluster_capacity_providers

    def put_cluster_capacity_providers(
        self: EC2ContainerServiceBackend,
        cluster_name: str,
        capacity_providers: list[str] | None,
        default_capacity_provider_strategy: list[dict[str, Any]] | None,
    ) -> Cluster:
        cluster = self._get_cluster(cluster_name)
        if capacity_providers is not None:
            removed = set(cluster.capacity_providers or []) - set(capacity_providers)
            for service in self.services.values():
                if service.cluster_arn != cluster.arn or service.status == "INACTIVE":
                    continue
                if removed & {str(item.get("capacityProvider")) for item in _strategy_of(service)}:
                    raise ResourceInUseException(IN_USE_MESSAGE)
        updated: Cluster = original(self, cluster_name, capacity_providers, default_capacity_provider_strategy)
        return updated

    EC2ContainerServiceBackend.put_cluster_capacity_providers = put_cluster_capacity_providers  # type: ignore[method-assign]
