"""Settings sections onto construct props: the one mapping every system uses.

``to_props(NetworkProps, settings.network, "freeside.production.network")``
builds the props from every field the section sets (``None`` means the
props' default), matching fields by name. Nested sections become the nested
props their hints name, strings become the enums the props expect. A
ConfigError from the props comes back naming the setting's full path, so a
bad value in a TOML file is reported where the user wrote it.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from infra import validation
from infra.validation import ConfigError

T = TypeVar("T")


class MappingDrift(TypeError):
    """A settings section has a field its props do not: the mapping must say where it goes."""


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _unwrap_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return options[0]
    return hint


def _convert(hint: Any, value: Any, path: str) -> Any:
    hint = _unwrap_optional(hint)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if not (isinstance(hint, type) and dataclasses.is_dataclass(hint)):
            raise MappingDrift(f"{path}: section {type(value).__name__} maps onto {hint!r}, not onto props")
        return to_props(hint, value, path)
    if typing.get_origin(hint) is tuple and isinstance(value, tuple):
        item = typing.get_args(hint)[0]
        return tuple(_convert(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if isinstance(hint, type) and issubclass(hint, enum.Enum) and not isinstance(value, hint):
        allowed = tuple(member.value for member in hint)
        if value not in allowed:
            raise ConfigError(path, f"one of {allowed!r}", value)
        return hint(value)
    return value


def section_values(section: object | None) -> dict[str, Any]:
    """The fields a section sets (not None)."""
    if section is None:
        return {}
    return {
        f.name: getattr(section, f.name)
        for f in dataclasses.fields(section)  # type: ignore[arg-type]
        if getattr(section, f.name) is not None
    }


def to_props(cls: type[T], section: object | None, path: str, /, **given: Any) -> T:
    """``cls`` built from what ``section`` sets, plus ``given`` (values the stack decides, not the user)."""
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for name, value in section_values(section).items():
        if name not in hints:
            raise MappingDrift(f"{path}.{name}: {cls.__name__} has no field {name!r}; map it explicitly")
        kwargs[name] = _convert(hints[name], value, f"{path}.{name}")
    kwargs.update(given)
    return validation.build(cls, path, kwargs)


def fields_to_props(
    cls: type[T],
    settings: object,
    path: str,
    /,
    fields: Mapping[str, str],
    derived: Mapping[str, tuple[str, Any]] | None = None,
    **given: Any,
) -> T:
    """``cls`` from settings fields named differently from its own (``{props field: setting field}``).

    For flat settings named as a document names them (``user_connection_limit``
    -> ``LoginRoleProps.connection_limit``). ``derived`` holds values computed
    from a setting (``{props field: (setting field, value)}``); ``given`` holds
    what the stack decides. A setting left at None takes the props' default;
    an error names the setting, not the props field.
    """
    derived = derived or {}
    names = {**fields, **{name: setting for name, (setting, _) in derived.items()}}
    values = {name: getattr(settings, setting) for name, setting in fields.items()}
    values |= {name: value for name, (_, value) in derived.items()}
    kwargs = {name: value for name, value in values.items() if value is not None}
    kwargs.update(given)
    try:
        return cls(**kwargs)
    except ConfigError as error:
        head = re.split(r"[.\[]", error.field, maxsplit=1)[0]
        setting = names.get(head, head) + error.field[len(head) :]
        raise ConfigError(f"{path}.{setting}", error.allowed, error.given, suggestion=error.suggestion) from None
