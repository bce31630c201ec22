"""What every private data store shares: its own security group, opened to named groups only."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.security_group import SecurityGroup


class PrivateDataStore(Construct):
    """Base of PostgresInstance and RedisReplicationGroup: ``security_group`` and :meth:`allow_from`."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        kind: str,
        port: int,
        group_suffix: str,
        vpc_id: str,
        existing_security_group_id: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.kind = kind
        self.port = port
        # An existing group gets the same rules through the same methods; it is not otherwise managed here.
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{name}-{group_suffix}",
            description=f"{kind} {name}",
            vpc_id=vpc_id,
            existing_id=existing_security_group_id,
        )
        self._store_name = name

    def allow_from(self, source: SecurityGroup, *, label: str) -> None:
        """Accept connections from members of ``source`` on the store's port (and let them connect out to it)."""
        self.security_group.allow_from(source, self.port, label=label)
        source.allow_to(self.security_group, self.port, label=f"{self.kind} to {self._store_name}")

    def allow_from_cidr(self, cidr: str, *, label: str) -> None:
        """Accept connections on the store's port from an IPv4 range (a whole VPC, say)."""
        self.security_group.allow_from_cidr(cidr, self.port, label=label)
