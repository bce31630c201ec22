"""The role passwords of a deployed Link environment, read from Secrets Manager, where its stack writes them.

The stack generates each role's password at apply time and writes it,
write-only, to the role and to the secret ``link-<env>/<role>``
(``{"username", "password"}``); nothing else holds it. ``make link-files`` and
``make link-output`` read those secrets with the shell's AWS credentials
(boto3), so every operator and CI reads the same passwords and nobody keeps a
copy of their own. Nothing here writes a password anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from infra.systems.link import names
from infra.validation import OperatorError


class CredentialsUnavailable(OperatorError):
    """A role's secret is missing, unreadable, or not what the stack writes."""


@dataclass(frozen=True)
class Credential:
    password: str

    def __repr__(self) -> str:  # never print a password by accident
        return "Credential(password=<redacted>)"


def read(environment: str, region: str, roles: Iterable[str], client: Any = None) -> dict[str, Credential]:
    """Every role's credential; all of them must be there (the stack's deploy puts them there)."""
    if client is None:
        import boto3

        client = boto3.client("secretsmanager", region_name=region)
    from botocore.exceptions import BotoCoreError, ClientError

    found: dict[str, Credential] = {}
    missing: list[str] = []
    for role in roles:
        secret = names.role_secret(environment, role)
        try:
            text = client.get_secret_value(SecretId=secret).get("SecretString") or ""
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("ResourceNotFoundException", "InvalidRequestException"):
                missing.append(secret)
                continue
            raise CredentialsUnavailable(f"reading {secret} in {region}: {code or error}") from None
        except BotoCoreError as error:
            raise CredentialsUnavailable(f"reading {secret} in {region}: {error}") from None
        found[role] = _credential(secret, role, text)
    if missing:
        raise CredentialsUnavailable(
            f"no password in Secrets Manager ({region}) for {', '.join(missing)}: deploy the stack first "
            f"(make deploy STACK={names.stack_id(environment)})"
        )
    return found


def _credential(secret: str, role: str, text: str) -> Credential:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or value.get("username") != role or not isinstance(value.get("password"), str):
        raise CredentialsUnavailable(
            f"{secret} is not what the stack writes ({{'username': {role!r}, 'password': ...}})"
        )
    if not value["password"]:
        raise CredentialsUnavailable(f"{secret} holds an empty password")
    return Credential(value["password"])
