"""The STS fill (emulator/fills/sts.py): a web identity session only as the role's trust policy allows, as on AWS."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator
from tests.support.github_oidc import assume, assume_with_token, provider_arn, token, trust_policy

ACCOUNT = "210000000077"
MAIN = "repo:example/app:ref:refs/heads/main"


def role(emulator: Emulator, name: str, policy: str) -> str:
    emulator.client("iam", ACCOUNT).create_role(RoleName=name, AssumeRolePolicyDocument=policy)
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


@pytest.fixture(scope="module")
def trusting_main(emulator: Emulator) -> str:
    return role(emulator, "deploy-from-main", trust_policy(provider_arn(emulator, ACCOUNT), [MAIN]))


def test_web_identity_trust_policy(emulator: Emulator, trusting_main: str) -> None:
    credentials = assume(emulator, trusting_main, MAIN)
    assert credentials["AWS_ACCESS_KEY_ID"].startswith("ASIA") and credentials["AWS_SESSION_TOKEN"]


@pytest.mark.parametrize(
    "subject",
    ["repo:example/app:pull_request", "repo:example/app:ref:refs/heads/mainline", "repo:other/app:ref:refs/heads/main"],
)
def test_any_other_subject_is_refused(emulator: Emulator, trusting_main: str, subject: str) -> None:
    with pytest.raises(ClientError, match="AccessDenied"):
        assume(emulator, trusting_main, subject)


def test_a_token_for_another_audience_issuer_or_no_token_at_all_is_refused(
    emulator: Emulator, trusting_main: str
) -> None:
    for bad in (
        token(MAIN, audience="elsewhere"),
        token(MAIN, issuer="https://issuer.example.com"),
        "not-a-jwt",
        "a.b.c",
    ):
        with pytest.raises(ClientError, match="InvalidIdentityToken"):
            assume_with_token(emulator, trusting_main, bad)


def test_a_role_that_does_not_exist_gives_no_session(emulator: Emulator) -> None:
    provider_arn(emulator, ACCOUNT)
    with pytest.raises(ClientError, match="AccessDenied"):
        assume(emulator, f"arn:aws:iam::{ACCOUNT}:role/no-such-role", MAIN)


def test_string_like_wildcards_match_as_iam_matches_them(emulator: Emulator) -> None:
    arn = role(
        emulator,
        "any-branch",
        trust_policy(provider_arn(emulator, ACCOUNT), ["repo:example/app:ref:refs/heads/*"], "StringLike"),
    )
    assert assume(emulator, arn, "repo:example/app:ref:refs/heads/feature/x")
    with pytest.raises(ClientError, match="AccessDenied"):
        assume(emulator, arn, "repo:example/app:pull_request")


def test_what_the_emulator_cannot_evaluate_is_refused_naming_it(emulator: Emulator) -> None:
    provider = provider_arn(emulator, ACCOUNT)
    operator = json.loads(trust_policy(provider, [MAIN]))
    operator["Statement"][0]["Condition"] = {
        "ForAnyValue:StringLike": {"token.actions.githubusercontent.com:sub": MAIN}
    }
    arn = role(emulator, "unknown-operator", json.dumps(operator))
    with pytest.raises(ClientError, match=r"cannot evaluate condition operator ForAnyValue:StringLike"):
        assume(emulator, arn, MAIN)
    key = json.loads(trust_policy(provider, [MAIN]))
    key["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:job_workflow_ref"] = "x"
    arn = role(emulator, "unknown-key", json.dumps(key))
    with pytest.raises(
        ClientError, match=r"cannot evaluate condition key token\.actions\.githubusercontent\.com:job_workflow_ref"
    ):
        assume(emulator, arn, MAIN)


def test_a_deny_statement_wins(emulator: Emulator) -> None:
    policy = json.loads(trust_policy(provider_arn(emulator, ACCOUNT), [MAIN]))
    policy["Statement"].append({**policy["Statement"][0], "Effect": "Deny"})
    arn = role(emulator, "denied-too", json.dumps(policy))
    with pytest.raises(ClientError, match="a Deny statement"):
        assume(emulator, arn, MAIN)


def test_with_iam_enforced_the_call_needs_no_signature_and_the_trust_still_decides(iam_emulator: Emulator) -> None:
    account = "210000000078"
    iam_emulator.client("iam", account).create_role(
        RoleName="enforced", AssumeRolePolicyDocument=trust_policy(provider_arn(iam_emulator, account), [MAIN])
    )
    assert assume(iam_emulator, f"arn:aws:iam::{account}:role/enforced", MAIN)
    with pytest.raises(ClientError, match="AccessDenied"):
        assume(iam_emulator, f"arn:aws:iam::{account}:role/enforced", "repo:example/app:pull_request")
