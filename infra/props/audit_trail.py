"""Props of infra/constructs/audit_trail.py: data only (no cdktf), so settings can be made of them.

A multi-region CloudTrail trail to a private, encrypted bucket, with metrics for suspicious activity.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation


@dataclass(frozen=True, kw_only=True)
class AuditTrailProps:
    """How long the trail's records are kept, and what it records."""

    log_retention_days: int = 90
    """The CloudWatch Logs copy the metric filters read (three months of searchable history)."""
    object_expiration_days: int = 365
    """Log files in the bucket are deleted after a year (the bucket is versioned: old versions go 90 days later)."""
    include_global_service_events: bool = True
    """IAM, STS and other global services' events: root use and IAM changes are among them."""

    def __post_init__(self) -> None:
        validation.log_retention("log_retention_days", self.log_retention_days)
        validation.int_between("object_expiration_days", self.object_expiration_days, 1, 36500)
