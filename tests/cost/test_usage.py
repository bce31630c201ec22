"""Usage assumptions: the documents' figures by default, a [cost] table overrides them, mistakes are refused."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from infra import registry, systems
from infra.cost import usage
from infra.cost.__main__ import main
from infra.validation import ConfigError


def write(directory: Path, system: str, environment: str, text: str) -> Path:
    path = directory / system / f"{environment}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return directory


def test_the_defaults_are_the_documents_figures() -> None:
    prod = usage.load("solobase", "prod", Path("/nonexistent"))
    assert isinstance(prod, usage.SolobaseUsage)
    # "Lambda (1M requests, 512MB, 200ms)", "CloudWatch Logs: $20" (40 GB at $0.50), "Backblaze B2 (2GB)".
    assert (prod.lambda_requests_millions, prod.lambda_duration_ms) == (1.0, 200.0)
    assert prod.log_ingestion_gb == 40.0 and prod.tenant_log_ingestion_gb == 1.0 and prod.b2_storage_gb == 2.0
    assert usage.load("solobase", "dev", Path("/nonexistent")).log_ingestion_gb == 10.0  # "$5"
    assert prod.cost_profile == "production"


def test_a_cost_table_overrides_the_assumptions(tmp_path: Path) -> None:
    write(
        tmp_path,
        "solobase",
        "prod",
        '[cost]\nnat_data_gb = 200\ncost_profile = "document"\n[cost.plan_prices]\n'
        "hobby = 12\nstarter = 20\nprofessional = 50\nbusiness = 300\n",
    )
    loaded = usage.load("solobase", "prod", tmp_path)
    assert isinstance(loaded, usage.SolobaseUsage)
    assert loaded.nat_data_gb == 200.0 and loaded.cost_profile == "document"
    assert loaded.plan_prices["business"] == 300.0
    assert loaded.lambda_duration_ms == 200.0  # the rest keeps its default


@pytest.mark.parametrize(
    ("text", "field", "allowed", "given"),
    [
        ("nat_gb = 1", "solobase.dev.cost", "a table with settings from ('cost_profile', 'nat_data_gb'", "nat_gb"),
        ('nat_data_gb = "lots"', "solobase.dev.cost.nat_data_gb", "a number", "lots"),
        ("nat_data_gb = -1", "solobase.dev.cost.nat_data_gb", "0 or more", -1.0),
        ('cost_profile = "cheap"', "solobase.dev.cost.cost_profile", "one of ('production', 'document')", "cheap"),
        ("ec2_spot_discount = 1.5", "solobase.dev.cost.ec2_spot_discount", "below 1", 1.5),
        ("[plan_prices]\nhobby = 1", "solobase.dev.cost.plan_prices", "exactly the plans", ("hobby",)),
    ],
)
def test_a_bad_cost_table_is_refused_naming_the_field(
    tmp_path: Path, text: str, field: str, allowed: str, given: object
) -> None:
    body = text.replace("[plan_prices]", "[cost.plan_prices]")
    write(tmp_path, "solobase", "dev", body if body.startswith("[cost") else f"[cost]\n{body}\n")
    with pytest.raises(ConfigError) as caught:
        usage.load("solobase", "dev", tmp_path)
    assert (caught.value.field, caught.value.given) == (field, given)
    assert allowed in caught.value.allowed


def test_the_cost_table_is_part_of_the_settings_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "replaydash", "production", "[cost]\nnat_data_gb = 5\n")
    loaded = systems.load("replaydash", "production", tmp_path)
    assert loaded.cost.nat_data_gb == 5.0
    default = registry.load(systems.system("replaydash"), "production", Path("/nonexistent"))
    assert dataclasses.replace(loaded, cost=default.cost) == default
    write(tmp_path, "replaydash", "production", "[cost]\nnat_data_gb = 5\n[costs]\nx = 1\n")
    with pytest.raises(ConfigError, match="costs"):
        systems.load("replaydash", "production", tmp_path)


def test_the_document_profile_loads_the_preset_under_the_environments_own_file(tmp_path: Path) -> None:
    """cost_profile = "document" changes the settings the stacks are built from; the file's own keys still win."""
    base = systems.load("solobase", "prod", Path("/nonexistent"))
    assert base.network.nat_gateways == "per_az" and base.database.multi_az
    write(tmp_path, "solobase", "prod", '[cost]\ncost_profile = "document"\n[database]\nmulti_az = true\n')
    chosen = systems.load("solobase", "prod", tmp_path)
    assert chosen.network.nat_gateways == "single" and chosen.network.interface_endpoints == ()
    assert chosen.database.instance_class == "db.t4g.small" and chosen.database.multi_az  # the file wins
    assert systems.load("link", "production", Path("/nonexistent")).cost.cost_profile == "production"


def test_make_cost_exits_2_naming_a_bad_assumption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "freeside", "production", "[cost]\nnat_data = 5\n")
    monkeypatch.setenv("INFRA_CONFIG_DIR", str(tmp_path))
    assert main(["--stacks", "freeside-production", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "freeside.production.cost must be a table with settings from (" in error
    assert "got 'nat_data' (did you mean `nat_data_gb`?)" in error
    assert not (tmp_path / "out" / "cost.json").exists()


def test_an_unknown_format_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--format", "yaml", "--out", str(tmp_path)]) == 2
    assert "FORMAT must be one of ('text', 'json'); got 'yaml'" in capsys.readouterr().err
