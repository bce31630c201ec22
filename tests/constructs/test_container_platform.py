"""ContainerPlatform's names: the parts other stacks look up are named by a PlatformNames, ``<prefix>-*`` by default."""

from __future__ import annotations

from typing import Any

import pytest

from infra.constructs.container_platform import ContainerPlatform
from infra.naming import PlatformNames
from tests.constructs.test_dashboard_and_parameters import PLATFORM
from tests.support.synth import only, synth

RENAMED = PlatformNames(
    network="edge",
    cluster="edge-services",
    load_balancer="edge-public",
    secrets_key_alias="edge-secret-values",
    data_key_alias="edge-storage",
)


def looked_up_names(stack: dict[str, Any]) -> dict[str, Any]:
    """What another stack finds each part by."""
    resource = stack["resource"]
    keys = {k: v["description"] for k, v in resource["aws_kms_key"].items()}
    aliases = {keys[a["target_key_id"].split(".")[1]]: a["name"] for a in resource["aws_kms_alias"].values()}
    return {
        "vpc": only(stack, "aws_vpc")["tags"]["Name"],
        "cluster": only(stack, "aws_ecs_cluster")["name"],
        "load_balancer": only(stack, "aws_lb")["name"],
        "load_balancer_group": [
            g["name"] for g in resource["aws_security_group"].values() if "Internet" in g["description"]
        ],
        "keys": aliases,
    }


@pytest.mark.parametrize(
    ("names", "network", "cluster", "load_balancer", "secrets", "data"),
    [
        (None, "demo", "demo-cluster", "demo-alb", "demo-secrets", "demo-data"),
        (RENAMED, "edge", "edge-services", "edge-public", "edge-secret-values", "edge-storage"),
    ],
)
def test_the_parts_other_stacks_look_up_are_named_by_its_names(
    names: PlatformNames | None, network: str, cluster: str, load_balancer: str, secrets: str, data: str
) -> None:
    stack = synth(
        lambda s: ContainerPlatform(
            s, "Platform", prefix="demo", repository_name="demo-api", props=PLATFORM, names=names
        )
    )
    assert looked_up_names(stack) == {
        "vpc": f"{network}-vpc",
        "cluster": cluster,
        "load_balancer": load_balancer,
        "load_balancer_group": [load_balancer],
        "keys": {
            "Secrets of demo": f"alias/{secrets}",
            "Database and cache storage of demo": f"alias/{data}",
            "Alert topic of demo": "alias/demo-alerts",
        },
    }
    # What no other stack looks up keeps the prefix.
    assert only(stack, "aws_db_instance")["identifier"] == "demo-postgres"
    assert only(stack, "aws_ecr_repository")["name"] == "demo-api"


def test_default_names_are_the_prefixed_ones() -> None:
    assert PlatformNames.of("arrakis-production") == PlatformNames(
        network="arrakis-production",
        cluster="arrakis-production-cluster",
        load_balancer="arrakis-production-alb",
        secrets_key_alias="arrakis-production-secrets",
        data_key_alias="arrakis-production-data",
    )
