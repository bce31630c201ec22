"""Behaviour moto 5.2.5 lacks that the stacks need, added to moto before its server starts.

One module per AWS service (``fills/<service>.py``); a new service's fills are a
new module, found here without being listed. Each fill is a function named
after the behaviour it reproduces and registered with ``@fill``, which carries a
one-line statement of that AWS behaviour and the AWS reference it follows;
``python -m emulator --list-fills`` prints them. Its docstring says what moto
does instead and exactly what the fill changes. Fills change moto only: the
synthesized Terraform is what production gets.

Fills fail closed: where the emulator cannot know what AWS would decide, it
refuses the request with an error saying so, rather than accept it.
tests/emulator/fills/ shows each fill against a live server, including what it
must not accept.

Route 53 health checks and failover records, and ECR replication, need no
fill: moto 5.2.5 creates, reads back and deletes them as the provider expects.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

Installer = Callable[[], None]

REFERENCE_PREFIX = "https://docs.aws.amazon.com/"


@dataclass(frozen=True)
class Fill:
    name: str
    """The behaviour, named as the function that installs it."""
    service: str
    """The module it lives in: ``s3``, ``ecs``, ..."""
    behaviour: str
    """What AWS does, in one line."""
    reference: str
    """The AWS API reference (or documentation page) the fill follows."""
    installer: Installer


_REGISTRY: dict[str, Fill] = {}
_installed: set[str] = set()


def fill(*, behaviour: str, reference: str) -> Callable[[Installer], Installer]:
    """Register the decorated function as the fill for ``behaviour``, following ``reference``."""

    def register(installer: Installer) -> Installer:
        name = installer.__name__
        problems = [
            problem
            for problem, bad in (
                ("is registered twice", name in _REGISTRY),
                ("needs a one-line behaviour", not behaviour.strip() or "\n" in behaviour),
                (f"needs a reference under {REFERENCE_PREFIX}", not reference.startswith(REFERENCE_PREFIX)),
                ("needs a docstring saying what moto lacks and what the fill changes", not installer.__doc__),
            )
            if bad
        ]
        if problems:
            raise ValueError(f"fill {name} " + "; ".join(problems))
        service = installer.__module__.rsplit(".", 1)[-1]
        _REGISTRY[name] = Fill(name, service, behaviour.strip(), reference, installer)
        return installer

    return register


def _load_service_modules() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")


def registered() -> list[Fill]:
    """Every fill, by service then in definition order."""
    _load_service_modules()
    return sorted(_REGISTRY.values(), key=lambda f: f.service)


def names() -> list[str]:
    return [f.name for f in registered()]


def install() -> None:
    """Install every fill into moto (once per process)."""
    for entry in registered():
        if entry.name not in _installed:
            entry.installer()
            _installed.add(entry.name)
