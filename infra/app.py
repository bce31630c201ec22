"""Which stacks a run builds, and the synth entry point.

Every system declares the stacks an environment yields (infra.registry);
``INFRA_STACKS`` (comma-separated ids or shell patterns such as
``solobase-prod-tenant-*``) limits a run to those: the make targets set it so
``make diff STACK=…`` builds one stack, not all. Settings of every system are
loaded and checked either way; each chosen stack's props are made from its
settings before any stack is built, so a bad value stops the run before
anything exists or is written.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cdktf import App

from infra import systems
from infra.config.teardown import Overlays
from infra.registry import STACKS_ENV, StackSpec, select
from infra.validation import ConfigError


def chosen(
    requested: str | None = None, config_dir: Path | None = None, overlays: Overlays | None = None
) -> list[StackSpec]:
    """The specs a run builds (all when ``requested`` is empty)."""
    return select(systems.stack_specs(config_dir, overlays), requested)


def configure(specs: list[StackSpec]) -> list[tuple[StackSpec, object]]:
    """Each spec with its props: every mapping and value check, and no construct yet."""
    return [(spec, spec.stack_class().configure(spec)) for spec in specs]


def synth(
    outdir: str | None = None,
    requested: str | None = None,
    config_dir: Path | None = None,
    overlays: Overlays | None = None,
) -> list[str]:
    """Validate, build the requested stacks and write them; return their ids.

    ``overlays``: override tables per (system, environment) merged over the config files
    (``make down`` turns protections off this way; see infra.config.teardown).
    """
    configured = configure(chosen(requested, config_dir, overlays))
    app = App(outdir=outdir) if outdir else App()
    for spec, props in configured:
        spec.stack_class()(app, spec, props)
    app.synth()
    return [spec.stack_id for spec, _ in configured]


def main() -> int:
    """Entry point of ``main.py`` (the cdktf app command)."""
    try:
        synth(requested=os.environ.get(STACKS_ENV))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
