"""The deployer roles' policies: generated from the synthesized stacks, current, least privilege, in IAM's limits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from infra import systems
from infra.delivery import catalog, docs, policies
from infra.validation import ConfigError
from tests.conftest import load_stack, stack_specs

WRITES = {a for access in catalog.RESOURCES.values() for a in access.write}
LOCKING = {"s3:PutObject", "s3:DeleteObject", "dynamodb:PutItem", "dynamodb:DeleteItem"}


def generate(synth_dir: Path) -> dict[str, Any]:
    return policies.generate(list(stack_specs()), synth_dir, systems.declared_environments(), systems.delivery())


def roles(data: dict[str, Any], system: str) -> dict[str, dict[str, Any]]:
    return {role["name"]: role for role in data["systems"][system]["roles"]}


def statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for document in role["policies"] for s in document["Statement"]]


def resources(statement: dict[str, Any]) -> list[str]:
    found = statement["Resource"]
    return found if isinstance(found, list) else [found]


def test_the_generated_files_are_current(synth_dir: Path) -> None:
    """policies.json, IAM_POLICIES.md and docs/delivery.md's table are what the stacks and delivery.toml make."""
    data = generate(synth_dir)
    for path, text in docs.expected_files(data, policies.render(data), policies.POLICIES_FILE).items():
        assert path.read_text() == text, f"{path.name} is stale: run make policies"


def test_a_new_resource_type_changes_the_policies_and_an_unknown_one_is_refused(
    synth_dir: Path, tmp_path: Path
) -> None:
    shutil.copytree(synth_dir / "stacks", tmp_path / "stacks")
    path = tmp_path / "stacks" / "freeside-staging" / "cdk.tf.json"
    stack = json.loads(path.read_text())
    stack["resource"]["aws_route53_zone"] = {"Zone": {"name": "example.org"}}
    path.write_text(json.dumps(stack))
    changed = roles(generate(tmp_path), "freeside")["github-freeside-apply-staging"]
    assert "route53:CreateHostedZone" in {a for s in statements(changed) for a in s["Action"]}
    assert changed != roles(policies.load(), "freeside")["github-freeside-apply-staging"]
    stack["resource"]["aws_sqs_queue"] = {"Queue": {"name": "q"}}
    path.write_text(json.dumps(stack))
    with pytest.raises(ConfigError, match="freeside-staging resource must be a type listed in"):
        generate(tmp_path)


def test_every_catalog_entry_is_used_by_a_stack_ci_deploys(synth_dir: Path) -> None:
    used: dict[str, set[str]] = {"resource": set(), "data": set(), "ephemeral": set()}
    for spec in stack_specs():
        if spec.kind in policies.DEPLOYED_KINDS:
            stack = load_stack(synth_dir, spec.stack_id)
            for section, found in used.items():
                found |= {t for t in stack.get(section, {}) if t.startswith("aws_")}
    assert set(catalog.RESOURCES) == used["resource"]
    assert set(catalog.DATA_SOURCES) == used["data"]
    assert set(catalog.EPHEMERAL) == used["ephemeral"]


def test_plan_roles_read_and_write_only_the_locks() -> None:
    for system in systems.declared_environments():
        plan = roles(policies.load(), system)[policies.role_name(system, "plan")]
        for statement in statements(plan):
            written = set(statement["Action"]) & (WRITES | LOCKING)
            if statement["Sid"] == "StateLockFile":
                assert all(r.endswith(".tflock") for r in resources(statement)), statement
            elif statement["Sid"] == "StateLockTable":
                assert all(":table/" in r for r in resources(statement))
            else:
                assert not written, f"{plan['name']} {statement['Sid']} may change {sorted(written)}"


def test_an_apply_role_reaches_its_environment_only() -> None:
    staging = roles(policies.load(), "freeside")["github-freeside-apply-staging"]
    by_sid = {s["Sid"]: s for s in statements(staging)}
    assert resources(by_sid["SystemRoles"]) == ["arn:aws:iam::891376933289:role/arrakis-staging-*"]
    assert resources(by_sid["PassOnlyTheSystemsRoles"]) == ["arn:aws:iam::891376933289:role/arrakis-staging-*"]
    assert resources(by_sid["StateWrite"]) == ["arn:aws:s3:::arrakis-tfstate-891376933289/staging/terraform.tfstate"]
    assert resources(by_sid["SystemSecrets"]) == ["arn:aws:secretsmanager:*:891376933289:secret:arrakis-staging/*"]
    attach = by_sid["AttachOnlyTheManagedPoliciesTheStacksAttach"]
    assert attach["Condition"]["ArnEquals"]["iam:PolicyARN"] == [
        "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
    ]
    deny = by_sid["NeverTheDeployerRolesOrTheirTrust"]
    assert deny["Effect"] == "Deny" and "arn:aws:iam::891376933289:role/github-*" in resources(deny)
    text = json.dumps(staging)
    assert "production" not in text.replace("environment:production", "")


def test_the_production_apply_roles_trust_only_the_production_environment() -> None:
    delivery = systems.delivery()
    for system, environments in systems.declared_environments().items():
        for role in policies.load()["systems"][system]["roles"]:
            if role["purpose"] == "apply" and role["github_environment"] == "production":
                assert role["trust"]["subjects"] == [delivery.subject("environment:production")]
        plan = roles(policies.load(), system)[policies.role_name(system, "plan")]
        assert plan["trust"]["subjects"][0] == delivery.subject("pull_request")
        assert all(":environment:" not in s for s in plan["trust"]["subjects"])
        assert len(environments) + 1 == len(policies.load()["systems"][system]["roles"])


def test_the_ci_stack_builds_exactly_the_generated_roles(synth_dir: Path) -> None:
    stack = load_stack(synth_dir, "ci-freeside")
    generated = roles(policies.load(), "freeside")
    built = {r["name"]: r for r in stack["resource"]["aws_iam_role"].values()}
    assert set(built) == set(generated)
    documents = {p["name"]: json.loads(p["policy"]) for p in stack["resource"]["aws_iam_policy"].values()}
    for name, role in generated.items():
        assert [documents[f"{name}-{i}"] for i in range(1, len(role["policies"]) + 1)] == role["policies"]
        trust = json.loads(built[name]["assume_role_policy"])["Statement"][0]
        assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
        subjects = trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
        assert (subjects if isinstance(subjects, list) else [subjects]) == role["trust"]["subjects"]
        assert trust["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    assert "aws_iam_openid_connect_provider" in stack["resource"]
    assert "aws_iam_openid_connect_provider" in load_stack(synth_dir, "ci-luneo")["data"]


def test_every_policy_fits_iams_limits() -> None:
    for entry in policies.load()["systems"].values():
        for role in entry["roles"]:
            assert 1 <= len(role["policies"]) <= policies.MANAGED_POLICIES_PER_ROLE
            for document in role["policies"]:
                assert len(json.dumps(document, separators=(",", ":"))) <= policies.MANAGED_POLICY_MAX_CHARS
            assert len(role["name"]) <= 64 - len("-10")


def test_packing_splits_a_statement_too_long_for_one_policy() -> None:
    actions = [f"ec2:Describe{'X' * 40}{i}" for i in range(400)]
    packed = policies.pack([{"Sid": "Big", "Effect": "Allow", "Action": actions, "Resource": "*"}], "test")
    assert len(packed) > 1
    assert sorted(a for d in packed for s in d["Statement"] for a in s["Action"]) == sorted(actions)
    with pytest.raises(ConfigError, match="at most 10 managed policies"):
        policies.pack([{"Sid": "Huge", "Effect": "Allow", "Action": actions * 8, "Resource": "*"}], "test")


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["arrakis-staging-api-task", "arrakis-staging-vpc-flow-logs"], "arrakis-staging-*"),
        (["luneo-staging/database"], "luneo-staging/*"),
        (["solobase-dev-trail-logs", "solobase-a1b2c3d4-function"], "solobase-*"),
    ],
)
def test_a_name_prefix_ends_at_a_delimiter(names: list[str], expected: str) -> None:
    assert policies.name_prefix(names, "names") == expected


def test_a_prefix_too_short_to_scope_anything_is_refused() -> None:
    with pytest.raises(ConfigError, match="sharing a prefix of 3 or more characters"):
        policies.name_prefix(["ab-x", "ab-y"], "role names")
    with pytest.raises(ConfigError):
        policies.name_prefix(["api", "worker"], "role names")


def test_state_patterns_cover_an_environments_folder_unless_another_environment_shares_it() -> None:
    assert policies.state_patterns(
        ["prod/terraform.tfstate", "prod/tenants/a/terraform.tfstate"], ["dev/x.tfstate"]
    ) == ["prod/*"]
    assert policies.state_patterns(["global/a.tfstate", "global/b.tfstate"], ["global/c.tfstate"]) == [
        "global/a.tfstate",
        "global/b.tfstate",
    ]
    assert policies.state_patterns(["global/multi-region/terraform.tfstate"], []) == [
        "global/multi-region/terraform.tfstate"
    ]
