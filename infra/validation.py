"""Checks shared by settings and construct props.

Every check raises :class:`ConfigError`, whose message names the field, what is
allowed and what was given, so one line tells the user what to fix.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """An invalid setting: the field, the values it accepts, the value given (and the closest valid one)."""

    def __init__(self, field: str, allowed: str, given: object, *, suggestion: str | None = None) -> None:
        self.field = field
        self.allowed = allowed
        self.given = given
        self.suggestion = suggestion
        hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
        super().__init__(f"{field} must be {allowed}; got {given!r}{hint}")

    def within(self, prefix: str) -> ConfigError:
        """The same error with its field named from an enclosing setting."""
        return ConfigError(f"{prefix}.{self.field}", self.allowed, self.given, suggestion=self.suggestion)


def closest(given: str, known: Iterable[str]) -> str | None:
    """The known name ``given`` most likely misspells (case and close spellings), or None."""
    candidates = list(known)
    by_case = [name for name in candidates if name.lower() == given.lower()]
    if by_case:
        return by_case[0]
    extended = [name for name in candidates if given and name.lower().startswith(given.lower())]
    if len(extended) == 1:
        return extended[0]
    scored = sorted(((difflib.SequenceMatcher(None, given, name).ratio(), name) for name in candidates), reverse=True)
    if not scored or scored[0][0] < 0.6 or (len(scored) > 1 and scored[0][0] - scored[1][0] < 0.1):
        return None  # nothing close, or two about as close: a guess would mislead
    return scored[0][1]


class OperatorError(RuntimeError):
    """Something the operator must fix before a command can run (a missing password store entry, say)."""


# Values CloudWatch Logs accepts for retention_in_days (0 would mean "never expire",
# which we do not allow: unbounded log storage is an unbounded bill).
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

_NAME_PATTERN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


def one_of(field: str, value: object, allowed: Collection[object]) -> None:
    """Require ``value`` to be one of ``allowed``."""
    if value not in allowed:
        suggestion = closest(value, [str(a) for a in allowed]) if isinstance(value, str) else None
        raise ConfigError(field, f"one of {tuple(allowed)!r}", value, suggestion=suggestion)


def int_between(field: str, value: object, low: int, high: int) -> None:
    """Require an integer in ``[low, high]`` (booleans are not integers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(field, f"an integer from {low} to {high}", value)


def number_between(field: str, value: object, low: float, high: float) -> None:
    """Require a number in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(field, f"a number from {low} to {high}", value)


def log_retention(field: str, value: object) -> None:
    """Require a retention CloudWatch Logs accepts."""
    one_of(field, value, LOG_RETENTION_DAYS)


def resource_name(field: str, value: object, *, max_length: int) -> None:
    """Require a lower-case DNS-style name (letters, digits, inner hyphens)."""
    if not isinstance(value, str) or not value:
        raise ConfigError(field, "a non-empty name", value)
    if len(value) > max_length:
        raise ConfigError(field, f"at most {max_length} characters long", value)
    if not _NAME_PATTERN.match(value):
        raise ConfigError(field, "lower-case letters, digits and inner hyphens", value)


def non_empty_text(field: str, value: object, *, max_length: int) -> None:
    """Require a non-empty string of bounded length."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(field, "a non-empty string", value)
    if len(value) > max_length:
        raise ConfigError(field, f"at most {max_length} characters long", value)


def cidr_block(field: str, value: object) -> ipaddress.IPv4Network:
    """Require an IPv4 network in CIDR form with no host bits set."""
    try:
        if not isinstance(value, str):
            raise TypeError
        return ipaddress.IPv4Network(value, strict=True)
    except (TypeError, ValueError):
        raise ConfigError(field, "an IPv4 CIDR block such as '10.0.0.0/16'", value) from None


def cidr_blocks(
    field: str,
    values: Sequence[object],
    *,
    within: ipaddress.IPv4Network | None = None,
    prefix_between: tuple[int, int] = (16, 28),
) -> list[ipaddress.IPv4Network]:
    """Require well-formed CIDRs with a prefix length AWS accepts, optionally inside ``within``."""
    networks = []
    low, high = prefix_between
    for index, value in enumerate(values):
        item = f"{field}[{index}]"
        network = cidr_block(item, value)
        if not low <= network.prefixlen <= high:
            raise ConfigError(item, f"a CIDR block from /{low} to /{high}", value)
        if within is not None and not network.subnet_of(within):
            raise ConfigError(item, f"a CIDR block inside {within}", value)
        networks.append(network)
    return networks


def no_overlap(field: str, networks: Iterable[tuple[str, ipaddress.IPv4Network]]) -> None:
    """Require that no two named networks overlap."""
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for name, network in networks:
        for other_name, other in seen:
            if network.overlaps(other):
                raise ConfigError(
                    field, f"CIDR blocks that do not overlap ({other_name} is {other})", f"{name}={network}"
                )
        seen.append((name, network))


def unique(field: str, values: Sequence[object]) -> None:
    """Require that no value repeats."""
    repeated = sorted({str(v) for v in values if values.count(v) > 1})
    if repeated:
        raise ConfigError(field, "distinct values", tuple(repeated))


def bucket_name(field: str, value: object) -> None:
    """S3's naming rules: 3-63 characters, lower case, digits, dots and hyphens."""
    if not isinstance(value, str) or not _BUCKET_NAME.match(value) or ".." in value:
        raise ConfigError(field, "an S3 bucket name (3-63 lower-case letters, digits, '.' or '-')", value)


def table_name(field: str, value: object) -> None:
    """DynamoDB's naming rules."""
    if not isinstance(value, str) or not _TABLE_NAME.match(value):
        raise ConfigError(field, "a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)", value)


def hostname(field: str, value: object) -> None:
    """A lower-case fully qualified domain name (``api.example.com``)."""
    if not isinstance(value, str) or not _HOSTNAME.match(value):
        raise ConfigError(field, "a lower-case fully qualified domain name", value)


RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "example", "test", "invalid", "localhost")
"""Names reserved for examples and tests (RFC 2606, RFC 6761): placeholders, never a deployment's domain."""


def not_placeholder_domain(field: str, value: object) -> None:
    """Refuse a domain under a reserved example or test name (``luneo.example.com``): a placeholder to replace."""
    if isinstance(value, str) and any(value == r or value.endswith(f".{r}") for r in RESERVED_DOMAINS):
        raise ConfigError(
            field, f"your own domain, not a placeholder under {', '.join(RESERVED_DOMAINS)} (set it in config/)", value
        )


def email(field: str, value: object) -> None:
    """An e-mail address (the shape only: SNS asks the address to confirm)."""
    if not isinstance(value, str) or not _EMAIL.match(value):
        raise ConfigError(field, "an e-mail address", value)


def build(cls: Callable[..., T], path: str, kwargs: Mapping[str, Any]) -> T:
    """``cls(**kwargs)`` for settings at ``path``: its errors name the path; missing fields are listed by name."""
    try:
        return cls(**kwargs)
    except ConfigError as error:
        raise error.within(path) from None
    except TypeError as error:
        missing = re.findall(r"'(\w+)'", str(error))
        name = getattr(cls, "__name__", str(cls))
        raise ConfigError(path, f"a complete {name} (missing {', '.join(missing)})", sorted(kwargs)) from None
