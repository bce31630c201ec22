"""Route 53 failover: one name answering with a primary endpoint while it is healthy, a secondary otherwise."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.route53_health_check import Route53HealthCheck
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordFailoverRoutingPolicy
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone
from constructs import Construct

from infra import validation
from infra.constructs.outputs import output
from infra.props.dns_failover import FailoverRecordProps

ROLES = ("primary", "secondary")


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
