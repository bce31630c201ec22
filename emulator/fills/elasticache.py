"""ElastiCache: replication groups and cache subnet groups."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="A replication group is made of NumCacheClusters cache clusters that are created and deleted with it.",
    reference="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
)
def replication_group_member_clusters() -> None:
    """A replication group is made of cache clusters that come and go with it, as on AWS.

    moto 5.2.5 lists member clusters in a replication group (only one, whatever
    ``NumCacheClusters`` asks for) but creates none, so DescribeCacheClusters,
    which the provider reads a group's node type, engine version, subnet group,
    security groups, parameter group and encryption from, finds nothing. Its
    cache clusters report neither ``SecurityGroups`` nor ``CacheParameterGroup``,
    its node groups have no ``ReaderEndpoint``, and DeleteReplicationGroup
    leaves the group "deleting" forever, so a destroy never ends.

    Here a cluster-mode-disabled group gets ``NumCacheClusters`` members
    (``<id>-001`` the primary, then replicas), every member is a cache cluster
    with the group's settings, "available" and carrying ``ReplicationGroupId``;
    a member id already taken by a cache cluster fails the create with
    CacheClusterAlreadyExists. DeleteReplicationGroup answers "deleting" and the
    group and its members are gone at once (the primary stays, on its own, with
    ``RetainPrimaryCluster``), so a describe raises ReplicationGroupNotFoundFault,
    as on AWS once deletion has finished.
    """
    from typing import Any

    from moto.elasticache.exceptions import CacheClusterAlreadyExists
    from moto.elasticache.models import CacheCluster, ElastiCacheBackend, ReplicationGroup

    def security_groups(self: CacheCluster) -> list[dict[str, str]]:
        return [{"SecurityGroupId": group_id, "Status": "active"} for group_id in self.security_group_ids]

    def cache_parameter_group(self: CacheCluster) -> dict[str, Any] | None:
        if not self.cache_parameter_group_name:
            return None
        return {
            "CacheParameterGroupName": self.cache_parameter_group_name,
            "ParameterApplyStatus": "in-sync",
            "CacheNodeIdsToReboot": [],
        }

    CacheCluster.security_groups = property(security_groups)  # type: ignore[attr-defined]
    CacheCluster.cache_parameter_group = property(cache_parameter_group)  # type: ignore[attr-defined]

    original_members = ReplicationGroup._set_node_members_clusters_disabled

    def set_node_members_clusters_disabled(
        self: ReplicationGroup,
        member_clusters: list[str],
        replication_group_id: str,
        replication_group_domain: str,
        node_group: dict[str, Any],
        preferred_cache_cluster_azs: list[str],
        num_cache_clusters: int,
        replicas_per_node_group: int,
    ) -> None:
        # moto sizes the group from ReplicasPerNodeGroup only; NumCacheClusters counts the primary too.
        replicas = replicas_per_node_group or max(num_cache_clusters - 1, 0)
        original_members(
            self,
            member_clusters=member_clusters,
            replication_group_id=replication_group_id,
            replication_group_domain=replication_group_domain,
            node_group=node_group,
            preferred_cache_cluster_azs=preferred_cache_cluster_azs,
            num_cache_clusters=num_cache_clusters,
            replicas_per_node_group=replicas,
        )
        node_group["reader_endpoint"] = {"address": node_group["reader_endpoint_address"], "port": self.port}

    ReplicationGroup._set_node_members_clusters_disabled = set_node_members_clusters_disabled  # type: ignore[method-assign]

    def full_engine_version(engine: str, requested: str | None) -> str | None:
        """What AWS reports for a member: the full version ("7.1" is 7.1.0), its default if none was asked for."""
        if not requested:
            return {"redis": "7.1.0", "valkey": "8.0.1"}.get(engine)
        return requested if requested.count(".") >= 2 else f"{requested}.0"

    original_create = ElastiCacheBackend.create_replication_group

    def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> ReplicationGroup:
        group: ReplicationGroup = original_create(self, **kwargs)
        members = [member for node_group in group.node_groups for member in node_group["node_group_members"]]
        taken = [m["cache_cluster_id"] for m in members if m["cache_cluster_id"] in self.cache_clusters]
        if taken:
            del self.replication_groups[group.replication_group_id]
            self.tagging_service.delete_all_tags_for_resource(group.arn)
            raise CacheClusterAlreadyExists(taken[0])
        auto_minor_version_upgrade = str(group.auto_minor_version_upgrade).lower() != "false"
        for member in members:
            cluster = CacheCluster(
                account_id=self.account_id,
                region_name=self.region_name,
                cache_cluster_id=member["cache_cluster_id"],
                cache_node_type=group.cache_node_type,
                replication_group_id=group.replication_group_id,
                az_mode="single-az",
                preferred_availability_zone=member.get("preferred_availability_zone"),
                num_cache_nodes=1,
                engine=group.engine,
                engine_version=full_engine_version(group.engine, group.engine_version),
                cache_parameter_group_name=group.cache_parameter_group_name,
                cache_subnet_group_name=group.cache_subnet_group_name,
                transit_encryption_enabled=group.transit_encryption_enabled,
                network_type=group.network_type,
                ip_discovery=group.ip_discovery,
                snapshot_name=None,
                preferred_maintenance_window=group.preferred_maintenance_window,
                port=group.port,
                notification_topic_arn=group.notification_topic_arn,
                auto_minor_version_upgrade=auto_minor_version_upgrade,
                snapshot_retention_limit=group.snapshot_retention_limit,
                snapshot_window=group.snapshot_window,
                auth_token=kwargs.get("auth_token"),
                outpost_mode=None,
                preferred_outpost_arn=member.get("preferred_outpost_arn"),
                preferred_availability_zones=None,
                cache_security_group_names=group.cache_security_group_names,
                security_group_ids=group.security_group_ids,
                tags=None,
                snapshot_arns=None,
                preferred_outpost_arns=None,
                log_delivery_configurations=[],
                cache_node_ids_to_remove=None,
                cache_node_ids_to_reboot=None,
            )
            cluster.replication_group_id = group.replication_group_id
            cluster.at_rest_encryption_enabled = group.at_rest_encryption_enabled  # type: ignore[attr-defined]
            self.cache_clusters[cluster.cache_cluster_id] = cluster
        return group

    original_delete = ElastiCacheBackend.delete_replication_group

    def delete_replication_group(
        self: ElastiCacheBackend, replication_group_id: str, retain_primary_cluster: bool | None
    ) -> ReplicationGroup:
        group = self.replication_groups.get(replication_group_id)
        members = [m for g in group.node_groups for m in g["node_group_members"]] if group else []
        deleted: ReplicationGroup = original_delete(self, replication_group_id, retain_primary_cluster)
        for member in members:
            cluster = self.cache_clusters.get(member["cache_cluster_id"])
            if cluster is None or cluster.replication_group_id != replication_group_id:
                continue
            if retain_primary_cluster and member.get("current_role") == "primary":
                cluster.replication_group_id = None
            else:
                del self.cache_clusters[cluster.cache_cluster_id]
        del self.replication_groups[replication_group_id]
        self.tagging_service.delete_all_tags_for_resource(deleted.arn)
        return deleted

    ElastiCacheBackend.create_replication_group = create_replication_group  # type: ignore[method-assign,assignment]
    ElastiCacheBackend.delete_replication_group = delete_replication_group  # type: ignore[method-assign]


@fill(
    behaviour="DeleteCacheSubnetGroup deletes a cache subnet group no cluster uses, and refuses one in use.",
    reference="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteCacheSubnetGroup.html",
)
def cache_subnet_group_deletion() -> None:
    """DeleteCacheSubnetGroup deletes a cache subnet group that no cache cluster uses, as on AWS.

    moto 5.2.5 does not implement it (the server answers 500), so destroying an
    ``aws_elasticache_subnet_group`` retries until it times out. Here the group
    goes, with its tags; an unknown name is CacheSubnetGroupNotFoundFault and a
    group a cache cluster or replication group still uses is CacheSubnetGroupInUse.
    """
    from moto.core.responses import EmptyResult
    from moto.elasticache.exceptions import CacheSubnetGroupNotFound, ElastiCacheException
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse

    class CacheSubnetGroupInUse(ElastiCacheException):
        code = "CacheSubnetGroupInUse"

    def delete_cache_subnet_group(self: ElastiCacheBackend, cache_subnet_group_name: str) -> None:
        group = self.cache_subnet_groups.get(cache_subnet_group_name)
        if group is None:
            raise CacheSubnetGroupNotFound(cache_subnet_group_name)
        users = [*self.cache_clusters.values(), *self.replication_groups.values()]
        if any(user.cache_subnet_group_name == cache_subnet_group_name for user in users):
            raise CacheSubnetGroupInUse(f"Cache subnet group {cache_subnet_group_name} is currently in use.")
        del self.cache_subnet_groups[cache_subnet_group_name]
        self.tagging_service.delete_all_tags_for_resource(group.arn)

    def delete_cache_subnet_group_action(self: ElastiCacheResponse) -> EmptyResult:
        self.elasticache_backend.delete_cache_subnet_group(self._get_param("CacheSubnetGroupName"))  # type: ignore[attr-defined]
        return EmptyResult()

    ElastiCacheBackend.delete_cache_subnet_group = delete_cache_subnet_group  # type: ignore[attr-defined]
    ElastiCacheResponse.delete_cache_subnet_group = delete_cache_subnet_group_action  # type: ignore[attr-defined]


@fill(
    behaviour="DeleteReplicationGroup with FinalSnapshotIdentifier snapshots the group before deleting it, and "
    "refuses a name already taken (SnapshotAlreadyExistsFault).",
    reference="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_DeleteReplicationGroup.html",
)
def replication_group_final_snapshot() -> None:
    """A replication group deleted with ``FinalSnapshotIdentifier`` leaves that snapshot, as on AWS.

    moto 5.2.5 ignores ``FinalSnapshotIdentifier``: the group goes and no
    snapshot remains, and a second destroy reusing a name is not refused.
    Here the snapshot (``SnapshotSource`` manual, the group's settings, its
    KMS key) is taken first, from the group, and then the group is deleted; a
    name already taken is SnapshotAlreadyExistsFault and the group stays.
    """
    from moto.core.responses import ActionResult
    from moto.elasticache.responses import ElastiCacheResponse

    original = ElastiCacheResponse.delete_replication_group

    def delete_replication_group(self: ElastiCacheResponse) -> ActionResult:
        snapshot_name = self._get_param("FinalSnapshotIdentifier")
        if snapshot_name:
            group_id = self._get_param("ReplicationGroupId")
            group = self.elasticache_backend.describe_replication_groups(group_id)[0]
            self.elasticache_backend.create_snapshot(
                snapshot_name=snapshot_name,
                replication_group_id=group_id,
                cache_cluster_id=None,
                kms_key_id=group.kms_key_id,
                tags=None,
            )
        result: ActionResult = original(self)
        return result

    ElastiCacheResponse.delete_replication_group = delete_replication_group  # type: ignore[method-assign]
