"""One snapshot per stack: any change to synthesized Terraform shows up in review.

Update after an intended change with ``pipenv run pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from infra.config import REPOSITORY_ROOT
from tests.conftest import stack_ids


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack_id", stack_ids())
def test_stack_snapshot(stack_id: str, synth_dir: Path, snapshot_json: SnapshotAssertion) -> None:
    text = (synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text()
    # Bootstrap stacks keep local state at the checkout's root: the only machine-specific value.
    text = text.replace(json.dumps(str(REPOSITORY_ROOT))[1:-1], "<repository>")
    assert json.loads(text) == snapshot_json
