"""GitHub Actions' OIDC token, as a test double, and the role sessions the emulator gives for it."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from emulator.server import Emulator
from infra.delivery.settings import GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST


def _part(data: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def token(sub: str, *, audience: str = GITHUB_OIDC_AUDIENCE, issuer: str = f"https://{GITHUB_OIDC_HOST}") -> str:
    """A JWT with GitHub's claims for ``sub``; unsigned: the emulator checks claims, not GitHub's signature."""
    return f"{_part({'alg': 'none', 'typ': 'JWT'})}.{_part({'iss': issuer, 'sub': sub, 'aud': audience})}."


def assume(emulator: Emulator, role_arn: str, sub: str) -> dict[str, str]:
    """What configure-aws-credentials exports after AssumeRoleWithWebIdentity with GitHub's token for ``sub``."""
    return assume_with_token(emulator, role_arn, token(sub))


def assume_with_token(emulator: Emulator, role_arn: str, web_identity_token: str) -> dict[str, str]:
    """AssumeRoleWithWebIdentity, unsigned as on AWS: the token is the only credential."""
    sts = boto3.session.Session().client(
        "sts",
        endpoint_url=emulator.endpoint,
        region_name="us-east-1",
        verify=emulator.ca_bundle,
        config=Config(signature_version=UNSIGNED),
    )
    answer = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="github-actions", WebIdentityToken=web_identity_token
    )
    credentials = answer["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }


def session_client(emulator: Emulator, credentials: dict[str, str], service: str, region: str = "us-east-1") -> Any:
    """A boto3 client acting as the role session ``credentials`` hold."""
    return boto3.session.Session().client(
        service,
        endpoint_url=emulator.endpoint,
        region_name=region,
        verify=emulator.ca_bundle,
        aws_access_key_id=credentials["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=credentials["AWS_SESSION_TOKEN"],
    )


def provider_arn(emulator: Emulator, account: str) -> str:
    """The account's GitHub OIDC provider, created as the root user when missing."""
    iam = emulator.client("iam", account)
    for arn in (p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]):
        if arn.endswith(f"/{GITHUB_OIDC_HOST}"):
            return str(arn)
    created = iam.create_open_id_connect_provider(
        Url=f"https://{GITHUB_OIDC_HOST}", ClientIDList=[GITHUB_OIDC_AUDIENCE]
    )
    return str(created["OpenIDConnectProviderArn"])


def trust_policy(provider: str, subjects: list[str], operator: str = "StringEquals") -> str:
    condition = {operator: {f"{GITHUB_OIDC_HOST}:aud": GITHUB_OIDC_AUDIENCE, f"{GITHUB_OIDC_HOST}:sub": subjects}}
    statement = {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity"}
    return json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Condition": condition}]})


def role_session(emulator: Emulator, account: str, name: str, statements: list[dict[str, Any]]) -> dict[str, str]:
    """As the root user: a role ``name`` with ``statements`` as its policy, trusting one GitHub subject; then a
    session of it from that subject's token."""
    iam = emulator.client("iam", account)
    subject = f"repo:example/tests:environment:{name}"
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust_policy(provider_arn(emulator, account), [subject]))
    iam.put_role_policy(
        RoleName=name,
        PolicyName="under-test",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return assume(emulator, f"arn:aws:iam::{account}:role/{name}", subject)
