"""Each emulator gap fill, shown filled against a live launcher (and not over-filled)."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.emulator import gaps
from tests.support.emulator import Emulator

ACCOUNT = "111122223333"
OTHER = "444455556666"


def test_every_gap_fill_is_tested_here() -> None:
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(gaps.names()) <= tested


def test_account_from_access_key(emulator: Emulator) -> None:
    assert emulator.client("sts", ACCOUNT).get_caller_identity()["Account"] == ACCOUNT
    emulator.client("s3", ACCOUNT).create_bucket(Bucket="only-in-first-account")
    other_buckets = emulator.client("s3", OTHER).list_buckets()["Buckets"]
    assert "only-in-first-account" not in [b["Name"] for b in other_buckets]
    emulator.client("s3", ACCOUNT).delete_bucket(Bucket="only-in-first-account")


def test_bucket_policy_secure_transport_condition(emulator: Emulator) -> None:
    s3 = emulator.client("s3", ACCOUNT)
    s3.create_bucket(Bucket="tls-only-bucket")
    arns = ["arn:aws:s3:::tls-only-bucket", "arn:aws:s3:::tls-only-bucket/*"]
    tls_only = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": arns,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    s3.put_bucket_policy(
        Bucket="tls-only-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [tls_only]})
    )
    s3.put_object(Bucket="tls-only-bucket", Key="k", Body=b"over TLS")
    assert s3.get_object(Bucket="tls-only-bucket", Key="k")["Body"].read() == b"over TLS"

    # A deny whose condition holds still denies.
    deny_tls = {**tls_only, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    s3.put_bucket_policy(
        Bucket="tls-only-bucket", Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_tls]})
    )
    with pytest.raises(ClientError):
        s3.get_object(Bucket="tls-only-bucket", Key="k")
    s3.delete_bucket_policy(Bucket="tls-only-bucket")
    s3.delete_object(Bucket="tls-only-bucket", Key="k")
    s3.delete_bucket(Bucket="tls-only-bucket")


def test_nat_gateway_deletion_releases_network_interface(emulator: Emulator) -> None:
    ec2 = emulator.client("ec2", ACCOUNT)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    in_subnet = [{"Name": "subnet-id", "Values": [subnet]}]
    assert ec2.describe_network_interfaces(Filters=in_subnet)["NetworkInterfaces"]

    ec2.delete_nat_gateway(NatGatewayId=nat)

    assert ec2.describe_network_interfaces(Filters=in_subnet)["NetworkInterfaces"] == []
    ec2.release_address(AllocationId=allocation)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)
