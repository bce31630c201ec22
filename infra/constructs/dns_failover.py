"""Route 53 failover: one name answering with a primary endpoint while it is healthy, a secondary otherwise."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordFailoverRoutingPolicy
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from constructs import Construct

from infra import validation
from infra.constructs.outputs import output
from infra.validation import ConfigError

_PATH = re.compile(r"^/[A-Za-z0-9_\-./~?=&%]{0,254}$")
ROLES = ("primary", "secondary")


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


class FailoverRecord(Construct):
    """``record_name`` as two CNAME failover records (PRIMARY, SECONDARY), each with an HTTPS health check.

    Route 53 answers with the primary hostname while its health check passes
    and with the secondary's otherwise (if the secondary is down too, it still
    answers with the primary). Health checks are global: their metrics are in
    us-east-1 (see Monitoring.watch_health_check).
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, props: FailoverRecordProps) -> None:
        super().__init__(scope, id_)
        validation.resource_name("failover name", name, max_length=64)
        self.name = name
        self.props = props
        self.zone: Route53Zone | None = None
        zone_id = props.hosted_zone_id
        if props.zone_name is not None:
            self.zone = Route53Zone(
                self, "Zone", name=props.zone_name, comment=f"{name}: failover records", tags={"Name": props.zone_name}
            )
            zone_id = self.zone.zone_id
        self.health_checks: dict[str, Route53HealthCheck] = {}
        for role, hostname in zip(ROLES, (props.primary_hostname, props.secondary_hostname), strict=True):
            check = Route53HealthCheck(
                self,
                f"{role.capitalize()}HealthCheck",
                type="HTTPS",
                fqdn=hostname,
                port=props.health_check_port,
                resource_path=props.health_check_path,
                failure_threshold=props.failure_threshold,
                request_interval=props.request_interval_seconds,
                enable_sni=True,
                tags={"Name": f"{name}-{role}"},
            )
            self.health_checks[role] = check
            Route53Record(
                self,
                f"{role.capitalize()}Record",
                zone_id=zone_id or "",
                name=props.record_name,
                type="CNAME",
                ttl=props.ttl_seconds,
                records=[hostname],
                set_identifier=f"{name}-{role}",
                failover_routing_policy=Route53RecordFailoverRoutingPolicy(type=role.upper()),
                health_check_id=check.id,
            )

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>failover_record_name``, the health check ids and, for a zone made here, its name servers."""
        output(self, f"{prefix}failover_record_name", self.props.record_name, "Name that fails over between regions")
        output(
            self,
            f"{prefix}health_check_ids",
            {role: check.id for role, check in self.health_checks.items()},
            "Route 53 health checks of the primary and secondary endpoints",
        )
        if self.zone is not None:
            output(
                self,
                f"{prefix}zone_name_servers",
                self.zone.name_servers,
                f"Delegate {self.props.zone_name} to these name servers",
            )
