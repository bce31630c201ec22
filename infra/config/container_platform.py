"""Settings every system built on ContainerPlatform shares (Freeside, ReplayDash)."""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.config.model import SystemSettings
from infra.constructs.container_platform import ContainerPlatformProps


@dataclass(frozen=True, kw_only=True)
class ContainerPlatformSettings(SystemSettings, ContainerPlatformProps):
    """One environment of a container-platform system: the platform's parts and its names."""

    name_prefix: str
    """Every resource name starts with it (``<prefix>-cluster``, ``<prefix>-postgres``, ...)."""
    repository_name: str
    """ECR repository the services' images come from."""

    def __post_init__(self) -> None:
        super().__post_init__()
        validation.resource_name("name_prefix", self.name_prefix, max_length=24)
        validation.resource_name("repository_name", self.repository_name, max_length=64)
