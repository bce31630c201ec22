"""Props of infra/constructs/private_bucket.py: data only (no cdktf), so settings can be made of them.

An S3 bucket that is private, versioned, encrypted, TLS-only, with lifecycle rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.props import set_by_stack
from infra.validation import ConfigError

# Minimum days in the previous class before S3 accepts a transition to each class.
STORAGE_CLASS_MINIMUM_DAYS = {
    "STANDARD_IA": 30,
    "ONEZONE_IA": 30,
    "INTELLIGENT_TIERING": 0,
    "GLACIER_IR": 0,
    "GLACIER": 0,
    "DEEP_ARCHIVE": 0,
}


@dataclass(frozen=True, kw_only=True)
class Transition:
    """Move current object versions to ``storage_class`` ``days`` after creation."""

    days: int
    storage_class: str

    def __post_init__(self) -> None:
        validation.one_of("storage_class", self.storage_class, tuple(STORAGE_CLASS_MINIMUM_DAYS))
        validation.int_between("days", self.days, STORAGE_CLASS_MINIMUM_DAYS[self.storage_class], 36500)


@dataclass(frozen=True, kw_only=True)
class PrivateBucketProps:
    """Lifecycle and retention of a private bucket."""

    transitions: tuple[Transition, ...] = ()
    """Storage-class steps for current versions, in increasing days; none keeps everything in STANDARD."""
    noncurrent_version_expiration_days: int = 90
    """Old versions are kept this long to undo mistakes, then deleted so versioning does not grow forever."""
    expiration_days: int | None = None
    """Delete current objects this many days after creation (logs); None keeps them."""
    abort_incomplete_multipart_upload_days: int = 7
    """Failed multipart uploads are invisible but billed; clean them up after a week."""
    kms_key_arn: str | None = set_by_stack(None)
    """Customer-managed key; None uses the AWS-managed aws/s3 key (SSE-KMS) with bucket keys on."""
    sse_algorithm: str = set_by_stack("aws:kms")
    """aws:kms, or AES256 where the writer cannot use KMS (load balancer access logs)."""

    def __post_init__(self) -> None:
        validation.one_of("sse_algorithm", self.sse_algorithm, ("aws:kms", "AES256"))
        if self.sse_algorithm == "AES256" and self.kms_key_arn:
            raise ConfigError("kms_key_arn", "None when sse_algorithm is AES256", self.kms_key_arn)
        days = [t.days for t in self.transitions]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ConfigError("transitions", "steps in strictly increasing days", tuple(days))
        validation.int_between("noncurrent_version_expiration_days", self.noncurrent_version_expiration_days, 1, 36500)
        if self.expiration_days is not None:
            last_transition = max((t.days for t in self.transitions), default=0)
            validation.int_between("expiration_days", self.expiration_days, last_transition + 1, 36500)
        validation.int_between(
            "abort_incomplete_multipart_upload_days", self.abort_incomplete_multipart_upload_days, 1, 365
        )
