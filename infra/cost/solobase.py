"""Solobase's economics: one customer's cost per plan and runtime, break-even, and the fleet at 15, 120 and 500.

A customer's cost is priced from real stacks: a sample registry with one
instance per plan and runtime (Lambda, ECS; Business with its dedicated
database) is synthesized like any environment's, and each sample's cost is its
tenant stack plus its objects in its shard's databases stack (its database
secret). The environment's shared cost is its platform stack, which holds the
first shard; each further shard costs what the platform's shard-01 lines cost.
Fleets are placed with the real placement rules (infra.systems.solobase.placement),
so the shards they open are the shards placement would open.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from infra.cost.estimate import StackEstimate
from infra.cost.usage import PLANS, SolobaseUsage
from infra.systems.solobase import contracts, tenants
from infra.systems.solobase.placement import Placement
from infra.systems.solobase.settings import ENVIRONMENTS, SolobaseSettings
from infra.systems.solobase.tenants import Plan, Runtime, Tenant, TenantRegistry

SAMPLES: tuple[tuple[str, str], ...] = (
    ("hobby", "lambda"),
    ("starter", "lambda"),
    ("professional", "lambda"),
    ("professional", "ecs"),
    ("business", "lambda"),
    ("business", "ecs"),
)
"""Every plan and runtime a customer can have; Business is the dedicated-database plan."""
FLEET_SIZES = (15, 120, 500)
DOCUMENT_BREAK_EVEN = 15
"""The document's "Break-even: Need 15 paying customers to cover infrastructure costs"."""
MAX_CUSTOMERS = 5000
"""Break-even is searched up to this many customers."""
_NAMESPACE = uuid.UUID("8c4e6f1a-2b3d-4e5f-9a7b-1c2d3e4f5a6b")


def sample_tenants(environment: str) -> tuple[Tenant, ...]:
    """One instance per plan and runtime, with stable ids (so the estimate is the same on every run)."""
    samples = []
    for index, (plan, runtime) in enumerate(SAMPLES):
        samples.append(
            Tenant(
                instance_id=str(uuid.uuid5(_NAMESPACE, f"{environment}/{plan}/{runtime}")),
                subdomain=f"sample-{plan}-{runtime}",
                plan=Plan(plan),
                runtime=Runtime(runtime),
                shard=None if Plan(plan).dedicated_database else "01",
                listener_priority=tenants.FIRST_TENANT_PRIORITY + index if runtime == "ecs" else None,
            )
        )
    return tuple(samples)


def write_sample_registries(directory: Path, environments: Sequence[str]) -> str:
    """Registries of the samples under ``directory`` (every other environment's without customers: each must
    have one); returns the INFRA_STACKS pattern that builds their stacks."""
    for environment in ENVIRONMENTS:
        samples = sample_tenants(environment) if environment in environments else ()
        tenants.save(TenantRegistry(environment, ("01",), samples), directory)
    return "solobase-*-tenant-sample-*,solobase-*-shard-01-databases"


@dataclass(frozen=True)
class CustomerCost:
    environment: str
    plan: str
    runtime: str
    monthly: float
    stack_id: str


def customer_costs(environment: str, estimates: Mapping[str, StackEstimate]) -> list[CustomerCost]:
    """Each sample's monthly cost: its tenant stack, and its secret in the shard's databases stack."""
    names = contracts.Names(environment)
    shard = estimates.get(names.shard_stack_id("01"))
    result = []
    for tenant in sample_tenants(environment):
        stack_id = names.tenant_stack_id(tenant.subdomain)
        own = estimates[stack_id].total
        if shard is not None and tenant.shard is not None:
            marker = f"Instance{tenant.id8.upper()}_"
            own += sum(line.monthly or 0 for line in shard.lines if marker in line.address)
        result.append(CustomerCost(environment, tenant.plan.value, tenant.runtime.value, own, stack_id))
    return result


def shard_cost(platform: StackEstimate, shard: str = "01") -> float:
    """What one shared RDS shard adds to the platform: its lines (instance, storage, secret, logs, alarms, backups)."""
    marker = f"Shard{shard}"
    return sum(line.monthly or 0 for line in platform.lines if marker in line.address)


@dataclass(frozen=True)
class FleetPoint:
    customers: int
    shards: int
    shared: float
    extra_shards: float
    customers_cost: float
    revenue: float
    reserved_concurrency: int

    @property
    def total(self) -> float:
        return self.shared + self.extra_shards + self.customers_cost

    @property
    def margin(self) -> float:
        return self.revenue - self.total


@dataclass(frozen=True)
class Economics:
    environment: str
    shared: float
    shard: float
    customers: tuple[CustomerCost, ...]
    break_even_by_plan: Mapping[str, int | None]
    break_even_mix: int | None
    fleet: tuple[FleetPoint, ...]
    account_concurrency_limit: int
    usage: SolobaseUsage


def _mix_order(mix: Mapping[str, float]) -> Iterator[str]:
    """Plans in the mix's proportions, spread evenly (smooth weighted round-robin)."""
    current = dict.fromkeys(mix, 0.0)
    while True:
        for plan, share in mix.items():
            current[plan] += share
        chosen = max(current, key=lambda plan: current[plan])
        current[chosen] -= 1
        yield chosen


def _walk(
    settings: SolobaseSettings,
    plans: Iterator[str],
    shared: float,
    shard: float,
    lambda_cost: Mapping[str, float],
    prices: Mapping[str, float],
    stop: int,
) -> Iterator[FleetPoint]:
    """The fleet after each customer placed, in ``plans`` order, on the Lambda runtime (the document's)."""
    # A projection may outgrow the account's Lambda quota: raise it here and report what it must become.
    tenancy = dataclasses.replace(settings.tenancy, account_concurrency_limit=1_000_000)
    placement = Placement(TenantRegistry(settings.environment, ("01",)), tenancy, settings.max_connections)
    customers_cost = revenue = 0.0
    for count in range(1, stop + 1):
        plan = next(plans)
        placement.add(subdomain=f"c{count}", plan=plan, instance_id=str(uuid.uuid5(_NAMESPACE, f"fleet/{count}")))
        customers_cost += lambda_cost[plan]
        revenue += prices[plan]
        shards = len(placement.shards)
        yield FleetPoint(count, shards, shared, (shards - 1) * shard, customers_cost, revenue, placement.reserved)


def _break_even(points: Iterator[FleetPoint]) -> int | None:
    return next((point.customers for point in points if point.margin >= 0), None)


def economics(
    settings: SolobaseSettings,
    usage: SolobaseUsage,
    platform: StackEstimate,
    estimates: Mapping[str, StackEstimate],
) -> Economics:
    """Per customer, break-even and fleet figures of one environment."""
    environment = settings.environment
    customers = customer_costs(environment, estimates)
    lambda_cost = {c.plan: c.monthly for c in customers if c.runtime == "lambda"}
    shared, shard = platform.total, shard_cost(platform)
    prices = usage.plan_prices

    def walk(plans: Iterator[str], stop: int) -> Iterator[FleetPoint]:
        return _walk(settings, plans, shared, shard, lambda_cost, prices, stop)

    def same(plan: str) -> Iterator[str]:
        while True:
            yield plan

    by_plan = {plan: _break_even(walk(same(plan), MAX_CUSTOMERS)) for plan in PLANS}
    mix = _break_even(walk(_mix_order(usage.plan_mix), MAX_CUSTOMERS))
    fleet = [point for point in walk(_mix_order(usage.plan_mix), max(FLEET_SIZES)) if point.customers in FLEET_SIZES]
    needed = max(point.reserved_concurrency for point in fleet) + settings.tenancy.min_unreserved_concurrency
    return Economics(
        environment,
        shared,
        shard,
        tuple(customers),
        by_plan,
        mix,
        tuple(fleet),
        max(needed, settings.tenancy.account_concurrency_limit),
        usage,
    )
