"""Props of infra/constructs/data_tier.py: data only (no cdktf), so settings can be made of them.

A system's data tier: PostgreSQL and, optionally, Redis, in the network's isolated subnets.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps


@dataclass(frozen=True, kw_only=True)
class DataTierProps:
    """What the tier holds."""

    database: PostgresInstanceProps
    cache: RedisProps | None = None
    """None: no Redis."""
