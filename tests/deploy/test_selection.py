"""Which stacks the run deploys on the emulator is explicit: each deployable one is deployed, or named with why not."""

from __future__ import annotations

import fnmatch

from infra.up.selection import choose
from tests.conftest import (
    DEPLOYED_ON,
    EMULATOR_DEPLOY_LEFT_OUT,
    NOT_DEPLOYED_VARIANTS,
    deployable_stack_ids,
    emulator_deploys,
    emulator_families,
    emulator_stack_ids,
    spec_of,
    stack_specs,
)
from tests.deploy import test_deploy
from tests.deploy.test_deploy import MAKE_UP_FAMILY
from tests.up import test_make_up as make_up


def deployable() -> set[str]:
    return set(deployable_stack_ids())


def test_every_deployable_stack_is_deployed_or_left_out_by_name_with_a_reason() -> None:
    deploys = emulator_deploys()
    covered = set(deploys) | {on_top for stacks in deploys.values() for on_top in stacks}
    for stack_id in deployable() - covered:
        reasons = [r for pattern, r in EMULATOR_DEPLOY_LEFT_OUT.items() if fnmatch.fnmatch(stack_id, pattern)]
        assert reasons, f"{stack_id} is neither deployed nor explained"
    assert set(deploys) <= deployable() and covered <= deployable()
    assert "luneo-staging" in deploys, "Luneo's two-region stack is deployed through staging"
    for reason in (*EMULATOR_DEPLOY_LEFT_OUT.values(), *NOT_DEPLOYED_VARIANTS.values()):
        assert len(reason) > 80, f"say why, not just that: {reason!r}"


def test_no_entry_is_stale() -> None:
    for pattern in EMULATOR_DEPLOY_LEFT_OUT:
        left_out = [s for s in deployable() if fnmatch.fnmatch(s, pattern) and s not in emulator_deploys()]
        assert left_out, f"EMULATOR_DEPLOY_LEFT_OUT {pattern} leaves out no stack: remove it"
    for stack_id, on_top in DEPLOYED_ON.items():
        assert stack_id in emulator_deploys(), f"{stack_id} has stacks deployed on it but no deploy"
        for dependent in on_top:
            # Deployed on top: it depends on the stack, and uses AWS alone.
            assert stack_id in spec_of(dependent).depends_on and dependent in deployable()


def test_the_customer_stacks_deployed_cover_both_runtimes() -> None:
    tenants = [spec_of(s) for stacks in emulator_deploys().values() for s in stacks if spec_of(s).kind == "tenant"]
    assert {spec.arguments["tenant"].runtime for spec in tenants} == {"lambda", "ecs"}


def test_each_family_is_deployed_by_one_test_and_each_stack_once() -> None:
    """test_deploy_cycle takes every family but Freeside's, which make up brings up as users run it."""
    families = emulator_families()
    ids = emulator_stack_ids()
    assert len(ids) == len(set(ids)), "a stack in two families would be applied twice"
    on_top = {s for stacks in emulator_deploys().values() for s in stacks}
    assert set(ids) - set(families) == set(emulator_deploys()) | on_top
    chosen = dict(c.lower().split("=", 1) for c in make_up.CHOICE)
    selection = choose(list(stack_specs()), systems=chosen["systems"], envs=chosen["envs"])
    assert selection.ids == list(make_up.STACKS) == [MAKE_UP_FAMILY, *families[MAKE_UP_FAMILY]]
    marks = test_deploy.test_deploy_cycle.pytestmark  # type: ignore[attr-defined]
    (deploy_cycles,) = [mark.args[1] for mark in marks if mark.name == "parametrize"]
    assert sorted([*deploy_cycles, MAKE_UP_FAMILY]) == sorted(families)


def test_every_other_system_deploys_each_stack_it_does_not_leave_out_by_its_exact_id() -> None:
    others = {s for s in deployable() if not s.startswith("solobase-")}
    assert others - set(EMULATOR_DEPLOY_LEFT_OUT) <= set(emulator_deploys())
