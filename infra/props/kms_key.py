"""Props of infra/constructs/kms_key.py: data only (no cdktf), so settings can be made of them.

A customer-managed KMS key for one purpose, with rotation on.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation


@dataclass(frozen=True, kw_only=True)
class KmsKeyProps:
    """Lifecycle of a key."""

    deletion_window_days: int = 30
    """The longest AWS allows: a key scheduled for deletion by mistake can be recovered for a month."""
    enable_rotation: bool = True
    """Yearly automatic rotation of the key material."""

    def __post_init__(self) -> None:
        validation.int_between("deletion_window_days", self.deletion_window_days, 7, 30)
