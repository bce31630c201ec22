"""What the source documents say their infrastructure costs, and the estimate set against it.

Four documents state a monthly figure (the issue names three; Freeside's
"~$150-200/month" table is a stated value too). Each figure keeps the
document's own lines; an estimate line counts toward a document line when it
is of the services that line names. The difference is explained by
contributions that add up to it exactly: per document line, what the
estimate has more or less; per service the document leaves out, its lines;
and the document's total against the sum of its own lines (rounding, ranges).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from infra.cost.estimate import largest
from infra.cost.rules import Line

NAMED_LINES = 3
"""Lines named per contribution."""
EXPLAINED_SHARE = 0.9
"""An explanation names contributions until they account for this share of the difference."""


@dataclass(frozen=True)
class DocumentLine:
    """One line of a document's estimate and the services (and item words) it covers."""

    name: str
    usd: float
    services: tuple[str, ...]
    address_contains: str = ""
    item_contains: str = ""

    def covers(self, line: Line) -> bool:
        return (
            line.service in self.services and self.address_contains in line.address and self.item_contains in line.item
        )


@dataclass(frozen=True)
class Figure:
    """A document's monthly figure for an environment's shared infrastructure, or for one customer."""

    system: str
    environment: str
    scope: str
    """environment: the environment's stacks without its customers; customer: one customer instance."""
    low: float
    high: float
    lines: tuple[DocumentLine, ...]
    source: str
    """Where the document says it."""

    @property
    def label(self) -> str:
        amount = f"${self.low:,.0f}" if self.low == self.high else f"${self.low:,.0f}-{self.high:,.0f}"
        return f"{self.system} {self.environment} {'per customer' if self.scope == 'customer' else ''}".strip() + (
            f" (document: {amount})"
        )

    def bound(self, estimate: float) -> float:
        """The figure the estimate is measured against: the range's nearer end (the estimate itself inside it)."""
        return min(max(estimate, self.low), self.high)


FIGURES: tuple[Figure, ...] = (
    Figure(
        "solobase",
        "dev",
        "environment",
        35,
        35,
        (
            DocumentLine("Shared RDS (db.t3.small)", 30, ("RDS",), address_contains="Shard"),
            DocumentLine("CloudWatch Logs", 5, ("CloudWatch",), item_contains="logs "),
        ),
        "000_6dd02aca88e0a71d.txt, Cost Estimation, Development",
    ),
    Figure(
        "solobase",
        "prod",
        "environment",
        141,
        141,
        (
            DocumentLine("Shared RDS (db.t3.medium, Multi-AZ)", 120, ("RDS",), address_contains="Shard"),
            DocumentLine("CloudWatch Logs", 20, ("CloudWatch",), item_contains="logs "),
            DocumentLine("CloudWatch Alarms", 1, ("CloudWatch",), item_contains="alarm "),
        ),
        "000_6dd02aca88e0a71d.txt, Cost Estimation, Production",
    ),
    Figure(
        "solobase",
        "prod",
        "customer",
        2,
        2,
        (
            DocumentLine("Lambda (1M requests, 512MB, 200ms)", 0.40, ("Lambda",)),
            DocumentLine("CloudFront", 1.00, ("CloudFront",)),
            DocumentLine("CloudWatch Logs", 0.50, ("CloudWatch",), item_contains="logs "),
            DocumentLine("Backblaze B2 (2GB)", 0.01, ("Backblaze B2",)),
        ),
        "000_6dd02aca88e0a71d.txt, Cost Estimation, Per Customer Instance (Hobby/Starter)",
    ),
    Figure(
        "luneo",
        "staging",
        "environment",
        225,
        225,
        (
            DocumentLine("EKS (2 nodes)", 150, ("EKS", "EC2")),
            DocumentLine("RDS (db.t3.medium)", 50, ("RDS",)),
            DocumentLine("Redis (cache.t3.micro)", 15, ("ElastiCache",)),
            DocumentLine("S3 + CloudFront", 10, ("S3", "CloudFront")),
        ),
        "001_0343b5819d0167c0.txt, Estimated Costs (Staging)",
    ),
    Figure(
        "luneo",
        "prod",
        "environment",
        800,
        800,
        (
            DocumentLine("EKS (3 nodes + spot)", 450, ("EKS", "EC2")),
            DocumentLine("RDS (db.r6g.large)", 200, ("RDS",)),
            DocumentLine("Redis (cache.r6g.large, multi-AZ)", 100, ("ElastiCache",)),
            DocumentLine("S3 + CloudFront", 50, ("S3", "CloudFront")),
        ),
        "001_0343b5819d0167c0.txt, Estimated Costs (Production)",
    ),
    Figure(
        "replaydash",
        "production",
        "environment",
        100,
        150,
        (),
        "002_bc7aa9729d4cca4d.txt: Estimated Monthly Cost ~$100-150 (production, 2 ECS tasks)",
    ),
    Figure(
        "freeside",
        "production",
        "environment",
        150,
        200,
        (
            DocumentLine("ECS Fargate (2 API + 1 Worker)", 50, ("Fargate",)),
            DocumentLine("RDS db.t3.small", 30, ("RDS",)),
            DocumentLine("ElastiCache cache.t3.micro", 15, ("ElastiCache",)),
            DocumentLine("NAT Gateway", 35, ("VPC",), item_contains="NAT"),
            DocumentLine("ALB", 20, ("ELB",)),
            DocumentLine("Data transfer, storage", 20, ("Data transfer", "S3", "ECR")),
        ),
        "003_af44a56795883dfb.txt, Cost Optimization (~$150-200/month)",
    ),
)


@dataclass(frozen=True)
class Contribution:
    """A part of the difference, with the estimate lines it comes from."""

    name: str
    usd: float
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Comparison:
    figure: Figure
    estimate: float
    contributions: tuple[Contribution, ...]
    """All of them: they add up to :attr:`difference`."""

    @property
    def difference(self) -> float:
        return self.estimate - self.figure.bound(self.estimate)

    @property
    def relative(self) -> float:
        return self.difference / self.figure.bound(self.estimate)

    def explanation(self) -> tuple[Contribution, ...]:
        """The parts that make the difference: the largest with its sign first, until they account for
        :data:`EXPLAINED_SHARE` of it. The document's total against its own lines comes last: it names no line."""
        difference = self.difference
        if not difference:
            return ()
        sign = 1 if difference > 0 else -1
        named = sorted((c for c in self.contributions if c.lines), key=lambda c: -sign * c.usd)
        rest = [c for c in self.contributions if not c.lines]
        chosen: list[Contribution] = []
        total = 0.0
        for item in [*named, *rest]:
            if sign * total >= EXPLAINED_SHARE * abs(difference):
                break
            chosen.append(item)
            total += item.usd
        return tuple(chosen)


def compare(figure: Figure, lines: Sequence[Line], estimate: float) -> Comparison:
    """The estimate of ``lines`` against ``figure``, the difference split into named contributions."""
    priced = [line for line in lines if line.monthly is not None]
    contributions = []
    covered: set[int] = set()
    for document_line in figure.lines:
        own = [line for line in priced if document_line.covers(line)]
        covered.update(id(line) for line in own)
        amount = sum(line.monthly or 0 for line in own)
        contributions.append(
            Contribution(
                f"{document_line.name}: estimate ${amount:,.2f} against the document's ${document_line.usd:,.2f}",
                amount - document_line.usd,
                tuple(largest(own, NAMED_LINES)),
            )
        )
    rest: dict[str, list[Line]] = defaultdict(list)
    for line in priced:
        if id(line) not in covered:
            rest[line.service].append(line)
    for service, own in rest.items():
        amount = sum(line.monthly or 0 for line in own)
        if amount:
            contributions.append(
                Contribution(f"{service}: not in the document's figure", amount, tuple(largest(own, NAMED_LINES)))
            )
    stated = sum(line.usd for line in figure.lines)
    residual = stated - figure.bound(estimate)
    if abs(residual) > 1e-9:
        contributions.append(
            Contribution(
                f"the document's ${figure.bound(estimate):,.2f} against the sum of its own lines (${stated:,.2f})",
                residual,
                (),
            )
        )
    return Comparison(figure, estimate, tuple(contributions))


def figures_of(system: str, environments: Iterable[str]) -> list[Figure]:
    wanted = set(environments)
    return [figure for figure in FIGURES if figure.system == system and figure.environment in wanted]
