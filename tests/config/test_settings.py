"""Settings: defaults mirror the documents; overrides are checked field by field."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra import systems
from infra.app import chosen as app_chosen
from infra.app import configure
from infra.registry import select
from infra.validation import ConfigError

ROOT = Path(__file__).resolve().parents[2]
NOT_A_SECRET = "free of secrets (keep them in AWS Secrets Manager; config files are committed)"


def write(directory: Path, system: str, environment: str, text: str) -> Path:
    path = directory / system / f"{environment}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return directory


def test_every_documented_environment_has_settings() -> None:
    expected = {
        "solobase": ("dev", "staging", "prod"),
        "luneo": ("staging", "prod"),
        "replaydash": ("staging", "production"),
        "freeside": ("production", "staging"),
        "link": ("development", "staging", "production"),
    }
    assert {name: systems.environments(name) for name in (s.name for s in systems.SYSTEMS)} == expected
    loaded = systems.load_all(Path("/nonexistent"))
    assert len(loaded) == 12


def test_settings_are_frozen() -> None:
    settings = systems.load("freeside", "production", Path("/nonexistent"))
    with pytest.raises(AttributeError):
        settings.region = "eu-west-1"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("system", "state"),
    [
        ("solobase", ("solobase-terraform-state", "prod/terraform.tfstate", "us-east-1", "solobase-terraform-locks")),
        (
            "luneo",
            (
                "luneo-terraform-state",
                "global/multi-region/terraform.tfstate",
                "eu-west-1",
                "luneo-terraform-locks",
            ),
        ),
        (
            "replaydash",
            ("replaydash-terraform-state", "production/terraform.tfstate", "us-east-1", "replaydash-terraform-locks"),
        ),
        (
            "freeside",
            ("arrakis-tfstate-891376933289", "production/terraform.tfstate", "us-east-1", "arrakis-terraform-locks"),
        ),
    ],
)
def test_state_backend_is_the_documented_one(system: str, state: tuple[str, str, str, str]) -> None:
    environment = systems.environments(system)[-1] if system != "freeside" else "production"
    if system == "replaydash":
        environment = "production"
    loaded = systems.load(system, environment, Path("/nonexistent")).state
    assert (loaded.bucket, loaded.key, loaded.region, loaded.lock_table) == state


def test_an_override_changes_one_field_and_keeps_the_rest(tmp_path: Path) -> None:
    write(tmp_path, "freeside", "staging", "[network]\nflow_log_retention_days = 90\n")
    staging = systems.load("freeside", "staging", tmp_path)
    default = systems.load("freeside", "staging", Path("/nonexistent"))
    assert staging.network.flow_log_retention_days == 90
    assert staging.network.cidr_block == default.network.cidr_block


BAD_OVERRIDES = [
    (
        "unknown system",
        "nope",
        "production",
        "x = 1",
        "config file nope/production.toml must be config/<system>/<environment>.toml",
    ),
    (
        "unknown environment",
        "freeside",
        "prod",
        "x = 1",
        "config file freeside/prod.toml must be an environment from ('production', 'staging'); got 'prod'",
    ),
    (
        "malformed CIDR",
        "freeside",
        "production",
        '[network]\ncidr_block = "10.0.0.0/99"',
        "freeside.production.network.cidr_block must be an IPv4 CIDR block such as '10.0.0.0/16'; got '10.0.0.0/99'",
    ),
    (
        "overlapping CIDRs",
        "freeside",
        "production",
        '[network]\nprivate_subnet_cidrs = ["10.0.1.0/24", "10.0.1.0/25"]',
        "freeside.production.network.subnet CIDRs must be CIDR blocks that do not overlap",
    ),
    (
        "flow log retention CloudWatch refuses",
        "freeside",
        "production",
        "[network]\nflow_log_retention_days = 2",
        "freeside.production.network.flow_log_retention_days must be one of (1, 3, 5, 7, 14, 30, 60, 90",
    ),
    (
        "instance class outside the allowed list",
        "freeside",
        "production",
        '[database]\ninstance_class = "db.x9.huge"',
        "freeside.production.database.instance_class must be one of ('db.t3.micro', 'db.t3.small'",
    ),
    (
        "backup retention RDS refuses",
        "freeside",
        "production",
        "[database]\nbackup_retention_days = 40",
        "freeside.production.database.backup_retention_days must be an integer from 0 to 35; got 40",
    ),
    (
        "log retention CloudWatch refuses",
        "replaydash",
        "staging",
        "[api]\nlog_retention_days = 10",
        "replaydash.staging.api.log_retention_days must be one of (1, 3, 5, 7, 14, 30",
    ),
    (
        "empty name",
        "freeside",
        "staging",
        'name_prefix = ""',
        "freeside.staging.name_prefix must be a non-empty name; got ''",
    ),
    (
        "over-long name",
        "freeside",
        "staging",
        f'name_prefix = "{"a" * 30}"',
        "freeside.staging.name_prefix must be at most 24 characters long",
    ),
    (
        "password in config",
        "freeside",
        "production",
        '[tags]\ndb_password = "hunter2hunter2"',
        f"freeside.production.tags.db_password must be {NOT_A_SECRET}; got '<redacted: its name says it is a secret>'",
    ),
    (
        "URL with credentials",
        "freeside",
        "production",
        '[tags]\nOwner = "postgresql://app:s3cret@db.internal:5432/app"',
        f"freeside.production.tags.Owner must be {NOT_A_SECRET}; "
        "got '<redacted: looks like a URL carrying a password>'",
    ),
    (
        "token in config",
        "freeside",
        "production",
        'vault_token = "hvs.CAESIJ3k2l1m0n9b8v7c6x5z4a3s"',
        "freeside.production.vault_token must be free of secrets",
    ),
    (
        "unknown setting",
        "freeside",
        "production",
        '[network]\ncidr = "10.0.0.0/16"',
        "freeside.production.network must be a table with settings from ('cidr_block'",
    ),
    (
        "wrong type",
        "freeside",
        "production",
        "[network]\nnat_gateways = 1",
        "freeside.production.network.nat_gateways must be one of ('none', 'single', 'per_az'); got 1",
    ),
    (
        "value outside the allowed ones",
        "freeside",
        "production",
        '[network]\nnat_gateways = "two"',
        "freeside.production.network.nat_gateways must be one of ('none', 'single', 'per_az'); got 'two'",
    ),
    (
        "region outside the list",
        "freeside",
        "production",
        'region = "mars-1"',
        "freeside.production.region must be one of ('us-east-1'",
    ),
    (
        "state key absolute",
        "freeside",
        "production",
        '[state]\nkey = "/prod.tfstate"',
        "freeside.production.state.key must be a relative object key ending in .tfstate; got '/prod.tfstate'",
    ),
    ("invalid TOML", "freeside", "production", "[network\n", "must be valid TOML"),
    (
        "sessions access logs with nowhere to go",
        "replaydash",
        "staging",
        "[load_balancer]\nenable_access_logs = false",
        "replaydash.staging.load_balancer.enable_access_logs must be true: the sessions bucket's server access logs",
    ),
    (
        "dumps access logs with nowhere to go",
        "solobase",
        "dev",
        "[load_balancer]\nenable_access_logs = false",
        "solobase.dev.load_balancer.enable_access_logs must be true: the dumps bucket's server access logs",
    ),
]


@pytest.mark.parametrize(
    ("case", "system", "environment", "text", "message"), BAD_OVERRIDES, ids=[b[0] for b in BAD_OVERRIDES]
)
def test_bad_override_names_field_allowed_values_and_given(
    tmp_path: Path, case: str, system: str, environment: str, text: str, message: str
) -> None:
    write(tmp_path, system, environment, text)
    with pytest.raises(ConfigError) as raised:
        configure(systems.stack_specs(tmp_path))
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert "hunter2" not in str(raised.value) and "s3cret" not in str(raised.value)


NEAR_MISSES = [
    (
        "freeside/staging.tml",
        "config file freeside/staging.tml must be config/<system>/<environment>.toml",
        "freeside/staging.toml",
    ),
    (
        "freeside/Staging.toml",
        "config file freeside/Staging.toml must be an environment from ('production', 'staging'); got 'Staging'",
        "staging",
    ),
    (
        "freeside/prod.toml",
        "config file freeside/prod.toml must be an environment from ('production', 'staging'); got 'prod'",
        "production",
    ),
    (
        "freside/staging.toml",
        "config file freside/staging.toml must be config/<system>/<environment>.toml",
        "freeside/staging.toml",
    ),
    ("staging.toml", "config file staging.toml must be config/<system>/<environment>.toml", None),
]


@pytest.mark.parametrize(("name", "message", "suggestion"), NEAR_MISSES, ids=[n[0] for n in NEAR_MISSES])
def test_a_near_miss_config_file_name_is_an_error_naming_the_closest(
    tmp_path: Path, name: str, message: str, suggestion: str | None
) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text("[network]\nflow_log_retention_days = 90\n")
    with pytest.raises(ConfigError) as raised:
        systems.stack_specs(tmp_path)
    assert str(raised.value).startswith(message)
    assert raised.value.suggestion == suggestion
    if suggestion:
        assert str(raised.value).endswith(f"(did you mean `{suggestion}`?)")


def test_hidden_files_and_notes_in_the_config_directory_are_not_config(tmp_path: Path) -> None:
    write(tmp_path, "freeside", "staging", "[network]\nflow_log_retention_days = 90\n")
    (tmp_path / "README.md").write_text("overrides per environment")
    (tmp_path / "freeside" / ".staging.toml.swp").write_text("editor state")
    (tmp_path / ".gitkeep").write_text("")
    staging = next(s for s in systems.load_all(tmp_path) if (s.system, s.environment) == ("freeside", "staging"))
    assert staging.network.flow_log_retention_days == 90


def test_an_unknown_key_names_the_closest_known_one(tmp_path: Path) -> None:
    write(tmp_path, "freeside", "staging", "[network]\nflow_logs_retention_days = 90\n")
    with pytest.raises(ConfigError) as raised:
        systems.stack_specs(tmp_path)
    assert str(raised.value).startswith("freeside.staging.network must be a table with settings from ('cidr_block'")
    assert str(raised.value).endswith("got 'flow_logs_retention_days' (did you mean `flow_log_retention_days`?)")


def test_an_unknown_key_far_from_every_known_one_gets_no_guess(tmp_path: Path) -> None:
    write(tmp_path, "freeside", "staging", "[network]\nzzz = 1\n")
    with pytest.raises(ConfigError) as raised:
        systems.stack_specs(tmp_path)
    assert raised.value.suggestion is None and "did you mean" not in str(raised.value)


def test_a_config_directory_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    completed = run_app(tmp_path, tmp_path / "no-such-config")
    assert completed.returncode == 2
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert lines == [
        f"error: INFRA_CONFIG_DIR must be an existing directory of config/<system>/<environment>.toml files; "
        f"got '{tmp_path / 'no-such-config'}'"
    ]
    assert not (tmp_path / "out").exists()


def test_environments_sharing_a_bucket_must_agree_on_it(tmp_path: Path) -> None:
    write(tmp_path, "freeside", "staging", '[state]\nlock_table = "other-locks"\n')
    shared = r"freeside\.staging\.state must be the same region, lock_table and store as freeside\.production\.state"
    with pytest.raises(ConfigError, match=shared):
        systems.stack_specs(tmp_path)


def test_unknown_stack_id_is_refused() -> None:
    with pytest.raises(
        ConfigError, match=r"INFRA_STACKS must be an id of a stack \(see make stacks\); got 'freeside-prod'"
    ):
        select(systems.stack_specs(Path("/nonexistent")), "freeside-prod")


def run_app(tmp_path: Path, config_dir: Path, stacks: str = "") -> subprocess.CompletedProcess[str]:
    outdir = tmp_path / "out"
    env = {**os.environ, "INFRA_CONFIG_DIR": str(config_dir), "CDKTF_OUTDIR": str(outdir), "INFRA_STACKS": stacks}
    return subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("text", "stacks", "message"),
    [
        ('[network]\ncidr_block = "10.0.0.0/99"', "", "error: freeside.production.network.cidr_block must be"),
        ("", "freeside-prod", "error: INFRA_STACKS must be an id of a stack"),
        ("", "solobase-nope-*", "error: INFRA_STACKS must be a pattern matching a stack"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line_and_writes_nothing(
    tmp_path: Path, text: str, stacks: str, message: str
) -> None:
    config_dir = write(tmp_path / "config", "freeside", "production", text)
    previous = tmp_path / "out" / "stacks" / "previous"
    previous.mkdir(parents=True)
    (previous / "cdk.tf.json").write_text("{}")
    before = _files(tmp_path / "out")

    completed = run_app(tmp_path, config_dir, stacks)

    assert completed.returncode == 2
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(message), completed.stderr
    assert _files(tmp_path / "out") == before


def test_selected_stacks_only_are_written(tmp_path: Path) -> None:
    (tmp_path / "empty-config").mkdir()
    completed = run_app(tmp_path, tmp_path / "empty-config", "freeside-staging")
    assert completed.returncode == 0, completed.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "stacks").iterdir()) == ["freeside-staging"]


def test_an_existing_vpc_is_a_settings_table(tmp_path: Path) -> None:
    write(
        tmp_path,
        "freeside",
        "staging",
        '[network.existing]\nvpc_id = "vpc-0123456789abcdef0"\n'
        'public_subnet_ids = ["subnet-00000000000000001", "subnet-00000000000000002"]\n'
        'private_subnet_ids = ["subnet-00000000000000003", "subnet-00000000000000004"]\n',
    )
    ((_, props),) = configure(app_chosen("freeside-staging", tmp_path))
    assert props.network.existing.vpc_id == "vpc-0123456789abcdef0"  # type: ignore[attr-defined]
