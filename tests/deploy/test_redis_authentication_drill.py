"""Drill, on the emulator: Redis that requires IAM authentication, deployed, then an operator's mistakes.

A self-contained deploy (a VPC, the Redis construct, a client role granted to connect), separate from the
stack deploys (tests/deploy/test_deploy.py). After the apply, what ElastiCache and IAM hold is read back: the
replication group uses its user group, whose ``default`` user is switched off and whose client user
authenticates by IAM, and the role may ``elasticache:Connect`` as that user only. Then:

- an operator mistypes the user group in the stack: the apply fails with UserGroupNotFound and the replication
  group keeps its user group (docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/
  API_ModifyReplicationGroup.html);
- a second operator removes the ``default`` user from the group by hand: ElastiCache refuses
  (DefaultUserRequired: docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_ModifyUserGroup.html),
  so the group never falls back to a default user that needs no authentication.

On an emulator without the user-group fills, the first apply already fails (CreateUserGroup is unknown).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from cdktf import App
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc

from emulator.server import Emulator
from infra.constructs.iam import ServiceRole
from infra.constructs.redis_replication_group import RedisReplicationGroup
from infra.props.redis_replication_group import RedisProps
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from tests.support.terraform import Terraform

ACCOUNT = "210000000062"  # an account of its own: nothing else on this worker's emulator uses it
REGION = "us-east-1"
SPEC = StackSpec(
    stack_id="redis-drill",
    kind="platform",
    system="drill",
    environments=("drill",),
    regions=(REGION,),
    state=None,
    factory="tests.deploy:unused",  # type: ignore[arg-type]
)


def _synthesize(outdir: Path) -> Path:
    app = App(outdir=str(outdir))
    stack = AwsStack(app, SPEC)
    vpc = Vpc(stack, "Vpc", cidr_block="10.42.0.0/16")
    subnets = [
        Subnet(stack, f"Subnet{zone}", vpc_id=vpc.id, cidr_block=f"10.42.{n}.0/24", availability_zone=f"{REGION}{zone}")
        for n, zone in enumerate("ab")
    ]
    redis = RedisReplicationGroup(
        stack,
        "Cache",
        name="drill-redis",
        vpc_id=vpc.id,
        subnet_ids=[s.id for s in subnets],
        kms_key=None,
        props=RedisProps(node_type="cache.t4g.micro", snapshot_retention_days=0),
    )
    client = ServiceRole(stack, "Client", name="drill-api", service="ecs-tasks.amazonaws.com", description="drill")
    redis.grant_connect(client, user="drill-api")
    app.synth()
    return outdir / "stacks" / SPEC.stack_id


@pytest.mark.deploy
def test_redis_requires_iam_and_refuses_an_operators_mistakes(
    emulator: Emulator, base_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**base_env, **emulator.environment(ACCOUNT, REGION)}
    emulator.warm_up(ACCOUNT, REGION)
    clean = emulator.inventory(ACCOUNT, REGION)
    tf = Terraform.for_stack(_synthesize(tmp_path / "synth"), tmp_path / "work", env)
    tf.init()
    tf.apply()
    elasticache = emulator.client("elasticache", ACCOUNT, REGION)
    iam = emulator.client("iam", ACCOUNT, REGION)
    try:
        (group,) = elasticache.describe_replication_groups(ReplicationGroupId="drill-redis")["ReplicationGroups"]
        assert group["UserGroupIds"] == ["drill-redis"] and group["TransitEncryptionEnabled"] is True
        (user_group,) = elasticache.describe_user_groups(UserGroupId="drill-redis")["UserGroups"]
        assert sorted(user_group["UserIds"]) == ["drill-api", "drill-redis-default"]
        assert user_group["ReplicationGroups"] == ["drill-redis"]
        users = {u["UserId"]: u for u in elasticache.describe_users()["Users"]}
        default, api = users["drill-redis-default"], users["drill-api"]
        assert (default["UserName"], default["AccessString"]) == ("default", "off -@all")
        assert (api["UserName"], api["Authentication"]["Type"]) == ("drill-api", "iam")
        document = iam.get_role_policy(RoleName="drill-api", PolicyName="ConnectRedis")["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        (statement,) = document["Statement"]
        assert statement["Action"] == "elasticache:Connect"
        assert statement["Resource"] == [group["ARN"], api["ARN"]]
        code, _ = tf.plan_changes()
        assert code == 0, "the second plan must be empty"

        # An operator's typo in the user group: refused, and nothing changes.
        stack_file = tf.workdir / "cdk.tf.json"
        deployed = stack_file.read_text()
        typo = json.loads(deployed)
        (group_config,) = typo["resource"]["aws_elasticache_replication_group"].values()
        group_config["user_group_ids"] = ["drill-redsi"]
        stack_file.write_text(json.dumps(typo))
        refused = tf.run("apply", "-input=false", "-no-color", "-auto-approve", ok=(0, 1))
        said = f"{refused.stdout}{refused.stderr}{tf.log_text()}"
        assert refused.returncode == 1 and "UserGroupNotFound" in said, said[-3000:]
        (after,) = elasticache.describe_replication_groups(ReplicationGroupId="drill-redis")["ReplicationGroups"]
        assert after["UserGroupIds"] == ["drill-redis"]
        stack_file.write_text(deployed)

        # A second operator takes the switched-off default user out by hand: refused.
        with pytest.raises(ClientError, match="DefaultUserRequired"):
            elasticache.modify_user_group(UserGroupId="drill-redis", UserIdsToRemove=["drill-redis-default"])
        (still,) = elasticache.describe_user_groups(UserGroupId="drill-redis")["UserGroups"]
        assert sorted(still["UserIds"]) == ["drill-api", "drill-redis-default"]
    finally:
        tf.destroy()
    assert tf.state_resources() == []
    assert emulator.inventory(ACCOUNT, REGION) == clean
