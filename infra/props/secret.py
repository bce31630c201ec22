"""Props of infra/constructs/secret.py: data only (no cdktf), so settings can be made of them.

A Secrets Manager secret, encrypted with a customer key, whose value stays out of Terraform state.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation


@dataclass(frozen=True, kw_only=True)
class SecretProps:
    """Lifecycle of a secret."""

    recovery_window_days: int = 30
    """A deleted secret can be restored for this long (7 to 30 days) before it is gone."""

    def __post_init__(self) -> None:
        validation.int_between("recovery_window_days", self.recovery_window_days, 7, 30)
