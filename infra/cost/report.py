"""The run as text (the terminal, docs/cost.md's generated section) and as JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from infra.cost import presets, solobase
from infra.cost.documents import Comparison
from infra.cost.estimate import StackEstimate
from infra.cost.rules import Line
from infra.cost.run import Result

TOP_LINES = 12


def money(amount: float | None) -> str:
    return "not priced" if amount is None else f"${amount:,.2f}"


def _line(line: Line) -> str:
    quantity = f"{line.quantity:,.2f} {line.unit} x ${line.unit_price:g}" if line.unit_price else ""
    note = f"  [{line.note}]" if line.note else ""
    usage = " (usage)" if line.usage else ""
    return f"    {money(line.monthly):>12}  {line.service:<15} {line.item}{usage}  {quantity}{note}"


def stack_text(item: StackEstimate, everything: bool) -> list[str]:
    lines = [f"  {item.stack_id}  ({item.kind}, {', '.join(item.environments)}): {money(item.total)} a month"]
    priced = sorted((line for line in item.lines if line.monthly), key=lambda line: -(line.monthly or 0))
    shown = priced if everything else priced[:TOP_LINES]
    lines += [_line(line) for line in shown]
    if len(priced) > len(shown):
        rest = sum(line.monthly or 0 for line in priced[len(shown) :])
        lines.append(f"    {money(rest):>12}  ... {len(priced) - len(shown)} smaller lines (FORMAT=json lists all)")
    for line in item.not_priced:
        lines.append(f"    {'not priced':>12}  {line.service:<15} {line.address}: {line.item} ({line.note})")
    if item.free:
        lines.append(f"    {'$0.00':>12}  {len(item.free)} resources AWS bills nothing for (IAM, subnets, rules, ...)")
    return lines


def comparison_text(item: Comparison) -> list[str]:
    figure = item.figure
    verdict = (
        "within the document's range"
        if not item.difference
        else f"{money(abs(item.difference))} ({abs(item.relative):.0%}) {'over' if item.difference > 0 else 'under'}"
    )
    lines = [f"  {figure.label}: estimate {money(item.estimate)}, {verdict}   [{figure.source}]"]
    for part in item.explanation():
        named = "; ".join(f"{line.item} {money(line.monthly)}" for line in part.lines)
        lines.append(f"    {part.usd:+10,.2f}  {part.name}" + (f" — {named}" if named else ""))
    return lines


def economics_text(item: solobase.Economics) -> list[str]:
    lines = [
        f"  solobase {item.environment}: shared platform {money(item.shared)} a month "
        f"(of which shard 01 {money(item.shard)}; each further shard adds as much)",
        "    one customer a month:  " + ", ".join(f"{c.plan}/{c.runtime} {money(c.monthly)}" for c in item.customers),
        "    plan prices (assumed; the document gives none): "
        + ", ".join(f"{plan} {money(price)}" for plan, price in item.usage.plan_prices.items()),
        "    break-even, all customers on one plan: "
        + ", ".join(f"{plan} {n if n else 'never'}" for plan, n in item.break_even_by_plan.items())
        + f"; with the mix {dict(item.usage.plan_mix)}: {item.break_even_mix or 'never'} "
        f"(document: {solobase.DOCUMENT_BREAK_EVEN})",
    ]
    for point in item.fleet:
        lines.append(
            f"    {point.customers:>4} customers: {point.shards} shard(s), cost {money(point.total)} "
            f"(shared {money(point.shared)} + shards {money(point.extra_shards)} + customers "
            f"{money(point.customers_cost)}), revenue {money(point.revenue)}, margin {money(point.margin)}"
        )
    lines.append(
        f"    500 customers reserve {item.fleet[-1].reserved_concurrency} Lambda concurrency: the account quota must "
        f"be at least {item.account_concurrency_limit} (tenancy.account_concurrency_limit) for placement to take them"
    )
    return lines


def assumptions_text(result: Result, keys: Iterable[tuple[str, str]]) -> list[str]:
    lines = []
    for key in keys:
        table = result.usages[key].table()
        lines.append(f"  {key[0]} {key[1]}: " + ", ".join(f"{name}={value}" for name, value in table.items()))
    return lines


def text(result: Result, everything: bool = False) -> str:
    environments = result.environments()
    out = ["What the stacks cost a month (On-Demand list prices; see docs/cost.md)", "", "Stacks:"]
    for item in result.stacks:
        out += stack_text(item, everything)
    out += ["", "Environments (each priced with its cost_profile):"]
    for key, group in environments.items():
        services = ", ".join(f"{name} {money(amount)}" for name, amount in list(group.by_service().items())[:6])
        profile = result.profile(key) if key in result.usages else "production"
        out.append(f"  {group.name} [{profile}]: {money(group.total)}  ({services})")
    out += ["", "Systems:"]
    out += [f"  {name}: {money(group.total)}" for name, group in result.systems().items()]
    if result.other:
        out += ["", 'Document presets (cost_profile = "document", each system\'s cost_preset):']
        for key, other in result.other.items():
            mine = environments[key]
            document, production = (mine, other) if result.profile(key) == "document" else (other, mine)
            out.append(
                f"  {key[0]} {key[1]}: production {money(production.total)}, document preset {money(document.total)} "
                f"({money(production.total - document.total)} less): "
                + "; ".join(change.setting for change in presets.PRESETS[key].changes)
            )
    if result.comparisons:
        out += ["", "Against the documents (difference explained by its largest parts):"]
        for comparison in result.comparisons:
            out += comparison_text(comparison)
    if result.economics:
        out += ["", "Solobase per customer, break-even and fleet:"]
        for economics in result.economics:
            out += economics_text(economics)
    out += ["", "Usage assumptions (override in [cost] of config/<system>/<environment>.toml):"]
    out += assumptions_text(result, sorted({(s.system, s.environment) for s in result.stacks if s.environment}))
    unconfirmed = result.prices.unconfirmed()
    out += [
        "",
        f"Prices: infra/cost/prices.toml, {len(result.prices.entries)} entries with source and date; "
        f"{len(unconfirmed)} not confirmed against a published page when read: {', '.join(unconfirmed)}",
    ]
    return "\n".join(out) + "\n"


def _line_json(line: Line) -> dict[str, Any]:
    return {
        "address": line.address,
        "service": line.service,
        "item": line.item,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "monthly": line.monthly,
        "region": line.region,
        "price_id": line.price_id,
        "usage": line.usage,
        "note": line.note,
    }


def as_json(result: Result) -> dict[str, Any]:
    environments = result.environments()
    return {
        "currency": "USD",
        "hours_per_month": result.prices.hours_per_month,
        "stacks": [
            {
                "stack": item.stack_id,
                "system": item.system,
                "environments": list(item.environments),
                "kind": item.kind,
                "monthly": item.total,
                "by_service": item.by_service(),
                "lines": [_line_json(line) for line in item.lines],
                "not_priced": [_line_json(line) for line in item.not_priced],
                "free": [{"address": address, "why": why} for address, why in item.free],
            }
            for item in result.stacks
        ],
        "environments": [
            {
                "system": key[0],
                "environment": key[1],
                "profile": result.profile(key) if key in result.usages else "production",
                "monthly": group.total,
                "by_service": group.by_service(),
                "other_profile_monthly": result.other[key].total if key in result.other else None,
            }
            for key, group in environments.items()
        ],
        "systems": {name: group.total for name, group in result.systems().items()},
        "comparisons": [
            {
                "system": item.figure.system,
                "environment": item.figure.environment,
                "scope": item.figure.scope,
                "document_low": item.figure.low,
                "document_high": item.figure.high,
                "source": item.figure.source,
                "estimate": item.estimate,
                "difference": item.difference,
                "relative": item.relative,
                "explanation": [
                    {"name": part.name, "usd": part.usd, "lines": [_line_json(line) for line in part.lines]}
                    for part in item.explanation()
                ],
            }
            for item in result.comparisons
        ],
        "solobase": [
            {
                "environment": item.environment,
                "shared": item.shared,
                "shard": item.shard,
                "customers": [c.__dict__ for c in item.customers],
                "break_even_by_plan": dict(item.break_even_by_plan),
                "break_even_mix": item.break_even_mix,
                "document_break_even": solobase.DOCUMENT_BREAK_EVEN,
                "fleet": [{**point.__dict__, "total": point.total, "margin": point.margin} for point in item.fleet],
                "account_concurrency_limit_needed": item.account_concurrency_limit,
            }
            for item in result.economics
        ],
        "assumptions": {f"{key[0]}.{key[1]}": value.table() for key, value in result.usages.items()},
        "prices": {"unconfirmed": result.prices.unconfirmed()},
    }


def docs_section(result: Result) -> str:
    """docs/cost.md's generated part: the figures a reader needs without running make cost."""
    environments = result.environments()
    out = [
        "| environment (customer stacks excluded) | estimate, production | with the document preset | document |",
        "| --- | ---: | ---: | ---: |",
    ]
    figures = {
        (c.figure.system, c.figure.environment): c.figure for c in result.comparisons if c.figure.scope != "customer"
    }
    for key, group in environments.items():
        if key[1] == "shared":
            continue
        other = result.other.get(key)
        figure = figures.get(key)
        document = "" if figure is None else figure.label.rsplit("(document: ", 1)[1].rstrip(")")
        preset = money(other.without_customers().total) if other else "—"
        out.append(f"| {key[0]} {key[1]} | {money(group.without_customers().total)} | {preset} | {document or '—'} |")
    out += ["", "Against the documents, each difference explained by its largest parts:", ""]
    for item in result.comparisons:
        out += ["```", *(line[2:] for line in comparison_text(item)), "```"]
    for economics in result.economics:
        out += [
            "",
            f"Solobase {economics.environment}:",
            "",
            "```",
            *(line[2:] for line in economics_text(economics)),
            "```",
        ]
    return "\n".join(out) + "\n"
