"""Props of infra/constructs/state_store.py: data only (no cdktf), so settings can be made of them.

Where Terraform keeps state: a private S3 bucket and a DynamoDB lock table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class TerraformStateStoreProps:
    """Retention and protection of the state store."""

    noncurrent_version_expiration_days: int = 90
    """Old state versions stay restorable for 90 days (S3 versioning), then expire."""
    enable_lock_table_deletion_protection: bool = True
    """The lock table cannot be deleted, nor its destroy planned (protection.deletion_guard), until this is
    turned off (see README, tearing down)."""
