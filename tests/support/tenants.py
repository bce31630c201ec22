"""Tenant registry directories for tests: every Solobase environment has its file, as the synth requires."""

from __future__ import annotations

from pathlib import Path

from infra.systems.solobase.settings import ENVIRONMENTS

EMPTY = 'shards = ["01"]\n'
"""A registry without customers: the shards, no [[tenants]]."""

ACME = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"
GLOBEX = "5f3c9e2a-7b1d-4c8e-9a6f-2d4b8e1c7a93"
ACME_ENTRY = f"""
[[tenants]]
instance_id = "{ACME}"
subdomain = "acme"
plan = "hobby"
shard = "01"
"""
GLOBEX_ENTRY = f"""
[[tenants]]
instance_id = "{GLOBEX}"
subdomain = "globex"
plan = "professional"
runtime = "ecs"
shard = "01"
listener_priority = 100
"""
TWO_CUSTOMERS = EMPTY + ACME_ENTRY + GLOBEX_ENTRY
"""acme (hobby, Lambda) and globex (professional, ECS), both on shard 01."""


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
