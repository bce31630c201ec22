"""Luneo, from 001_0343b5819d0167c0.txt."""

from __future__ import annotations

from dataclasses import dataclass

from infra.config.model import StateBackendSettings, SystemSettings

ENVIRONMENTS = ("staging", "prod")


@dataclass(frozen=True, kw_only=True)
class LuneoSettings(SystemSettings):
    """One Luneo environment."""


def defaults(environment: str) -> LuneoSettings:
    return LuneoSettings(
        system="luneo",
        environment=environment,
        region="eu-west-1",
        state=StateBackendSettings(
            bucket="luneo-terraform-state",
            key=f"{environment}/global/multi-region/terraform.tfstate",
            region="eu-west-1",
            lock_table="luneo-terraform-locks",
        ),
    )
