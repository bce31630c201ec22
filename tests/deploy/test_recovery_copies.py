"""Drills: a recovery copy of every production database, and final snapshots that a second destroy can take.

The drill applies a stack of its own (tests/deploy/drills.py) built from the
constructs the systems use, on local state in an account of its own: a
database with a final snapshot and production Redis, made, destroyed, made
again and destroyed again, as an environment torn down and rebuilt would be.
The second destroy must take snapshots of its own; before, the database's
fixed ``<id>-final`` failed it with DBSnapshotAlreadyExists and Redis took
none at all. (The cross-region replica's own automated backups are checked
on Luneo's deployed replica: tests/deploy/checks.py.)

The emulator enforces what AWS does here (fills/rds.py, fills/elasticache.py):
no replica of a source without backups, no key for an unencrypted source,
no replica backups before PostgreSQL 14.1, a snapshot name taken once.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from emulator.server import Emulator
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps
from infra.props.redis_replication_group import RedisProps
from infra.stacks.base import AwsStack
from infra.up.stacks import remnants, remove_remnants
from tests.deploy.drills import subnets, synth_stack
from tests.support.terraform import Terraform

ACCOUNT = "210000000042"  # the drills' own: nothing else on the worker's emulator uses it
PRIMARY = "eu-west-1"
DATABASE = PostgresInstanceProps(
    instance_class="db.t3.micro",
    engine_version="15",
    master_password=MasterPassword.WRITE_ONLY,
    backup_retention_days=7,
    deletion_protection=False,
    final_snapshot=False,
    monitoring_interval_seconds=0,
)


def _terraform(
    tmp_path: Path, stack_id: str, regions: tuple[str, ...], build: Callable[[AwsStack], None], env: dict[str, str]
) -> Terraform:
    synthesized = synth_stack(tmp_path / "synth", stack_id, regions, ACCOUNT, build)
    return Terraform.for_stack(synthesized, tmp_path / stack_id, env)


def _made_and_destroyed_twice(tf: Terraform) -> list[tuple[str, str, str]]:
    """Apply and destroy twice, as an environment torn down and rebuilt; the final snapshots both destroys left."""
    tf.init()
    kept = []
    for _ in range(2):
        tf.apply()
        kept += [r for r in remnants(json.loads(tf.pulled_state())) if r[0] != "secret"]
        tf.destroy()
    return kept


def _snapshots(emulator: Emulator) -> list[tuple[str, str, str]]:
    """Every database and cache snapshot of the drills' account (all of them the drills')."""
    rds = emulator.client("rds", ACCOUNT, PRIMARY).describe_db_snapshots()["DBSnapshots"]
    caches = emulator.client("elasticache", ACCOUNT, PRIMARY).describe_snapshots()["Snapshots"]
    return [("db-snapshot", PRIMARY, s["DBSnapshotIdentifier"]) for s in rds] + [
        ("cache-snapshot", PRIMARY, s["SnapshotName"]) for s in caches
    ]


def _twice(emulator: Emulator, tf: Terraform, prefixes: dict[str, str]) -> None:
    """Made and destroyed twice: two final snapshots of each kind, each its own name; the account left clean."""
    emulator.warm_up(ACCOUNT, PRIMARY)
    before = emulator.inventory(ACCOUNT, PRIMARY)
    try:
        made = _made_and_destroyed_twice(tf)
        for kind, prefix in prefixes.items():
            kept = [name for found, _, name in made if found == kind]
            assert len(set(kept)) == 2 and all(name.startswith(prefix) for name in kept), (kind, kept)
            assert {name for found, _, name in _snapshots(emulator) if found == kind} == set(kept)
    finally:
        # A failed second destroy leaves the resource: free the name it wants, then destroy it.
        remove_remnants(emulator, ACCOUNT, _snapshots(emulator))
        if tf.state_resources():
            tf.destroy()
            remove_remnants(emulator, ACCOUNT, _snapshots(emulator))
    assert emulator.inventory(ACCOUNT, PRIMARY) == before


@pytest.mark.deploy
def test_a_database_and_production_redis_made_again_take_final_snapshots_of_their_own(
    emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    def build(stack: AwsStack) -> None:
        vpc, subnet_ids = subnets(stack, "10.82.0.0/16", ("eu-west-1a", "eu-west-1b"))
        PostgresInstance(
            stack,
            "Db",
            identifier="drill-kept-db",
            vpc_id=vpc,
            subnet_ids=subnet_ids,
            storage_key=None,
            secret_key=None,
            props=dataclasses.replace(DATABASE, final_snapshot=True),
        )
        RedisReplicationGroup(
            stack,
            "Cache",
            name="drill-cache",
            vpc_id=vpc,
            subnet_ids=subnet_ids,
            kms_key=None,
            props=RedisProps(node_type="cache.t3.micro", final_snapshot=True),
        )

    env = {**base_env, **emulator.environment(ACCOUNT, PRIMARY)}
    tf = _terraform(tmp_path, "drill-snapshots", (PRIMARY,), build, env)
    _twice(emulator, tf, {"db-snapshot": "drill-kept-db-final-", "cache-snapshot": "drill-cache-final-"})
