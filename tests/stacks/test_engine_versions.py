"""Every database engine version a stack asks for is one RDS still creates (data/rds-engine-versions.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.engine_versions import EngineVersions, engine_versions, load
from infra.props.aurora_postgres_cluster import AuroraPostgresProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.validation import ConfigError
from tests.conftest import load_stack, stack_ids

# Resource types that name an engine version, with the engine each runs.
VERSIONED = ("aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_rds_global_cluster")


def requested_versions(stack: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(address, engine, version, automatic minor upgrades) of every versioned database resource."""
    found = []
    for resource_type in VERSIONED:
        for name, body in stack.get("resource", {}).get(resource_type, {}).items():
            if "replicate_source_db" in body:
                continue  # a replica runs its source's version
            found.append(
                (
                    f"{resource_type}.{name}",
                    str(body.get("engine", "postgres")),
                    str(body["engine_version"]),
                    body.get("auto_minor_version_upgrade") is True,
                )
            )
    return found


def refusal(table: EngineVersions, version: str, automatic: bool) -> str | None:
    """Why RDS would not create ``version`` (None: it would)."""
    try:
        table.check("engine_version", version, major_alone=automatic)
    except ConfigError as error:
        return str(error)
    return None


@pytest.mark.parametrize("stack_id", stack_ids())
def test_every_stack_asks_for_a_version_rds_creates(synth_dir: Path, stack_id: str) -> None:
    for address, engine, version, automatic in requested_versions(load_stack(synth_dir, stack_id)):
        problem = refusal(engine_versions(engine), version, automatic)
        assert problem is None, f"{stack_id} {address}: {problem}"


def test_the_check_fails_on_the_versions_the_documents_pinned() -> None:
    """The old settings (15.4, 15.10, 16.4) would fail the test above: RDS no longer creates them."""
    postgres = engine_versions("postgres")
    for retired in ("15.4", "15.10", "16.4"):
        assert refusal(postgres, retired, automatic=False) is not None
        assert refusal(postgres, retired.split(".")[0], automatic=True) is None
    # A major alone only with automatic minor upgrades: pinned, it must name a listed minor.
    assert refusal(postgres, "15", automatic=False) is not None


def test_settings_naming_a_retired_minor_are_refused_with_the_newest_listed_one() -> None:
    with pytest.raises(ConfigError) as refused:
        PostgresInstanceProps(instance_class="db.t3.small", engine_version="15.4")
    newest = engine_versions("postgres").of_major(15)[-1]
    assert refused.value.field == "engine_version" and refused.value.suggestion == newest
    assert "data/rds-engine-versions.json" in str(refused.value) and "postgresql-release-calendar" in str(refused.value)
    with pytest.raises(ConfigError, match="aurora-postgresql version RDS still creates"):
        AuroraPostgresProps(engine_version="15.11")


def test_the_table_is_dated_sourced_and_well_formed(tmp_path: Path) -> None:
    table = load()
    assert set(table) == {"postgres", "aurora-postgresql"}
    for entry in table.values():
        assert entry.source.startswith("https://docs.aws.amazon.com/AmazonRDS/latest/")
        ordered = sorted(entry.versions, key=lambda v: tuple(map(int, v.split("."))))
        assert entry.retrieved and entry.versions == tuple(ordered)
    bad = json.loads(Path("data/rds-engine-versions.json").read_text())
    bad["engines"]["postgres"]["versions"].append("15")
    (tmp_path / "table.json").write_text(json.dumps(bad))
    with pytest.raises(ValueError, match=r"distinct <major>\.<minor> versions"):
        load(tmp_path / "table.json")
