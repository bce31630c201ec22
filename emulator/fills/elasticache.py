"""ElastiCache: replication groups, cache subnet groups, and user groups (role-based access control)."""

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
    behaviour="User groups are created, described, modified and deleted; a Redis OSS group holds existing users "
    "only, with distinct names, one of them named default, and cannot be deleted while a replication group uses it.",
    reference="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html",
)
def user_groups() -> None:
    """User groups (role-based access control) exist, as on AWS.

    moto 5.2.5 has users but no user groups: CreateUserGroup, DescribeUserGroups,
    ModifyUserGroup and DeleteUserGroup answer 500, and a user group's ARN is
    refused by ListTagsForResource. Here a group is stored per account and
    region, "active" at once, reports its users, engine, ARN and the
    replication groups using it, takes tags, and each member user lists it in
    ``UserGroupIds``.

    Fail closed, with AWS's errors: an id already taken is
    UserGroupAlreadyExists; a user that does not exist is UserNotFound; two
    members with one user name are DuplicateUserName; a Redis OSS group
    without a member named ``default`` (on create or after a modify) is
    DefaultUserRequired; a member of another engine is
    InvalidParameterCombination; an unknown group is UserGroupNotFound; a group
    a replication group still names cannot be deleted (InvalidUserGroupState).
    DeleteUser takes the user out of its groups, as DeleteUser's reference says.
    """
    from typing import Any

    from moto.core.responses import ActionResult
    from moto.elasticache.exceptions import (
        ElastiCacheException,
        InvalidParameterCombinationException,
        InvalidParameterValueException,
        UserNotFound,
    )
    from moto.elasticache.models import ElastiCacheBackend
    from moto.elasticache.responses import ElastiCacheResponse
    from moto.utilities.utils import get_partition

    class UserGroupNotFound(ElastiCacheException):
        code = "UserGroupNotFound"

    class UserGroupAlreadyExists(ElastiCacheException):
        code = "UserGroupAlreadyExists"

    class DefaultUserRequired(ElastiCacheException):
        code = "DefaultUserRequired"

    class DuplicateUserName(ElastiCacheException):
        code = "DuplicateUserName"

    class InvalidUserGroupState(ElastiCacheException):
        code = "InvalidUserGroupState"

    def groups(self: ElastiCacheBackend) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] | None = getattr(self, "user_groups", None)
        if found is None:
            found = self.user_groups = {}  # type: ignore[attr-defined]
        return found

    def group_of(self: ElastiCacheBackend, group_id: str) -> dict[str, Any]:
        group = groups(self).get(group_id)
        if group is None:
            raise UserGroupNotFound(f"User group {group_id} not found.")
        return group

    def check_members(self: ElastiCacheBackend, engine: str, user_ids: list[str]) -> None:
        names: set[str] = set()
        for user_id in user_ids:
            user = self.users.get(user_id)
            if user is None:
                raise UserNotFound(user_id)
            if user.engine != engine:
                raise InvalidParameterCombinationException(
                    f"User {user_id} is a {user.engine} user; the group's engine is {engine}."
                )
            if user.name in names:
                raise DuplicateUserName(f"Two users of the group are named {user.name}.")
            names.add(user.name)
        if engine == "redis" and "default" not in names:
            raise DefaultUserRequired("A Redis OSS user group must contain a user named default.")

    def relink(self: ElastiCacheBackend, group_id: str, before: list[str], after: list[str]) -> None:
        for user_id in before:
            user = self.users.get(user_id)
            if user is not None and group_id in user.user_group_ids:
                user.user_group_ids.remove(group_id)
        for user_id in after:
            self.users[user_id].user_group_ids.append(group_id)

    def view(self: ElastiCacheBackend, group: dict[str, Any], status: str | None = None) -> dict[str, Any]:
        users = [self.users[u] for u in group["UserIds"] if u in self.users]
        return {
            "UserGroupId": group["UserGroupId"],
            "Status": status or group["Status"],
            "Engine": group["Engine"],
            "UserIds": list(group["UserIds"]),
            "MinimumEngineVersion": max((u.minimum_engine_version for u in users), default="6.0"),
            "ReplicationGroups": [
                rg.replication_group_id
                for rg in self.replication_groups.values()
                if group["UserGroupId"] in (rg.user_group_ids or [])
            ],
            "ServerlessCaches": [],
            "ARN": group["ARN"],
        }

    def create_user_group(self: ElastiCacheResponse) -> ActionResult:
        backend = self.elasticache_backend
        group_id = self._get_param("UserGroupId")
        engine = (self._get_param("Engine") or "").lower()
        user_ids = list(self._get_param("UserIds", []) or [])
        if engine not in ("redis", "valkey"):
            raise InvalidParameterValueException(f"Engine must be redis or valkey, not {engine!r}.")
        if group_id in groups(backend):
            raise UserGroupAlreadyExists(f"User group {group_id} already exists.")
        check_members(backend, engine, user_ids)
        region = backend.region_name
        arn = f"arn:{get_partition(region)}:elasticache:{region}:{backend.account_id}:usergroup:{group_id}"
        group = {"UserGroupId": group_id, "Engine": engine, "UserIds": user_ids, "Status": "active", "ARN": arn}
        groups(backend)[group_id] = group
        relink(backend, group_id, [], user_ids)
        tags = self._get_param("Tags", [])
        if tags:
            backend.tagging_service.tag_resource(arn, tags)
        return ActionResult(view(backend, group))

    def describe_user_groups(self: ElastiCacheResponse) -> ActionResult:
        backend = self.elasticache_backend
        group_id = self._get_param("UserGroupId")
        chosen = [group_of(backend, group_id)] if group_id else list(groups(backend).values())
        return ActionResult({"UserGroups": [view(backend, g) for g in chosen]})

    def modify_user_group(self: ElastiCacheResponse) -> ActionResult:
        backend = self.elasticache_backend
        group = group_of(backend, self._get_param("UserGroupId"))
        add = list(self._get_param("UserIdsToAdd", []) or [])
        remove = list(self._get_param("UserIdsToRemove", []) or [])
        for user_id in remove:
            if user_id not in group["UserIds"]:
                raise InvalidParameterValueException(f"User {user_id} is not in user group {group['UserGroupId']}.")
        after = [u for u in group["UserIds"] if u not in remove] + [u for u in add if u not in group["UserIds"]]
        check_members(backend, group["Engine"], after)
        relink(backend, group["UserGroupId"], group["UserIds"], after)
        group["UserIds"] = after
        return ActionResult(view(backend, group))

    def delete_user_group(self: ElastiCacheResponse) -> ActionResult:
        backend = self.elasticache_backend
        group = group_of(backend, self._get_param("UserGroupId"))
        users = view(backend, group)["ReplicationGroups"]
        if users:
            raise InvalidUserGroupState(f"User group {group['UserGroupId']} is in use by {', '.join(users)}.")
        relink(backend, group["UserGroupId"], group["UserIds"], [])
        del groups(backend)[group["UserGroupId"]]
        backend.tagging_service.delete_all_tags_for_resource(group["ARN"])
        return ActionResult(view(backend, group, status="deleting"))

    original_list_tags = ElastiCacheBackend.list_tags_for_resource

    def list_tags_for_resource(self: ElastiCacheBackend, arn: str) -> dict[str, list[dict[str, str]]]:
        if any(group["ARN"] == arn for group in groups(self).values()):
            return self.tagging_service.list_tags_for_resource(arn)
        return original_list_tags(self, arn)

    original_delete_user = ElastiCacheBackend.delete_user

    def delete_user(self: ElastiCacheBackend, user_id: str) -> Any:
        for group in groups(self).values():
            if user_id in group["UserIds"]:
                group["UserIds"].remove(user_id)
        user = original_delete_user(self, user_id)
        user.user_group_ids = []
        return user

    ElastiCacheResponse.create_user_group = create_user_group  # type: ignore[attr-defined]
    ElastiCacheResponse.describe_user_groups = describe_user_groups  # type: ignore[attr-defined]
    ElastiCacheResponse.modify_user_group = modify_user_group  # type: ignore[attr-defined]
    ElastiCacheResponse.delete_user_group = delete_user_group  # type: ignore[attr-defined]
    ElastiCacheBackend.list_tags_for_resource = list_tags_for_resource  # type: ignore[method-assign]
    ElastiCacheBackend.delete_user = delete_user  # type: ignore[method-assign]
    ElastiCacheBackend.user_group_of = group_of  # type: ignore[attr-defined]


@fill(
    behaviour="CreateReplicationGroup refuses a user group that does not exist (UserGroupNotFound), and role-based "
    "access control without encryption in transit.",
    reference="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
)
def replication_group_user_groups() -> None:
    """A replication group names only user groups that exist, and uses them over TLS, as on AWS.

    moto 5.2.5 stores whatever ``UserGroupIds`` CreateReplicationGroup is given,
    and ModifyReplicationGroup ignores ``UserGroupIdsToAdd`` and
    ``UserGroupIdsToRemove``. Here a group id unknown in the account and
    region fails either call with UserGroupNotFound (the error
    CreateReplicationGroup and ModifyReplicationGroup list), and nothing is
    made or changed; a user group without ``TransitEncryptionEnabled`` is
    InvalidParameterCombination (role-based access control needs encryption in
    transit: docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html).
    ModifyReplicationGroup applies the additions and removals it is given.
    Needs the user_groups fill.
    """
    from typing import Any

    from moto.core.responses import ActionResult
    from moto.elasticache.exceptions import InvalidParameterCombinationException
    from moto.elasticache.models import ElastiCacheBackend, ReplicationGroup
    from moto.elasticache.responses import ElastiCacheResponse

    original_create = ElastiCacheBackend.create_replication_group

    def create_replication_group(self: ElastiCacheBackend, **kwargs: Any) -> ReplicationGroup:
        user_group_ids = kwargs.get("user_group_ids") or []
        for group_id in user_group_ids:
            self.user_group_of(group_id)  # type: ignore[attr-defined]
        if user_group_ids and not kwargs.get("transit_encryption_enabled"):
            raise InvalidParameterCombinationException(
                "Role-based access control (UserGroupIds) requires TransitEncryptionEnabled."
            )
        group: ReplicationGroup = original_create(self, **kwargs)
        return group

    original_modify = ElastiCacheResponse.modify_replication_group

    def modify_replication_group(self: ElastiCacheResponse) -> ActionResult:
        backend = self.elasticache_backend
        add = list(self._get_param("UserGroupIdsToAdd", []) or [])
        remove = list(self._get_param("UserGroupIdsToRemove", []) or [])
        for group_id in add:
            backend.user_group_of(group_id)  # type: ignore[attr-defined]
        result: ActionResult = original_modify(self)
        group = backend.replication_groups[self._get_param("ReplicationGroupId")]
        if add or remove:
            current = [g for g in (group.user_group_ids or []) if g not in remove]
            group.user_group_ids = current + [g for g in add if g not in current]
        return result

    ElastiCacheBackend.create_replication_group = create_replication_group  # type: ignore[method-assign,assignment]
    ElastiCacheResponse.modify_replication_group = modify_replication_group  # type: ignore[method-assign]


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
