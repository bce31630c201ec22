"""Which stacks the run deploys on the emulator is explicit: each deployable one is deployed, or named with why not."""

from __future__ import annotations

import fnmatch

from tests.conftest import DEPLOYED_ON, NOT_DEPLOYED, emulator_deploys, spec_of, stack_specs


def deployable() -> set[str]:
    return {s.stack_id for s in stack_specs() if s.kind != "bootstrap" and s.deploys_on_emulator}


def test_every_deployable_stack_is_deployed_or_left_out_by_name_with_a_reason() -> None:
    deploys = emulator_deploys()
    covered = set(deploys) | {on_top for stacks in deploys.values() for on_top in stacks}
    for stack_id in deployable() - covered:
        reasons = [reason for pattern, reason in NOT_DEPLOYED.items() if fnmatch.fnmatch(stack_id, pattern)]
        assert reasons and all(len(r) > 40 for r in reasons), f"{stack_id} is neither deployed nor explained"
    assert set(deploys) <= deployable() and covered <= deployable()


def test_no_entry_is_stale() -> None:
    for pattern in NOT_DEPLOYED:
        assert any(fnmatch.fnmatch(s, pattern) for s in deployable()), f"NOT_DEPLOYED {pattern} matches no stack"
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


def test_every_other_system_still_deploys_each_stack() -> None:
    others = {s for s in deployable() if not s.startswith("solobase-")}
    assert others <= set(emulator_deploys())
