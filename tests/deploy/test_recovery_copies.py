"""Drills: a recovery copy of every production database, and final snapshots that a second destroy can take.

Each drill applies a stack of its own (tests/deploy/drills.py) built from the
constructs the systems use, on local state in an account of its own:

- a cross-region read replica, as Luneo's: it must keep automated backups of
  its own (RDS PostgreSQL replicas do from 14.1), so a promoted replica has
  point-in-time recovery; before, it was forced to keep none;
- a database with a final snapshot, and production Redis: made, destroyed,
  made again and destroyed again, as an environment torn down and rebuilt
  would be. The second destroy must take a snapshot of its own; before, the
  database's fixed ``<id>-final`` failed it with DBSnapshotAlreadyExists and
  Redis took none at all.

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
from infra.constructs.kms_key import KmsKey
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.props.postgres_instance import MasterPassword, PostgresInstanceProps, ReadReplicaProps
from infra.props.redis_replication_group import RedisProps
from infra.stacks.base import AwsStack
from infra.up.stacks import remnants, remove_remnants
from tests.deploy.drills import deployed, subnets, synth_stack
from tests.support.terraform import Terraform

ACCOUNT = "210000000042"  # the drills' own: nothing else on the worker's emulator uses it
PRIMARY, SECONDARY = "eu-west-1", "us-east-1"
DATABASE = PostgresInstanceProps(
    instance_class="db.t3.micro",
    engine_version="15",
    master_password=MasterPassword.WRITE_ONLY,  # RDS makes no replica of a source whose password it manages
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


@pytest.mark.deploy
def test_a_cross_region_replica_keeps_automated_backups(
    emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    def build(stack: AwsStack) -> None:
        secondary = stack.region("secondary", SECONDARY)
        vpc, subnet_ids = subnets(stack, "10.80.0.0/16", ("eu-west-1a", "eu-west-1b"))
        remote_vpc, remote_subnets = subnets(secondary, "10.81.0.0/16", ("us-east-1a", "us-east-1b"))
        primary = PostgresInstance(
            stack,
            "Db",
            identifier="drill-db",
            vpc_id=vpc,
            subnet_ids=subnet_ids,
            storage_key=KmsKey(stack, "Key", alias="drill-rds", description="drill"),
            secret_key=None,
            props=DATABASE,
        )
        primary.add_read_replica(
            secondary,
            "Replica",
            identifier="drill-db-replica",
            vpc_id=remote_vpc,
            subnet_ids=remote_subnets,
            storage_key=KmsKey(secondary, "Key", alias="drill-rds", description="drill"),
            props=ReadReplicaProps(),
        )

    env = {**base_env, **emulator.environment(ACCOUNT, PRIMARY)}
    tf = _terraform(tmp_path, "drill-replica", (PRIMARY, SECONDARY), build, env)
    with deployed(tf, emulator, ACCOUNT, (PRIMARY, SECONDARY)):
        rds = emulator.client("rds", ACCOUNT, SECONDARY)
        (replica,) = rds.describe_db_instances(DBInstanceIdentifier="drill-db-replica")["DBInstances"]
        assert replica["ReadReplicaSourceDBInstanceIdentifier"].startswith(f"arn:aws:rds:{PRIMARY}:")
        assert replica["BackupRetentionPeriod"] >= 1, (
            "the cross-region replica keeps no automated backups: promoted, it would have no point-in-time recovery"
        )
        code, plan = tf.plan_changes()
        assert code == 0, f"second plan not empty: {[c['address'] for c in plan['resource_changes']]}"


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


def _twice(emulator: Emulator, tf: Terraform, kind: str, prefix: str) -> None:
    """Made and destroyed twice: two final snapshots of ``kind``, each its own name; the account left clean."""
    emulator.warm_up(ACCOUNT, PRIMARY)
    before = emulator.inventory(ACCOUNT, PRIMARY)
    try:
        kept = [name for found, _, name in _made_and_destroyed_twice(tf) if found == kind]
        assert len(set(kept)) == 2 and all(name.startswith(prefix) for name in kept), kept
        assert {name for found, _, name in _snapshots(emulator) if found == kind} == set(kept)
    finally:
        # A failed second destroy leaves the resource: free the name it wants, then destroy it.
        remove_remnants(emulator, ACCOUNT, _snapshots(emulator))
        if tf.state_resources():
            tf.destroy()
            remove_remnants(emulator, ACCOUNT, _snapshots(emulator))
    assert emulator.inventory(ACCOUNT, PRIMARY) == before


@pytest.mark.deploy
def test_a_database_made_again_takes_a_final_snapshot_of_its_own(
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

    env = {**base_env, **emulator.environment(ACCOUNT, PRIMARY)}
    tf = _terraform(tmp_path, "drill-snapshots", (PRIMARY,), build, env)
    _twice(emulator, tf, "db-snapshot", "drill-kept-db-final-")


@pytest.mark.deploy
def test_production_redis_takes_a_final_snapshot_each_destroy(
    emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    def build(stack: AwsStack) -> None:
        vpc, subnet_ids = subnets(stack, "10.83.0.0/16", ("eu-west-1a", "eu-west-1b"))
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
    tf = _terraform(tmp_path, "drill-cache", (PRIMARY,), build, env)
    _twice(emulator, tf, "cache-snapshot", "drill-cache-final-")
