"""Recovery copies in the synthesized stacks: final snapshots named per incarnation, production Redis included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import load_stack, stack_ids

PRODUCTION_REDIS = {"freeside-production": True, "replaydash-production": True, "luneo-prod": True}
OTHER_REDIS = ("freeside-staging", "replaydash-staging", "luneo-staging")


@pytest.mark.parametrize("stack_id", [*PRODUCTION_REDIS, *OTHER_REDIS])
def test_production_redis_takes_a_final_snapshot(synth_dir: Path, stack_id: str) -> None:
    stack = load_stack(synth_dir, stack_id)
    (group,) = stack["resource"]["aws_elasticache_replication_group"].values()
    if stack_id in PRODUCTION_REDIS:
        stamp = group["final_snapshot_identifier"].removeprefix("${terraform_data.").removesuffix(".output}")
        name = group["replication_group_id"]
        assert stack["resource"]["terraform_data"][stamp]["input"].startswith(f"{name}-final-${{formatdate(")
    else:
        assert "final_snapshot_identifier" not in group


@pytest.mark.parametrize("stack_id", stack_ids())
def test_no_final_snapshot_has_a_fixed_name(synth_dir: Path, stack_id: str) -> None:
    """A fixed name fails the second destroy (DBSnapshotAlreadyExists): each is stamped when its resource is made."""
    resources = load_stack(synth_dir, stack_id).get("resource", {})
    stamps = resources.get("terraform_data", {})
    for resource_type in ("aws_db_instance", "aws_rds_cluster", "aws_elasticache_replication_group"):
        for name, body in resources.get(resource_type, {}).items():
            if "final_snapshot_identifier" not in body:
                continue
            reference = body["final_snapshot_identifier"]
            stamp = reference.removeprefix("${terraform_data.").removesuffix(".output}")
            assert stamp in stamps, f"{resource_type}.{name}: fixed final snapshot name {reference}"
            assert stamps[stamp]["lifecycle"] == {"ignore_changes": ["input"]}
            assert "plantimestamp()" in stamps[stamp]["input"]
