"""Every system stack on the emulator, through make up's engine: up, second plan, checks, down (tests/support/deploy).

One test per family (a bootstrap stack and the stacks keeping state in it), so
each stack is applied once per run. Freeside's family is the one ``make up``
itself brings up, as users run it (tests/up/test_make_up.py); the cdktf CLI
deploys the Link bootstrap stack, as ``make bootstrap`` does
(tests/deploy/test_destroy_trap.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import emulator_families, record_deploy, session_synth, session_teardown_synth, stack_specs
from tests.deploy.checks import BY_SYSTEM
from tests.support.deploy import Family

MAKE_UP_FAMILY = "bootstrap-arrakis-tfstate-891376933289"
"""Brought up by ``make up SYSTEMS=freeside`` in tests/up/test_make_up.py (tests/deploy/test_selection.py checks)."""


@pytest.mark.deploy
@pytest.mark.parametrize("bootstrap", [b for b in emulator_families() if b != MAKE_UP_FAMILY])
def test_deploy_cycle(bootstrap: str, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    family = Family(
        bootstrap=bootstrap,
        stacks=emulator_families()[bootstrap],
        root=tmp_path / "up",
        synthesize=lambda: session_synth(tmp_path_factory),
        teardown_synthesize=lambda: session_teardown_synth(tmp_path_factory),
        checks=BY_SYSTEM,
        specs={s.stack_id: s for s in stack_specs()},
    )
    for stack_id, deployed in family.run().items():
        record_deploy(stack_id, deployed.observed_drift)
