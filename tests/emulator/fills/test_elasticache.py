"""The ElastiCache fills (emulator/fills/elasticache.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

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
