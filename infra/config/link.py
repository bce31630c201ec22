"""Link, from 004_3722e3135b002b68.txt."""

from __future__ import annotations

from dataclasses import dataclass

from infra.config.model import StateBackendSettings, SystemSettings

ENVIRONMENTS = ("development", "staging", "production")


@dataclass(frozen=True, kw_only=True)
class LinkSettings(SystemSettings):
    """One Link environment."""


def defaults(environment: str) -> LinkSettings:
    return LinkSettings(
        system="link",
        environment=environment,
        region="us-east-1",
        state=StateBackendSettings(
            bucket="link-terraform-state",
            key=f"{environment}/terraform.tfstate",
            region="us-east-1",
            lock_table="link-terraform-locks",
        ),
    )
