"""The ElastiCache fills (emulator/fills/elasticache.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator


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


def _user(elasticache: Any, user_id: str, name: str, *, iam: bool = True, engine: str = "redis") -> None:
    if iam:
        elasticache.create_user(
            UserId=user_id, UserName=name, Engine=engine, AccessString="on ~* +@all", AuthenticationMode={"Type": "iam"}
        )
    else:
        elasticache.create_user(
            UserId=user_id, UserName=name, Engine=engine, AccessString="off -@all", NoPasswordRequired=True
        )


def test_user_groups(emulator: Emulator) -> None:
    elasticache = emulator.client("elasticache", "210000000060")
    _user(elasticache, "cache-default", "default", iam=False)
    _user(elasticache, "cache-api", "cache-api")
    _user(elasticache, "cache-worker", "cache-worker")
    created = elasticache.create_user_group(
        UserGroupId="cache",
        Engine="redis",
        UserIds=["cache-default", "cache-api"],
        Tags=[{"Key": "Name", "Value": "c"}],
    )
    assert (created["Status"], created["UserIds"]) == ("active", ["cache-default", "cache-api"])
    assert created["ARN"].endswith(":210000000060:usergroup:cache")
    assert elasticache.list_tags_for_resource(ResourceName=created["ARN"])["TagList"] == [{"Key": "Name", "Value": "c"}]
    (api,) = elasticache.describe_users(UserId="cache-api")["Users"]
    assert api["UserGroupIds"] == ["cache"] and api["Authentication"]["Type"] == "iam"

    modified = elasticache.modify_user_group(UserGroupId="cache", UserIdsToAdd=["cache-worker"])
    assert modified["UserIds"] == ["cache-default", "cache-api", "cache-worker"]
    (described,) = elasticache.describe_user_groups(UserGroupId="cache")["UserGroups"]
    assert described["UserIds"] == modified["UserIds"] and described["ReplicationGroups"] == []

    # Not over-filled: what AWS refuses stays refused, and changes nothing.
    with pytest.raises(ClientError, match="DefaultUserRequired"):
        elasticache.create_user_group(UserGroupId="nodefault", Engine="redis", UserIds=["cache-api"])
    with pytest.raises(ClientError, match="DefaultUserRequired"):
        elasticache.modify_user_group(UserGroupId="cache", UserIdsToRemove=["cache-default"])
    with pytest.raises(ClientError, match="UserNotFound"):
        elasticache.create_user_group(UserGroupId="ghost", Engine="redis", UserIds=["cache-default", "never-made"])
    with pytest.raises(ClientError, match="DuplicateUserName"):
        elasticache.create_user_group(UserGroupId="twice", Engine="redis", UserIds=["cache-default", "default"])
    with pytest.raises(ClientError, match="UserGroupAlreadyExists"):
        elasticache.create_user_group(UserGroupId="cache", Engine="redis", UserIds=["cache-default"])
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.describe_user_groups(UserGroupId="nodefault")
    (still,) = elasticache.describe_user_groups(UserGroupId="cache")["UserGroups"]
    assert still["UserIds"] == ["cache-default", "cache-api", "cache-worker"]

    deleted = elasticache.delete_user_group(UserGroupId="cache")
    assert deleted["Status"] == "deleting"
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.describe_user_groups(UserGroupId="cache")
    (api,) = elasticache.describe_users(UserId="cache-api")["Users"]
    assert api["UserGroupIds"] == []
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.delete_user_group(UserGroupId="cache")


def test_replication_group_user_groups(emulator: Emulator) -> None:
    elasticache = emulator.client("elasticache", "210000000061")
    _user(elasticache, "rbac-default", "default", iam=False)
    elasticache.create_user_group(UserGroupId="rbac", Engine="redis", UserIds=["rbac-default"])
    common = {"CacheNodeType": "cache.t4g.micro", "Engine": "redis", "EngineVersion": "7.1"}

    # A group naming a user group that does not exist is refused, and nothing is made.
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.create_replication_group(
            ReplicationGroupId="missing",
            ReplicationGroupDescription="d",
            UserGroupIds=["never-made"],
            TransitEncryptionEnabled=True,
            **common,
        )
    with pytest.raises(ClientError, match="ReplicationGroupNotFoundFault"):
        elasticache.describe_replication_groups(ReplicationGroupId="missing")
    # Role-based access control without TLS is refused.
    with pytest.raises(ClientError, match="InvalidParameterCombination"):
        elasticache.create_replication_group(
            ReplicationGroupId="plain", ReplicationGroupDescription="d", UserGroupIds=["rbac"], **common
        )

    group = elasticache.create_replication_group(
        ReplicationGroupId="guarded",
        ReplicationGroupDescription="d",
        UserGroupIds=["rbac"],
        TransitEncryptionEnabled=True,
        **common,
    )["ReplicationGroup"]
    assert group["UserGroupIds"] == ["rbac"]
    (described,) = elasticache.describe_user_groups(UserGroupId="rbac")["UserGroups"]
    assert described["ReplicationGroups"] == ["guarded"]
    with pytest.raises(ClientError, match="InvalidUserGroupState"):
        elasticache.delete_user_group(UserGroupId="rbac")
    with pytest.raises(ClientError, match="UserGroupNotFound"):
        elasticache.modify_replication_group(ReplicationGroupId="guarded", UserGroupIdsToAdd=["never-made"])

    elasticache.delete_replication_group(ReplicationGroupId="guarded")
    elasticache.delete_user_group(UserGroupId="rbac")


def test_replication_group_final_snapshot(emulator: Emulator) -> None:
    elasticache = emulator.client("elasticache", "210000000031")

    def group() -> None:
        elasticache.create_replication_group(
            ReplicationGroupId="kept-cache",
            ReplicationGroupDescription="kept",
            Engine="redis",
            CacheNodeType="cache.t4g.micro",
            NumCacheClusters=1,
        )

    group()
    elasticache.delete_replication_group(ReplicationGroupId="kept-cache", FinalSnapshotIdentifier="kept-cache-final")
    (snapshot,) = elasticache.describe_snapshots(SnapshotName="kept-cache-final")["Snapshots"]
    assert (snapshot["ReplicationGroupId"], snapshot["SnapshotSource"]) == ("kept-cache", "manual")
    with pytest.raises(ClientError, match="ReplicationGroupNotFoundFault"):
        elasticache.describe_replication_groups(ReplicationGroupId="kept-cache")

    # The same name on a second destroy is refused, and the group stays; without one, no snapshot is taken.
    group()
    with pytest.raises(ClientError, match="SnapshotAlreadyExistsFault"):
        elasticache.delete_replication_group(
            ReplicationGroupId="kept-cache", FinalSnapshotIdentifier="kept-cache-final"
        )
    assert elasticache.describe_replication_groups(ReplicationGroupId="kept-cache")["ReplicationGroups"]
    elasticache.delete_replication_group(ReplicationGroupId="kept-cache")
    assert [s["SnapshotName"] for s in elasticache.describe_snapshots()["Snapshots"]] == ["kept-cache-final"]
    elasticache.delete_snapshot(SnapshotName="kept-cache-final")
