"""Freeside (resources named ``arrakis-*``), from 003_af44a56795883dfb.txt.

Production is what the document describes. Staging is the environment it
plans ("deploy with reduced resources (t3.micro, etc.)"): same shape,
smaller sizes, one API task, nothing that blocks a destroy.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.config.model import StateBackendSettings, SystemSettings
from infra.constructs.network import InterfaceEndpoint, NatGateways, NetworkProps

ENVIRONMENTS = ("production", "staging")

# The account the document's state bucket is named after.
ACCOUNT_ID = "891376933289"


@dataclass(frozen=True, kw_only=True)
class FreesideSettings(SystemSettings):
    """One Freeside environment."""

    name_prefix: str
    """Every resource name starts with it: ``arrakis-<environment>``."""
    network: NetworkProps

    def __post_init__(self) -> None:
        super().__post_init__()
        validation.resource_name("name_prefix", self.name_prefix, max_length=24)


def _network(second_octet: int) -> NetworkProps:
    return NetworkProps(
        cidr_block=f"10.{second_octet}.0.0/16",
        availability_zones=("us-east-1a", "us-east-1b"),
        private_subnet_cidrs=(f"10.{second_octet}.1.0/24", f"10.{second_octet}.2.0/24"),
        public_subnet_cidrs=(f"10.{second_octet}.101.0/24", f"10.{second_octet}.102.0/24"),
        nat_gateways=NatGateways.SINGLE,
        interface_endpoints=(InterfaceEndpoint.ECR_API, InterfaceEndpoint.ECR_DKR, InterfaceEndpoint.LOGS),
    )


def defaults(environment: str) -> FreesideSettings:
    production = environment == "production"
    return FreesideSettings(
        system="freeside",
        environment=environment,
        region="us-east-1",
        account_id=ACCOUNT_ID,
        state=StateBackendSettings(
            bucket=f"arrakis-tfstate-{ACCOUNT_ID}",
            key=f"{environment}/terraform.tfstate",
            region="us-east-1",
            lock_table="arrakis-terraform-locks",
        ),
        name_prefix=f"arrakis-{environment}",
        # Staging gets its own range (10.1/16) so the two VPCs can be peered later.
        network=_network(0 if production else 1),
    )
