"""Settings sections onto construct props: the mappings several systems share ([network], the container platform)."""

from __future__ import annotations

from infra.config.mapping import to_props
from infra.config.model import ContainerPlatformSettings
from infra.config.sections import NetworkSettings
from infra.props.container_platform import ContainerPlatformProps
from infra.props.container_registry import ContainerRegistryProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.kms_key import KmsKeyProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.monitoring import MonitoringProps
from infra.props.network import ExistingNetworkProps, NetworkProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps


def settings_path(settings: ContainerPlatformSettings) -> str:
    """``<system>.<environment>``: where errors say the bad value is."""
    return f"{settings.system}.{settings.environment}"


def network_props(section: NetworkSettings, path: str) -> NetworkProps | ExistingNetworkProps:
    """``[network]``, or ``[network.existing]`` when a VPC made elsewhere is to be used."""
    if section.existing is not None:
        return to_props(ExistingNetworkProps, section.existing, f"{path}.existing")
    return to_props(NetworkProps, section, path)


def platform_props(
    settings: ContainerPlatformSettings, *, subject_alternative_names: tuple[str, ...] = ()
) -> ContainerPlatformProps:
    """The platform's props from the ``[network]``, ``[database]``, ... sections of ``settings``.

    ``subject_alternative_names``: more names the stack (not the user) puts on the load balancer's certificate.
    """
    path = settings_path(settings)
    extra = {"subject_alternative_names": subject_alternative_names} if subject_alternative_names else {}
    return ContainerPlatformProps(
        network=network_props(settings.network, f"{path}.network"),
        load_balancer=to_props(LoadBalancerProps, settings.load_balancer, f"{path}.load_balancer", **extra),
        database=to_props(PostgresInstanceProps, settings.database, f"{path}.database"),
        cache=to_props(RedisProps, settings.cache, f"{path}.cache") if settings.cache is not None else None,
        cluster=to_props(EcsClusterProps, settings.cluster, f"{path}.cluster"),
        registry=to_props(ContainerRegistryProps, settings.registry, f"{path}.registry"),
        secrets=to_props(SecretProps, settings.secrets, f"{path}.secrets"),
        keys=to_props(KmsKeyProps, settings.keys, f"{path}.keys"),
        monitoring=to_props(MonitoringProps, settings.monitoring, f"{path}.monitoring"),
    )
