"""A bootstrap stack through the cdktf CLI, as ``make bootstrap`` runs it, then the destroy trap on it.

``cdktf deploy --auto-approve`` (local state), then ``cdktf diff`` showing no
change, offline: the CLI users run through make. This is the Link bootstrap
stack's one deploy in the run (Link's other stacks need the PostgreSQL
provider, never deployed on the emulator).

The destroy trap: before, ``terraform destroy`` of a protected environment
deleted every resource it could (secrets into their recovery window, bucket
policies, ...) and only then failed on the protected one. A bootstrap stack
shows the shape: a bucket with its policy and settings, and a lock table with
deletion protection on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.server import Emulator
from infra.paths import LOCAL_STATE_DIR_ENV
from infra.up.stacks import empty_bucket
from tests.support.cli import CdktfCli
from tests.support.progress import phase

STACK = "bootstrap-link-terraform-state"
ACCOUNT = "210000000013"  # an account of its own: nothing else on this worker's emulator uses it


def _without_backend(stack: dict[str, object]) -> dict[str, object]:
    """The stack without its backend block: the local state path is where each synth was told to keep it."""
    terraform = dict(stack["terraform"])  # type: ignore[call-overload]
    terraform.pop("backend")
    return {**stack, "terraform": terraform}


@pytest.mark.deploy
def test_a_bootstrap_stack_through_the_cdktf_cli_and_its_destroy_trap(
    synth_dir: Path, teardown_synth_dir: Path, emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    stack = json.loads((synth_dir / "stacks" / STACK / "cdk.tf.json").read_text())
    region = stack["provider"]["aws"][0]["region"]
    env = {**base_env, **emulator.environment(ACCOUNT, region), LOCAL_STATE_DIR_ENV: str(tmp_path / "local-state")}
    emulator.warm_up(ACCOUNT, region)
    clean = emulator.inventory(ACCOUNT, region)
    cli = CdktfCli(tmp_path / "cdktf.out")
    phase("cdktf deploy")
    tf = cli.deploy(env, STACK)
    phase("cdktf diff")
    diff = cli.diff(env, STACK)
    assert "No changes" in diff, f"cdktf diff after deploy is not empty:\n{diff[-3000:]}"
    written = json.loads((tf.workdir / "cdk.tf.json").read_text())
    assert _without_backend(written) == _without_backend(stack), "the CLI deployed another stack than the app's"
    assert written["terraform"]["backend"]["local"]["path"].startswith(str(tmp_path / "local-state"))
    deployed = tf.state_resources()
    inventory = emulator.inventory(ACCOUNT, region)
    assert any(a.startswith("aws_dynamodb_table.") for a in deployed)
    assert any(a.startswith("aws_s3_bucket_policy.") for a in deployed)

    phase("destroy, refused")
    refused = tf.run("destroy", "-input=false", "-no-color", "-auto-approve", ok=(0, 1))

    assert refused.returncode != 0
    assert "Instance cannot be destroyed" in refused.stderr, refused.stdout + refused.stderr
    assert "prevent_destroy" in refused.stderr
    assert "Destroying..." not in refused.stdout, "the destroy started deleting before it stopped"
    assert tf.state_resources() == deployed, "a refused destroy must leave the state as it was"
    assert emulator.inventory(ACCOUNT, region) == inventory

    # The manual's way down (docs/operations.md) still works: protections off in config, deploy, destroy.
    phase("teardown")
    relaxed = json.loads((teardown_synth_dir / "stacks" / STACK / "cdk.tf.json").read_text())
    relaxed["terraform"]["backend"] = written["terraform"]["backend"]
    (tf.workdir / "cdk.tf.json").write_text(json.dumps(relaxed))
    tf.apply()
    empty_bucket(emulator, ACCOUNT, tf.outputs()["state_bucket_name"]["value"])
    tf.destroy()
    assert tf.state_resources() == []
    assert emulator.inventory(ACCOUNT, region) == clean
