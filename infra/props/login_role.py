"""Props of infra/constructs/login_role.py: data only (no cdktf), so settings can be made of them.

A PostgreSQL role that logs in, with a write-only password and a connection limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation


@dataclass(frozen=True, kw_only=True)
class LoginRoleProps:
    """Limits of a login role."""

    connection_limit: int = -1
    """Connections the role may hold at once; -1 for no limit (PostgreSQL's default)."""

    def __post_init__(self) -> None:
        validation.int_between("connection_limit", self.connection_limit, -1, 100000)
