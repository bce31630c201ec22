"""Props of infra/constructs/redis_replication_group.py: data only (no cdktf), so settings can be made of them.

An ElastiCache Redis replication group in private subnets, encrypted at rest and in transit, whose clients
authenticate with IAM (role-based access control).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

_SIZES = ("micro", "small", "medium")
_BIG = ("large", "xlarge", "2xlarge", "4xlarge")
ALLOWED_NODE_TYPES = (
    *(f"cache.t3.{s}" for s in _SIZES),
    *(f"cache.t4g.{s}" for s in _SIZES),
    *(f"cache.{family}.{s}" for family in ("m5", "m6g", "m7g", "r5", "r6g", "r7g") for s in _BIG),
)
# IAM authentication needs Redis OSS 7 or later (docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html).
_ENGINE_VERSION = re.compile(r"^7\.\d+$")
# An ACL rule list that switches the user on; passwords (">...", "#...") and "nopass" belong to no access string.
_ACCESS_STRING = re.compile(r"^on( [^\s>#<!]+)+$")


@dataclass(frozen=True, kw_only=True)
class RedisProps:
    """Size and durability of the group."""

    node_type: str
    """One of ALLOWED_NODE_TYPES."""
    engine_version: str = "7.1"
    """Redis OSS major.minor supported by ElastiCache: 7 or later, which IAM authentication needs."""
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
    final_snapshot: bool = False
    """Snapshot ``<name>-final-<UTC creation time>`` when the group is destroyed, so a cache of sessions or
    queues can be restored instead of rebuilt cold; production turns it on."""
    maintenance_window: str = "sun:05:30-sun:06:30"
    client_access_string: str = "on ~* +@all"
    """Redis ACL of every client's IAM-authenticated user (``on``, then key patterns and command rules).
    All commands by default: common clients call INFO and CLIENT on connect, which ``-@dangerous`` would
    refuse; narrow it (``on ~app:* +@read +@write``) when the clients allow."""

    def __post_init__(self) -> None:
        validation.one_of("node_type", self.node_type, ALLOWED_NODE_TYPES)
        if not _ENGINE_VERSION.match(str(self.engine_version)):
            raise ConfigError(
                "engine_version",
                "a Redis OSS 7 version such as '7.1' (IAM authentication needs 7 or later)",
                self.engine_version,
            )
        validation.int_between("num_cache_clusters", self.num_cache_clusters, 1, 6)
        if self.automatic_failover and self.num_cache_clusters < 2:
            raise ConfigError("automatic_failover", "false when num_cache_clusters is 1", self.automatic_failover)
        if self.multi_az and not self.automatic_failover:
            raise ConfigError("multi_az", "false unless automatic_failover is on", self.multi_az)
        validation.int_between("port", self.port, 1024, 65535)
        validation.int_between("snapshot_retention_days", self.snapshot_retention_days, 0, 35)
        if not isinstance(self.client_access_string, str) or not _ACCESS_STRING.match(self.client_access_string):
            raise ConfigError(
                "client_access_string",
                "a Redis ACL starting with 'on', such as 'on ~* +@all' (no passwords, no nopass)",
                self.client_access_string,
            )
        if "nopass" in self.client_access_string.split():
            raise ConfigError("client_access_string", "rules without nopass (clients authenticate with IAM)", "nopass")
