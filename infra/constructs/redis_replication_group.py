"""An ElastiCache Redis replication group in private subnets, encrypted at rest and in transit."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
from cdktf_cdktf_provider_aws.elasticache_subnet_group import ElasticacheSubnetGroup
from constructs import Construct

from infra import validation
from infra.constructs.kms_key import KeyLike
from infra.constructs.private_data_store import PrivateDataStore
from infra.constructs.protection import final_snapshot_name
from infra.constructs.secret import Secret, version_from
from infra.props.redis_replication_group import RedisProps


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
