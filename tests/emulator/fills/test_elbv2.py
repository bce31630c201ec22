"""The Elastic Load Balancing fills (emulator/fills/elbv2.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator


def test_load_balancer_deletion_protection(emulator: Emulator) -> None:
    account = "210000000012"
    ec2 = emulator.client("ec2", account)
    elbv2 = emulator.client("elbv2", account)
    vpc = ec2.create_vpc(CidrBlock="10.12.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.12.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"][
            "SubnetId"
        ]
        for i, zone in ((1, "a"), (2, "b"))
    ]

    def balancer(name: str) -> str:
        arn: str = elbv2.create_load_balancer(Name=name, Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        return arn

    def protect(arn: str, enabled: str) -> None:
        elbv2.modify_load_balancer_attributes(
            LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": enabled}]
        )

    def names() -> list[str]:
        return sorted(lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"])

    protected = balancer("protected")
    protect(protected, "true")
    with pytest.raises(ClientError) as refused:
        elbv2.delete_load_balancer(LoadBalancerArn=protected)
    assert refused.value.response["Error"]["Code"] == "OperationNotPermitted"
    assert "deletion protection is enabled" in refused.value.response["Error"]["Message"]
    assert names() == ["protected"], "a refused delete must leave the load balancer in place"

    # Not over-filled: once protection is off, and for a load balancer never protected, deletion works.
    protect(protected, "false")
    elbv2.delete_load_balancer(LoadBalancerArn=protected)
    unprotected = balancer("unprotected")
    elbv2.delete_load_balancer(LoadBalancerArn=unprotected)
    assert names() == []
    elbv2.delete_load_balancer(LoadBalancerArn=unprotected)  # already gone: AWS answers success too
