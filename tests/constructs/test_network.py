"""Network: layout, NAT choices with stable ids, endpoints, flow logs, validation."""

from __future__ import annotations

import dataclasses

import pytest
from cdktf import TerraformOutput

from infra.constructs.network import Network, NetworkLookup, vpc_name
from infra.props.network import InterfaceEndpoint, NatGateways, NetworkProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, resource_names, resources, synth

FREESIDE = NetworkProps(
    cidr_block="10.0.0.0/16",
    availability_zones=("us-east-1a", "us-east-1b"),
    private_subnet_cidrs=("10.0.1.0/24", "10.0.2.0/24"),
    public_subnet_cidrs=("10.0.101.0/24", "10.0.102.0/24"),
    nat_gateways=NatGateways.SINGLE,
    interface_endpoints=(InterfaceEndpoint.ECR_API, InterfaceEndpoint.ECR_DKR, InterfaceEndpoint.LOGS),
)


def network(props: NetworkProps = FREESIDE) -> dict:
    def make(stack):
        Network(stack, "Network", name="arrakis-production", props=props).declare_outputs()

    return synth(make)


def test_vpc_has_dns_support_and_hostnames() -> None:
    vpc = only(network(), "aws_vpc")
    assert vpc["cidr_block"] == "10.0.0.0/16"
    assert vpc["enable_dns_support"] is True
    assert vpc["enable_dns_hostnames"] is True


def test_subnets_use_the_given_cidrs_per_zone_and_never_assign_public_ips() -> None:
    subnets = {s["cidr_block"]: s for s in resources(network(), "aws_subnet")}
    assert sorted(subnets) == ["10.0.1.0/24", "10.0.101.0/24", "10.0.102.0/24", "10.0.2.0/24"]
    assert subnets["10.0.1.0/24"]["availability_zone"] == "us-east-1a"
    assert subnets["10.0.102.0/24"]["availability_zone"] == "us-east-1b"
    assert all(s["map_public_ip_on_launch"] is False for s in subnets.values())


def test_single_nat_serves_every_private_route_table() -> None:
    stack = network()
    assert resource_names(stack, "aws_nat_gateway") == ["Network_NatGateway0_0824BA8F"]
    nat_routes = [r for r in resources(stack, "aws_route") if "nat_gateway_id" in r]
    assert len(nat_routes) == 2
    assert {r["nat_gateway_id"] for r in nat_routes} == {"${aws_nat_gateway.Network_NatGateway0_0824BA8F.id}"}


def test_nat_per_az_adds_gateways_without_renaming_the_first() -> None:
    single = network()
    per_az = network(dataclasses.replace(FREESIDE, nat_gateways=NatGateways.PER_AZ))
    assert set(resource_names(single, "aws_nat_gateway")) < set(resource_names(per_az, "aws_nat_gateway"))
    assert len(resource_names(per_az, "aws_nat_gateway")) == 2
    assert resource_names(single, "aws_route_table") == resource_names(per_az, "aws_route_table")
    assert resource_names(single, "aws_subnet") == resource_names(per_az, "aws_subnet")


def test_no_nat_leaves_private_subnets_without_default_route() -> None:
    stack = network(dataclasses.replace(FREESIDE, nat_gateways=NatGateways.NONE))
    assert resource_names(stack, "aws_nat_gateway") == []
    assert resource_names(stack, "aws_eip") == []
    assert all("nat_gateway_id" not in r for r in resources(stack, "aws_route"))


def test_adding_a_zone_keeps_existing_subnet_ids() -> None:
    three = dataclasses.replace(
        FREESIDE,
        availability_zones=("us-east-1a", "us-east-1b", "us-east-1c"),
        private_subnet_cidrs=("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"),
        public_subnet_cidrs=("10.0.101.0/24", "10.0.102.0/24", "10.0.103.0/24"),
    )
    assert set(resource_names(network(), "aws_subnet")) < set(resource_names(network(three), "aws_subnet"))


def test_endpoints_s3_gateway_and_interfaces_with_own_security_group() -> None:
    stack = network()
    endpoints = {e["service_name"]: e for e in resources(stack, "aws_vpc_endpoint")}
    assert sorted(endpoints) == [
        "com.amazonaws.us-east-1.ecr.api",
        "com.amazonaws.us-east-1.ecr.dkr",
        "com.amazonaws.us-east-1.logs",
        "com.amazonaws.us-east-1.s3",
    ]
    s3 = endpoints["com.amazonaws.us-east-1.s3"]
    assert s3["vpc_endpoint_type"] == "Gateway"
    assert len(s3["route_table_ids"]) == 2
    logs = endpoints["com.amazonaws.us-east-1.logs"]
    assert logs["private_dns_enabled"] is True
    assert len(logs["subnet_ids"]) == 2
    rule = only(stack, "aws_vpc_security_group_ingress_rule")
    assert (rule["from_port"], rule["to_port"], rule["cidr_ipv4"]) == (443, 443, "10.0.0.0/16")
    assert resources(stack, "aws_vpc_security_group_egress_rule") == []


def test_flow_logs_to_a_retained_group_with_a_least_privilege_role() -> None:
    stack = network()
    group = only(stack, "aws_cloudwatch_log_group")
    assert group["retention_in_days"] == 30
    flow = only(stack, "aws_flow_log")
    assert flow["traffic_type"] == "ALL"
    assert flow["log_destination_type"] == "cloud-watch-logs"
    role_policy = policy(only(stack, "aws_iam_role_policy")["policy"])
    (statement,) = role_policy["Statement"]
    assert statement["Resource"].endswith(":*") and "aws_cloudwatch_log_group" in statement["Resource"]
    assert "logs:CreateLogGroup" not in statement["Action"]
    trust = policy(only(stack, "aws_iam_role")["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert "aws:SourceAccount" in trust["Statement"][0]["Condition"]["StringEquals"]


def test_default_security_group_is_stripped() -> None:
    default = only(network(), "aws_default_security_group")
    assert "ingress" not in default and "egress" not in default


def test_database_subnets_are_isolated() -> None:
    props = dataclasses.replace(FREESIDE, database_subnet_cidrs=("10.0.201.0/24", "10.0.202.0/24"))
    stack = network(props)
    tables = {name: t for name, t in stack["resource"]["aws_route_table"].items()}
    database_table = next(name for name in tables if "DatabaseRouteTable" in name)
    assert not [r for r in resources(stack, "aws_route") if database_table in r["route_table_id"]]
    assert "database_subnet_ids" in stack["output"]


@pytest.mark.parametrize("isolated", [False, True])
def test_databases_go_to_the_isolated_tier_or_the_private_one_without(isolated: bool) -> None:
    database_cidrs = ("10.0.201.0/24", "10.0.202.0/24") if isolated else ()
    props = dataclasses.replace(FREESIDE, database_subnet_cidrs=database_cidrs)

    def make(stack):
        made = Network(stack, "Network", name="arrakis-production", props=props)
        TerraformOutput(stack, "data", value=made.data_subnet_ids)

    stack = synth(make)
    subnets = {s["cidr_block"]: f"${{aws_subnet.{k}.id}}" for k, s in stack["resource"]["aws_subnet"].items()}
    expected = database_cidrs or FREESIDE.private_subnet_cidrs
    assert stack["output"]["data"]["value"] == [subnets[cidr] for cidr in expected]


def test_a_looked_up_network_chooses_its_data_tier_at_plan_time() -> None:
    def make(stack):
        found = NetworkLookup(stack, "Network", name="arrakis-production")
        TerraformOutput(stack, "data", value=found.data_subnet_ids)

    stack = synth(make)
    tiers = {s["filter"][1]["values"][0]: k for k, s in stack["data"]["aws_subnets"].items()}
    vpc = stack["data"]["aws_vpc"]
    assert [v["filter"] for v in vpc.values()] == [[{"name": "tag:Name", "values": [vpc_name("arrakis-production")]}]]
    database, private = (f"data.aws_subnets.{tiers[tier]}.ids" for tier in ("database", "private"))
    assert stack["output"]["data"]["value"] == f"${{coalescelist({database}, {private})}}"


def test_outputs_name_the_ids() -> None:
    outputs = network()["output"]
    assert {"vpc_id", "public_subnet_ids", "private_subnet_ids", "nat_gateway_ids"} <= set(outputs)
    assert all(o["description"] for o in outputs.values())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"cidr_block": "10.0.0.0/33"},
            "cidr_block must be an IPv4 CIDR block such as '10.0.0.0/16'; got '10.0.0.0/33'",
        ),
        ({"cidr_block": "10.0.0.1/16"}, "cidr_block must be an IPv4 CIDR block"),
        (
            {"private_subnet_cidrs": ("10.0.1.0/24", "10.0.1.128/25")},
            "subnet CIDRs must be CIDR blocks that do not overlap",
        ),
        (
            {"public_subnet_cidrs": ("10.0.101.0/24", "10.1.0.0/24")},
            "public_subnet_cidrs[1] must be a CIDR block inside 10.0.0.0/16",
        ),
        (
            {"public_subnet_cidrs": ("10.0.101.0/24",)},
            "public_subnet_cidrs must be 2 CIDR blocks, one per availability zone",
        ),
        ({"availability_zones": ("us-east-1a", "us-east-1a")}, "availability_zones must be distinct values"),
        ({"flow_log_retention_days": 2}, "flow_log_retention_days must be one of (1, 3, 5, 7, 14, 30"),
        ({"nat_gateways": "two"}, "nat_gateways must be one of"),
    ],
)
def test_invalid_props_are_refused_before_any_resource(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        dataclasses.replace(FREESIDE, **change)
    assert message in str(raised.value)


def test_invalid_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="network name must be lower-case letters"):
        synth(lambda stack: Network(stack, "Network", name="Arrakis_Prod", props=FREESIDE))
