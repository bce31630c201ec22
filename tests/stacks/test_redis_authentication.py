"""Every Redis of every stack requires authentication, by IAM, and its clients may connect as their own user only.

The AWS rules this encodes: role-based access control needs a user group on a
replication group with encryption in transit, and every Redis OSS group holds a
user named ``default`` (docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html),
which here is switched off so that an unauthenticated connection can do nothing;
IAM authentication needs Redis OSS 7 or later and a user whose authentication
mode is ``iam``, and the client's identity needs ``elasticache:Connect`` on the
replication group and on that user (docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html).
No AUTH token or password is written anywhere, so none reaches the state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import stack_ids
from tests.support.stack import SynthesizedStack

WITH_REDIS = [
    f"{system}-{env}"
    for system, envs in (
        ("freeside", ("production", "staging")),
        ("replaydash", ("production", "staging")),
        ("luneo", ("prod", "staging")),
    )
    for env in envs
]


def _ref(resource_type: str, name: str, attribute: str) -> str:
    return f"${{{resource_type}.{name}.{attribute}}}"


def _named(stack: SynthesizedStack, resource_type: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = stack.json.get("resource", {}).get(resource_type, {})
    return found


def test_every_stack_with_redis_is_checked(synth_dir: Path) -> None:
    with_redis = [s for s in stack_ids() if _named(SynthesizedStack(synth_dir, s), "aws_elasticache_replication_group")]
    assert sorted(with_redis) == sorted(WITH_REDIS)


@pytest.mark.parametrize("stack_id", WITH_REDIS)
def test_redis_requires_iam_authentication(synth_dir: Path, stack_id: str) -> None:
    stack = SynthesizedStack(synth_dir, stack_id)
    groups = _named(stack, "aws_elasticache_replication_group")
    user_groups = _named(stack, "aws_elasticache_user_group")
    users = _named(stack, "aws_elasticache_user")
    policies = [json.loads(p["policy"]) for p in stack.all("aws_iam_role_policy")]
    assert "auth_token" not in json.dumps(stack.json) and '"passwords"' not in json.dumps(stack.json)
    for name, group in groups.items():
        assert group["transit_encryption_enabled"] is True
        assert int(group["engine_version"].split(".")[0]) >= 7
        (user_group_ref,) = group["user_group_ids"]
        (user_group_name,) = [
            n for n in user_groups if _ref("aws_elasticache_user_group", n, "user_group_id") == user_group_ref
        ]
        members = [
            (n, users[n])
            for n in users
            if _ref("aws_elasticache_user", n, "user_id") in user_groups[user_group_name]["user_ids"]
        ]
        defaults = [user for _, user in members if user["user_name"] == "default"]
        assert len(defaults) == 1 and defaults[0]["access_string"].startswith("off ")
        clients = [(n, user) for n, user in members if user["user_name"] != "default"]
        assert clients, f"{stack_id}: nobody may use {group['replication_group_id']}"
        for user_name, user in clients:
            assert user["authentication_mode"] == {"type": "iam"} and user["user_id"] == user["user_name"]
            wanted = [
                _ref("aws_elasticache_replication_group", name, "arn"),
                _ref("aws_elasticache_user", user_name, "arn"),
            ]
            granted = [s for p in policies for s in p["Statement"] if s.get("Action") == "elasticache:Connect"]
            assert any(s["Resource"] == wanted for s in granted), f"{user['user_id']}: no role may connect as it"
            assert all("*" not in json.dumps(s["Resource"]) for s in granted)
