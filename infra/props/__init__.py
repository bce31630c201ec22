"""Construct props: one frozen, keyword-only dataclass per construct (one file per construct), data only.

Each field's type, default, documentation (the docstring under it) and check
(``__post_init__``) are stated here once. The settings users write in
``config/<system>/<environment>.toml`` are made of these props (see
infra.config.model and the systems' settings), so the TOML schema and
docs/configuration.md derive from these declarations. Nothing here imports
cdktf, a construct or a stack: listing every stack stays cheap.
"""

from __future__ import annotations

import dataclasses
from typing import Any

SET_BY_STACK = "set_by_stack"
"""Field metadata key: the stack sets this field from other facts; users never write it."""


def set_by_stack(default: Any = dataclasses.MISSING) -> Any:
    """A field the stack or the system declaration fills in (a plan's concurrency, a key another construct
    made, a certificate's extra names, the system's name): left out of the TOML schema and
    docs/configuration.md, refused in config files."""
    return dataclasses.field(default=default, metadata={SET_BY_STACK: True})


def user_settable(field: dataclasses.Field[Any]) -> bool:
    """Whether users may write ``field`` in a config file (every init field not set by the stack)."""
    return field.init and not field.metadata.get(SET_BY_STACK, False)
