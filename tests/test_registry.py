"""The system registry: every system declares its stacks, selection by id or pattern, unique ids and keys."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from infra import app, systems
from infra.config.model import StateBackendSettings
from infra.registry import StackSpec, bootstrap_specs, check_unique, select
from infra.stacks import bootstrap_stack
from infra.stacks.base import AwsStack
from infra.validation import ConfigError

ROOT = Path(__file__).resolve().parents[1]
NONE = Path("/nonexistent")


def spec(stack_id: str, *, key: str | None = None, kind: str = "tenant") -> StackSpec:
    state = None
    if key is not None:
        state = StateBackendSettings(bucket="demo-state", key=key, region="us-east-1", lock_table="demo-locks")
    return StackSpec(
        stack_id=stack_id,
        kind=kind,
        system="demo",
        environments=("prod",),
        regions=("us-east-1",),
        state=state,
        factory=lambda: AwsStack,
    )


def test_every_system_is_registered_once_with_its_documented_environments() -> None:
    assert [s.name for s in systems.SYSTEMS] == ["solobase", "luneo", "replaydash", "freeside", "link"]


def test_every_stack_has_a_kind_regions_and_a_backend() -> None:
    specs = systems.stack_specs(NONE)
    assert len({s.stack_id for s in specs}) == len(specs)
    for s in specs:
        assert s.regions and s.regions[0] == s.region
        if s.kind == "bootstrap":
            assert s.backend == "local" and s.stack_id.startswith("bootstrap-")
        elif s.kind == "ci":  # one per system, with every environment's deployer roles
            assert s.stack_id == f"ci-{s.system}" and s.backend.endswith("/ci/terraform.tfstate")
        else:
            assert s.backend.startswith("s3://") and s.backend.endswith(".tfstate")
            assert s.stack_id.startswith(f"{s.system}-{s.environments[0]}")


def test_a_bucket_gets_one_bootstrap_stack_naming_every_environment() -> None:
    specs = {s.stack_id: s for s in systems.stack_specs(NONE)}
    assert specs["bootstrap-arrakis-tfstate-891376933289"].environments == ("production", "staging")
    assert specs["bootstrap-solobase-terraform-state"].environments == ("dev", "staging", "prod")


def test_selection_by_ids_and_patterns_keeps_the_registry_order() -> None:
    specs = [spec("demo-prod-tenant-a"), spec("demo-prod-tenant-b"), spec("demo-dev-tenant-a"), spec("demo-prod")]
    assert [s.stack_id for s in select(specs, "demo-prod-tenant-*")] == ["demo-prod-tenant-a", "demo-prod-tenant-b"]
    assert [s.stack_id for s in select(specs, "demo-prod, demo-*-tenant-a")] == [
        "demo-prod",
        "demo-prod-tenant-a",
        "demo-dev-tenant-a",
    ]
    assert [s.stack_id for s in select(specs, "demo-prod-tenant-?")] == ["demo-prod-tenant-a", "demo-prod-tenant-b"]
    assert select(specs, " ") == specs


@pytest.mark.parametrize(
    ("requested", "message"),
    [
        ("demo-nope", "INFRA_STACKS must be an id of a stack (see make stacks); got 'demo-nope'"),
        ("demo-staging-*", "INFRA_STACKS must be a pattern matching a stack (see make stacks); got 'demo-staging-*'"),
        ("demo-prod,nope", "got 'nope'"),
    ],
)
def test_unknown_ids_and_empty_patterns_are_refused(requested: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        select([spec("demo-prod")], requested)
    assert message in str(raised.value)


def test_two_stacks_on_one_state_key_are_refused() -> None:
    with pytest.raises(ConfigError, match="demo-prod-tenant-b state key must be a key no other stack uses"):
        check_unique(
            [spec("demo-prod-tenant-a", key="prod/t.tfstate"), spec("demo-prod-tenant-b", key="prod/t.tfstate")]
        )
    with pytest.raises(ConfigError, match="stack id must be unique across systems; got 'demo-prod'"):
        check_unique([spec("demo-prod"), spec("demo-prod")])


def test_dependencies_name_other_existing_stacks() -> None:
    check_unique([spec("demo-prod"), replace(spec("demo-prod-tenant-a"), depends_on=("demo-prod",))])
    with pytest.raises(ConfigError, match="demo-prod-tenant-a depends_on must be ids of other stacks"):
        check_unique([replace(spec("demo-prod-tenant-a"), depends_on=("demo-nope",))])


def test_a_stack_in_a_bucket_no_system_bootstraps_is_refused() -> None:
    settings = systems.load("freeside", "production", NONE)
    stray = replace(spec("freeside-production-x", key="x.tfstate"))
    with pytest.raises(ConfigError, match="freeside-production-x state bucket must be one of the systems' buckets"):
        bootstrap_specs([settings], [stray], bootstrap_stack)


def test_a_stack_sharing_a_bucket_must_share_its_lock_table() -> None:
    settings = systems.load("freeside", "production", NONE)
    other = replace(settings.state, key="production/other.tfstate", lock_table="other-locks")
    stray = replace(spec("freeside-production-x"), state=other)
    with pytest.raises(ConfigError, match="freeside-production-x state must be the same region, lock_table"):
        bootstrap_specs([settings], [stray], bootstrap_stack)


def test_only_aws_only_stacks_deploy_on_the_emulator() -> None:
    assert spec("demo-prod").deploys_on_emulator
    assert not replace(spec("demo-prod"), kind="databases", providers=("postgresql", "aws")).deploys_on_emulator
    with pytest.raises(ConfigError, match="providers must be one of"):
        replace(spec("demo-prod"), providers=("random",))


def test_listing_stacks_builds_none_and_loads_no_provider_library() -> None:
    code = (
        "import sys; from infra import systems; specs = systems.stack_specs(); "
        "print(len(specs), any(m.startswith('cdktf_cdktf_provider_aws.') for m in sys.modules), 'jsii' in sys.modules)"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    count, provider_loaded, jsii_loaded = completed.stdout.split()
    assert int(count) >= 9 and provider_loaded == "False" and jsii_loaded == "False"


def test_selection_builds_only_the_chosen_stacks(built_stack_ids: list[str]) -> None:
    configured = app.configure(app.chosen("freeside-*", NONE))
    assert [s.stack_id for s, _ in configured] == ["freeside-production", "freeside-staging"]
    assert set(built_stack_ids) == {"freeside-production", "freeside-staging"}


def test_make_stacks_prints_a_header_and_every_stack() -> None:
    env = {k: v for k, v in os.environ.items() if k != "INFRA_CONFIG_DIR"}
    completed = subprocess.run(
        [sys.executable, "-m", "infra.cli", "stacks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    lines = completed.stdout.splitlines()
    assert lines[0].split() == ["STACK", "KIND", "SYSTEM", "ENVIRONMENTS", "REGIONS", "PROVIDERS", "BACKEND"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["freeside-production"][1:] == [
        "platform",
        "freeside",
        "production",
        "us-east-1",
        "aws",
        "s3://arrakis-tfstate-891376933289/production/terraform.tfstate",
    ]
    assert rows["bootstrap-luneo-terraform-state"][-1] == "local"
    pattern = subprocess.run(
        [sys.executable, "-m", "infra.cli", "stacks", "replaydash-*"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert [line.split()[0] for line in pattern.stdout.splitlines()[1:]] == [
        "replaydash-staging",
        "replaydash-production",
    ]


def test_environments_naming_one_account_know_each_other_and_no_one_else(tmp_path: Path) -> None:
    """``account_environments``: the system's environments in the same account and region, in the system's
    order; an environment naming no account, another account or another region is alone."""
    for system, env, account, region in (
        ("solobase", "dev", "111111111111", None),
        ("solobase", "prod", "111111111111", None),
        ("solobase", "staging", "222222222222", None),
        ("luneo", "staging", "111111111111", None),
        ("link", "production", "111111111111", "eu-west-1"),
        ("link", "staging", "111111111111", None),
    ):
        (tmp_path / system).mkdir(exist_ok=True)
        text = f'account_id = "{account}"\n' + (f'region = "{region}"\n' if region else "")
        (tmp_path / system / f"{env}.toml").write_text(text)
    found = {(s.system, s.environment): s for s in systems.load_all(tmp_path)}
    assert found["solobase", "dev"].account_environments == ("dev", "prod")
    assert found["solobase", "prod"].account_environments == ("dev", "prod")
    assert found["solobase", "prod"].owns_account_resources and not found["solobase", "dev"].owns_account_resources
    for alone in (("solobase", "staging"), ("luneo", "staging"), ("luneo", "prod"), ("link", "staging")):
        assert found[alone].account_environments == () and found[alone].owns_account_resources, alone
    # By default only Freeside's environments share one: its document names the account (891376933289).
    shared = {(s.system, s.environment, s.account_environments) for s in systems.load_all(NONE) if s.shares_account}
    assert shared == {("freeside", env, ("production", "staging")) for env in ("production", "staging")}


def test_account_environments_is_not_a_setting(tmp_path: Path) -> None:
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / "prod.toml").write_text('account_environments = ["staging", "prod"]\n')
    with pytest.raises(ConfigError, match="account_environments"):
        systems.load("luneo", "prod", tmp_path)
