"""Cross-stack names have one owner: renamed in infra/systems/solobase/contracts.py, the platform's resources and
every other stack's lookups of them follow together."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from infra import app
from infra.naming import PlatformNames
from infra.systems.solobase.contracts import Names

ENVIRONMENT = "dev"
PLATFORM = "solobase-dev"
LAMBDA_TENANT = "solobase-dev-tenant-acme"
ECS_TENANT = "solobase-dev-tenant-globex"
SHARD = "solobase-dev-shard-01-databases"
PROD_PLATFORM = "solobase-prod"
BUSINESS_TENANT = "solobase-prod-tenant-stark"  # a dedicated database: its own clients group, the operators'
STACKS = (PLATFORM, LAMBDA_TENANT, ECS_TENANT, SHARD, PROD_PLATFORM, BUSINESS_TENANT)
PLATFORM_OF = {BUSINESS_TENANT: PROD_PLATFORM}
ACME = "a1b2c3d4-e5f6-4890-abcd-ef1234567890"


def _name(item: dict[str, Any]) -> str:
    return str(item["name"])


# Data source type -> (the name it looks up, the resource type the platform makes, that resource's name).
LOOKUPS: dict[str, tuple[Callable[[dict[str, Any]], str], str, Callable[[dict[str, Any]], str]]] = {
    "aws_vpc": (lambda d: d["filter"][0]["values"][0], "aws_vpc", lambda r: r["tags"]["Name"]),
    "aws_ecs_cluster": (lambda d: d["cluster_name"], "aws_ecs_cluster", _name),
    "aws_lb": (_name, "aws_lb", _name),
    "aws_security_group": (_name, "aws_security_group", _name),
    "aws_ecr_repository": (_name, "aws_ecr_repository", _name),
    "aws_kms_alias": (_name, "aws_kms_alias", _name),
    "aws_db_instance": (lambda d: d["db_instance_identifier"], "aws_db_instance", lambda r: r["identifier"]),
    "aws_sns_topic": (_name, "aws_sns_topic", _name),
}
NOT_BY_NAME = {
    "aws_caller_identity": "the account",
    "aws_subnets": "by the VPC found above and the tier tag Network gives every subnet",
    "aws_lb_listener": "by the load balancer found above",
    "aws_acm_certificate": "by the management domain, a setting both stacks read",
    "aws_secretsmanager_secret_version": "the instance's own origin secret, made in the same stack",
}


def renamed(names: Names) -> PlatformNames:
    prefix = names.prefix
    return PlatformNames(
        network=f"{prefix}-net",
        cluster=f"{prefix}-ecs",
        load_balancer=f"{prefix}-edge",
        secrets_key_alias=f"{prefix}-secret-values",
        data_key_alias=f"{prefix}-storage",
    )


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The platform, both runtimes' instance stacks and the shard's databases stack, with every name renamed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Names, "platform", property(renamed))
        patch.setattr(Names, "instance_repository", property(lambda names: f"{names.prefix}-instance-images"))
        patch.setattr(Names, "instances_key_alias", property(lambda names: f"{names.prefix}-instance-environments"))
        patch.setattr(Names, "shard_identifier", lambda names, shard: f"solobase-pool-{names.environment}-{shard}")
        patch.setattr(Names, "database_secret", lambda names, instance_id: f"{names.prefix}/{instance_id}/postgres")
        patch.setattr(
            Names, "shard_clients_group", lambda names, shard: f"solobase-pool-{names.environment}-{shard}-apps"
        )
        patch.setattr(Names, "database_operators_group", property(lambda names: f"{names.prefix}-dba"))
        outdir = tmp_path_factory.mktemp("renamed")
        app.synth(outdir=str(outdir), requested=",".join(STACKS))
    return {stack_id: json.loads((outdir / "stacks" / stack_id / "cdk.tf.json").read_text()) for stack_id in STACKS}


def made_by_platform(platform: dict[str, Any], resource_type: str) -> set[str]:
    """The names of the platform's resources of ``resource_type``, as lookups give them."""
    name = next(name for _, made, name in LOOKUPS.values() if made == resource_type)
    return {name(r) for r in platform["resource"][resource_type].values()}


def looked_up(stack: dict[str, Any]) -> dict[str, set[str]]:
    """Each data source type of ``stack`` that finds another stack's resource by name, with the names."""
    found: dict[str, set[str]] = {}
    for data_type, sources in stack["data"].items():
        assert data_type in LOOKUPS or data_type in NOT_BY_NAME, f"{data_type}: a lookup this test does not follow"
        if data_type in LOOKUPS:
            found[data_type] = {LOOKUPS[data_type][0](source) for source in sources.values()}
    return found


@pytest.mark.parametrize("stack_id", [LAMBDA_TENANT, ECS_TENANT, SHARD, BUSINESS_TENANT])
def test_every_lookup_names_a_resource_the_platform_makes(stack_id: str, stacks: dict[str, dict[str, Any]]) -> None:
    platform = stacks[PLATFORM_OF.get(stack_id, PLATFORM)]
    for data_type, names in looked_up(stacks[stack_id]).items():
        assert names <= made_by_platform(platform, LOOKUPS[data_type][1]), (stack_id, data_type)


def test_the_renamed_contract_moved_the_platform_and_the_lookups_alike(stacks: dict[str, dict[str, Any]]) -> None:
    names = renamed(Names(ENVIRONMENT))
    lambda_tenant, ecs_tenant, shard = (looked_up(stacks[s]) for s in (LAMBDA_TENANT, ECS_TENANT, SHARD))
    assert ecs_tenant["aws_lb"] == {"solobase-dev-edge"} == {names.load_balancer}
    assert ecs_tenant["aws_ecs_cluster"] == {"solobase-dev-ecs"}
    assert ecs_tenant["aws_ecr_repository"] == {"solobase-dev-instance-images"}
    assert lambda_tenant["aws_vpc"] == ecs_tenant["aws_vpc"] == {"solobase-dev-net-vpc"}
    assert lambda_tenant["aws_kms_alias"] == {
        "alias/solobase-dev-secret-values",
        "alias/solobase-dev-instance-environments",
    }
    assert lambda_tenant["aws_db_instance"] == shard["aws_db_instance"] == {"solobase-pool-dev-01"}
    assert shard["aws_kms_alias"] == {"alias/solobase-dev-secret-values"}
    # The shard's clients group: the platform makes it, both runtimes' instances join it by the same name.
    assert lambda_tenant["aws_security_group"] == {"solobase-pool-dev-01-apps"}
    assert ecs_tenant["aws_security_group"] == {"solobase-dev-edge", "solobase-pool-dev-01-apps"}
    assert looked_up(stacks[BUSINESS_TENANT])["aws_security_group"] == {"solobase-prod-dba"}


def test_the_instance_reads_the_secret_its_shards_stack_writes(stacks: dict[str, dict[str, Any]]) -> None:
    written = {s["name"] for s in stacks[SHARD]["resource"]["aws_secretsmanager_secret"].values()}
    assert f"solobase-dev/{ACME}/postgres" in written
    functions = stacks[LAMBDA_TENANT]["resource"]["aws_lambda_function"]
    (function,) = [f for f in functions.values() if f["handler"] == "bootstrap"]
    assert function["environment"]["variables"]["DATABASE_SECRET_ID"] == f"solobase-dev/{ACME}/postgres"
    (read_secrets,) = [
        json.loads(p["policy"])
        for p in stacks[LAMBDA_TENANT]["resource"]["aws_iam_role_policy"].values()
        if p["name"] == "ReadSecrets" and p["role"] == function["role"].replace(".arn}", ".id}")
    ]
    assert read_secrets["Statement"][0]["Resource"].endswith(f":secret:solobase-dev/{ACME}/postgres-??????")
