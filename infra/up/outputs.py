"""What a person would open or connect to, picked from the stacks' outputs; never a secret value.

Outputs are chosen by name, following the naming rule every stack keeps
(``<thing>_<attribute>``), so a new system's outputs are picked up when they
follow it: load balancer and other DNS names, CloudFront domains, function
URLs and other URLs, endpoints, and the ARNs of secrets (where to read a
credential, not the credential). Sensitive outputs are always left out, and
so is any value carrying a password in a URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# (what it is, which output names): the first rule that matches names the output's kind.
RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("load balancer", re.compile(r"(^|_)(alb|nlb|lb|load_balancer)_dns_name$")),
    ("CloudFront domain", re.compile(r"(cloudfront|distribution|cdn)\w*_(domain_name|dns_name|domain)$")),
    ("function URL", re.compile(r"function\w*_url$")),
    ("DNS name", re.compile(r"_(dns_name|domain_name)$")),
    ("URL", re.compile(r"_url$")),
    ("endpoint", re.compile(r"(^|_)endpoints?$")),
    ("secret ARN", re.compile(r"_secret_arn$")),
)

_URL_WITH_PASSWORD = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)


@dataclass(frozen=True)
class Notable:
    """One output worth showing: its stack, kind, name, value (as text) and description."""

    stack: str
    kind: str
    name: str
    value: str
    description: str = ""

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "value": self.value, "description": self.description}


def kind_of(name: str) -> str | None:
    """The kind of an output by its name, or None when it is not something to open or connect to."""
    return next((kind for kind, pattern in RULES if pattern.search(name)), None)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if value is None:
        return None
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def select(stack: str, outputs: Mapping[str, Any], descriptions: Mapping[str, str] | None = None) -> list[Notable]:
    """The notable outputs of one stack, from ``terraform output -json`` (name to value, type, sensitive)."""
    chosen = []
    for name in sorted(outputs):
        entry = outputs[name]
        kind = kind_of(name)
        if kind is None or entry.get("sensitive"):
            continue
        text = _text(entry.get("value"))
        if not text or _URL_WITH_PASSWORD.search(text):
            continue
        chosen.append(Notable(stack, kind, name, text, (descriptions or {}).get(name, "")))
    return chosen


def table(rows: Iterable[Notable]) -> str:
    """Aligned columns, values never wrapped (an ARN stays one word)."""
    header = ("STACK", "WHAT", "OUTPUT", "VALUE")
    cells = [header, *((r.stack, r.kind, r.name, r.value) for r in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(3)]
    return "\n".join("  ".join([*(row[i].ljust(widths[i]) for i in range(3)), row[3]]).rstrip() for row in cells)


def document(rows: Iterable[Notable], **context: Any) -> dict[str, Any]:
    """``build/up/outputs.json``: the same rows by stack, plus ``context`` (the emulator, stacks not deployed)."""
    stacks: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        stacks.setdefault(row.stack, []).append(row.as_json())
    return {"stacks": stacks, **context}
