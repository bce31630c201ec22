"""Solobase's account model: an account of its own per environment by default, and environments that share
one (the same ``account_id``) sharing what AWS keeps per account.

- CloudTrail: one multi-region trail records a whole account (every region, every environment in it), so the
  account pays for one, made by the environment owning the account's resources (the last in dev, staging,
  prod: production where it shares) (docs.aws.amazon.com/awscloudtrail/latest/userguide/
  receive-cloudtrail-log-files-from-multiple-regions.html).
- Lambda publishes ``Errors``, ``Throttles`` and ``ConcurrentExecutions`` without a dimension for the whole
  account and region: they are an environment's own only in an account of its own. Sharing one, each
  function's alarms (dimension ``FunctionName``, in its tenant stack) cover it, and the account's concurrency,
  which every environment in it draws on, is alarmed once
  (docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html).
- Reserved concurrency is taken from the account's regional quota, which keeps 100 unreserved
  (docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html): the budget is counted across the
  account's environments.
- An account holds one of each name: two environments in it never share a topic, bucket or prefix.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import app, registry
from infra.systems import solobase
from infra.systems.solobase import cli
from infra.systems.solobase.tenants import TENANTS_DIR_ENV
from infra.validation import ConfigError
from tests.support.stack import SynthesizedStack

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
PLATFORMS = ("solobase-dev", "solobase-staging", "solobase-prod")


def _config(tmp_path: Path, files: dict[str, str]) -> Path:
    directory = tmp_path / "config"
    (directory / "solobase").mkdir(parents=True, exist_ok=True)
    for env, text in files.items():
        (directory / "solobase" / f"{env}.toml").write_text(text)
    return directory


def _shared(*envs: str) -> dict[str, str]:
    return {env: f'account_id = "{ACCOUNT}"\n' for env in envs}


def _business(count: int, first: int = 0) -> str:
    """A registry of ``count`` Business instances on Lambda (reserved concurrency 50 each, no shard)."""
    entries = "".join(
        f'\n[[tenants]]\ninstance_id = "{first + n:08x}-0000-4000-8000-000000000000"\nsubdomain = "b{first + n}"\n'
        'plan = "business"\nruntime = "lambda"\n'
        for n in range(count)
    )
    return 'shards = ["01"]\n' + entries


def _tenants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Path:
    directory = tmp_path / "tenants"
    (directory / "solobase").mkdir(parents=True, exist_ok=True)
    # Every environment has its registry (a missing one is refused); those not given have no customers.
    for env in ("dev", "staging", "prod"):
        (directory / "solobase" / f"{env}.toml").write_text(files.get(env, 'shards = ["01"]\n'))
    monkeypatch.setenv(TENANTS_DIR_ENV, str(directory))
    return directory


def _lambda_account_alarms(stack: SynthesizedStack) -> list[str]:
    """Alarms on a Lambda metric with no dimension: the whole account's."""
    return sorted(
        a["metric_name"]
        for a in stack.all("aws_cloudwatch_metric_alarm")
        if a.get("namespace") == "AWS/Lambda" and not a.get("dimensions")
    )


def test_by_default_each_environment_has_an_account_of_its_own(synth_dir: Path) -> None:
    for settings in solobase_settings(None):
        assert settings.account_environments == () and settings.owns_account_resources
    for stack_id in PLATFORMS:
        stack = SynthesizedStack(synth_dir, stack_id)
        (trail,) = stack.all("aws_cloudtrail")
        assert trail["is_multi_region_trail"] is True
        assert _lambda_account_alarms(stack) == ["ConcurrentExecutions", "Errors", "Throttles"]


def solobase_settings(config: Path | None) -> list[Any]:
    return list(registry.load_all([solobase.SYSTEM], config or ROOT / "tests" / "no-such-dir-is-fine"))


@pytest.mark.parametrize(
    ("sharing", "owner"),
    [(("dev", "staging", "prod"), "prod"), (("dev", "staging"), "staging")],
)
def test_environments_sharing_an_account_pay_for_one_trail_and_alarm_its_quota_once(
    tmp_path: Path, sharing: tuple[str, ...], owner: str
) -> None:
    config = _config(tmp_path, _shared(*sharing))
    out = tmp_path / "out"
    app.synth(outdir=str(out), requested=",".join(PLATFORMS) + ",solobase-dev-tenant-acme", config_dir=config)
    trails = {env: SynthesizedStack(out, f"solobase-{env}").all("aws_cloudtrail") for env in ("dev", "staging", "prod")}
    assert sum(len(trails[env]) for env in sharing) == 1 and len(trails[owner]) == 1
    assert trails[owner][0]["is_multi_region_trail"] is True
    for env in sharing:
        stack = SynthesizedStack(out, f"solobase-{env}")
        assert _lambda_account_alarms(stack) == (["ConcurrentExecutions"] if env == owner else [])
        assert ("cloudtrail_trail_arn" in stack.outputs) == (env == owner)
    alone = [env for env in ("dev", "staging", "prod") if env not in sharing]
    for env in alone:
        stack = SynthesizedStack(out, f"solobase-{env}")
        assert len(trails[env]) == 1 and _lambda_account_alarms(stack) == [
            "ConcurrentExecutions",
            "Errors",
            "Throttles",
        ]
    # An instance's own alarms read its function's metrics only.
    tenant = SynthesizedStack(out, "solobase-dev-tenant-acme")
    lambda_alarms = [a for a in tenant.all("aws_cloudwatch_metric_alarm") if a.get("namespace") == "AWS/Lambda"]
    # Every one names a function by dimension: the instance's, or its origin check's (never the account's).
    functions = {"solobase-a1b2c3d4", "solobase-a1b2c3d4-origin"}
    assert lambda_alarms and all(set(a["dimensions"]) == {"FunctionName"} for a in lambda_alarms)
    assert {a["dimensions"]["FunctionName"] for a in lambda_alarms} == functions


def test_settings_know_who_shares_their_account(tmp_path: Path) -> None:
    config = _config(tmp_path, {**_shared("dev", "prod"), "staging": 'account_id = "210987654321"\n'})
    found = {s.environment: s for s in solobase_settings(config)}
    assert found["dev"].account_environments == found["prod"].account_environments == ("dev", "prod")
    assert found["staging"].account_environments == ()
    assert [e for e, s in found.items() if s.owns_account_resources] == ["dev", "staging", "prod"][1:]


@pytest.mark.parametrize(
    ("field", "toml"),
    [
        ("alert_topic_name", 'alert_topic_name = "solobase-dev-infrastructure-alerts"\n'),
        ("name_prefix", 'name_prefix = "solobase-dev"\n'),
        ("repository_name", 'repository_name = "solobase-dev-management"\n'),
    ],
)
def test_two_environments_in_one_account_never_share_a_name(tmp_path: Path, field: str, toml: str) -> None:
    files = _shared("dev", "staging")
    files["staging"] += toml
    with pytest.raises(ConfigError) as raised:
        solobase_settings(_config(tmp_path, files))
    message = str(raised.value)
    assert message.startswith(f"solobase.staging.{field} must be a")
    assert f"no other environment of account {ACCOUNT} uses (solobase.dev uses it)" in message
    # In accounts of their own, the same names are no collision.
    solobase_settings(_config(tmp_path / "apart", {"staging": toml}))


def test_a_name_collision_stops_every_command_with_exit_status_2(tmp_path: Path) -> None:
    files = _shared("staging", "prod")
    files["staging"] += 'dashboard_name = "Solobase-Production"\n'
    env = {**os.environ, "INFRA_CONFIG_DIR": str(_config(tmp_path, files))}
    done = subprocess.run(
        [sys.executable, "-m", "infra.cli", "stacks"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (
        "error: solobase.prod.dashboard_name must be a CloudWatch dashboard no other environment of account "
        f"{ACCOUNT} uses (solobase.staging uses it); got 'Solobase-Production'"
    )


def test_the_concurrency_budget_is_the_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """10 + 9 Business instances on Lambda: 500 and 450 fit an account each, 950 is more than the 900 an
    account may reserve."""
    _tenants(tmp_path, monkeypatch, {"dev": _business(10), "staging": _business(9, first=100)})
    solobase_settings(_config(tmp_path / "apart", {}))
    with pytest.raises(ConfigError) as raised:
        solobase_settings(_config(tmp_path, _shared("dev", "staging")))
    assert str(raised.value) == (
        f"account {ACCOUNT} reserved concurrency (tenants/solobase/dev.toml, tenants/solobase/staging.toml) must be "
        "at most 900 in total across its environments, leaving 100 of the account limit 1000 unreserved "
        "(reserved: dev 500, staging 450); got 950"
    )


def test_the_account_quota_is_one_value(tmp_path: Path) -> None:
    files = _shared("dev", "staging")
    files["staging"] += "[tenancy]\naccount_concurrency_limit = 2000\n"
    with pytest.raises(ConfigError, match=r"^solobase\.staging\.tenancy\.account_concurrency_limit must be 1000, as "):
        solobase_settings(_config(tmp_path, files))


def test_instance_names_are_the_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``solobase-<id8>`` names a function, a target group and a log group: one per account."""
    _tenants(tmp_path, monkeypatch, {"dev": _business(1), "prod": _business(1)})
    solobase_settings(_config(tmp_path / "apart", {}))
    with pytest.raises(ConfigError, match=r"tenants/solobase/prod.toml tenants\[0\] \(b0\)\.instance_id must be an id"):
        solobase_settings(_config(tmp_path, _shared("dev", "prod")))


def test_tenant_add_counts_what_the_other_environments_of_the_account_reserve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second operator adds an instance to dev while prod's reservations fill the shared account."""
    _tenants(tmp_path, monkeypatch, {"prod": _business(17, first=500)})
    monkeypatch.setenv("INFRA_CONFIG_DIR", str(_config(tmp_path, _shared("dev", "prod"))))
    assert cli.main(["tenant-add", "--env", "dev", "--subdomain", "first", "--plan", "business"]) == 0
    assert cli.main(["tenant-add", "--env", "dev", "--subdomain", "second", "--plan", "business"]) == 2
    assert "reserved now: 900" in capsys.readouterr().err
    # The same add in an account of its own fits.
    monkeypatch.setenv("INFRA_CONFIG_DIR", str(_config(tmp_path / "apart", {})))
    assert cli.main(["tenant-add", "--env", "dev", "--subdomain", "second", "--plan", "business"]) == 0


def test_registry_checks_name_the_first_user_of_a_name(tmp_path: Path) -> None:
    """Names are checked across systems too: an account holds one of each, whoever made it."""
    directory = tmp_path / "config"
    for system, env in (("solobase", "prod"), ("luneo", "prod")):
        (directory / system).mkdir(parents=True, exist_ok=True)
        (directory / system / f"{env}.toml").write_text(f'account_id = "{ACCOUNT}"\nname_prefix = "shared-prefix"\n')
    from infra import systems

    with pytest.raises(
        ConfigError, match=r"^luneo\.prod\.name_prefix must be a name prefix .* \(solobase\.prod uses it\)"
    ):
        systems.load_all(directory)
