"""Every system stack on the emulator: bootstrap, apply, clean second plan, destroy (see tests/support/deploy).

Each stack is deployed exactly once per run. Two of them also carry a check of
their own: one goes through the cdktf CLI as users run it, one has two applies
contest its state lock.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from emulator.server import Emulator
from infra.up.selection import not_on_emulator
from tests.conftest import bootstrap_of, emulator_deploys, emulator_stack_ids, record_deploy, spec_of
from tests.deploy.checks import BY_SYSTEM, Check
from tests.support.cli import CdktfCli
from tests.support.deploy import DeployCycle, DeployResult
from tests.support.terraform import Terraform

CLI_STACK = "freeside-production"
LOCK_STACK = "freeside-staging"


def _cycle(
    stack_id: str,
    synth_dir: Path,
    teardown_synth_dir: Path,
    emulator: Emulator,
    base_env: dict[str, str],
    tmp_path: Path,
    *,
    extra_check: Check | None = None,
    cli: CdktfCli | None = None,
) -> DeployResult:
    plan = spec_of(stack_id)
    checks = [check for check in (BY_SYSTEM.get(plan.system), extra_check) if check is not None]
    dependents = [spec_of(on_top) for on_top in emulator_deploys()[stack_id]]
    deployed = {plan.stack_id, *(s.stack_id for s in dependents)}
    for spec in (plan, *dependents):
        assert set(spec.depends_on) <= deployed, f"{spec.stack_id} looks up stacks this deploy leaves out"
        for needed in spec.run_time_needs:
            if needed not in deployed:
                # Never silently: say which stack the deploy goes without, and why that is sound.
                reason = not_on_emulator(spec_of(needed)) or "it is not in this deploy"
                print(f"{spec.stack_id}: deployed without {needed}, which it needs at run time only: {reason}")
    cycle = DeployCycle(
        plan=plan,
        bootstrap=bootstrap_of(plan),
        synth_dir=synth_dir,
        teardown_synth_dir=teardown_synth_dir,
        emulator=emulator,
        workroot=tmp_path,
        base_env=base_env,
        after_apply=checks,
        cli=cli,
        dependents=dependents,
    )
    result = cycle.run()
    record_deploy(stack_id, result.observed_drift)
    return result


@pytest.mark.deploy
@pytest.mark.parametrize("stack_id", [s for s in emulator_stack_ids() if s not in (CLI_STACK, LOCK_STACK)])
def test_deploy_cycle(
    stack_id: str,
    synth_dir: Path,
    teardown_synth_dir: Path,
    emulator: Emulator,
    base_env: dict[str, str],
    tmp_path: Path,
) -> None:
    _cycle(stack_id, synth_dir, teardown_synth_dir, emulator, base_env, tmp_path)


@pytest.mark.deploy
def test_deploy_through_the_cdktf_cli(
    synth_dir: Path, teardown_synth_dir: Path, emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    """``cdktf deploy --auto-approve`` then ``cdktf diff`` showing no change, offline."""
    cli = CdktfCli(tmp_path / "cdktf.out")
    _cycle(CLI_STACK, synth_dir, teardown_synth_dir, emulator, base_env, tmp_path, cli=cli)


def _contest_lock(cycle: DeployCycle, tf: Terraform, result: DeployResult) -> None:
    """Apply A waits at its approval prompt holding the lock; apply B must be refused; A then completes."""
    victim = next(a for a in tf.state_resources() if a.startswith("aws_cloudwatch_log_group."))
    holder = subprocess.Popen(
        ["terraform", "apply", "-no-color", f"-replace={victim}"],
        cwd=tf.workdir,
        env={**tf.env, "TF_INPUT": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = holder.stdout.readline()
        seen.append(line)
        if "Enter a value" in line or "Only 'yes' will be accepted" in line:
            break
        assert line or holder.poll() is None, "".join(seen)
    contender = tf.run("apply", "-no-color", "-auto-approve", "-lock-timeout=0s", check=False)
    holder_output, _ = holder.communicate("yes\n", timeout=600)
    assert contender.returncode != 0, "a second apply ran while the first held the lock"
    assert "Error acquiring the state lock" in contender.stdout + contender.stderr
    assert holder.returncode == 0, "".join(seen) + holder_output
    assert "Apply complete!" in holder_output
    code, _ = tf.plan_changes()
    assert code == 0, "state is not whole after the contested apply"
    assert victim in tf.state_resources()


@pytest.mark.deploy
def test_state_lock_refuses_a_concurrent_apply(
    synth_dir: Path, teardown_synth_dir: Path, emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    _cycle(LOCK_STACK, synth_dir, teardown_synth_dir, emulator, base_env, tmp_path, extra_check=_contest_lock)
