"""Props of infra/constructs/dns_failover.py: data only (no cdktf), so settings can be made of them.

Route 53 failover: one name answering with a primary endpoint while it is healthy, a secondary otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

_PATH = re.compile(r"^/[A-Za-z0-9_\-./~?=&%]{0,254}$")


@dataclass(frozen=True, kw_only=True)
class FailoverRecordProps:
    """The name, the two endpoints and how their health is checked."""

    record_name: str
    """The name clients use (``app.example.com``), inside the zone."""
    primary_hostname: str
    """Endpoint in the primary region (its ingress load balancer's hostname)."""
    secondary_hostname: str
    """Endpoint in the secondary region, answered while the primary is unhealthy."""
    zone_name: str | None = None
    """Public hosted zone to create for the record (give this or hosted_zone_id)."""
    hosted_zone_id: str | None = None
    """Existing public hosted zone to write the records into."""
    health_check_path: str = "/healthz"
    """Path checked over HTTPS on each endpoint; anything but 2xx/3xx within 4 s is a failure."""
    health_check_port: int = 443
    failure_threshold: int = 3
    """Consecutive failures before an endpoint counts as down (and back up)."""
    request_interval_seconds: int = 30
    """30 (standard) or 10 (fast, billed extra): with 3 failures, failover starts after about 90 s."""
    ttl_seconds: int = 60
    """Short, so resolvers follow a failover quickly."""

    def __post_init__(self) -> None:
        for name in ("record_name", "primary_hostname", "secondary_hostname"):
            validation.hostname(name, getattr(self, name))
        if self.primary_hostname == self.secondary_hostname:
            raise ConfigError("secondary_hostname", "another hostname than the primary's", self.secondary_hostname)
        if (self.zone_name is None) == (self.hosted_zone_id is None):
            raise ConfigError("zone_name", "set, or hosted_zone_id set instead (exactly one of them)", self.zone_name)
        if self.zone_name is not None:
            validation.hostname("zone_name", self.zone_name)
            if not self.record_name.endswith(f".{self.zone_name}"):
                raise ConfigError("record_name", f"a name inside the zone {self.zone_name}", self.record_name)
        if self.hosted_zone_id is not None and not re.match(r"^Z[A-Z0-9]{1,31}$", self.hosted_zone_id):
            raise ConfigError("hosted_zone_id", "a Route 53 hosted zone id such as Z0123456789ABC", self.hosted_zone_id)
        if not _PATH.match(self.health_check_path):
            raise ConfigError(
                "health_check_path", "a path starting with / (at most 255 characters)", self.health_check_path
            )
        validation.int_between("health_check_port", self.health_check_port, 1, 65535)
        validation.int_between("failure_threshold", self.failure_threshold, 1, 10)
        validation.one_of("request_interval_seconds", self.request_interval_seconds, (10, 30))
        validation.int_between("ttl_seconds", self.ttl_seconds, 0, 86400)
