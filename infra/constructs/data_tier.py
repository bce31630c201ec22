"""A system's data tier: PostgreSQL and, optionally, Redis, in the network's isolated subnets."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.kms_key import KeyLike
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import NetworkLike
from infra.constructs.outputs import output
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.constructs.security_group import SecurityGroup
from infra.props.data_tier import DataTierProps


class DataTier(Construct):
    """PostgreSQL ``database_identifier`` and Redis ``cache_name``, reachable only from :meth:`allow_from` groups.

    They live in the network's database subnets, or its private ones when it
    has none. ``storage_key`` encrypts both at rest; ``secret_key`` the
    RDS-managed master secret.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        network: NetworkLike,
        database_identifier: str,
        cache_name: str | None,
        storage_key: KeyLike,
        secret_key: KeyLike,
        props: DataTierProps,
    ) -> None:
        super().__init__(scope, id_)
        subnets = list(network.data_subnet_ids)
        self.database = PostgresInstance(
            self,
            "Database",
            identifier=database_identifier,
            vpc_id=network.vpc_id,
            subnet_ids=subnets,
            storage_key=storage_key,
            secret_key=secret_key,
            props=props.database,
        )
        self.cache: RedisReplicationGroup | None = None
        if props.cache is not None:
            self.cache = RedisReplicationGroup(
                self,
                "Cache",
                name=cache_name or f"{database_identifier}-redis",
                vpc_id=network.vpc_id,
                subnet_ids=subnets,
                kms_key=storage_key,
                props=props.cache,
            )

    def allow_from(self, source: SecurityGroup, *, label: str) -> None:
        """Members of ``source`` may reach the database and the cache (``label`` names them in the rules)."""
        self.database.allow_from(source, label=f"PostgreSQL from {label}")
        if self.cache is not None:
            self.cache.allow_from(source, label=f"Redis from {label}")

    def watch(self, monitoring: Monitoring) -> None:
        """Alarms on the database and every cache node."""
        monitoring.watch_database(self.database)
        if self.cache is not None:
            monitoring.watch_redis(self.cache)

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>database_endpoint`` and, with a cache, ``<prefix>redis_endpoint``."""
        output(self, f"{prefix}database_endpoint", self.database.endpoint, "PostgreSQL endpoint (host:port), private")
        if self.cache is not None:
            output(
                self, f"{prefix}redis_endpoint", self.cache.primary_endpoint, "Redis primary endpoint (TLS), private"
            )
