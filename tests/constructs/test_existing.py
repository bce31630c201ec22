"""What users commonly bring their own of is accepted: VPC and subnets, security group, DB groups, KMS key."""

from __future__ import annotations

import dataclasses
import json

import pytest

from infra.constructs.container_platform import ContainerPlatform
from infra.constructs.iam import ServiceRole
from infra.constructs.kms_key import ExistingKmsKey
from infra.constructs.network import ExistingNetwork
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.secret import Secret
from infra.constructs.security_group import SecurityGroup
from infra.props.container_platform import ContainerPlatformProps
from infra.props.load_balancer import LoadBalancerProps
from infra.props.network import ExistingNetworkProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.props.secret import SecretProps
from infra.validation import ConfigError
from tests.support.synth import only, synth

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0b3f0a7e-1111-2222-3333-444455556666"
NETWORK = ExistingNetworkProps(
    vpc_id="vpc-0123456789abcdef0",
    public_subnet_ids=("subnet-00000000000000001", "subnet-00000000000000002"),
    private_subnet_ids=("subnet-00000000000000003", "subnet-00000000000000004"),
)


def test_an_existing_network_is_read_never_created() -> None:
    def make(stack):
        network = ExistingNetwork(stack, "Network", props=NETWORK)
        assert network.database_subnet_ids == []
        assert network.data_subnet_ids == list(NETWORK.private_subnet_ids), "no database tier: the private one"
        network.declare_outputs()

    stack = synth(make)
    assert not {"aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_route_table"} & set(stack.get("resource", {}))
    assert only({"resource": stack["data"]}, "aws_vpc")["id"] == "vpc-0123456789abcdef0"
    assert stack["output"]["vpc_cidr_block"]["value"].startswith("${data.aws_vpc.")


def test_an_existing_networks_database_subnets_are_its_data_tier() -> None:
    def make(stack):
        props = dataclasses.replace(NETWORK, database_subnet_ids=("subnet-00000000000000005",))
        network = ExistingNetwork(stack, "Network", props=props)
        assert network.data_subnet_ids == network.database_subnet_ids == ["subnet-00000000000000005"]

    synth(make)


def test_a_platform_can_run_in_an_existing_network() -> None:
    props = ContainerPlatformProps(
        network=NETWORK,
        load_balancer=LoadBalancerProps(domain_name="api.example.com"),
        database=PostgresInstanceProps(instance_class="db.t3.small", engine_version="15"),
        cache=RedisProps(node_type="cache.t3.micro"),
    )
    stack = synth(lambda s: ContainerPlatform(s, "Platform", prefix="demo", repository_name="demo", props=props))
    assert "aws_vpc" not in stack["resource"]
    assert only(stack, "aws_lb")["subnets"] == list(NETWORK.public_subnet_ids)
    assert only(stack, "aws_db_subnet_group")["subnet_ids"] == list(NETWORK.private_subnet_ids)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"vpc_id": "vpc-nope"}, "vpc_id must be a VPC id such as vpc-0123456789abcdef0"),
        ({"private_subnet_ids": ()}, "private_subnet_ids must be at least one private subnet id"),
        ({"public_subnet_ids": ("subnet-1",)}, "public_subnet_ids[0] must be a subnet id"),
    ],
)
def test_existing_network_ids_are_checked(change: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        ExistingNetworkProps(**{**NETWORK.__dict__, **change})
    assert message in str(raised.value)


def test_a_database_uses_an_existing_group_subnet_group_and_parameter_group() -> None:
    props = PostgresInstanceProps(
        instance_class="db.t3.small",
        engine_version="15",
        existing_subnet_group_name="shared-private",
        existing_parameter_group_name="postgres15-tls",
    )

    def make(stack):
        database = PostgresInstance(
            stack,
            "Db",
            identifier="demo",
            vpc_id="vpc-1",
            subnet_ids=[],
            storage_key=ExistingKmsKey(KEY_ARN),
            secret_key=ExistingKmsKey(KEY_ARN),
            props=props,
            existing_security_group_id="sg-0123456789abcdef0",
        )
        database.allow_from_cidr("10.0.0.0/16", label="PostgreSQL from the VPC")

    stack = synth(make)
    resources = set(stack["resource"])
    assert not {"aws_security_group", "aws_db_subnet_group", "aws_db_parameter_group", "aws_kms_key"} & resources
    instance = only(stack, "aws_db_instance")
    assert instance["db_subnet_group_name"] == "shared-private"
    assert instance["parameter_group_name"] == "postgres15-tls"
    assert instance["vpc_security_group_ids"] == ["sg-0123456789abcdef0"]
    assert instance["kms_key_id"] == KEY_ARN and instance["master_user_secret_kms_key_id"] == KEY_ARN
    rule = only(stack, "aws_vpc_security_group_ingress_rule")
    assert (rule["security_group_id"], rule["cidr_ipv4"], rule["from_port"]) == (
        "sg-0123456789abcdef0",
        "10.0.0.0/16",
        5432,
    )


def test_a_database_without_subnets_or_subnet_group_is_refused() -> None:
    props = PostgresInstanceProps(instance_class="db.t3.small", engine_version="15")
    with pytest.raises(ConfigError, match="demo subnet_ids must be subnets, or existing_subnet_group_name"):
        synth(
            lambda s: PostgresInstance(
                s, "Db", identifier="demo", vpc_id="v", subnet_ids=[], storage_key=None, secret_key=None, props=props
            )
        )


def test_secrets_encrypt_with_an_existing_key_and_roles_may_decrypt_through_secrets_manager_only() -> None:
    key = ExistingKmsKey(KEY_ARN)

    def make(stack):
        secret = Secret(stack, "S", name="demo/app", description="d", kms_key=key, props=SecretProps())
        role = ServiceRole(stack, "Role", name="reader", service="lambda.amazonaws.com", description="d")
        statements = [s.render() for s in secret.grant_read(role)]
        assert statements[1]["Resource"] == KEY_ARN
        assert statements[1]["Condition"] == {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}

    assert only(synth(make), "aws_secretsmanager_secret")["kms_key_id"] == KEY_ARN
    with pytest.raises(ConfigError, match="kms key arn must be a KMS key ARN"):
        ExistingKmsKey("alias/mine")


def test_an_existing_security_group_gets_rules_and_nothing_else() -> None:
    def make(stack):
        group = SecurityGroup.existing(stack, "Shared", group_id="sg-0123456789abcdef0", name="shared")
        group.allow_from_cidr("10.0.0.0/16", 443, label="HTTPS from the VPC")

    stack = synth(make)
    assert "aws_security_group" not in stack["resource"]
    assert only(stack, "aws_vpc_security_group_ingress_rule")["security_group_id"] == "sg-0123456789abcdef0"
    assert json.dumps(stack).count("sg-0123456789abcdef0") == 1
