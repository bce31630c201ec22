"""ReplayDash, from 002_bc7aa9729d4cca4d.txt."""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.config.model import StateBackendSettings, SystemSettings
from infra.constructs.network import InterfaceEndpoint, NatGateways, NetworkProps

ENVIRONMENTS = ("staging", "production")


@dataclass(frozen=True, kw_only=True)
class ReplayDashSettings(SystemSettings):
    """One ReplayDash environment."""

    name_prefix: str
    """Every resource name starts with it: ``replaydash-<environment>``."""
    network: NetworkProps

    def __post_init__(self) -> None:
        super().__post_init__()
        validation.resource_name("name_prefix", self.name_prefix, max_length=24)


def defaults(environment: str) -> ReplayDashSettings:
    octet = 20 if environment == "production" else 21
    return ReplayDashSettings(
        system="replaydash",
        environment=environment,
        region="us-east-1",
        state=StateBackendSettings(
            bucket="replaydash-terraform-state",
            key=f"{environment}/terraform.tfstate",
            region="us-east-1",
            lock_table="replaydash-terraform-locks",
        ),
        name_prefix=f"replaydash-{environment}",
        network=NetworkProps(
            cidr_block=f"10.{octet}.0.0/16",
            availability_zones=("us-east-1a", "us-east-1b"),
            public_subnet_cidrs=(f"10.{octet}.0.0/24", f"10.{octet}.1.0/24"),
            private_subnet_cidrs=(f"10.{octet}.10.0/24", f"10.{octet}.11.0/24"),
            database_subnet_cidrs=(f"10.{octet}.20.0/24", f"10.{octet}.21.0/24"),
            nat_gateways=NatGateways.SINGLE,
            interface_endpoints=(
                InterfaceEndpoint.ECR_API,
                InterfaceEndpoint.ECR_DKR,
                InterfaceEndpoint.LOGS,
                InterfaceEndpoint.SECRETS_MANAGER,
                InterfaceEndpoint.SSM,
                InterfaceEndpoint.SSM_MESSAGES,
            ),
        ),
    )
