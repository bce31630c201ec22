"""Which stacks the run deploys on the emulator is explicit: each deployable one is deployed, or named with why not."""

from __future__ import annotations

import fnmatch

from tests.conftest import (
    DEPLOYED_ON,
    EMULATOR_DEPLOY_LEFT_OUT,
    NOT_DEPLOYED_VARIANTS,
    deployable_stack_ids,
    emulator_deploys,
    spec_of,
)


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


def test_solobase_deploys_its_dev_platform_with_a_customer_stack_per_runtime() -> None:
    solobase = {k: v for k, v in emulator_deploys().items() if k.startswith("solobase-")}
    assert solobase == {"solobase-dev": ("solobase-dev-tenant-acme", "solobase-dev-tenant-globex")}
    runtimes = {spec_of(stack_id).arguments["tenant"].runtime for stack_id in solobase["solobase-dev"]}
    assert runtimes == {"lambda", "ecs"}


def test_every_other_system_deploys_each_stack_it_does_not_leave_out_by_its_exact_id() -> None:
    others = {s for s in deployable() if not s.startswith("solobase-")}
    assert others - set(EMULATOR_DEPLOY_LEFT_OUT) <= set(emulator_deploys())
