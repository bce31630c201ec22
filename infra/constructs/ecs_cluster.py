"""An ECS cluster for Fargate and Fargate Spot, with Container Insights."""

from __future__ import annotations

from typing import Protocol

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.data_aws_ecs_cluster import DataAwsEcsCluster
from cdktf_cdktf_provider_aws.ecs_cluster import EcsCluster as AwsEcsCluster
from cdktf_cdktf_provider_aws.ecs_cluster import EcsClusterSetting
from cdktf_cdktf_provider_aws.ecs_cluster_capacity_providers import (
    EcsClusterCapacityProviders,
    EcsClusterCapacityProvidersDefaultCapacityProviderStrategy,
)
from constructs import Construct

from infra import validation
from infra.props.ecs_cluster import EcsClusterProps


class EcsCluster(Construct):
    """``<name>`` with FARGATE and FARGATE_SPOT available; services choose their own mix."""

    def __init__(self, scope: Construct, id_: str, *, name: str, props: EcsClusterProps) -> None:
        super().__init__(scope, id_)
        validation.resource_name("cluster name", name, max_length=255)
        self.cluster = AwsEcsCluster(
            self,
            "Cluster",
            name=name,
            setting=[
                EcsClusterSetting(
                    name="containerInsights", value="enabled" if props.enable_container_insights else "disabled"
                )
            ],
            tags={"Name": name},
        )
        # Services must depend on this association: ECS refuses a strategy naming a provider
        # the cluster does not have, and refuses removing a provider a service still uses.
        self.capacity_providers = EcsClusterCapacityProviders(
            self,
            "CapacityProviders",
            cluster_name=self.cluster.name,
            capacity_providers=["FARGATE", "FARGATE_SPOT"],
            default_capacity_provider_strategy=[
                EcsClusterCapacityProvidersDefaultCapacityProviderStrategy(capacity_provider="FARGATE", weight=1)
            ],
        )
        self.name = self.cluster.name
        self.arn = self.cluster.arn


class ClusterLike(Protocol):
    """A cluster services run on: an EcsCluster made here or one found by name."""

    @property
    def name(self) -> str: ...

    @property
    def arn(self) -> str: ...

    @property
    def capacity_providers(self) -> ITerraformDependable | None:
        """The capacity-provider association services must wait for, when it is made in this stack."""
        ...


class EcsClusterLookup(Construct):
    """A cluster made elsewhere (another stack), found by name; it must offer the providers services ask for."""

    def __init__(self, scope: Construct, id_: str, *, name: str) -> None:
        super().__init__(scope, id_)
        validation.resource_name("cluster name", name, max_length=255)
        found = DataAwsEcsCluster(self, "Cluster", cluster_name=name)
        self.name = name
        self.arn = found.arn
        self.capacity_providers: ITerraformDependable | None = None
