"""A stack's monthly estimate: its lines, its total, what is free and what is not priced; totals of groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from infra.cost import rules
from infra.cost.prices import PriceTable
from infra.cost.rules import Context, Line
from infra.cost.terraform_json import StackDocument
from infra.cost.usage import SolobaseUsage, Usage


@dataclass(frozen=True)
class StackEstimate:
    """What one stack costs a month."""

    stack_id: str
    system: str
    environments: tuple[str, ...]
    kind: str
    lines: tuple[Line, ...]
    free: tuple[tuple[str, str], ...]
    """(address, why) of every resource AWS bills nothing for."""

    @property
    def environment(self) -> str | None:
        """Its one environment; None for a stack several environments share (a bootstrap stack)."""
        return self.environments[0] if len(self.environments) == 1 else None

    @property
    def total(self) -> float:
        return sum(line.monthly for line in self.lines if line.monthly is not None)

    @property
    def not_priced(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.monthly is None)

    def by_service(self) -> dict[str, float]:
        return by_service(self.lines)


def by_service(lines: Iterable[Line]) -> dict[str, float]:
    """Monthly amount per service, largest first."""
    totals: dict[str, float] = defaultdict(float)
    for line in lines:
        if line.monthly is not None:
            totals[line.service] += line.monthly
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def _b2(stack_id: str, usage: SolobaseUsage, prices: PriceTable) -> Line:
    """A Solobase instance's Backblaze B2 bucket: outside AWS, in no stack, but in the document's per-customer cost."""
    gb = usage.b2_storage_gb
    price = prices.get("b2.storage", "global")
    address = f"{stack_id}:backblaze-b2"
    if price is None:
        return Line(address, "Backblaze B2", f"{gb:g} GB", gb, "", None, None, None, "b2.storage", True, "no price")
    return Line(
        address,
        "Backblaze B2",
        f"{gb:g} GB stored",
        gb,
        price.unit,
        price.usd,
        gb * price.usd,
        None,
        "b2.storage",
        True,
        "b2_storage_gb; outside AWS",
    )


def estimate(
    document: StackDocument,
    *,
    system: str,
    environments: tuple[str, ...],
    kind: str,
    usage: Usage,
    prices: PriceTable,
) -> StackEstimate:
    """Price every resource of one stack."""
    ctx = Context(prices=prices, usage=usage, document=document, kind=kind)
    lines: list[Line] = []
    free: list[tuple[str, str]] = []
    for resource in document.resources:
        priced = rules.price(resource, ctx)
        lines += priced
        reason = rules.free_reason(resource.type)
        if not priced and reason is not None:
            free.append((resource.address, reason))
    if kind == "tenant" and isinstance(usage, SolobaseUsage):
        lines.append(_b2(document.stack_id, usage, prices))
    return StackEstimate(document.stack_id, system, environments, kind, tuple(lines), tuple(free))


@dataclass(frozen=True)
class Group:
    """Stacks added up: an environment, a system, or the stacks one comparison covers."""

    name: str
    stacks: tuple[StackEstimate, ...]

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for stack in self.stacks for line in stack.lines)

    @property
    def total(self) -> float:
        return sum(stack.total for stack in self.stacks)

    @property
    def not_priced(self) -> tuple[Line, ...]:
        return tuple(line for stack in self.stacks for line in stack.not_priced)

    def by_service(self) -> dict[str, float]:
        return by_service(self.lines)

    def without_customers(self) -> Group:
        """The stacks other than customers' (Solobase tenants): what a document's environment figure covers."""
        return Group(self.name, tuple(stack for stack in self.stacks if stack.kind != "tenant"))


def environments(estimates: Iterable[StackEstimate]) -> dict[tuple[str, str], Group]:
    """Stacks by (system, environment); stacks shared by environments (bootstrap) under (system, "shared")."""
    grouped: dict[tuple[str, str], list[StackEstimate]] = defaultdict(list)
    for item in estimates:
        grouped[(item.system, item.environment or "shared")].append(item)
    return {key: Group(f"{key[0]} {key[1]}", tuple(stacks)) for key, stacks in grouped.items()}


def systems(estimates: Iterable[StackEstimate]) -> dict[str, Group]:
    grouped: dict[str, list[StackEstimate]] = defaultdict(list)
    for item in estimates:
        grouped[item.system].append(item)
    return {name: Group(name, tuple(stacks)) for name, stacks in grouped.items()}


def largest(lines: Iterable[Line], count: int) -> list[Line]:
    """The ``count`` largest priced lines."""
    return sorted((line for line in lines if line.monthly), key=lambda line: -(line.monthly or 0))[:count]


def usage_of(usages: Mapping[tuple[str, str], Usage], system: str, environments: tuple[str, ...]) -> Usage:
    """The assumptions a stack is priced on: its environment's (a shared stack: its first environment's; a stack
    of no environment, such as the deployer roles: the system's first)."""
    if environments:
        return usages[(system, environments[0])]
    return next(usage for (name, _), usage in usages.items() if name == system)
