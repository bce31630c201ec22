"""Settings sections map onto construct props by name; nothing a user writes is dropped on the way."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from infra.config import mapping, sections
from infra.config.mapping import MappingDrift, to_props
from infra.config.sections import AutoscalingSettings, NetworkSettings, ServiceSettings
from infra.props.audit_trail import AuditTrailProps
from infra.props.aurora_postgres_cluster import AuroraPostgresProps
from infra.props.cdn_distribution import CdnDistributionProps
from infra.props.container_registry import ContainerRegistryProps
from infra.props.dns_failover import FailoverRecordProps
from infra.props.ecs_cluster import EcsClusterProps
from infra.props.eks_cluster import EksClusterProps
from infra.props.eks_node_group import EksNodeGroupProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.kms_key import KmsKeyProps
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.monitoring import MonitoringProps
from infra.props.network import ExistingNetworkProps, InterfaceEndpoint, NatGateways, NetworkProps
from infra.props.postgres_instance import PostgresInstanceProps, ReadReplicaProps
from infra.props.private_bucket import PrivateBucketProps, Transition
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps
from infra.props.service_autoscaling import ServiceAutoscalingProps
from infra.props.state_store import TerraformStateStoreProps
from infra.validation import ConfigError

# Each section and the props it maps onto; a section field its props lack must be mapped by hand.
PAIRS: list[tuple[type, type, set[str]]] = [
    (sections.NetworkSettings, NetworkProps, {"existing"}),
    (sections.ExistingNetworkSettings, ExistingNetworkProps, set()),
    (sections.AutoscalingSettings, ServiceAutoscalingProps, set()),
    (sections.ServiceSettings, FargateServiceProps, set()),
    (sections.LoadBalancerSettings, LoadBalancerProps, set()),
    (sections.DatabaseSettings, PostgresInstanceProps, set()),
    (sections.RedisSettings, RedisProps, set()),
    (sections.TransitionSettings, Transition, set()),
    (sections.BucketSettings, PrivateBucketProps, set()),
    (sections.MonitoringSettings, MonitoringProps, set()),
    (sections.KeySettings, KmsKeyProps, set()),
    (sections.SecretSettings, SecretProps, set()),
    (sections.RegistrySettings, ContainerRegistryProps, set()),
    (sections.ClusterSettings, EcsClusterProps, set()),
    (sections.StateStoreSettings, TerraformStateStoreProps, set()),
    (sections.FunctionSettings, LambdaFunctionProps, set()),
    (sections.AuditTrailSettings, AuditTrailProps, set()),
    (sections.KubernetesSettings, EksClusterProps, set()),
    (sections.NodeGroupSettings, EksNodeGroupProps, set()),
    (sections.AuroraSettings, AuroraPostgresProps, set()),
    (sections.ReadReplicaSettings, ReadReplicaProps, set()),
    (sections.CdnSettings, CdnDistributionProps, set()),
    (sections.FailoverDnsSettings, FailoverRecordProps, set()),
]


@pytest.mark.parametrize(("section", "props", "by_hand"), PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_every_section_field_has_a_props_field(section: type, props: type, by_hand: set[str]) -> None:
    names = {f.name for f in dataclasses.fields(section)} - by_hand
    assert names <= {f.name for f in dataclasses.fields(props)}


def test_every_section_of_the_module_is_paired() -> None:
    declared = {
        obj
        for obj in vars(sections).values()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) and obj.__module__ == sections.__name__
    }
    assert declared == {p[0] for p in PAIRS}


def test_sections_import_no_construct() -> None:
    assert not any(
        "infra.constructs" in str(hint) for cls, _, _ in PAIRS for hint in typing.get_type_hints(cls).values()
    )
    assert "infra.constructs" not in Path(sections.__file__).read_text()


def test_unset_fields_keep_the_props_defaults_and_strings_become_enums() -> None:
    props = to_props(
        NetworkProps,
        NetworkSettings(
            cidr_block="10.0.0.0/16",
            availability_zones=("us-east-1a",),
            public_subnet_cidrs=("10.0.0.0/24",),
            private_subnet_cidrs=("10.0.1.0/24",),
            nat_gateways="per_az",
            interface_endpoints=("logs",),
        ),
        "demo.network",
    )
    assert props.nat_gateways is NatGateways.PER_AZ and props.interface_endpoints == (InterfaceEndpoint.LOGS,)
    assert props.flow_log_retention_days == NetworkProps.__dataclass_fields__["flow_log_retention_days"].default


def test_nested_sections_become_nested_props() -> None:
    settings = ServiceSettings(
        cpu=256, memory=512, desired_count=1, image_tag="1", autoscaling=AutoscalingSettings(max_tasks=3)
    )
    props = to_props(FargateServiceProps, settings, "demo.api")
    assert isinstance(props.autoscaling, ServiceAutoscalingProps) and props.autoscaling.max_tasks == 3


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            ServiceSettings(cpu=256, memory=999, desired_count=1, image_tag="1"),
            "demo.api.memory must be one of (512, 1024, 2048) MiB for 256 CPU units",
        ),
        (
            ServiceSettings(
                cpu=256, memory=512, desired_count=1, image_tag="1", autoscaling=AutoscalingSettings(min_tasks=9)
            ),
            "demo.api.autoscaling.min_tasks must be at most max_tasks (4); got 9",
        ),
        (
            ServiceSettings(cpu=256, memory=512),
            "demo.api must be a complete FargateServiceProps (missing desired_count",
        ),
        (
            ServiceSettings(cpu=256, memory=512, desired_count=1, image_tag="1", cpu_architecture="RISCV"),
            "demo.api.cpu_architecture must be one of ('X86_64', 'ARM64'); got 'RISCV'",
        ),
    ],
)
def test_errors_name_the_setting_where_the_user_wrote_it(settings: ServiceSettings, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        to_props(FargateServiceProps, settings, "demo.api")
    assert message in str(raised.value)


def test_a_section_field_the_props_lack_is_a_mapping_drift() -> None:
    @dataclasses.dataclass(frozen=True)
    class Drifted:
        cidr: str | None = "10.0.0.0/16"

    with pytest.raises(MappingDrift, match="NetworkProps has no field 'cidr'"):
        mapping.to_props(NetworkProps, Drifted(), "demo.network")
