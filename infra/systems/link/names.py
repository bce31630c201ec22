"""Names the Link stack gives its secrets and key, and by which the operator commands find them: data only."""

from __future__ import annotations

SYSTEM = "link"


def stack_id(environment: str) -> str:
    return f"{SYSTEM}-{environment}"


def role_secret(environment: str, role: str) -> str:
    """The secret holding ``role``'s ``{"username", "password"}`` in ``environment``."""
    return f"{stack_id(environment)}/{role}"


def key_alias(environment: str) -> str:
    """The KMS key (``alias/<this>``) encrypting the environment's secrets."""
    return f"{stack_id(environment)}-secrets"
