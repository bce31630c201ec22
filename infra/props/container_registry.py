"""Props of infra/constructs/container_registry.py: data only (no cdktf), so settings can be made of them.

An ECR repository: scanned on push, encrypted, pruned to the most recent images.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation


@dataclass(frozen=True, kw_only=True)
class ContainerRegistryProps:
    """How the repository treats images."""

    keep_images: int = 10
    """How many of the most recent images survive the lifecycle policy (rollback depth)."""
    scan_on_push: bool = True
    """Basic vulnerability scan of every pushed image."""
    immutable_tags: bool = True
    """A tag, once pushed, always names the same image; turn off only for moving tags such as ``latest``."""

    def __post_init__(self) -> None:
        validation.int_between("keep_images", self.keep_images, 1, 1000)
