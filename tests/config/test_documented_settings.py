"""Settings of the systems without stacks yet mirror their documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra import systems
from infra.systems.luneo.settings import LuneoSettings
from infra.validation import ConfigError

NONE = Path("/nonexistent")


def test_luneo_regions_sizes_and_names() -> None:
    prod = systems.load("luneo", "prod", NONE)
    staging = systems.load("luneo", "staging", NONE)
    assert isinstance(prod, LuneoSettings) and isinstance(staging, LuneoSettings)
    assert (prod.primary.region, prod.secondary.region) == ("eu-west-1", "us-east-1")
    assert prod.state.key == "global/multi-region/terraform.tfstate"
    assert staging.state.key == "staging/global/multi-region/terraform.tfstate"
    assert (prod.database.instance_class, prod.database.allocated_storage_gb) == ("db.r6g.large", 100)
    assert (prod.database.database_name, prod.database.master_username) == ("luneo", "luneo_admin")
    assert prod.database.backup_window == "04:00-05:00"
    assert (prod.cache.node_type, prod.cache.num_cache_clusters, prod.cache.multi_az) == ("cache.r6g.large", 2, True)
    assert (staging.database.instance_class, staging.cache.node_type) == ("db.t3.medium", "cache.t3.micro")
    assert prod.repositories == ("luneo-worker-ia", "luneo-usdz-converter")
    assert prod.repository_name("luneo-worker-ia") == "prod/luneo-worker-ia"
    assert (prod.primary.nodes.capacity_type, prod.primary.nodes.desired_size, prod.primary.nodes.max_size) == (
        "SPOT",
        1,
        7,
    )
    assert prod.primary.base_nodes is not None
    assert (prod.primary.base_nodes.capacity_type, prod.primary.base_nodes.desired_size) == ("ON_DEMAND", 3)
    assert staging.primary.nodes.desired_size == 2 and staging.primary.base_nodes is None
    assert (prod.enable_aurora_global, staging.enable_aurora_global) == (False, False)


def test_luneo_rejects_overlapping_regions(tmp_path: Path) -> None:
    path = tmp_path / "luneo" / "prod.toml"
    path.parent.mkdir(parents=True)
    path.write_text(
        '[secondary.network]\ncidr_block = "10.10.0.0/16"\n'
        'public_subnet_cidrs = ["10.10.0.0/24", "10.10.1.0/24", "10.10.2.0/24"]\n'
        'private_subnet_cidrs = ["10.10.16.0/20", "10.10.32.0/20", "10.10.48.0/20"]\n'
        'database_subnet_cidrs = ["10.10.100.0/24", "10.10.101.0/24", "10.10.102.0/24"]\n'
    )
    with pytest.raises(
        ConfigError, match=r"luneo\.prod\.primary and secondary networks must be CIDR blocks that do not overlap"
    ):
        systems.load("luneo", "prod", tmp_path)


@pytest.mark.parametrize(
    ("environment", "toml", "message"),
    [
        ("prod", "enable_failover_dns = false\n", "luneo.prod.enable_failover_dns must be true in prod"),
        ("prod", '[secondary]\nregion = "eu-west-1"\n', "luneo.prod.secondary.region must be a region other than"),
        ("staging", '[primary]\nregion = "us-west-2"\n', "luneo.staging.primary.region must be the environment's"),
        ("staging", 'repositories = ["luneo-worker-ia", "luneo-worker-ia"]\n', "luneo.staging.repositories must be"),
    ],
)
def test_luneo_refuses_bad_settings(tmp_path: Path, environment: str, toml: str, message: str) -> None:
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / f"{environment}.toml").write_text(toml)
    with pytest.raises(ConfigError) as raised:
        systems.load("luneo", environment, tmp_path)
    assert message in str(raised.value)
