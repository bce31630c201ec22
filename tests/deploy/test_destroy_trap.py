"""The destroy trap on the emulator: a protected stack's destroy stops before it deletes anything.

Before, ``terraform destroy`` of a protected environment deleted every resource
it could (secrets into their recovery window, bucket policies, ...) and only
then failed on the protected one. A bootstrap stack shows the shape: a bucket
with its policy and settings, and a lock table with deletion protection on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.server import Emulator
from infra.up.stacks import empty_bucket
from tests.support.terraform import Terraform

STACK = "bootstrap-link-terraform-state"
ACCOUNT = "210000000013"  # an account of its own: nothing else on this worker's emulator uses it


@pytest.mark.deploy
def test_destroy_of_a_protected_stack_stops_before_touching_anything(
    synth_dir: Path, teardown_synth_dir: Path, emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    stack = json.loads((synth_dir / "stacks" / STACK / "cdk.tf.json").read_text())
    region = stack["provider"]["aws"][0]["region"]
    env = {**base_env, **emulator.environment(ACCOUNT, region)}
    emulator.warm_up(ACCOUNT, region)
    clean = emulator.inventory(ACCOUNT, region)
    tf = Terraform.for_stack(synth_dir / "stacks" / STACK, tmp_path / STACK, env)
    tf.init(f"path={tf.workdir / 'bootstrap.tfstate'}")
    tf.apply()
    deployed = tf.state_resources()
    inventory = emulator.inventory(ACCOUNT, region)
    assert any(a.startswith("aws_dynamodb_table.") for a in deployed)
    assert any(a.startswith("aws_s3_bucket_policy.") for a in deployed)

    refused = tf.run("destroy", "-input=false", "-no-color", "-auto-approve", check=False)

    assert refused.returncode != 0
    assert "Instance cannot be destroyed" in refused.stderr, refused.stdout + refused.stderr
    assert "prevent_destroy" in refused.stderr
    assert "Destroying..." not in refused.stdout, "the destroy started deleting before it stopped"
    assert tf.state_resources() == deployed, "a refused destroy must leave the state as it was"
    assert emulator.inventory(ACCOUNT, region) == inventory

    # The manual's way down (docs/operations.md) still works: protections off in config, deploy, destroy.
    relaxed = json.loads((teardown_synth_dir / "stacks" / STACK / "cdk.tf.json").read_text())
    relaxed["terraform"]["backend"] = json.loads((tf.workdir / "cdk.tf.json").read_text())["terraform"]["backend"]
    (tf.workdir / "cdk.tf.json").write_text(json.dumps(relaxed))
    tf.apply()
    empty_bucket(emulator, ACCOUNT, tf.outputs()["state_bucket_name"]["value"])
    tf.destroy()
    assert tf.state_resources() == []
    assert emulator.inventory(ACCOUNT, region) == clean
