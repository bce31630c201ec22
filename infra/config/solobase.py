"""Solobase, from 000_6dd02aca88e0a71d.txt."""

from __future__ import annotations

from dataclasses import dataclass

from infra.config.model import StateBackendSettings, SystemSettings

ENVIRONMENTS = ("dev", "staging", "prod")


@dataclass(frozen=True, kw_only=True)
class SolobaseSettings(SystemSettings):
    """One Solobase environment."""


def defaults(environment: str) -> SolobaseSettings:
    return SolobaseSettings(
        system="solobase",
        environment=environment,
        region="us-east-1",
        state=StateBackendSettings(
            bucket="solobase-terraform-state",
            key=f"{environment}/terraform.tfstate",
            region="us-east-1",
            lock_table="solobase-terraform-locks",
        ),
    )
