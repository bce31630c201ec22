"""An ElastiCache Redis replication group in private subnets, encrypted at rest and in transit, IAM-authenticated."""

from __future__ import annotations

import jsii
from cdktf import IListProducer, IResolveContext, Lazy
from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from cdktf_cdktf_provider_aws.elasticache_user import ElasticacheUser, ElasticacheUserAuthenticationMode
from cdktf_cdktf_provider_aws.elasticache_user_group import ElasticacheUserGroup
from constructs import Construct

from infra import validation
from infra.constructs.iam import Principal, Statement
from infra.constructs.kms_key import KeyLike
from infra.constructs.private_data_store import PrivateDataStore
from infra.constructs.protection import final_snapshot_name
from infra.constructs.secret import Secret, version_from
from infra.naming import pascal
from infra.props.redis_replication_group import RedisProps

ENGINE = "redis"
DEFAULT_USER_ACCESS = "off -@all"
"""The group's ``default`` user: switched off, so a connection that has not authenticated can run nothing."""
CONNECT = "ConnectRedis"
"""The inline policy holding every ``elasticache:Connect`` grant of a role."""


@jsii.implements(IListProducer)
class _UserIds:
    def __init__(self, users: list[ElasticacheUser]) -> None:
        self.users = users

    def produce(self, context: IResolveContext) -> list[str]:
        return [user.user_id for user in self.users]


class RedisUser(Construct):
    """An ElastiCache user that authenticates with IAM; its id is also its name (IAM authentication's rule)."""

    def __init__(self, scope: Construct, id_: str, *, user_id: str, access_string: str) -> None:
        super().__init__(scope, id_)
        validation.resource_name("Redis user id", user_id, max_length=40)
        self.user = ElasticacheUser(
            self,
            "User",
            user_id=user_id,
            user_name=user_id,
            engine=ENGINE,
            access_string=access_string,
            authentication_mode=ElasticacheUserAuthenticationMode(type="iam"),
            tags={"Name": user_id},
        )
        self.user_id = user_id
        self.arn = self.user.arn


class RedisReplicationGroup(PrivateDataStore):
    """``name`` with TLS in transit and KMS at rest, reachable only from groups passed to :meth:`allow_from`,
    and usable only by clients that authenticate with IAM as a user :meth:`grant_connect` made.

    Role-based access control: the user group ``name`` holds a ``default``
    user that is switched off and takes no password (``<name>-default``), so
    a connection that has not authenticated can do nothing, and one user per
    client, authenticated by IAM (no password anywhere, so none in state).
    A client signs an IAM token for its user and sends ``AUTH <user> <token>``
    (docs/systems/freeside.md, Redis). The URL is ``rediss://<primary endpoint>:<port>``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        vpc_id: str,
        subnet_ids: list[str],
        kms_key: KeyLike | None,
        props: RedisProps,
    ) -> None:
        validation.resource_name("replication group name", name, max_length=40)
        super().__init__(scope, id_, name=name, kind="Redis", port=props.port, group_suffix="cache", vpc_id=vpc_id)
        self.name = name
        self.props = props
        subnet_group = ElasticacheSubnetGroup(
            self, "SubnetGroup", name=name, subnet_ids=subnet_ids, description=f"Private subnets of {name}"
        )
        # Every Redis OSS user group needs a user named default: this one can neither log in nor run anything.
        default_user = ElasticacheUser(
            self,
            "DefaultUser",
            user_id=f"{name}-default",
            user_name="default",
            engine=ENGINE,
            access_string=DEFAULT_USER_ACCESS,
            # Not authentication_mode: ElastiCache reads "no-password-required" back as "no-password".
            no_password_required=True,
            tags={"Name": f"{name}-default"},
        )
        self._members: list[ElasticacheUser] = [default_user]
        self.users: dict[str, RedisUser] = {}
        self._granted: dict[tuple[str, str], list[Statement]] = {}
        self.user_group = ElasticacheUserGroup(
            self,
            "UserGroup",
            user_group_id=name,
            engine=ENGINE,
            user_ids=Lazy.list_value(_UserIds(self._members)),
            tags={"Name": name},
        )
        self.group = ElasticacheReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_id=name,
            description=f"Redis for {name}",
            engine=ENGINE,
            engine_version=props.engine_version,
            node_type=props.node_type,
            num_cache_clusters=props.num_cache_clusters,
            automatic_failover_enabled=props.automatic_failover,
            multi_az_enabled=props.multi_az,
            port=props.port,
            subnet_group_name=subnet_group.name,
            security_group_ids=[self.security_group.id],
            at_rest_encryption_enabled="true",
            kms_key_id=kms_key.arn if kms_key else None,
            transit_encryption_enabled=True,
            user_group_ids=[self.user_group.user_group_id],
            snapshot_retention_limit=props.snapshot_retention_days,
            snapshot_window=props.snapshot_window,
            maintenance_window=props.maintenance_window,
            final_snapshot_identifier=(
                final_snapshot_name(
                    self, "redis", name, replaced_with=[kms_key.arn if kms_key else "aws/elasticache", props.port]
                )
                if props.final_snapshot
                else None
            ),
            auto_minor_version_upgrade="true",
            apply_immediately=False,
            tags={"Name": name},
        )
        self.arn = self.group.arn
        self.primary_endpoint = self.group.primary_endpoint_address
        # ElastiCache names a group's nodes <group id>-001, -002, ...: the CacheClusterId of their metrics.
        self.member_cluster_ids = tuple(f"{name}-{index:03d}" for index in range(1, props.num_cache_clusters + 1))

    @property
    def url(self) -> str:
        """``rediss://<primary endpoint>:<port>`` (TLS; the user and its IAM token come with AUTH)."""
        return f"rediss://{self.primary_endpoint}:{self.port}"

    def user(self, user_id: str) -> RedisUser:
        """The IAM-authenticated user ``user_id`` of the group, made on first use."""
        found = self.users.get(user_id)
        if found is None:
            found = RedisUser(
                self, f"User{pascal(user_id)}", user_id=user_id, access_string=self.props.client_access_string
            )
            self.users[user_id] = found
            self._members.append(found.user)
        return found

    def grant_connect(self, principal: Principal, *, user: str) -> list[Statement]:
        """Let ``principal`` connect as the IAM-authenticated user ``user`` (made here on first use).

        ``elasticache:Connect`` on this replication group and that user only:
        IAM authentication checks both (auth-iam.html). Returns the statement.
        """
        key = (principal.grant_role.node.path, user)
        if key not in self._granted:
            member = self.user(user)
            self._granted[key] = principal.grant_role.grant(
                CONNECT, Statement(actions=["elasticache:Connect"], resources=[self.arn, member.arn])
            )
        return self._granted[key]

    def client_environment(self, user: str) -> dict[str, str]:
        """What a client connecting as ``user`` needs besides the URL: its user and the group it signs for."""
        return {"REDIS_USER": user, "REDIS_REPLICATION_GROUP_ID": self.name}

    def write_connection_secret(self, secret: Secret) -> None:
        """Write ``{"url", "host", "port"}``; rewritten whenever the endpoint changes.

        No credential: each client authenticates as its own user with an IAM token (:meth:`client_environment`).
        """
        host = self.primary_endpoint
        value = (
            f'jsonencode({{url = format("rediss://%s:%d", {host}, {self.port}), host = {host}, port = {self.port}}})'
        )
        secret.write_only(value, version=version_from(f'join(":", [{host}, "{self.port}"])'))
