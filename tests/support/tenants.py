"""Tenant registry directories for tests: every Solobase environment has its file, as the synth requires."""

from __future__ import annotations

from pathlib import Path

from infra.systems.solobase.settings import ENVIRONMENTS

EMPTY = 'shards = ["01"]\n'
"""A registry without customers: the shards, no [[tenants]]."""


def registry_dir(root: Path, **texts: str) -> Path:
    """``root/tenants`` holding ``solobase/<env>.toml`` for every environment: ``texts[env]``, else :data:`EMPTY`."""
    for environment in texts:
        if environment not in ENVIRONMENTS:
            raise ValueError(f"no Solobase environment {environment!r}")
    directory = root / "tenants"
    for environment in ENVIRONMENTS:
        path = directory / "solobase" / f"{environment}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(texts.get(environment, EMPTY))
    return directory
