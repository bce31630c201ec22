"""Placing a new customer instance: which shard its database goes to, and the registry entry that records it.

Rules (README, Solobase):

- a shard holds at most ``tenancy.max_databases_per_shard`` databases (120,
  the document's trigger for a new shared instance);
- the summed connection limits of a shard's roles stay within its budget:
  ``max_connections`` (300) minus ``tenancy.reserved_admin_connections``;
- the first shard, in order, where both still hold gets the instance; when
  none does, the next shard is opened (``02`` after ``01``) and gets it;
- Business instances get a dedicated RDS instance, so no shard;
- existing entries are never changed: placement only appends;
- the environment's Lambda reservations must leave the account's minimum
  unreserved, or the instance is refused.

The same registry and request always give the same placement. Placement
keeps running totals, so placing many instances in a row costs a few
operations each (``make bench`` places 500).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from infra.systems.solobase.tenants import (
    FIRST_TENANT_PRIORITY,
    MAX_LISTENER_PRIORITY,
    Plan,
    Runtime,
    TenancySettings,
    Tenant,
    TenantRegistry,
    check,
    reserved_concurrency,
    usage,
)
from infra.validation import ConfigError


@dataclass(frozen=True)
class Placed:
    """The entry placement added, and whether it opened a new shard."""

    tenant: Tenant
    opened_shard: str | None


class Placement:
    """A registry being added to: checked once, then kept consistent entry by entry."""

    def __init__(
        self,
        registry: TenantRegistry,
        tenancy: TenancySettings,
        max_connections: int,
        *,
        elsewhere: Sequence[TenantRegistry] = (),
    ) -> None:
        """``elsewhere``: the registries of the other environments in the account, whose reservations draw on
        the same Lambda quota and whose instance names the account already holds."""
        check(registry, tenancy, max_connections)
        self.tenancy = tenancy
        self.budget = tenancy.connection_budget(max_connections)
        self.environment = registry.environment
        self.source = registry.source
        self.shards = list(registry.shards)
        self.tenants = list(registry.tenants)
        self.use = {shard: [u.databases, u.connections] for shard, u in usage(registry, tenancy.plans).items()}
        self.ids = {t.instance_id for t in self.tenants}
        self.id8s = {t.id8 for t in self.tenants} | {t.id8 for other in elsewhere for t in other.tenants}
        self.subdomains = {t.subdomain for t in self.tenants}
        self.priorities = {t.listener_priority for t in self.tenants if t.listener_priority is not None}
        self.reserved = sum(reserved_concurrency(r, tenancy.plans)[0] for r in (registry, *elsewhere))

    @property
    def registry(self) -> TenantRegistry:
        return TenantRegistry(self.environment, tuple(self.shards), tuple(self.tenants), self.source)

    def _fits(self, shard: str, connections: int) -> bool:
        databases, used = self.use[shard]
        return databases < self.tenancy.max_databases_per_shard and used + connections <= self.budget

    def _next_priority(self) -> int:
        priority = FIRST_TENANT_PRIORITY
        while priority in self.priorities:
            priority += 1
        if priority > MAX_LISTENER_PRIORITY:
            raise ConfigError("listener_priority", f"free below {MAX_LISTENER_PRIORITY}", priority)
        return priority

    def add(
        self,
        *,
        subdomain: str,
        plan: Plan | str,
        runtime: Runtime | str = Runtime.LAMBDA,
        instance_id: str | None = None,
    ) -> Placed:
        """Place one new instance; ``instance_id`` defaults to a new random UUID."""
        plan, runtime = Plan(plan), Runtime(runtime)
        instance_id = instance_id or self._new_id()
        where = f"{self.source or 'registry'} new tenant ({subdomain})"
        if subdomain in self.subdomains:
            raise ConfigError(f"{where}.subdomain", "unique in the environment (an entry has it)", subdomain)
        if instance_id in self.ids:
            raise ConfigError(f"{where}.instance_id", "unique in the environment (an entry has it)", instance_id)
        if instance_id[:8] in self.id8s:
            raise ConfigError(
                f"{where}.instance_id",
                "an id whose first 8 characters no other entry has (they name the instance's resources)",
                instance_id,
            )
        settings = self.tenancy.plans.of(plan)
        if (
            runtime is Runtime.LAMBDA
            and self.reserved + settings.reserved_concurrency > self.tenancy.reservable_concurrency
        ):
            raise ConfigError(
                f"{where} reserved concurrency",
                f"at most {self.tenancy.reservable_concurrency} in total, leaving "
                f"{self.tenancy.min_unreserved_concurrency} of the account limit "
                f"{self.tenancy.account_concurrency_limit} unreserved (reserved now: {self.reserved})",
                self.reserved + settings.reserved_concurrency,
            )
        shard, opened = None, None
        if not plan.dedicated_database:
            connections = settings.connection_limit or 0
            if connections > self.budget:
                raise ConfigError(f"{where} connection_limit", f"at most the shard budget {self.budget}", connections)
            shard = next((s for s in self.shards if self._fits(s, connections)), None)
            if shard is None:
                shard = opened = f"{max(int(s) for s in self.shards) + 1:02d}"
                if int(shard) > 99:
                    raise ConfigError(f"{where} shard", "at most 99 shards per environment", shard)
                self.shards.append(shard)
                self.use[shard] = [0, 0]
            self.use[shard][0] += 1
            self.use[shard][1] += connections
        priority = self._next_priority() if runtime is Runtime.ECS else None
        try:
            tenant = Tenant(
                instance_id=instance_id,
                subdomain=subdomain,
                plan=plan,
                runtime=runtime,
                shard=shard,
                listener_priority=priority,
            )
        except ConfigError as error:
            if shard is not None:  # nothing is kept of a refused instance
                self.use[shard][0] -= 1
                self.use[shard][1] -= settings.connection_limit or 0
                if opened:
                    self.shards.pop()
                    del self.use[opened]
            raise error.within(where) from None
        self.tenants.append(tenant)
        self.ids.add(instance_id)
        self.id8s.add(tenant.id8)
        self.subdomains.add(subdomain)
        if priority is not None:
            self.priorities.add(priority)
        if runtime is Runtime.LAMBDA:
            self.reserved += settings.reserved_concurrency
        return Placed(tenant, opened)

    def _new_id(self) -> str:
        while True:
            candidate = str(uuid.uuid4())
            if candidate[:8] not in self.id8s:
                return candidate
