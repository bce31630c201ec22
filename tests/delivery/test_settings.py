"""delivery.toml: checked before anything uses it; each error names the field, what is allowed, what was given."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from infra import systems
from infra.delivery import settings
from infra.delivery.specs import ci_specs
from infra.stacks import ci_stack
from infra.validation import ConfigError

DECLARED = systems.declared_environments()


def data() -> dict[str, Any]:
    with settings.DELIVERY_FILE.open("rb") as handle:
        return tomllib.load(handle)


def test_the_checked_in_file_maps_every_system_environment() -> None:
    loaded = settings.load(DECLARED)
    assert loaded.repository.count("/") == 1
    for system, environments in DECLARED.items():
        for environment in environments:
            github = loaded.github_environment(system, environment)
            assert github.branch in loaded.apply_branches
    assert loaded.github_environment("luneo", "prod").name == "production"
    assert loaded.environments_of_branch("staging") == ("staging",)
    assert loaded.subject("environment:production") == f"repo:{loaded.repository}:environment:production"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d["github"].update(repository="not a repo"), "github.repository", "owner/name"),
        (lambda d: d["github"].update(repositroy="x/y"), "github.repositroy", "did you mean `repository`"),
        (lambda d: d["systems"]["luneo"]["environments"].pop("prod"), "systems.luneo.environments.prod", "one of"),
        (
            lambda d: d["systems"]["luneo"]["environments"].update(prod="prodution"),
            "systems.luneo.environments.prod",
            "did you mean `production`",
        ),
        (lambda d: d["systems"]["luneo"]["environments"].update(qa="staging"), "systems.luneo.environments.qa", ""),
        (lambda d: d["oidc_provider"].update(create_in=["solobase", "nope"]), "oidc_provider.create_in[1]", ""),
        (lambda d: d["oidc_provider"].update(create_in=[]), "oidc_provider.create_in", "non-empty"),
        (lambda d: d["rollout"].update(runners=300), "rollout.runners", "from 1 to 256"),
        (lambda d: d["rollout"].update(max_matrix_jobs=10, runners=20), "rollout.runners", "at most max_matrix_jobs"),
        (lambda d: d["rollout"].update(stacks_per_runner="2"), "rollout.stacks_per_runner", "an integer"),
        (lambda d: d["github"]["environments"]["staging"].update(branch="a..b"), "branch", "a branch name"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_field(change: Any, field: str, message: str) -> None:
    broken = data()
    change(broken)
    with pytest.raises(ConfigError) as error:
        settings.parse(broken, DECLARED)
    assert field in error.value.field and message in str(error.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing"):
        settings.load(DECLARED, tmp_path / "delivery.toml")


def _ci(create_in: list[str]) -> list[Any]:
    broken = data()
    broken["oidc_provider"]["create_in"] = create_in
    return ci_specs(systems.load_all(), settings.parse(broken, DECLARED), ci_stack)


def test_one_ci_stack_per_account_creates_githubs_oidc_provider_and_the_others_follow_it() -> None:
    specs = {s.stack_id: s for s in systems.stack_specs() if s.kind == "ci"}
    creators = {s.stack_id for s in specs.values() if s.arguments["creates_oidc_provider"]}
    assert creators == {"ci-solobase", "ci-freeside"}  # the unnamed account, and freeside's 891376933289
    for spec in specs.values():
        if spec.stack_id not in creators:
            assert spec.depends_on == ("ci-solobase",) and spec.account_id is None
    assert specs["ci-freeside"].account_id == "891376933289"
    assert specs["ci-freeside"].state is not None and specs["ci-freeside"].state.key == "ci/terraform.tfstate"


def test_two_creators_in_one_account_are_refused_and_an_account_with_none_gets_its_first_system() -> None:
    with pytest.raises(ConfigError, match="one system per account"):
        _ci(["solobase", "luneo", "freeside"])
    creators = {s.stack_id: s.arguments["creates_oidc_provider"] for s in _ci(["solobase"])}
    assert creators["ci-freeside"] and creators["ci-solobase"] and not creators["ci-luneo"]


def test_a_system_over_several_accounts_gets_a_ci_stack_per_account_with_those_environments_roles(
    tmp_path: Path,
) -> None:
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / "prod.toml").write_text('account_id = "123456789012"\n')
    specs = {s.stack_id: s for s in systems.stack_specs(tmp_path) if s.kind == "ci" and s.system == "luneo"}
    assert set(specs) == {"ci-luneo-123456789012", "ci-luneo-unnamed"}
    prod, staging = specs["ci-luneo-123456789012"], specs["ci-luneo-unnamed"]
    assert prod.arguments["environments"] == ("prod",) and staging.arguments["environments"] == ("staging",)
    assert prod.arguments["creates_oidc_provider"] and prod.account_id == "123456789012"
    assert prod.state is not None and prod.state.key == "ci/123456789012/terraform.tfstate"
