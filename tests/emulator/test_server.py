"""A running emulator seen from outside: accounts, clients and the inventory deploy checks compare."""

from __future__ import annotations

import json

import boto3

from emulator.server import Emulator

ACCOUNT = "210000000040"


def test_clients_act_in_their_account_and_the_inventory_sees_what_they_create(emulator: Emulator) -> None:
    emulator.warm_up(ACCOUNT, "us-east-1")
    before = emulator.inventory(ACCOUNT, "us-east-1")
    s3 = emulator.client("s3", ACCOUNT, session=boto3.session.Session())
    s3.create_bucket(Bucket="inventoried-bucket")
    assert emulator.inventory(ACCOUNT, "us-east-1") - before == {"bucket:inventoried-bucket"}
    assert "bucket:inventoried-bucket" not in emulator.inventory("210000000041", "us-east-1")
    s3.delete_bucket(Bucket="inventoried-bucket")
    assert emulator.inventory(ACCOUNT, "us-east-1") == before


def test_environment_selects_the_account(emulator: Emulator) -> None:
    env = emulator.environment(ACCOUNT, "eu-west-1")
    assert env["AWS_ENDPOINT_URL"] == emulator.endpoint
    assert env["AWS_ACCESS_KEY_ID"].startswith(ACCOUNT)
    assert env["AWS_REGION"] == "eu-west-1"


def test_the_inventory_sees_every_kind_the_luneo_stacks_create(emulator: Emulator) -> None:
    """EKS clusters, node groups and access entries, launch templates, CloudFront, Route 53, RDS clusters,
    ECR and S3 replication: each shows up, so "nothing left after destroy" checks them too."""
    account, region = "310000000040", "us-east-1"
    emulator.warm_up(account, region)
    before = emulator.inventory(account, region)
    ec2 = emulator.client("ec2", account, region)
    vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.60.{i}.0/24", AvailabilityZone=f"{region}{z}")["Subnet"]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    )
    role = emulator.client("iam", account).create_role(RoleName="inventory", AssumeRolePolicyDocument=trust)["Role"][
        "Arn"
    ]
    eks = emulator.client("eks", account, region)
    eks.create_cluster(
        name="inventory",
        roleArn=role,
        resourcesVpcConfig={"subnetIds": subnets},
        accessConfig={"authenticationMode": "API"},
    )
    eks.create_access_entry(clusterName="inventory", principalArn=role)
    eks.create_nodegroup(clusterName="inventory", nodegroupName="nodes", nodeRole=role, subnets=subnets)
    template = ec2.create_launch_template(LaunchTemplateName="inventory", LaunchTemplateData={})["LaunchTemplate"]
    route53 = emulator.client("route53", account, region)
    zone = route53.create_hosted_zone(Name="inventory.example.com", CallerReference="inventory")["HostedZone"]["Id"]
    route53.change_resource_record_sets(
        HostedZoneId=zone,
        ChangeBatch={
            "Changes": [
                {
                    "Action": "CREATE",
                    "ResourceRecordSet": {
                        "Name": "app.inventory.example.com",
                        "Type": "CNAME",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "example.org"}],
                    },
                }
            ]
        },
    )
    check = route53.create_health_check(
        CallerReference="inventory",
        HealthCheckConfig={"Type": "HTTPS", "FullyQualifiedDomainName": "example.org", "Port": 443},
    )["HealthCheck"]["Id"]
    control = emulator.client("cloudfront", account, region).create_origin_access_control(
        OriginAccessControlConfig={
            "Name": "inventory",
            "SigningProtocol": "sigv4",
            "SigningBehavior": "always",
            "OriginAccessControlOriginType": "s3",
        }
    )["OriginAccessControl"]["Id"]
    ecr = emulator.client("ecr", account, region)
    ecr.put_replication_configuration(
        replicationConfiguration={"rules": [{"destinations": [{"region": "eu-west-1", "registryId": account}]}]}
    )
    found = emulator.inventory(account, region) - before
    for expected in (
        "eks-cluster:inventory",
        "eks-node-group:inventory/nodes",
        f"eks-access-entry:inventory/{role}",
        f"launch-template:{template['LaunchTemplateId']}",
        f"route53-zone:{zone}",
        f"route53-record:{zone}/app.inventory.example.com./CNAME/",
        f"route53-health-check:{check}",
        f"cloudfront-origin-access-control:{control}",
        "ecr-replication-rule:0",
    ):
        assert expected in found, f"{expected} not in {sorted(found)}"
