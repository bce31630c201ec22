"""VPC with public, private and optional database subnets, NAT, endpoints and flow logs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from cdktf import Fn, Token
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_subnets import DataAwsSubnets, DataAwsSubnetsFilter
from cdktf_cdktf_provider_aws.data_aws_vpc import DataAwsVpc, DataAwsVpcFilter
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, region_name
from infra.constructs.iam import ServiceRole, Statement
from infra.constructs.outputs import output
from infra.constructs.security_group import SecurityGroup
from infra.naming import pascal
from infra.props.network import ExistingNetworkProps, NatGateways, NetworkProps


class NetworkLike(Protocol):
    """What constructs need of a network: a Network made here or an ExistingNetwork."""

    @property
    def vpc_id(self) -> str: ...

    @property
    def cidr_block(self) -> str: ...

    @property
    def public_subnet_ids(self) -> Sequence[str]: ...

    @property
    def private_subnet_ids(self) -> Sequence[str]: ...

    @property
    def database_subnet_ids(self) -> Sequence[str]:
        """Empty when the network has no isolated tier."""
        ...

    @property
    def data_subnet_ids(self) -> Sequence[str]:
        """Where databases and caches go: the isolated tier, or the private subnets when there is none."""
        ...


def _data_subnets(database_subnet_ids: list[str], private_subnet_ids: list[str]) -> list[str]:
    """The subnets of the data tier: the database subnets, or the private ones when a network has none."""
    return database_subnet_ids or private_subnet_ids


def vpc_name(network_name: str) -> str:
    """The ``Name`` tag of network ``network_name``'s VPC, by which other stacks find it."""
    return f"{network_name}-vpc"


class ExistingNetwork(Construct):
    """A network made elsewhere: nothing is created or changed; its CIDR block is looked up (``data.aws_vpc``)."""

    def __init__(self, scope: Construct, id_: str, *, props: ExistingNetworkProps) -> None:
        super().__init__(scope, id_)
        self.props = props
        self.vpc = DataAwsVpc(self, "Vpc", id=props.vpc_id)
        self.vpc_id = props.vpc_id
        self.cidr_block = self.vpc.cidr_block
        self.public_subnet_ids = list(props.public_subnet_ids)
        self.private_subnet_ids = list(props.private_subnet_ids)
        self.database_subnet_ids = list(props.database_subnet_ids)
        self.data_subnet_ids = _data_subnets(self.database_subnet_ids, self.private_subnet_ids)

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>vpc_id`` and the subnet ids, as a Network declares them."""
        output(self, f"{prefix}vpc_id", self.vpc_id, "ID of the (existing) VPC")
        output(self, f"{prefix}vpc_cidr_block", self.cidr_block, "CIDR block of the (existing) VPC")
        output(self, f"{prefix}public_subnet_ids", self.public_subnet_ids, "IDs of the public subnets")
        output(self, f"{prefix}private_subnet_ids", self.private_subnet_ids, "IDs of the private subnets")


class NetworkLookup(Construct):
    """A :class:`Network` another stack made, found by its name at plan time.

    The VPC is the one tagged ``Name=<name>-vpc``; each tier's subnets are
    its subnets tagged ``Tier=<tier>``, looked up on first use only. Whether
    it has database subnets is known at plan time only, so
    :attr:`data_subnet_ids` chooses between the tiers there.
    """

    def __init__(self, scope: Construct, id_: str, *, name: str) -> None:
        super().__init__(scope, id_)
        validation.resource_name("network name", name, max_length=48)
        self.name = name
        self.vpc = DataAwsVpc(self, "Vpc", filter=[DataAwsVpcFilter(name="tag:Name", values=[vpc_name(name)])])
        self.vpc_id = self.vpc.id
        self.cidr_block = self.vpc.cidr_block
        self._tiers: dict[str, list[str]] = {}

    def _subnets(self, tier: str) -> list[str]:
        if tier not in self._tiers:
            found = DataAwsSubnets(
                self,
                f"{tier.capitalize()}Subnets",
                filter=[
                    DataAwsSubnetsFilter(name="vpc-id", values=[self.vpc_id]),
                    DataAwsSubnetsFilter(name="tag:Tier", values=[tier]),
                ],
            )
            self._tiers[tier] = found.ids
        return self._tiers[tier]

    @property
    def public_subnet_ids(self) -> list[str]:
        return self._subnets("public")

    @property
    def private_subnet_ids(self) -> list[str]:
        return self._subnets("private")

    @property
    def database_subnet_ids(self) -> list[str]:
        return self._subnets("database")

    @property
    def data_subnet_ids(self) -> list[str]:
        # coalescelist: the first of the lists that is not empty.
        chosen: list[str] = Token.as_list(Fn.coalescelist([self.database_subnet_ids, self.private_subnet_ids]))
        return chosen


def network_from(
    scope: Construct,
    id_: str,
    *,
    name: str,
    props: NetworkProps | ExistingNetworkProps,
    subnet_tags: Mapping[str, Mapping[str, str]] | None = None,
) -> Network | ExistingNetwork:
    """A Network made here, or the existing one ``props`` names (whose subnets are tagged by their owner)."""
    if isinstance(props, NetworkProps) and props.existing is not None:
        props = props.existing
    if isinstance(props, ExistingNetworkProps):
        return ExistingNetwork(scope, id_, props=props)
    return Network(scope, id_, name=name, props=props, subnet_tags=subnet_tags)


class Network(Construct):
    """A VPC laid out over the configured zones.

    - Public subnets route to an internet gateway and do not give instances
      public IPs: only load balancers and NAT gateways live there.
    - Private subnets each have their own route table (``PrivateRouteTable<i>``),
      so switching NAT between single and per-AZ only changes routes; NAT
      gateways are ``NatGateway<i>`` for zone ``i``, so the single NAT keeps its
      address when more are added.
    - Database subnets have no internet route at all.
    - The default security group is stripped of every rule so nothing can use it by accident.

    ``subnet_tags`` adds tags per tier (``public``, ``private``, ``database``),
    such as the ones Kubernetes load balancer controllers discover subnets by.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        props: NetworkProps,
        subnet_tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.subnet_tags = dict(subnet_tags or {})
        for tier in self.subnet_tags:
            validation.one_of("subnet_tags tier", tier, ("public", "private", "database"))
        validation.resource_name("network name", name, max_length=48)
        self.name = name
        self.props = props
        zones = props.availability_zones

        self.vpc = Vpc(
            self,
            "Vpc",
            cidr_block=props.cidr_block,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": vpc_name(name)},
        )
        self.vpc_id = self.vpc.id
        self.cidr_block = props.cidr_block
        DefaultSecurityGroup(self, "DefaultSecurityGroup", vpc_id=self.vpc_id, tags={"Name": f"{name}-default-unused"})

        igw = InternetGateway(self, "InternetGateway", vpc_id=self.vpc_id, tags={"Name": f"{name}-igw"})
        self.public_subnets = self._subnets("Public", props.public_subnet_cidrs, "public")
        self.private_subnets = self._subnets("Private", props.private_subnet_cidrs, "private")
        self.database_subnets = self._subnets("Database", props.database_subnet_cidrs, "database")
        # Each attribute read is a call into node: read every token once.
        self.public_subnet_ids = [s.id for s in self.public_subnets]
        self.private_subnet_ids = [s.id for s in self.private_subnets]
        self.database_subnet_ids = [s.id for s in self.database_subnets]
        self.data_subnet_ids = _data_subnets(self.database_subnet_ids, self.private_subnet_ids)

        public_table = RouteTable(self, "PublicRouteTable", vpc_id=self.vpc_id, tags={"Name": f"{name}-public"})
        Route(
            self,
            "PublicInternetRoute",
            route_table_id=public_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
        )
        public_table_id = public_table.id
        for index, subnet_id in enumerate(self.public_subnet_ids):
            RouteTableAssociation(
                self, f"PublicRouteTableAssociation{index}", subnet_id=subnet_id, route_table_id=public_table_id
            )

        nat_count = {NatGateways.NONE: 0, NatGateways.SINGLE: 1, NatGateways.PER_AZ: len(zones)}[props.nat_gateways]
        self.nat_gateways = []
        for index in range(nat_count):
            eip = Eip(self, f"NatEip{index}", domain="vpc", tags={"Name": f"{name}-nat-{zones[index]}"})
            nat = NatGateway(
                self,
                f"NatGateway{index}",
                allocation_id=eip.id,
                subnet_id=self.public_subnet_ids[index],
                tags={"Name": f"{name}-nat-{zones[index]}"},
                depends_on=[igw],
            )
            self.nat_gateways.append(nat)

        self.private_route_tables = []
        for index, subnet_id in enumerate(self.private_subnet_ids):
            table = RouteTable(
                self, f"PrivateRouteTable{index}", vpc_id=self.vpc_id, tags={"Name": f"{name}-private-{zones[index]}"}
            )
            if self.nat_gateways:
                nat = self.nat_gateways[index if props.nat_gateways == NatGateways.PER_AZ else 0]
                Route(
                    self,
                    f"PrivateNatRoute{index}",
                    route_table_id=table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                )
            RouteTableAssociation(
                self, f"PrivateRouteTableAssociation{index}", subnet_id=subnet_id, route_table_id=table.id
            )
            self.private_route_tables.append(table)

        isolated_tables = []
        if self.database_subnets:
            database_table = RouteTable(
                self, "DatabaseRouteTable", vpc_id=self.vpc_id, tags={"Name": f"{name}-database"}
            )
            database_table_id = database_table.id
            for index, subnet_id in enumerate(self.database_subnet_ids):
                RouteTableAssociation(
                    self, f"DatabaseRouteTableAssociation{index}", subnet_id=subnet_id, route_table_id=database_table_id
                )
            isolated_tables.append(database_table)

        region = region_name(self)
        if props.enable_s3_gateway_endpoint:
            VpcEndpoint(
                self,
                "S3GatewayEndpoint",
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{region}.s3",
                vpc_endpoint_type="Gateway",
                route_table_ids=[t.id for t in self.private_route_tables + isolated_tables],
                tags={"Name": f"{name}-s3"},
            )

        self.endpoint_security_group: SecurityGroup | None = None
        if props.interface_endpoints:
            group = SecurityGroup(
                self,
                "EndpointSecurityGroup",
                name=f"{name}-vpc-endpoints",
                description="HTTPS from inside the VPC to interface endpoints",
                vpc_id=self.vpc_id,
            )
            group.allow_from_cidr(props.cidr_block, 443, label="HTTPS from the VPC")
            self.endpoint_security_group = group
            for endpoint in props.interface_endpoints:
                VpcEndpoint(
                    self,
                    f"{pascal(endpoint.value)}Endpoint",
                    vpc_id=self.vpc_id,
                    service_name=f"com.amazonaws.{region}.{endpoint.value}",
                    vpc_endpoint_type="Interface",
                    private_dns_enabled=True,
                    subnet_ids=self.private_subnet_ids,
                    security_group_ids=[group.id],
                    tags={"Name": f"{name}-{endpoint.value.replace('.', '-')}"},
                )

        if props.enable_flow_logs:
            self._flow_logs()

    def _subnets(self, kind: str, cidrs: tuple[str, ...], tier: str) -> list[Subnet]:
        zones = self.props.availability_zones
        return [
            Subnet(
                self,
                f"{kind}Subnet{index}",
                vpc_id=self.vpc_id,
                cidr_block=cidr,
                availability_zone=zones[index],
                map_public_ip_on_launch=False,
                tags={"Name": f"{self.name}-{tier}-{zones[index]}", "Tier": tier, **self.subnet_tags.get(tier, {})},
            )
            for index, cidr in enumerate(cidrs)
        ]

    def _flow_logs(self) -> None:
        group = CloudwatchLogGroup(
            self,
            "FlowLogGroup",
            name=f"/vpc/{self.name}/flow-logs",
            retention_in_days=self.props.flow_log_retention_days,
        )
        role = ServiceRole(
            self,
            "FlowLogRole",
            name=f"{self.name}-vpc-flow-logs",
            service="vpc-flow-logs.amazonaws.com",
            description="Lets VPC Flow Logs write to its own log group",
            source_account=account_id(self),
        )
        role.add_policy(
            "WriteFlowLogs",
            Statement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[f"{group.arn}:*"],
            ),
        )
        FlowLog(
            self,
            "FlowLog",
            vpc_id=self.vpc_id,
            traffic_type=self.props.flow_log_traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            tags={"Name": f"{self.name}-flow-logs"},
        )
        self.flow_log_group = group

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>vpc_id``, ``vpc_cidr_block``, the subnet ids per tier and the NAT gateway ids."""
        values = {
            "vpc_id": (self.vpc_id, "ID of the VPC"),
            "vpc_cidr_block": (self.vpc.cidr_block, "CIDR block of the VPC"),
            "public_subnet_ids": (self.public_subnet_ids, "IDs of the public subnets, one per zone"),
            "private_subnet_ids": (self.private_subnet_ids, "IDs of the private subnets, one per zone"),
        }
        if self.database_subnets:
            values["database_subnet_ids"] = (self.database_subnet_ids, "IDs of the isolated database subnets")
        if self.nat_gateways:
            values["nat_gateway_ids"] = ([n.id for n in self.nat_gateways], "IDs of the NAT gateways")
        for name, (value, description) in values.items():
            output(self, f"{prefix}{name}", value, description)
