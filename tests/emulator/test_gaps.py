"""Each emulator gap fill, shown filled against a live launcher (and not over-filled)."""

from __future__ import annotations

import json
import re
from typing import Any

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


def test_scalable_target_tags(emulator: Emulator) -> None:
    account = "210000000001"
    autoscaling = emulator.client("application-autoscaling", account)
    target = {
        "ServiceNamespace": "dynamodb",
        "ResourceId": "table/tagged-table",
        "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
    }
    autoscaling.register_scalable_target(**target, MinCapacity=1, MaxCapacity=5, Tags={"Name": "tagged"})
    described = autoscaling.describe_scalable_targets(ServiceNamespace="dynamodb", ResourceIds=[target["ResourceId"]])
    arn = described["ScalableTargets"][0]["ScalableTargetARN"]
    assert arn.startswith(f"arn:aws:application-autoscaling:us-east-1:{account}:scalable-target/")
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Name": "tagged"}

    autoscaling.tag_resource(ResourceARN=arn, Tags={"Team": "platform"})
    autoscaling.untag_resource(ResourceARN=arn, TagKeys=["Name"])
    assert autoscaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Team": "platform"}

    # Not over-filled: only an existing target in the caller's account has tags.
    other = emulator.client("application-autoscaling", "210000000002")
    for client in (autoscaling, other):
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            client.list_tags_for_resource(ResourceARN=arn.replace(arn.rsplit("/", 1)[1], "0" * 36))
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        other.list_tags_for_resource(ResourceARN=arn)
    autoscaling.deregister_scalable_target(**target)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        autoscaling.tag_resource(ResourceARN=arn, Tags={"Team": "platform"})


def test_replication_group_member_clusters(emulator: Emulator) -> None:
    elasticache = emulator.client("elasticache", "210000000003")
    group = elasticache.create_replication_group(
        ReplicationGroupId="paired",
        ReplicationGroupDescription="two nodes",
        Engine="redis",
        EngineVersion="7.1",
        CacheNodeType="cache.t4g.micro",
        NumCacheClusters=2,
        AutomaticFailoverEnabled=True,
        MultiAZEnabled=True,
        SecurityGroupIds=["sg-0123456789abcdef0"],
        CacheParameterGroupName="default.redis7",
        AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True,
        SnapshotRetentionLimit=1,
    )["ReplicationGroup"]
    assert group["MemberClusters"] == ["paired-001", "paired-002"]
    (node_group,) = group["NodeGroups"]
    assert [m["CacheClusterId"] for m in node_group["NodeGroupMembers"]] == ["paired-001", "paired-002"]
    assert node_group["PrimaryEndpoint"]["Port"] == node_group["ReaderEndpoint"]["Port"] == 6379
    for cluster_id in group["MemberClusters"]:
        (cluster,) = elasticache.describe_cache_clusters(CacheClusterId=cluster_id)["CacheClusters"]
        assert cluster["ReplicationGroupId"] == "paired"
        assert cluster["CacheClusterStatus"] == "available"
        assert (cluster["CacheNodeType"], cluster["Engine"], cluster["EngineVersion"]) == (
            "cache.t4g.micro",
            "redis",
            "7.1.0",
        )
        assert cluster["SecurityGroups"] == [{"SecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}]
        assert cluster["CacheParameterGroup"]["CacheParameterGroupName"] == "default.redis7"
        assert cluster["AtRestEncryptionEnabled"] is True
        assert cluster["TransitEncryptionEnabled"] is True

    # Not over-filled: ids already taken still fail, and leave nothing behind.
    with pytest.raises(ClientError, match="ReplicationGroupAlreadyExists"):
        elasticache.create_replication_group(
            ReplicationGroupId="paired", ReplicationGroupDescription="again", CacheNodeType="cache.t4g.micro"
        )
    elasticache.create_cache_cluster(
        CacheClusterId="clash-001", CacheNodeType="cache.t4g.micro", Engine="redis", NumCacheNodes=1
    )
    with pytest.raises(ClientError, match="CacheClusterAlreadyExists"):
        elasticache.create_replication_group(
            ReplicationGroupId="clash", ReplicationGroupDescription="clash", CacheNodeType="cache.t4g.micro"
        )
    with pytest.raises(ClientError, match="ReplicationGroupNotFoundFault"):
        elasticache.describe_replication_groups(ReplicationGroupId="clash")
    elasticache.delete_cache_cluster(CacheClusterId="clash-001")

    deleted = elasticache.delete_replication_group(ReplicationGroupId="paired")["ReplicationGroup"]
    assert deleted["Status"] == "deleting"
    with pytest.raises(ClientError, match="ReplicationGroupNotFoundFault"):
        elasticache.describe_replication_groups(ReplicationGroupId="paired")
    for cluster_id in group["MemberClusters"]:
        with pytest.raises(ClientError, match="CacheClusterNotFound"):
            elasticache.describe_cache_clusters(CacheClusterId=cluster_id)
    with pytest.raises(ClientError, match="ReplicationGroupNotFoundFault"):
        elasticache.delete_replication_group(ReplicationGroupId="paired")


def test_cache_subnet_group_deletion(emulator: Emulator) -> None:
    account = "210000000004"
    ec2 = emulator.client("ec2", account)
    elasticache = emulator.client("elasticache", account)
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName="in-use", CacheSubnetGroupDescription="private", SubnetIds=[subnet]
    )
    elasticache.create_replication_group(
        ReplicationGroupId="user",
        ReplicationGroupDescription="uses the subnet group",
        CacheNodeType="cache.t4g.micro",
        CacheSubnetGroupName="in-use",
    )

    # Not over-filled: a group in use stays, an unknown group is not found.
    with pytest.raises(ClientError, match="CacheSubnetGroupInUse"):
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="in-use")
    with pytest.raises(ClientError, match="CacheSubnetGroupNotFoundFault"):
        elasticache.delete_cache_subnet_group(CacheSubnetGroupName="never-created")

    elasticache.delete_replication_group(ReplicationGroupId="user")
    elasticache.delete_cache_subnet_group(CacheSubnetGroupName="in-use")
    with pytest.raises(ClientError, match="CacheSubnetGroupNotFoundFault"):
        elasticache.describe_cache_subnet_groups(CacheSubnetGroupName="in-use")
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def test_db_instance_resource_id_unique(emulator: Emulator) -> None:
    rds = emulator.client("rds", "210000000005")
    database = {
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "MasterUsername": "app",
        "MasterUserPassword": "not-a-real-password",
        "AllocatedStorage": 20,
    }
    for name in ("first-db", "second-db"):
        rds.create_db_instance(DBInstanceIdentifier=name, **database)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="first-db-replica", SourceDBInstanceIdentifier="first-db")

    def resource_ids() -> dict[str, str]:
        return {d["DBInstanceIdentifier"]: d["DbiResourceId"] for d in rds.describe_db_instances()["DBInstances"]}

    ids = resource_ids()
    assert len(set(ids.values())) == 3
    assert all(re.fullmatch(r"db-[A-Z0-9]{26}", value) for value in ids.values())
    by_id = rds.describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [ids["second-db"]]}])
    assert [d["DBInstanceIdentifier"] for d in by_id["DBInstances"]] == ["second-db"]

    # Not over-filled: an instance keeps its id.
    rds.modify_db_instance(DBInstanceIdentifier="second-db", AllocatedStorage=30, ApplyImmediately=True)
    assert resource_ids() == ids

    for name in ("first-db-replica", "first-db", "second-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


def test_ecs_service_settings(emulator: Emulator) -> None:
    account = "210000000006"
    ec2 = emulator.client("ec2", account)
    ecs = emulator.client("ecs", account)
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.7.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="service", Description="service", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="settings")
    ecs.register_task_definition(
        family="web",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 128}],
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
    )
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 1, "base": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 0},
    ]
    created = ecs.create_service(
        cluster="settings",
        serviceName="web",
        taskDefinition="web",
        desiredCount=1,
        capacityProviderStrategy=strategy,
        enableECSManagedTags=True,
        enableExecuteCommand=True,
        healthCheckGracePeriodSeconds=60,
        deploymentConfiguration={
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        propagateTags="SERVICE",
        networkConfiguration={
            "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group], "assignPublicIp": "DISABLED"}
        },
    )["service"]
    (described,) = ecs.describe_services(cluster="settings", services=["web"])["services"]
    for service in (created, described):
        assert "launchType" not in service
        assert service["capacityProviderStrategy"] == strategy
        assert service["enableECSManagedTags"] is True
        assert service["enableExecuteCommand"] is True
        assert service["healthCheckGracePeriodSeconds"] == 60
        assert service["deploymentConfiguration"] == {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        }
        assert service["availabilityZoneRebalancing"] == "DISABLED"
        assert service["propagateTags"] == "SERVICE"

    # UpdateService changes what it is given and keeps the rest.
    updated = ecs.update_service(
        cluster="settings",
        service="web",
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": False, "rollback": False}},
        enableExecuteCommand=False,
        availabilityZoneRebalancing="ENABLED",
    )["service"]
    assert updated["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert (updated["enableExecuteCommand"], updated["enableECSManagedTags"]) == (False, True)
    assert updated["healthCheckGracePeriodSeconds"] == 60
    assert updated["availabilityZoneRebalancing"] == "ENABLED"
    assert updated["capacityProviderStrategy"] == strategy

    # Not over-filled: nothing asked for, AWS's defaults; a launch type stays; invalid input still fails.
    plain = ecs.create_service(cluster="settings", serviceName="plain", taskDefinition="web", launchType="FARGATE")[
        "service"
    ]
    assert plain["launchType"] == "FARGATE"
    assert "capacityProviderStrategy" not in plain
    assert "healthCheckGracePeriodSeconds" not in plain
    assert (plain["enableECSManagedTags"], plain["enableExecuteCommand"]) == (False, False)
    assert plain["deploymentConfiguration"] == {
        "deploymentCircuitBreaker": {"enable": False, "rollback": False},
        "maximumPercent": 200,
        "minimumHealthyPercent": 100,
    }
    assert plain["availabilityZoneRebalancing"] == "DISABLED"
    with pytest.raises(ClientError, match="InvalidParameterException"):
        ecs.create_service(
            cluster="settings",
            serviceName="both",
            taskDefinition="web",
            launchType="FARGATE",
            capacityProviderStrategy=strategy,
        )
    with pytest.raises(ClientError, match="launch type should be one of"):
        ecs.create_service(cluster="settings", serviceName="bad", taskDefinition="web", launchType="EXTERNAL")
    assert sorted(arn.rsplit("/", 1)[1] for arn in ecs.list_services(cluster="settings")["serviceArns"]) == [
        "plain",
        "web",
    ]

    for name in ("web", "plain"):
        ecs.delete_service(cluster="settings", service=name, force=True)
    ecs.delete_cluster(cluster="settings")
    ec2.delete_security_group(GroupId=group)
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)


def test_db_instance_performance_insights(emulator: Emulator) -> None:
    account = "210000000007"
    rds = emulator.client("rds", account)
    key = emulator.client("kms", account).create_key(Description="performance insights")["KeyMetadata"]
    database = {
        "DBInstanceClass": "db.t4g.medium",
        "Engine": "postgres",
        "MasterUsername": "app",
        "MasterUserPassword": "not-a-real-password",
        "AllocatedStorage": 20,
    }

    def insights(name: str) -> tuple[object, object, object]:
        (instance,) = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
        return (
            instance["PerformanceInsightsEnabled"],
            instance.get("PerformanceInsightsKMSKeyId"),
            instance.get("PerformanceInsightsRetentionPeriod"),
        )

    created = rds.create_db_instance(
        DBInstanceIdentifier="insights-db",
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key["KeyId"],
        PerformanceInsightsRetentionPeriod=7,
        **database,
    )["DBInstance"]
    assert created["PerformanceInsightsKMSKeyId"] == key["Arn"]
    assert insights("insights-db") == (True, key["Arn"], 7)
    rds.modify_db_instance(
        DBInstanceIdentifier="insights-db", PerformanceInsightsRetentionPeriod=31, ApplyImmediately=True
    )
    assert insights("insights-db") == (True, key["Arn"], 31)

    # Enabled with nothing else: 7 days and the account's aws/rds key, as on AWS.
    rds.create_db_instance(DBInstanceIdentifier="default-insights-db", EnablePerformanceInsights=True, **database)
    enabled, default_key, period = insights("default-insights-db")
    assert (enabled, period) == (True, 7)
    assert re.fullmatch(rf"arn:aws:kms:us-east-1:{account}:key/[-0-9a-f]{{36}}", str(default_key))

    # Not over-filled: off unless asked for; turning it off clears the rest; an unknown key fails and changes nothing.
    rds.create_db_instance(DBInstanceIdentifier="plain-db", **database)
    assert insights("plain-db") == (False, None, None)
    rds.modify_db_instance(DBInstanceIdentifier="insights-db", EnablePerformanceInsights=False, ApplyImmediately=True)
    assert insights("insights-db") == (False, None, None)
    with pytest.raises(ClientError, match="KMSKeyNotAccessibleFault"):
        rds.modify_db_instance(
            DBInstanceIdentifier="plain-db",
            EnablePerformanceInsights=True,
            PerformanceInsightsKMSKeyId="no-such-key",
            ApplyImmediately=True,
        )
    assert insights("plain-db") == (False, None, None)

    for name in ("insights-db", "default-insights-db", "plain-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


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


def test_db_parameters_report_their_source(emulator: Emulator) -> None:
    rds = emulator.client("rds", "555566667777")
    rds.create_db_parameter_group(
        DBParameterGroupName="tls-only", DBParameterGroupFamily="postgres15", Description="TLS only"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="tls-only",
        Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    (parameter,) = rds.describe_db_parameters(DBParameterGroupName="tls-only")["Parameters"]
    assert (parameter["ParameterName"], parameter["ParameterValue"], parameter["Source"]) == (
        "rds.force_ssl",
        "1",
        "user",
    )
    rds.delete_db_parameter_group(DBParameterGroupName="tls-only")
