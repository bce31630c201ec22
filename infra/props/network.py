"""Props of infra/constructs/network.py: data only (no cdktf), so settings can be made of them.

VPC with public, private and optional database subnets, NAT, endpoints and flow logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from infra import validation
from infra.validation import ConfigError


class NatGateways(StrEnum):
    """How private subnets reach the internet."""

    NONE = "none"
    """No NAT: private subnets reach AWS through endpoints only."""
    SINGLE = "single"
    """One NAT gateway in the first AZ: cheapest, but that AZ is a single point of egress."""
    PER_AZ = "per_az"
    """One NAT gateway per AZ: egress survives the loss of an AZ."""


class InterfaceEndpoint(StrEnum):
    """AWS services reachable from private subnets through PrivateLink (value: service suffix)."""

    ECR_API = "ecr.api"
    ECR_DKR = "ecr.dkr"
    LOGS = "logs"
    SECRETS_MANAGER = "secretsmanager"
    SSM = "ssm"
    SSM_MESSAGES = "ssmmessages"
    """Needed by ECS Exec sessions."""
    KMS = "kms"
    STS = "sts"


_AZ_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d[a-z]$")


@dataclass(frozen=True, kw_only=True)
class NetworkProps:
    """Shape of the network. Every subnet tier has one subnet per availability zone, in order."""

    cidr_block: str
    """The VPC range, /16 to /28."""
    availability_zones: tuple[str, ...]
    """Zone names, e.g. ("us-east-1a", "us-east-1b")."""
    public_subnet_cidrs: tuple[str, ...]
    """One per zone; these host load balancers and NAT gateways only."""
    private_subnet_cidrs: tuple[str, ...]
    """One per zone; workloads live here."""
    database_subnet_cidrs: tuple[str, ...] = ()
    """Optional isolated tier (no route to the internet) for databases and caches."""
    nat_gateways: NatGateways = NatGateways.SINGLE
    """Single NAT by default: the documented systems choose it for cost; use per_az for zone-resilient egress."""
    enable_s3_gateway_endpoint: bool = True
    """Free gateway endpoint: S3 traffic (ECR layers too) skips the NAT."""
    interface_endpoints: tuple[InterfaceEndpoint, ...] = ()
    """PrivateLink endpoints; each costs about $7/month per AZ, so none unless asked."""
    enable_flow_logs: bool = True
    """VPC flow logs to CloudWatch Logs: needed to investigate any network incident."""
    flow_log_retention_days: int = 30
    """A month of flow logs covers most investigations at a modest cost."""
    flow_log_traffic_type: str = "ALL"
    """ALL, ACCEPT or REJECT."""
    existing: ExistingNetworkProps | None = None
    """``[network.existing]``: use a VPC and subnets made elsewhere instead of creating one; the fields above
    then do not apply."""

    def __post_init__(self) -> None:
        vpc = validation.cidr_block("cidr_block", self.cidr_block)
        if not 16 <= vpc.prefixlen <= 28:
            raise ConfigError("cidr_block", "a CIDR block from /16 to /28", self.cidr_block)
        zones = self.availability_zones
        if not 1 <= len(zones) <= 6:
            raise ConfigError("availability_zones", "1 to 6 zone names", zones)
        validation.unique("availability_zones", zones)
        for index, zone in enumerate(zones):
            if not isinstance(zone, str) or not _AZ_PATTERN.match(zone):
                raise ConfigError(f"availability_zones[{index}]", "a zone name such as 'us-east-1a'", zone)
        named = []
        for tier in ("public_subnet_cidrs", "private_subnet_cidrs", "database_subnet_cidrs"):
            cidrs = getattr(self, tier)
            if tier == "database_subnet_cidrs" and not cidrs:
                continue
            if len(cidrs) != len(zones):
                raise ConfigError(tier, f"{len(zones)} CIDR blocks, one per availability zone", cidrs)
            networks = validation.cidr_blocks(tier, cidrs, within=vpc)
            named += [(f"{tier}[{i}]", n) for i, n in enumerate(networks)]
        validation.no_overlap("subnet CIDRs", named)
        validation.one_of("nat_gateways", self.nat_gateways, tuple(NatGateways))
        for endpoint in self.interface_endpoints:
            validation.one_of("interface_endpoints", endpoint, tuple(InterfaceEndpoint))
        validation.unique("interface_endpoints", self.interface_endpoints)
        validation.log_retention("flow_log_retention_days", self.flow_log_retention_days)
        validation.one_of("flow_log_traffic_type", self.flow_log_traffic_type, ("ALL", "ACCEPT", "REJECT"))


@dataclass(frozen=True, kw_only=True)
class ExistingNetworkProps:
    """A VPC and subnets made elsewhere (another stack, another team), by id."""

    vpc_id: str
    public_subnet_ids: tuple[str, ...] = ()
    """Where load balancers go; empty when nothing here is public."""
    private_subnet_ids: tuple[str, ...] = ()
    """Where workloads go."""
    database_subnet_ids: tuple[str, ...] = ()
    """Isolated subnets for databases and caches; empty to use the private ones."""

    def __post_init__(self) -> None:
        if not re.match(r"^vpc-[0-9a-f]{8,17}$", self.vpc_id):
            raise ConfigError("vpc_id", "a VPC id such as vpc-0123456789abcdef0", self.vpc_id)
        for tier in ("public_subnet_ids", "private_subnet_ids", "database_subnet_ids"):
            for index, subnet in enumerate(getattr(self, tier)):
                if not re.match(r"^subnet-[0-9a-f]{8,17}$", subnet):
                    raise ConfigError(f"{tier}[{index}]", "a subnet id such as subnet-0123456789abcdef0", subnet)
            validation.unique(tier, getattr(self, tier))
        if not self.private_subnet_ids:
            raise ConfigError("private_subnet_ids", "at least one private subnet id", self.private_subnet_ids)
