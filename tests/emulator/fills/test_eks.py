"""The EKS fills (emulator/fills/eks.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def network(emulator: Emulator, account: str, zones: tuple[str, ...] = ("us-east-1a", "us-east-1b")) -> dict[str, Any]:
    ec2 = emulator.client("ec2", account)
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.50.{index}.0/24", AvailabilityZone=zone)["Subnet"]["SubnetId"]
        for index, zone in enumerate(zones)
    ]
    role = emulator.client("iam", account).create_role(RoleName="cluster", AssumeRolePolicyDocument=TRUST)["Role"]
    return {"vpc": vpc, "subnets": subnets, "role": role["Arn"]}


def cluster(emulator: Emulator, account: str, name: str, net: dict[str, Any], **extra: Any) -> dict[str, Any]:
    created: dict[str, Any] = emulator.client("eks", account).create_cluster(
        name=name, roleArn=net["role"], resourcesVpcConfig={"subnetIds": net["subnets"]}, **extra
    )["cluster"]
    return created


def test_eks_cluster_security_group(emulator: Emulator) -> None:
    account = "310000000001"
    eks, ec2 = emulator.client("eks", account), emulator.client("ec2", account)
    net = network(emulator, account)
    cluster(emulator, account, "demo", net)
    config = eks.describe_cluster(name="demo")["cluster"]["resourcesVpcConfig"]
    assert config["vpcId"] == net["vpc"]
    (group,) = ec2.describe_security_groups(GroupIds=[config["clusterSecurityGroupId"]])["SecurityGroups"]
    assert group["VpcId"] == net["vpc"] and group["GroupName"].startswith("eks-cluster-sg-demo-")
    assert {"Key": "kubernetes.io/cluster/demo", "Value": "owned"} in group["Tags"]
    (self_rule,) = group["IpPermissions"]
    assert self_rule["UserIdGroupPairs"][0]["GroupId"] == group["GroupId"]

    eks.delete_cluster(name="demo")
    with pytest.raises(ClientError, match=r"InvalidGroup\.NotFound"):
        ec2.describe_security_groups(GroupIds=[group["GroupId"]])


def test_eks_cluster_security_group_refuses_subnets_it_cannot_place(emulator: Emulator) -> None:
    """Fail closed: unknown subnets, several VPCs or a single zone make no cluster."""
    account = "310000000002"
    eks, ec2 = emulator.client("eks", account), emulator.client("ec2", account)
    net = network(emulator, account, zones=("us-east-1a", "us-east-1a"))
    with pytest.raises(ClientError, match="at least two different AZs"):
        cluster(emulator, account, "one-zone", net)
    with pytest.raises(ClientError, match="does not exist"):
        cluster(emulator, account, "ghost", {**net, "subnets": ["subnet-0123456789abcdef0", net["subnets"][0]]})
    other = ec2.create_vpc(CidrBlock="10.51.0.0/16")["Vpc"]["VpcId"]
    elsewhere = ec2.create_subnet(VpcId=other, CidrBlock="10.51.0.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    with pytest.raises(ClientError, match="same VPC"):
        cluster(emulator, account, "split", {**net, "subnets": [net["subnets"][0], elsewhere["SubnetId"]]})
    assert eks.list_clusters()["clusters"] == []


def test_eks_cluster_access_config(emulator: Emulator) -> None:
    account = "310000000003"
    eks = emulator.client("eks", account)
    net = network(emulator, account)
    cluster(
        emulator,
        account,
        "api",
        net,
        accessConfig={"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False},
    )
    cluster(emulator, account, "legacy", net)
    assert eks.describe_cluster(name="api")["cluster"]["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }
    assert eks.describe_cluster(name="legacy")["cluster"]["accessConfig"] == {
        "authenticationMode": "CONFIG_MAP",
        "bootstrapClusterCreatorAdminPermissions": True,
    }
    eks.update_cluster_config(name="legacy", accessConfig={"authenticationMode": "API_AND_CONFIG_MAP"})
    assert eks.describe_cluster(name="legacy")["cluster"]["accessConfig"]["authenticationMode"] == "API_AND_CONFIG_MAP"
    # Not over-filled: a mode never goes back towards CONFIG_MAP, and unknown modes are refused.
    with pytest.raises(ClientError, match="Unsupported authentication mode update"):
        eks.update_cluster_config(name="api", accessConfig={"authenticationMode": "CONFIG_MAP"})
    with pytest.raises(ClientError, match="Unsupported authentication mode"):
        cluster(emulator, account, "odd", net, accessConfig={"authenticationMode": "OIDC"})
    for name in ("api", "legacy"):
        eks.delete_cluster(name=name)


def test_eks_access_entries(emulator: Emulator) -> None:
    account = "310000000004"
    eks = emulator.client("eks", account)
    net = network(emulator, account)
    admin = emulator.client("iam", account).create_role(RoleName="platform-admins", AssumeRolePolicyDocument=TRUST)
    principal = admin["Role"]["Arn"]
    cluster(emulator, account, "demo", net, accessConfig={"authenticationMode": "API"})

    entry = eks.create_access_entry(clusterName="demo", principalArn=principal)["accessEntry"]
    assert (entry["principalArn"], entry["type"], entry["username"]) == (principal, "STANDARD", principal)
    assert (
        eks.describe_access_entry(clusterName="demo", principalArn=principal)["accessEntry"]["principalArn"]
        == principal
    )
    assert eks.list_access_entries(clusterName="demo")["accessEntries"] == [principal]
    policy = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    associated = eks.associate_access_policy(
        clusterName="demo", principalArn=principal, policyArn=policy, accessScope={"type": "cluster"}
    )["associatedAccessPolicy"]
    assert associated["policyArn"] == policy and associated["accessScope"]["type"] == "cluster"
    (listed,) = eks.list_associated_access_policies(clusterName="demo", principalArn=principal)[
        "associatedAccessPolicies"
    ]
    assert listed["policyArn"] == policy

    eks.disassociate_access_policy(clusterName="demo", principalArn=principal, policyArn=policy)
    assert (
        eks.list_associated_access_policies(clusterName="demo", principalArn=principal)["associatedAccessPolicies"]
        == []
    )
    eks.delete_access_entry(clusterName="demo", principalArn=principal)
    assert eks.list_access_entries(clusterName="demo")["accessEntries"] == []

    # Entries go with their cluster.
    eks.create_access_entry(clusterName="demo", principalArn=principal)
    eks.delete_cluster(name="demo")
    cluster(emulator, account, "demo", net, accessConfig={"authenticationMode": "API"})
    assert eks.list_access_entries(clusterName="demo")["accessEntries"] == []
    eks.delete_cluster(name="demo")


REFUSALS = [
    ("config-map cluster", "authentication mode must be set to one of"),
    ("unknown principal", "does not exist in the emulator's IAM"),
    ("not a principal", "The specified principalArn is invalid"),
    ("twice", "already in use"),
    ("unknown policy", "not a valid access policy"),
    ("namespace scope without namespaces", "accessScope must be"),
    ("unknown cluster", "No cluster found"),
]


@pytest.mark.parametrize(("case", "error"), REFUSALS)
def test_eks_access_entries_refuse_what_aws_would(emulator: Emulator, case: str, error: str) -> None:
    """Fail closed: the emulator grants nothing it cannot check."""
    account = f"3100000001{[c for c, _ in REFUSALS].index(case):02d}"
    eks = emulator.client("eks", account)
    net = network(emulator, account)
    principal = emulator.client("iam", account).create_role(RoleName="ops", AssumeRolePolicyDocument=TRUST)["Role"][
        "Arn"
    ]
    mode = "CONFIG_MAP" if case == "config-map cluster" else "API"
    cluster(emulator, account, "demo", net, accessConfig={"authenticationMode": mode})
    with pytest.raises(ClientError, match=error):
        if case in ("config-map cluster", "twice"):
            eks.create_access_entry(clusterName="demo", principalArn=principal)
            eks.create_access_entry(clusterName="demo", principalArn=principal)
        elif case == "unknown principal":
            eks.create_access_entry(clusterName="demo", principalArn=f"arn:aws:iam::{account}:role/nobody")
        elif case == "not a principal":
            eks.create_access_entry(clusterName="demo", principalArn=f"arn:aws:sts::{account}:assumed-role/ops/me")
        elif case == "unknown cluster":
            eks.create_access_entry(clusterName="nowhere", principalArn=principal)
        else:
            eks.create_access_entry(clusterName="demo", principalArn=principal)
            policy, scope = (
                ("arn:aws:eks::aws:cluster-access-policy/AmazonEKSRootPolicy", {"type": "cluster"})
                if case == "unknown policy"
                else ("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", {"type": "namespace"})
            )
            eks.associate_access_policy(clusterName="demo", principalArn=principal, policyArn=policy, accessScope=scope)


def test_eks_node_group_launch_template(emulator: Emulator) -> None:
    account = "310000000005"
    eks, ec2 = emulator.client("eks", account), emulator.client("ec2", account)
    net = network(emulator, account)
    cluster(emulator, account, "demo", net)
    template = ec2.create_launch_template(
        LaunchTemplateName="nodes",
        LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}},
    )["LaunchTemplate"]
    node_role = emulator.client("iam", account).create_role(RoleName="nodes", AssumeRolePolicyDocument=TRUST)["Role"]
    group = {"clusterName": "demo", "nodeRole": node_role["Arn"], "subnets": net["subnets"]}

    eks.create_nodegroup(
        nodegroupName="spot",
        launchTemplate={"id": template["LaunchTemplateId"], "version": "1"},
        capacityType="SPOT",
        updateConfig={"maxUnavailable": 2},
        **group,
    )
    described = eks.describe_nodegroup(clusterName="demo", nodegroupName="spot")["nodegroup"]
    assert "remoteAccess" not in described and "diskSize" not in described
    assert described["updateConfig"] == {"maxUnavailable": 2}
    assert described["launchTemplate"]["id"] == template["LaunchTemplateId"]

    eks.create_nodegroup(nodegroupName="plain", **group)
    assert eks.describe_nodegroup(clusterName="demo", nodegroupName="plain")["nodegroup"]["updateConfig"] == {
        "maxUnavailable": 1
    }

    # Fail closed: a launch template the region does not have makes no node group.
    with pytest.raises(ClientError, match="does not exist"):
        eks.create_nodegroup(nodegroupName="ghost", launchTemplate={"name": "absent", "version": "1"}, **group)
    assert sorted(eks.list_nodegroups(clusterName="demo")["nodegroups"]) == ["plain", "spot"]
    for name in ("plain", "spot"):
        eks.delete_nodegroup(clusterName="demo", nodegroupName=name)
    eks.delete_cluster(name="demo")
