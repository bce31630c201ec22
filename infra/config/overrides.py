"""Per-environment overrides: ``config/<system>/<environment>.toml`` merged over the defaults.

A file holds only what differs from the defaults, as nested tables named like
the settings fields::

    # config/freeside/production.toml
    [database]
    instance_class = "db.t3.medium"

Unknown keys, wrong types and values that look like secrets are refused with
the field's full name. Secrets never go in these files: they are committed.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from infra import validation
from infra.props import user_settable
from infra.validation import ConfigError, closest

T = TypeVar("T")

# A string setting whose name contains one of these words is a secret by name.
_SECRET_WORDS = re.compile(
    r"(^|_)(password|passwd|passphrase|secret|token|api_?key|private_key|access_key|credentials?)(_|$)"
)

# A string setting whose value looks like one of these is a secret by content.
_SECRET_VALUES = (
    (re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a URL carrying a password"),
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\b(ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}"), "a GitHub token"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\b[rs]k_(live|test)_[A-Za-z0-9]{16,}"), "a Stripe key"),
    (re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}"), "a Vault token"),
)

_NOT_A_SECRET = "free of secrets (keep them in AWS Secrets Manager; config files are committed)"


def reject_secrets(path: str, value: Any, key: str = "") -> None:
    """Refuse secret-looking values anywhere in a parsed override tree, without echoing them."""
    if isinstance(value, Mapping):
        for child_key, child in value.items():
            reject_secrets(f"{path}.{child_key}", child, str(child_key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            reject_secrets(f"{path}[{index}]", child, key)
    elif isinstance(value, str) and value:
        if _SECRET_WORDS.search(key.lower()):
            raise ConfigError(path, _NOT_A_SECRET, "<redacted: its name says it is a secret>")
        for pattern, what in _SECRET_VALUES:
            if pattern.search(value):
                raise ConfigError(path, _NOT_A_SECRET, f"<redacted: looks like {what}>")


def reject_renamed(path: str, values: Mapping[str, Any], renamed: Mapping[str, str]) -> None:
    """A key that moved is refused naming where it went (``renamed``: dotted old path -> new path)."""
    for old, new in renamed.items():
        table: Any = values
        for part in old.split("."):
            table = table.get(part) if isinstance(table, Mapping) else None
        if table is not None:
            raise ConfigError(f"{path}.{old}", f"written as {new} (renamed; docs/configuration.md)", table)


def read(config_dir: Path, system: str, environment: str) -> dict[str, Any]:
    """The override table for one environment, or an empty one when there is no file."""
    path = config_dir / system / f"{environment}.toml"
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), "valid TOML", str(error)) from None


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``over`` merged in: tables merge key by key, anything else in ``over`` wins."""
    merged = dict(base)
    for key, value in over.items():
        current = merged.get(key)
        merged[key] = (
            deep_merge(current, value) if isinstance(current, Mapping) and isinstance(value, Mapping) else value
        )
    return merged


def _type_name(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint).replace("typing.", "")


def _convert(hint: Any, value: Any, path: str, current: Any) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        errors = []
        for option in options:
            try:
                return _convert(option, value, path, current)
            except ConfigError as error:
                errors.append(error)
        raise errors[0]
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, Mapping):
            raise ConfigError(path, f"a table of {hint.__name__} settings", value)
        return merge(current, value, path) if current is not None else build(hint, value, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(path, "a list", value)
        item_hint = args[0]
        return tuple(_convert(item_hint, item, f"{path}[{i}]", None) for i, item in enumerate(value))
    if origin in (dict, Mapping) or hint is Mapping:
        if not isinstance(value, Mapping):
            raise ConfigError(path, "a table", value)
        value_hint = args[1] if args else Any
        return {str(k): _convert(value_hint, v, f"{path}.{k}", None) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        allowed = tuple(member.value for member in hint)
        if value not in allowed:
            raise ConfigError(path, f"one of {allowed!r}", value)
        return hint(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(path, "true or false", value)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, "an integer", value)
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, "a number", value)
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(path, "a string", value)
        return value
    if hint is Any:
        return value
    raise ConfigError(path, f"a value of type {_type_name(hint)}", value)


def _fields(cls: type) -> dict[str, Any]:
    """Every field a config file may set: init fields but those the stack sets (see infra.props.set_by_stack)."""
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls) if user_settable(f)}


def _unknown(path: str, cls: type, known: Mapping[str, Any], overrides: Mapping[str, Any]) -> None:
    stack_set = {f.name for f in dataclasses.fields(cls) if f.init and not user_settable(f)}
    for key in overrides:
        if key in stack_set:
            raise ConfigError(f"{path}.{key}", "left out of config files: the stack sets it", overrides[key])
        if key not in known:
            raise ConfigError(
                path, f"a table with settings from {tuple(known)!r}", key, suggestion=closest(str(key), known)
            )


def build(cls: type[T], values: Mapping[str, Any], path: str) -> T:
    """A new settings object of ``cls`` from a table (for list items that have no current value)."""
    known = _fields(cls)
    _unknown(path, cls, known, values)
    kwargs = {key: _convert(known[key], value, f"{path}.{key}", None) for key, value in values.items()}
    return validation.build(cls, path, kwargs)


def merge(current: T, overrides: Mapping[str, Any], path: str) -> T:
    """``current`` with ``overrides`` applied field by field; nested tables merge, lists replace."""
    cls = type(current)
    known = _fields(cls)
    _unknown(path, cls, known, overrides)
    changes = {
        key: _convert(known[key], value, f"{path}.{key}", getattr(current, key)) for key, value in overrides.items()
    }
    if not changes:
        return current
    kwargs = {f.name: getattr(current, f.name) for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    kwargs.update(changes)
    return validation.build(cls, path, kwargs)
