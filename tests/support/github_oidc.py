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
