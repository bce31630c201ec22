"""An ElastiCache Redis replication group in private subnets, encrypted at rest and in transit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from constructs import Construct

from infra import validation
from infra.constructs.kms_key import KeyLike
from infra.constructs.private_data_store import PrivateDataStore
from infra.constructs.secret import Secret, version_from
from infra.validation import ConfigError

_SIZES = ("micro", "small", "medium")
_BIG = ("large", "xlarge", "2xlarge", "4xlarge")
ALLOWED_NODE_TYPES = (
    *(f"cache.t3.{s}" for s in _SIZES),
    *(f"cache.t4g.{s}" for s in _SIZES),
    *(f"cache.{family}.{s}" for family in ("m5", "m6g", "m7g", "r5", "r6g", "r7g") for s in _BIG),
)
_ENGINE_VERSION = re.compile(r"^[67]\.\d+$")


@dataclass(frozen=True, kw_only=True)
class RedisProps:
    """Size and durability of the group."""

    node_type: str
    """One of ALLOWED_NODE_TYPES."""
    engine_version: str = "7.1"
    """Redis OSS major.minor supported by ElastiCache."""
    num_cache_clusters: int = 1
    """Primary plus read replicas."""
    automatic_failover: bool = False
    """Promote a replica when the primary fails; needs at least two nodes."""
    multi_az: bool = False
    """Keep the replica in another zone; needs automatic failover."""
    port: int = 6379
    snapshot_retention_days: int = 1
    """Daily snapshots kept this long (0 turns them off): a cache can be rebuilt, a day of history is cheap."""
    snapshot_window: str = "02:00-03:00"
    maintenance_window: str = "sun:05:30-sun:06:30"

    def __post_init__(self) -> None:
        validation.one_of("node_type", self.node_type, ALLOWED_NODE_TYPES)
        if not _ENGINE_VERSION.match(str(self.engine_version)):
            raise ConfigError("engine_version", "a Redis version such as '7.1'", self.engine_version)
        validation.int_between("num_cache_clusters", self.num_cache_clusters, 1, 6)
        if self.automatic_failover and self.num_cache_clusters < 2:
            raise ConfigError("automatic_failover", "false when num_cache_clusters is 1", self.automatic_failover)
        if self.multi_az and not self.automatic_failover:
            raise ConfigError("multi_az", "false unless automatic_failover is on", self.multi_az)
        validation.int_between("port", self.port, 1024, 65535)
        validation.int_between("snapshot_retention_days", self.snapshot_retention_days, 0, 35)


class RedisReplicationGroup(PrivateDataStore):
    """``name`` with TLS in transit and KMS at rest, reachable only from groups passed to :meth:`allow_from`.

    No AUTH token: provider 5.100.0 has no write-only ``auth_token``, so a token
    would sit in Terraform state; access rests on the security group and TLS.
    The connection URL is therefore ``rediss://<primary endpoint>:<port>``.
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
        self.group = ElasticacheReplicationGroup(
            self,
            "ReplicationGroup",
            replication_group_id=name,
            description=f"Redis for {name}",
            engine="redis",
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
            snapshot_retention_limit=props.snapshot_retention_days,
            snapshot_window=props.snapshot_window,
            maintenance_window=props.maintenance_window,
            auto_minor_version_upgrade="true",
            apply_immediately=False,
            tags={"Name": name},
        )
        self.primary_endpoint = self.group.primary_endpoint_address
        # ElastiCache names a group's nodes <group id>-001, -002, ...: the CacheClusterId of their metrics.
        self.member_cluster_ids = tuple(f"{name}-{index:03d}" for index in range(1, props.num_cache_clusters + 1))

    @property
    def url(self) -> str:
        """``rediss://<primary endpoint>:<port>`` (TLS, no AUTH token), as :meth:`write_connection_secret` writes it."""
        return f"rediss://{self.primary_endpoint}:{self.port}"

    def write_connection_secret(self, secret: Secret) -> None:
        """Write ``{"url", "host", "port"}``; rewritten whenever the endpoint changes."""
        host = self.primary_endpoint
        value = (
            f'jsonencode({{url = format("rediss://%s:%d", {host}, {self.port}), host = {host}, port = {self.port}}})'
        )
        secret.write_only(value, version=version_from(f'join(":", [{host}, "{self.port}"])'))
