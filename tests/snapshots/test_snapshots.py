"""One snapshot per stack: any change to synthesized Terraform shows up in review.

Per-customer stacks are one class whose instances differ by registry data:
for them, representative stacks are snapshotted (REPRESENTATIVE), and every
other stack of their kind is left out by name (tests/stacks covers them).

Update after an intended change with ``pipenv run pytest tests/snapshots --snapshot-update``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from infra import app
from infra.paths import LOCAL_STATE_DIR_ENV, REPOSITORY_ROOT, local_state_dir
from tests.conftest import local_state_of, stack_ids, stack_specs

# Solobase: one customer stack per runtime and one shard databases stack (issue 10); the platforms all.
REPRESENTATIVE = {
    ("solobase", "tenant"): ("solobase-dev-tenant-acme", "solobase-dev-tenant-globex"),
    ("solobase", "databases"): ("solobase-dev-shard-01-databases",),
}


def snapshotted() -> list[str]:
    return [
        s.stack_id
        for s in stack_specs()
        if (s.system, s.kind) not in REPRESENTATIVE or s.stack_id in REPRESENTATIVE[(s.system, s.kind)]
    ]


def test_representatives_exist_and_only_per_customer_kinds_are_thinned() -> None:
    ids = set(stack_ids())
    for (system, kind), chosen in REPRESENTATIVE.items():
        assert set(chosen) <= ids and kind in ("tenant", "databases"), (system, kind)
    assert {s.stack_id for s in stack_specs() if s.kind in ("platform", "bootstrap")} <= set(snapshotted())


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("stack_id", snapshotted())
def test_stack_snapshot(stack_id: str, synth_dir: Path, snapshot_json: SnapshotAssertion) -> None:
    text = (synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text()
    # Bootstrap stacks keep local state at the checkout's root (test_local_state_is_kept_at_the_checkouts_root),
    # the only machine-specific value; the session's synth keeps it elsewhere, as its deploys apply them.
    text = text.replace(json.dumps(str(local_state_of(synth_dir)))[1:-1], "<repository>")
    assert json.loads(text) == snapshot_json


def test_local_state_is_kept_at_the_checkouts_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LOCAL_STATE_DIR_ENV, raising=False)
    assert local_state_dir() == REPOSITORY_ROOT
    monkeypatch.setenv(LOCAL_STATE_DIR_ENV, "/elsewhere")
    assert local_state_dir() == Path("/elsewhere")


@pytest.mark.parametrize("environment", ["staging", "prod"])
def test_luneo_aurora_global_snapshot(
    environment: str, tmp_path_factory: pytest.TempPathFactory, snapshot_json: SnapshotAssertion
) -> None:
    """Luneo's other database mode (``enable_aurora_global``), which no environment uses by default."""
    overrides = tmp_path_factory.mktemp("aurora-config")
    (overrides / "luneo").mkdir()
    (overrides / "luneo" / f"{environment}.toml").write_text("enable_aurora_global = true\n")
    outdir = tmp_path_factory.mktemp("aurora-synth")
    stack_id = f"luneo-{environment}"
    app.synth(outdir=str(outdir), requested=stack_id, config_dir=overrides)
    assert json.loads((outdir / "stacks" / stack_id / "cdk.tf.json").read_text()) == snapshot_json
