"""What users may write in ``config/<system>/<environment>.toml``, derived from the settings declarations.

The settings are dataclasses made of construct props (infra/props): every
field users may write (``infra.props.user_settable``) is a key; a nested
dataclass is a table. A key's type and check come from its annotation and
the props' ``__post_init__``, its documentation from the docstring under it.
:func:`sections` walks one system's settings class with its defaults per
environment; tools/docs.py renders docs/configuration.md from it, and a test
fails when that file is stale, so a change to what users write is a
reviewed diff. Data only.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import functools
import inspect
import json
import textwrap
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from infra.props import user_settable


@dataclass(frozen=True)
class Key:
    """One key users may write: its name, type, documentation and value in each environment."""

    name: str
    type: str
    doc: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """One TOML table (``""`` is the file's top level) and its keys."""

    path: str
    doc: str
    declared_by: str
    """The dataclass declaring its keys (``module.Class``)."""
    keys: tuple[Key, ...]


@functools.cache
def attribute_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of ``cls`` and of the dataclasses it inherits from."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not dataclasses.is_dataclass(klass) or klass is object:
            continue
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, following in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = " ".join(inspect.cleandoc(following.value.value).split())
    return docs


def _options(hint: Any) -> list[Any]:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return list(typing.get_args(hint))
    return [hint]


def _table_type(hint: Any) -> type | None:
    """The dataclass a field holds (alone or with None), which makes it a table."""
    classes = [o for o in _options(hint) if isinstance(o, type) and dataclasses.is_dataclass(o)]
    return classes[0] if len(classes) == 1 else None


def type_name(hint: Any) -> str:
    """How a field's type reads in the docs (TOML terms)."""
    options = _options(hint)
    if len(options) > 1:
        named = [type_name(o) for o in options if o is not type(None)]
        optional = " (or unset)" if type(None) in options else ""
        return " or ".join(named) + optional
    origin = typing.get_origin(hint)
    if origin is tuple:
        return f"list of {type_name(typing.get_args(hint)[0])}"
    if origin in (dict, Mapping) or hint is Mapping:
        args = typing.get_args(hint)
        return f"table of {type_name(args[1])}" if args else "table"
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return f"table ({hint.__name__})"
    return {bool: "boolean", int: "integer", float: "number", str: "string"}.get(hint, str(hint))


def toml_value(value: Any) -> str:
    """A value as a user would write it (``unset`` for None)."""
    if value is None:
        return "unset"
    return json.dumps(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if user_settable(f)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def sections(cls: type, values: Sequence[object], path: str = "", doc: str = "") -> list[Section]:
    """The tables of ``cls`` (a settings or props dataclass), with each environment's value from ``values``."""
    hints = typing.get_type_hints(cls)
    docs = attribute_docs(cls)
    keys: list[Key] = []
    nested: list[Section] = []
    for field in dataclasses.fields(cls):
        if not user_settable(field):
            continue
        hint = hints[field.name]
        current = [getattr(value, field.name) if value is not None else None for value in values]
        table = _table_type(hint)
        if table is not None:
            child = f"{path}.{field.name}" if path else field.name
            nested += sections(table, current, child, docs.get(field.name, ""))
            continue
        keys.append(
            Key(
                name=field.name,
                type=type_name(hint),
                doc=docs.get(field.name, ""),
                values=tuple(toml_value(v) for v in current),
            )
        )
    here = Section(path=path, doc=doc, declared_by=f"{cls.__module__}.{cls.__qualname__}", keys=tuple(keys))
    return [here, *nested]
