"""Behaviour moto 5.2.5 lacks that the stacks need, added before the server starts.

Each fill is a function named after the gap it fills, registered with
``@gap``; tests/emulator/test_gaps.py shows each gap filled against a live
server. Fills change moto only; the synthesized Terraform is what production gets.
"""

from __future__ import annotations

from collections.abc import Callable

_FILLS: list[Callable[[], None]] = []


def gap(fill: Callable[[], None]) -> Callable[[], None]:
    _FILLS.append(fill)
    return fill


def names() -> list[str]:
    return [fill.__name__ for fill in _FILLS]


def install() -> None:
    for fill in _FILLS:
        fill()


ACCESS_KEY_SUFFIX = "EMULATOR"


def access_key_for(account: str) -> str:
    """The access key id that selects ``account`` (20 characters, as moto's parser expects)."""
    return f"{account}{ACCESS_KEY_SUFFIX}"


@gap
def account_from_access_key() -> None:
    """An access key id ``<12-digit account>EMULATOR`` selects that account.

    moto 5.2.5 maps every access key it did not issue to 123456789012. With
    this, stacks pinned to an account (``allowed_account_ids``) deploy as that
    account, and stacks in different accounts do not see each other.
    """
    import re

    from moto.iam import models

    original = models.get_account_id_from
    pattern = re.compile(rf"(\d{{12}}){ACCESS_KEY_SUFFIX}")

    def get_account_id_from(access_key: str) -> str:
        match = pattern.fullmatch(access_key)
        if match:
            return match.group(1)
        account: str = original(access_key)
        return account

    models.get_account_id_from = get_account_id_from


@gap
def bucket_policy_secure_transport_condition() -> None:
    """Bucket policies conditioned on ``aws:SecureTransport`` decide as on AWS.

    moto 5.2.5 skips condition operators it does not know (``Bool`` among
    them), treating the condition as met, and answers DENIED for a statement
    whose condition is not met. Together, a policy that denies requests
    *without* TLS denied every request. Here ``Bool`` is evaluated, S3 requests
    carry ``aws:SecureTransport = true`` (the launcher serves HTTPS only), and a
    statement whose condition is not met does not apply.
    """
    from moto.iam import policy_conditions
    from moto.iam.access_control import IAMPolicy, IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    def bool_operation(expected_value: list[str] | str, actual_value: str) -> bool:
        options = expected_value if isinstance(expected_value, list) else [expected_value]
        return str(actual_value).lower() in [str(o).lower() for o in options]

    policy_conditions.CONDITION_OPERATIONS["Bool"] = bool_operation

    original = IAMPolicyStatement.is_action_permitted

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        if self._statement.get("Condition") and not self._check_conditions(incoming_condition_values):
            return PermissionResult.NEUTRAL
        result: PermissionResult = original(self, action, resource, principal, incoming_condition_values)
        return result

    IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]

    def get_permission(self: FakeBucket, action: str, resource: str) -> PermissionResult:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = IAMPolicy(self.policy.decode())
        return policy.is_action_permitted(action, resource, incoming_condition_values={"aws:SecureTransport": "true"})

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


@gap
def nat_gateway_deletion_releases_network_interface() -> None:
    """Deleting a NAT gateway removes the network interface it created, as on AWS.

    moto 5.2.5 marks the gateway deleted but keeps its interface, which then
    outlives the subnet and VPC it belonged to.
    """
    from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend

    original = NatGatewayBackend.delete_nat_gateway

    def delete_nat_gateway(self: NatGatewayBackend, nat_gateway_id: str) -> NatGateway:
        gateway: NatGateway = original(self, nat_gateway_id)
        interface = getattr(gateway, "_eni", None)
        if interface is not None:
            for address in self.addresses:  # type: ignore[attr-defined]
                if address.eni is interface:
                    address.eni = None
                    address.association_id = None
            self.enis.pop(interface.id, None)  # type: ignore[attr-defined]
        return gateway

    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway  # type: ignore[method-assign]


@gap
def scalable_target_tags() -> None:
    """Scalable targets carry tags: ListTagsForResource, TagResource and UntagResource, as on AWS.

    moto 5.2.5 implements none of the three (the server answers 500) and drops
    the ``Tags`` of RegisterScalableTarget, so the provider, which lists a
    target's tags after creating it and on every read, cannot manage
    ``aws_appautoscaling_target``. Here a target keeps the tags it was
    registered with, the three calls work on its ARN (``ScalableTargetARN``),
    and an ARN that names no target in the caller's account and region is a
    ResourceNotFoundException; tags go with the target when it is deregistered.
    """
    import json

    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend, FakeScalableTarget
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
    from moto.core.exceptions import JsonRESTError

    def tags_of(target: FakeScalableTarget) -> dict[str, str]:
        tags: dict[str, str] = target.__dict__.setdefault("tags", {})
        return tags

    def target_by_arn(backend: ApplicationAutoscalingBackend, arn: str) -> FakeScalableTarget:
        for by_resource in backend.targets.values():
            for target in by_resource.values():
                if target.arn == arn:
                    return target
        raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for ARN: {arn}")

    original_register = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        backend = self.applicationautoscaling_backend
        existed = backend._scalable_target_exists(self._get_param("ResourceId"), self._get_param("ScalableDimension"))
        body: str = original_register(self)
        tags = self._get_param("Tags")
        if tags and not existed:  # AWS applies Tags when the call creates the target
            tags_of(target_by_arn(backend, json.loads(body)["ScalableTargetARN"])).update(tags)
        return body

    def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        return json.dumps({"Tags": tags_of(target)})

    def tag_resource(self: ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        tags_of(target).update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: ApplicationAutoScalingResponse) -> str:
        target = target_by_arn(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
        for key in self._get_param("TagKeys") or []:
            tags_of(target).pop(key, None)
        return "{}"

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target  # type: ignore[method-assign]
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]
    ApplicationAutoScalingResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    ApplicationAutoScalingResponse.untag_resource = untag_resource  # type: ignore[attr-defined]


@gap
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


@gap
def db_instance_resource_id_unique() -> None:
    """Every DB instance has its own ``DbiResourceId``, kept for its life, as on AWS.

    moto 5.2.5 gives every instance (and every read replica, a copy of its
    source) the same ``db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U``. The provider identifies
    an ``aws_db_instance`` by that id, so a second instance in a region reads
    as the first. Here each new instance and read replica gets
    ``db-`` + 26 random upper-case letters and digits.
    """
    from typing import Any

    from moto.moto_api._internal import mock_random
    from moto.rds.models import DBInstance, RDSBackend

    def new_resource_id() -> str:
        return "db-" + mock_random.get_random_string(length=26).upper()

    original_init = DBInstance.__init__

    def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = new_resource_id()

    DBInstance.__init__ = __init__  # type: ignore[method-assign]

    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        replica: DBInstance = original_replica(self, db_kwargs)
        replica.dbi_resource_id = new_resource_id()
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]


@gap
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


@gap
def ecs_service_settings() -> None:
    """An ECS service keeps the settings it was created or updated with, as on AWS.

    moto 5.2.5's CreateService passes the backend only some of its input, so
    DescribeServices has no ``capacityProviderStrategy``, ``enableECSManagedTags``,
    ``enableExecuteCommand``, ``healthCheckGracePeriodSeconds``,
    ``deploymentConfiguration`` or ``availabilityZoneRebalancing``, and reports
    ``launchType`` EC2 for a service given a capacity provider strategy instead.
    Here CreateService keeps them (AWS's defaults when not given: deployment
    100/200 percent, or 0/100 for a DAEMON service, circuit breaker off,
    rebalancing DISABLED), a service with a strategy has no launch type, and a
    launch type given together with a strategy is an InvalidParameterException.
    UpdateService changes only the parts of ``deploymentConfiguration`` it is
    given (moto replaced the whole), and a strategy it is given replaces the
    launch type.
    """
    from typing import Any, cast

    from moto.core.responses import ActionResult
    from moto.ecs.exceptions import InvalidParameterException
    from moto.ecs.models import EC2ContainerServiceBackend, Service
    from moto.ecs.responses import EC2ContainerServiceResponse

    def deployment_configuration(current: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
        given = given or {}
        breaker = {**current["deploymentCircuitBreaker"], **given.get("deploymentCircuitBreaker", {})}
        return {**current, **given, "deploymentCircuitBreaker": breaker}

    def use_capacity_providers(service: Service, strategy: list[dict[str, Any]]) -> None:
        service.launch_type = None
        for deployment in service.deployments:
            deployment.update(launchType=None, capacityProviderStrategy=strategy)

    original_create = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse) -> ActionResult:
        strategy = self._get_param("capacityProviderStrategy")
        if strategy and self._get_param("launchType"):
            raise InvalidParameterException(
                "Specifying both a launch type and capacity provider strategy is not supported. "
                "Remove one and try again."
            )
        result = original_create(self)
        service = cast(dict[str, Service], result.result)["service"]
        if strategy:
            use_capacity_providers(service, strategy)
        daemon = service.scheduling_strategy == "DAEMON"
        defaults = {
            "deploymentCircuitBreaker": {"enable": False, "rollback": False},
            "maximumPercent": 100 if daemon else 200,
            "minimumHealthyPercent": 0 if daemon else 100,
        }
        vars(service).update(
            capacity_provider_strategy=strategy or None,
            enable_ecs_managed_tags=bool(self._get_param("enableECSManagedTags")),
            enable_execute_command=bool(self._get_param("enableExecuteCommand")),
            health_check_grace_period_seconds=self._get_param("healthCheckGracePeriodSeconds"),
            deployment_configuration=deployment_configuration(defaults, self._get_param("deploymentConfiguration")),
            availability_zone_rebalancing=self._get_param("availabilityZoneRebalancing") or "DISABLED",
        )
        return result

    original_update = EC2ContainerServiceBackend.update_service

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Service:
        current = self._get_service(service_properties.get("cluster", "default"), service_properties["service"])
        given = service_properties.get("deployment_configuration")
        if given is not None and "deployment_configuration" in vars(current):
            service_properties["deployment_configuration"] = deployment_configuration(
                vars(current)["deployment_configuration"], given
            )
        strategy = service_properties.get("capacity_provider_strategy")
        service: Service = original_update(self, service_properties)
        if strategy:
            use_capacity_providers(service, strategy)
        return service

    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]
    EC2ContainerServiceBackend.update_service = update_service  # type: ignore[method-assign]


@gap
def db_instance_performance_insights() -> None:
    """A DB instance keeps its Performance Insights settings, as on AWS.

    moto 5.2.5's DBInstance drops ``EnablePerformanceInsights``,
    ``PerformanceInsightsKMSKeyId`` and ``PerformanceInsightsRetentionPeriod``
    on create, so DescribeDBInstances reports ``PerformanceInsightsEnabled``
    false, and ModifyDBInstance keeps the key and period as given and never
    enables it. Here an instance with Performance Insights enabled reports a
    retention period (7 days unless given) and its KMS key as an ARN (the
    account's ``aws/rds`` key unless given; an unknown key is
    KMSKeyNotAccessibleFault); disabled, it reports neither.
    """
    from typing import Any

    from moto.rds.models import DBInstance

    def settle(instance: DBInstance, enabled: bool | None, key_arn: str | None, period: int | None) -> None:
        state = vars(instance)
        if enabled is None:  # not asked to change: as it was
            enabled = bool(state.get("performance_insights_enabled"))
        if enabled:
            period = period or state.get("performance_insights_retention_period") or 7
            key_arn = key_arn or state.get("performance_insights_kms_key_id")
            key_arn = key_arn or instance.backend._validate_kms_key("alias/aws/rds")
        state.update(
            performance_insights_enabled=enabled,
            performance_insights_kms_key_id=key_arn if enabled else None,
            performance_insights_retention_period=period if enabled else None,
        )

    def requested(instance: DBInstance, kwargs: dict[str, Any]) -> tuple[bool | None, str | None, int | None]:
        key = kwargs.get("performance_insights_kms_key_id")
        return (
            kwargs.get("enable_performance_insights"),
            instance.backend._validate_kms_key(key) if key else None,
            kwargs.get("performance_insights_retention_period"),
        )

    original_init = DBInstance.__init__

    def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        settle(self, *requested(self, kwargs))

    original_update = DBInstance.update

    def update(self: DBInstance, **kwargs: Any) -> None:
        settings = requested(self, kwargs)  # an unknown key fails the call before anything changes
        original_update(self, **kwargs)
        settle(self, *settings)

    DBInstance.__init__ = __init__  # type: ignore[method-assign]
    DBInstance.update = update  # type: ignore[method-assign,assignment]


@gap
def security_group_rule_reference_descriptions() -> None:
    """A rule that references a security group or a prefix list keeps its description, as on AWS.

    moto 5.2.5 reads a rule's description from its CIDR range only, so
    DescribeSecurityGroupRules (and the rules AuthorizeSecurityGroupIngress and
    Egress answer with) has no ``Description`` for a rule with
    ``ReferencedGroupInfo`` or ``PrefixListId``. It drops a prefix list's
    description altogether (DescribeSecurityGroups' ``PrefixListIds`` lacks it
    too), and ModifySecurityGroupRules writes a new description for such a rule
    where only CIDR rules look. Here a group reference's description is the one
    in its ``UserIdGroupPairs`` entry, a prefix list's is kept with the rule and
    shown in both calls, and a modified description goes where the rule keeps it.
    """
    from typing import Any

    from moto.ec2.models.security_groups import (
        GroupedSecurityRuleView,
        SecurityGroup,
        SecurityGroupBackend,
        SecurityGroupRule,
    )

    original_init = SecurityGroupRule.__init__

    def __init__(
        self: SecurityGroupRule,
        ec2_backend: Any,
        ip_protocol: str,
        group_id: str,
        from_port: str | None,
        to_port: str | None,
        ip_range: dict[str, str] | None,
        source_group: dict[str, str] | None = None,
        prefix_list_id: dict[str, str] | None = None,
        is_egress: bool = True,
        tags: dict[str, str] | None = None,
    ) -> None:
        original_init(
            self,
            ec2_backend,
            ip_protocol,
            group_id,
            from_port,
            to_port,
            ip_range,
            source_group,
            prefix_list_id,
            is_egress,
            tags,
        )
        vars(self)["prefix_list_description"] = (prefix_list_id or {}).get("Description")

    original_description: property = vars(SecurityGroupRule)["description"]

    def description(self: SecurityGroupRule) -> str | None:
        if self.source_group:
            return self.source_group.get("Description")
        if self.prefix_list_id:
            prefix_list_description: str | None = vars(self).get("prefix_list_description")
            return prefix_list_description
        cidr_description: str | None = original_description.__get__(self)
        return cidr_description

    original_flattened = SecurityGroup._flattened_rules

    def prefix_list_entry(rule: SecurityGroupRule) -> dict[str, str]:
        entry = {"PrefixListId": str(rule.prefix_list_id)}
        if prefix_list_description := vars(rule).get("prefix_list_description"):
            entry["Description"] = prefix_list_description
        return entry

    def flattened_rules(self: SecurityGroup, rules: list[SecurityGroupRule]) -> list[GroupedSecurityRuleView]:
        views: list[GroupedSecurityRuleView] = original_flattened(self, rules)
        for view in views:  # moto lists each prefix list without its description
            ports = (view.from_port, view.to_port, view.ip_protocol)
            view.prefix_list_ids = [
                prefix_list_entry(rule)
                for rule in rules
                if rule.prefix_list_id and (rule.from_port, rule.to_port, rule.ip_protocol) == ports
            ]
        return views

    original_modify = SecurityGroupBackend.modify_security_group_rules

    def modify_security_group_rules(
        self: SecurityGroupBackend, group_id: str, rules: dict[str, dict[str, Any]]
    ) -> None:
        original_modify(self, group_id, rules)
        group = self.get_security_group_by_name_or_id(group_id)
        for rule_id in rules:
            rule = group.get_rule(rule_id) if group else None
            if rule is None or "Description" not in rule.ip_range or not (rule.source_group or rule.prefix_list_id):
                continue
            new_description = rule.ip_range.pop("Description")
            if rule.source_group:
                rule.source_group["Description"] = new_description
            else:
                vars(rule)["prefix_list_description"] = new_description

    SecurityGroupRule.__init__ = __init__  # type: ignore[method-assign]
    SecurityGroupRule.description = property(description)  # type: ignore[method-assign,assignment]
    SecurityGroup._flattened_rules = flattened_rules  # type: ignore[method-assign]
    SecurityGroupBackend.modify_security_group_rules = modify_security_group_rules  # type: ignore[method-assign]


@gap
def db_parameters_report_their_source() -> None:
    """Parameters set in a DB parameter group come back with ``Source: user``, as on AWS.

    moto 5.2.5 returns them without ``Source``; the AWS provider keeps only
    parameters whose source is ``user``, so every parameter it set (such as
    ``rds.force_ssl``) read back as absent and the next plan set it again.
    moto holds no engine defaults in these groups: all it holds came from users.
    """
    from typing import Any

    from moto.rds.models import DBParameterGroup

    original = DBParameterGroup.update_parameters

    def update_parameters(self: DBParameterGroup, new_parameters: Any) -> None:
        new_parameters = list(new_parameters)
        original(self, new_parameters)
        for parameter in new_parameters:
            self.parameters[parameter["ParameterName"]].setdefault("Source", "user")

    DBParameterGroup.update_parameters = update_parameters  # type: ignore[method-assign]
