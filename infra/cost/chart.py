"""The picture: each environment's estimate by service, beside its document preset and the document's figure."""

from __future__ import annotations

from pathlib import Path

from infra.cost.documents import FIGURES
from infra.cost.estimate import Group
from infra.cost.run import Result

OTHER = "other"
SHOWN_SERVICES = 9
"""Services with their own colour; the rest are summed as "other"."""


def _bars(result: Result) -> list[tuple[str, str, Group]]:
    """(environment label, profile, group) for every environment, and its preset beside it."""
    bars = []
    for key, group in result.environments().items():
        shared = group.without_customers()
        if key[1] == "shared" or not shared.total:
            continue
        label = f"{key[0]}\n{key[1]}"
        profile = result.profile(key)
        bars.append((label, profile, shared))
        if key in result.other:
            bars.append(
                (label, "document" if profile == "production" else "production", result.other[key].without_customers())
            )
    return bars


def write(result: Result, path: Path) -> Path:
    """A PNG (or SVG, by the suffix) of every environment's estimate against its document."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = _bars(result)
    totals: dict[str, float] = {}
    for _, _, group in bars:
        for service, amount in group.by_service().items():
            totals[service] = totals.get(service, 0.0) + amount
    services = [name for name, _ in sorted(totals.items(), key=lambda item: -item[1])][:SHOWN_SERVICES]
    figure, axes = plt.subplots(figsize=(max(10.0, 0.75 * len(bars)), 6.5))
    colours = plt.get_cmap("tab10")
    bottoms = [0.0] * len(bars)
    positions = list(range(len(bars)))
    for index, service in enumerate([*services, OTHER]):
        heights = []
        for _, _, group in bars:
            by_service = group.by_service()
            heights.append(
                sum(v for k, v in by_service.items() if k not in services)
                if service == OTHER
                else by_service.get(service, 0.0)
            )
        axes.bar(positions, heights, bottom=bottoms, color=colours(index % 10), label=service, width=0.7)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, (label, profile, _) in enumerate(bars):
        system, environment = label.split("\n")
        for document in FIGURES:
            if (document.system, document.environment, document.scope) == (system, environment, "environment"):
                axes.hlines([document.low, document.high], position - 0.4, position + 0.4, colors="black", linewidths=2)
                if profile == "production":
                    axes.annotate(
                        "document",
                        (position, document.high),
                        textcoords="offset points",
                        xytext=(0, 3),
                        ha="center",
                        fontsize=7,
                    )
    axes.set_xticks(positions, [f"{label}\n({profile})" for label, profile, _ in bars], fontsize=7)
    axes.set_ylabel("USD a month (On-Demand list prices)")
    axes.set_title("Monthly estimate by service, customer stacks excluded; black: the document's figure (or range)")
    axes.legend(fontsize=8, ncols=2)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, metadata={"Software": None} if path.suffix == ".png" else {"Date": None})
    plt.close(figure)
    return path
