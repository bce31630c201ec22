"""The EC2 fills (emulator/fills/ec2.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

from typing import Any

from emulator.server import Emulator

ACCOUNT = "111122223333"


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


def test_security_group_rule_reference_descriptions(emulator: Emulator) -> None:
    account = "210000000008"
    ec2 = emulator.client("ec2", account)
    vpc = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName="office", MaxEntries=2, AddressFamily="IPv4", Entries=[{"Cidr": "192.168.0.0/16"}]
    )["PrefixList"]["PrefixListId"]

    def authorize(port: int, egress: bool = False, **source: Any) -> dict[str, Any]:
        call = ec2.authorize_security_group_egress if egress else ec2.authorize_security_group_ingress
        permission = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **source}
        (rule,) = call(GroupId=app if egress else db, IpPermissions=[permission])["SecurityGroupRules"]
        return dict(rule)

    from_app = authorize(5432, UserIdGroupPairs=[{"GroupId": app, "Description": "from app"}])
    to_db = authorize(5432, egress=True, UserIdGroupPairs=[{"GroupId": db, "Description": "to db"}])
    from_office = authorize(443, PrefixListIds=[{"PrefixListId": prefix_list, "Description": "from office"}])
    from_vpc = authorize(80, IpRanges=[{"CidrIp": "10.6.0.0/16", "Description": "from vpc"}])
    undescribed = authorize(22, UserIdGroupPairs=[{"GroupId": app}])
    assert (from_app["Description"], to_db["Description"], from_office["Description"]) == (
        "from app",
        "to db",
        "from office",
    )

    def descriptions() -> dict[str, str | None]:
        rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [app, db]}])
        return {r["SecurityGroupRuleId"]: r.get("Description") for r in rules["SecurityGroupRules"]}

    described = descriptions()
    assert described[from_app["SecurityGroupRuleId"]] == "from app"
    assert described[to_db["SecurityGroupRuleId"]] == "to db"
    assert described[from_office["SecurityGroupRuleId"]] == "from office"
    # Not over-filled: CIDR rules as before, and no description where none was given.
    assert described[from_vpc["SecurityGroupRuleId"]] == "from vpc"
    assert described[undescribed["SecurityGroupRuleId"]] is None

    (db_group,) = ec2.describe_security_groups(GroupIds=[db])["SecurityGroups"]
    by_port = {p["FromPort"]: p for p in db_group["IpPermissions"]}
    assert by_port[5432]["UserIdGroupPairs"][0]["Description"] == "from app"
    assert by_port[443]["PrefixListIds"] == [{"PrefixListId": prefix_list, "Description": "from office"}]
    assert by_port[80]["IpRanges"] == [{"CidrIp": "10.6.0.0/16", "Description": "from vpc"}]

    # A modified description goes where DescribeSecurityGroupRules and DescribeSecurityGroups both read it.
    for rule, port, reference in (
        (from_app, 5432, {"ReferencedGroupId": app}),
        (from_office, 443, {"PrefixListId": prefix_list}),
    ):
        changed = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **reference, "Description": "changed"}
        ec2.modify_security_group_rules(
            GroupId=db,
            SecurityGroupRules=[{"SecurityGroupRuleId": rule["SecurityGroupRuleId"], "SecurityGroupRule": changed}],
        )
    described = descriptions()
    assert described[from_app["SecurityGroupRuleId"]] == described[from_office["SecurityGroupRuleId"]] == "changed"
    (db_group,) = ec2.describe_security_groups(GroupIds=[db])["SecurityGroups"]
    by_port = {p["FromPort"]: p for p in db_group["IpPermissions"]}
    assert by_port[5432]["UserIdGroupPairs"][0]["Description"] == "changed"
    assert by_port[443]["PrefixListIds"][0]["Description"] == "changed"
    assert by_port[5432]["IpRanges"] == []

    for group, egress, rules in ((db, False, [from_app, from_office, from_vpc, undescribed]), (app, True, [to_db])):
        revoke = ec2.revoke_security_group_egress if egress else ec2.revoke_security_group_ingress
        revoke(GroupId=group, SecurityGroupRuleIds=[r["SecurityGroupRuleId"] for r in rules])
    ec2.delete_managed_prefix_list(PrefixListId=prefix_list)
    for group in (db, app):
        ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc)


def test_launch_template_tags_stay_on_the_template(emulator: Emulator) -> None:
    ec2 = emulator.client("ec2", "310000000030")
    instance_tags = {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "node"}]}
    ec2.create_launch_template(
        LaunchTemplateName="tagged",
        LaunchTemplateData={"TagSpecifications": [instance_tags]},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Team", "Value": "platform"}]}],
    )
    ec2.create_launch_template(
        LaunchTemplateName="untagged-data",
        LaunchTemplateData={},
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Team", "Value": "platform"}]}],
    )

    def data(name: str) -> dict[str, Any]:
        (version,) = ec2.describe_launch_template_versions(LaunchTemplateName=name)["LaunchTemplateVersions"]
        found: dict[str, Any] = version["LaunchTemplateData"]
        return found

    assert data("tagged")["TagSpecifications"] == [instance_tags]
    assert "TagSpecifications" not in data("untagged-data")
    templates = ec2.describe_launch_templates(LaunchTemplateNames=["tagged", "untagged-data"])["LaunchTemplates"]
    assert all({"Key": "Team", "Value": "platform"} in t["Tags"] for t in templates), "the template keeps its tags"
    for name in ("tagged", "untagged-data"):
        ec2.delete_launch_template(LaunchTemplateName=name)
