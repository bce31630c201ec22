"""Which stacks make up deploys (infra/up/selection.py): from the registry, never from system names."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from infra import systems
from infra.config.model import StateBackendSettings
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from infra.up.schedule import reverse, run
from infra.up.selection import choose, not_on_emulator, requirements
from infra.validation import ConfigError
from tests.up.test_schedule import Recorder

SPECS = systems.stack_specs(Path("/nonexistent"))
STATE = StateBackendSettings(bucket="demo-state", key="prod/x.tfstate", region="us-east-1", lock_table="demo-locks")


def spec(stack_id: str, **changes: object) -> StackSpec:
    base = StackSpec(
        stack_id=stack_id,
        kind="platform",
        system="demo",
        environments=("prod",),
        regions=("us-east-1",),
        state=dataclasses.replace(STATE, key=f"prod/{stack_id}.tfstate"),
        factory=lambda: AwsStack,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


BOOTSTRAP = spec("bootstrap-demo-state", kind="bootstrap", state=None, environments=("prod",))
PLATFORM = spec("demo-prod")
TENANT = spec("demo-prod-tenant-acme", kind="tenant", depends_on=("demo-prod",))
DATABASES = spec("demo-prod-databases", kind="databases", providers=("postgresql",), depends_on=("demo-prod",))
GRANTS = spec("demo-prod-grants", depends_on=("demo-prod-databases",))
DEMO = [BOOTSTRAP, PLATFORM, TENANT, DATABASES, GRANTS]


def test_one_system_and_environment_brings_its_state_store() -> None:
    selection = choose(SPECS, systems="freeside", envs="staging")
    assert selection.ids == ["bootstrap-arrakis-tfstate-891376933289", "freeside-staging"]
    assert selection.needs["freeside-staging"] == ("bootstrap-arrakis-tfstate-891376933289",)
    assert selection.added == {}  # the bootstrap stack keeps staging's state: chosen, not added


def test_a_stack_chosen_by_id_brings_what_it_needs() -> None:
    selection = choose(SPECS, stacks="replaydash-production")
    assert selection.ids == ["bootstrap-replaydash-terraform-state", "replaydash-production"]
    assert selection.added == {"bootstrap-replaydash-terraform-state": "replaydash-production"}


def test_everything_by_default_with_every_state_store_first() -> None:
    selection = choose(SPECS)
    emulator_specs = [s.stack_id for s in SPECS if s.deploys_on_emulator]
    assert sorted(selection.ids) == sorted(emulator_specs)
    kinds = [next(s.kind for s in SPECS if s.stack_id == i) for i in selection.ids]
    assert kinds == sorted(kinds, key=lambda k: k != "bootstrap")
    for stack_id, needed in selection.needs.items():
        for need in needed:
            assert selection.ids.index(need) < selection.ids.index(stack_id)


def test_patterns_combine_and_each_must_match_something() -> None:
    assert choose(SPECS, systems="free*,replay*", envs="prod*", stacks="*-production").ids == [
        "bootstrap-replaydash-terraform-state",
        "bootstrap-arrakis-tfstate-891376933289",
        "replaydash-production",
        "freeside-production",
    ]
    with pytest.raises(ConfigError, match=r"^SYSTEMS must be one of \('freeside', 'link'.*; got 'freside'"):
        choose(SPECS, systems="freside")
    with pytest.raises(ConfigError, match=r"^ENVS must be a pattern matching .*; got 'qa\*'"):
        choose(SPECS, envs="qa*")
    with pytest.raises(ConfigError, match="SYSTEMS, ENVS and STACKS must be filters that some stack matches together"):
        choose(SPECS, systems="freeside", stacks="replaydash-staging")


def test_depends_on_orders_the_stacks_and_brings_what_a_tenant_needs() -> None:
    selection = choose(DEMO, stacks="demo-prod-tenant-*")
    assert selection.ids == ["bootstrap-demo-state", "demo-prod", "demo-prod-tenant-acme"]
    assert selection.needs["demo-prod-tenant-acme"] == ("bootstrap-demo-state", "demo-prod")
    assert selection.added == {"demo-prod": "demo-prod-tenant-acme", "bootstrap-demo-state": "demo-prod-tenant-acme"}
    assert requirements(TENANT) == ("bootstrap-demo-state", "demo-prod")


def test_stacks_on_other_providers_and_what_needs_them_are_listed_with_the_reason() -> None:
    selection = choose(DEMO)
    assert selection.ids == ["bootstrap-demo-state", "demo-prod", "demo-prod-tenant-acme"]
    assert selection.not_deployed == {
        "demo-prod-databases": "uses the postgresql provider; only stacks on AWS alone run on the emulator",
        "demo-prod-grants": "needs demo-prod-databases, which does not run on the emulator",
    }
    assert not_on_emulator(PLATFORM) is None


def test_what_only_an_undeployable_stack_needs_stays_out() -> None:
    selection = choose(DEMO, stacks="demo-prod-databases")
    assert selection.ids == []
    assert selection.added == {}
    assert selection.not_deployed == {
        "demo-prod-databases": "uses the postgresql provider; only stacks on AWS alone run on the emulator"
    }


def test_a_run_time_need_on_another_provider_does_not_keep_a_stack_off_the_emulator() -> None:
    instance = spec(
        "demo-prod-tenant-globex", kind="tenant", depends_on=("demo-prod",), run_time_needs=("demo-prod-databases",)
    )
    served = spec(
        "demo-prod-tenant-initech", kind="tenant", depends_on=("demo-prod",), run_time_needs=("demo-prod-tenant-acme",)
    )
    selection = choose([*DEMO, instance, served], stacks="demo-prod-tenant-globex,demo-prod-tenant-initech")
    assert selection.ids == [
        "bootstrap-demo-state",
        "demo-prod",
        "demo-prod-tenant-acme",
        "demo-prod-tenant-globex",
        "demo-prod-tenant-initech",
    ]
    assert selection.needs["demo-prod-tenant-globex"] == ("bootstrap-demo-state", "demo-prod")
    assert selection.needs["demo-prod-tenant-initech"] == ("bootstrap-demo-state", "demo-prod", "demo-prod-tenant-acme")
    assert selection.added["demo-prod-tenant-acme"] == "demo-prod-tenant-initech"
    assert list(selection.not_deployed) == ["demo-prod-databases"]
    assert requirements(instance) == ("bootstrap-demo-state", "demo-prod", "demo-prod-databases")


def test_solobase_customer_stacks_come_up_after_their_platform_without_the_shard_databases_stack() -> None:
    selection = choose(SPECS, stacks="solobase-dev*")
    assert selection.ids == [
        "bootstrap-solobase-terraform-state",
        "solobase-dev",
        "solobase-dev-tenant-acme",
        "solobase-dev-tenant-globex",
    ]
    for tenant in ("solobase-dev-tenant-acme", "solobase-dev-tenant-globex"):
        assert selection.needs[tenant] == ("bootstrap-solobase-terraform-state", "solobase-dev")
    assert selection.not_deployed == {
        "solobase-dev-shard-01-databases": "uses the postgresql provider; only stacks on AWS alone run on the emulator"
    }
    one = choose(SPECS, stacks="solobase-dev-tenant-acme")
    assert one.ids == ["bootstrap-solobase-terraform-state", "solobase-dev", "solobase-dev-tenant-acme"]
    assert one.added == {
        "bootstrap-solobase-terraform-state": "solobase-dev-tenant-acme",
        "solobase-dev": "solobase-dev-tenant-acme",
    }


def test_solobase_customer_stacks_are_scheduled_after_their_platform_and_torn_down_before_it() -> None:
    selection = choose(SPECS, stacks="solobase-dev*")
    up = Recorder(seconds=0.01)
    run(selection.ids, selection.needs, up, jobs=2)
    down = Recorder(seconds=0.01)
    run(*reverse(selection.ids, {s: requirements(spec) for s, spec in _by_id(selection.ids).items()}), down, jobs=2)
    for tenant in ("solobase-dev-tenant-acme", "solobase-dev-tenant-globex"):
        assert up.index("end", "solobase-dev") < up.index("start", tenant)
        assert down.index("end", tenant) < down.index("start", "solobase-dev")


def _by_id(ids: list[str]) -> dict[str, StackSpec]:
    return {s.stack_id: s for s in SPECS if s.stack_id in ids}


def test_a_dependency_cycle_is_refused() -> None:
    first = spec("demo-a", depends_on=("demo-b",))
    second = spec("demo-b", depends_on=("demo-a",))
    with pytest.raises(
        ConfigError, match=r"demo-a depends_on must be free of cycles; got 'demo-a -> demo-b -> demo-a'"
    ):
        choose([BOOTSTRAP, first, second])
