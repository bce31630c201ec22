"""Props of infra/constructs/load_balancer.py: data only (no cdktf), so settings can be made of them.

An internet-facing Application Load Balancer: HTTPS with a DNS-validated certificate, HTTP redirected.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.props import set_by_stack
from infra.validation import ConfigError

SSL_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)


@dataclass(frozen=True, kw_only=True)
class LoadBalancerProps:
    """Certificate, TLS and protection of the load balancer."""

    domain_name: str | None = None
    """Create and DNS-validate a certificate for this name (give this or certificate_arn)."""
    subject_alternative_names: tuple[str, ...] = set_by_stack(())
    """More names on that certificate (``*.example.com`` for one target per customer host)."""
    certificate_arn: str | None = None
    """Use an existing issued ACM certificate instead of creating one."""
    hosted_zone_id: str | None = None
    """Route53 zone to write the validation records into; without it they are an output to create by hand."""
    ssl_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    """TLS 1.3 and 1.2 with forward-secret ciphers only."""
    deletion_protection: bool = True
    """ELB refuses to delete the load balancer, and Terraform to plan its destroy (protection.deletion_guard),
    until this is turned off."""
    idle_timeout_seconds: int = 60
    enable_access_logs: bool = True
    """Request logs to an S3 bucket of their own (SSE-S3: ELB cannot write with KMS)."""
    access_log_retention_days: int = 90
    """Access logs older than this are deleted."""

    def __post_init__(self) -> None:
        if (self.domain_name is None) == (self.certificate_arn is None):
            raise ConfigError(
                "domain_name", "set, or certificate_arn set instead (exactly one of them)", self.domain_name
            )
        if self.domain_name is not None:
            validation.hostname("domain_name", self.domain_name)
        for index, name in enumerate(self.subject_alternative_names):
            validation.hostname(f"subject_alternative_names[{index}]", name.removeprefix("*."))
        if self.subject_alternative_names and self.domain_name is None:
            raise ConfigError(
                "subject_alternative_names",
                "empty when an existing certificate is used",
                self.subject_alternative_names,
            )
        if self.certificate_arn is not None and not self.certificate_arn.startswith("arn:aws"):
            raise ConfigError("certificate_arn", "an ACM certificate ARN", self.certificate_arn)
        if self.hosted_zone_id is not None and self.domain_name is None:
            raise ConfigError("hosted_zone_id", "unset when an existing certificate is used", self.hosted_zone_id)
        validation.one_of("ssl_policy", self.ssl_policy, SSL_POLICIES)
        validation.int_between("idle_timeout_seconds", self.idle_timeout_seconds, 1, 4000)
        validation.int_between("access_log_retention_days", self.access_log_retention_days, 1, 3650)
