"""The Secrets Manager fills (emulator/fills/secretsmanager.py) against a live emulator, and what they must refuse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator
from tests.support.github_oidc import role_session, session_client

ACCOUNT = "210000000030"


def _managed_secret(emulator: Emulator, name: str) -> tuple[Any, str]:
    """An RDS instance whose master password RDS manages: its secret is a managed one (owning service rds)."""
    rds = emulator.client("rds", ACCOUNT)
    instance = rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin_user",
        ManageMasterUserPassword=True,
        AllocatedStorage=20,
    )["DBInstance"]
    return rds, instance["MasterUserSecret"]["SecretArn"]


def _current(secrets: Any, arn: str) -> list[str]:
    stages = secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]
    return sorted(version for version, labels in stages.items() if "AWSCURRENT" in labels)


def test_rotate_later_keeps_the_current_version(emulator: Emulator) -> None:
    rds, arn = _managed_secret(emulator, "rotate-later-db")
    secrets = emulator.client("secretsmanager", ACCOUNT)
    before = _current(secrets, arn)
    value = secrets.get_secret_value(SecretId=arn)["SecretString"]
    assert secrets.describe_secret(SecretId=arn)["OwningService"] == "rds"

    secrets.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 90}, RotateImmediately=False)
    described = secrets.describe_secret(SecretId=arn)
    assert described["RotationEnabled"] is True
    assert described["RotationRules"]["AutomaticallyAfterDays"] == 90
    assert "NextRotationDate" in described
    # Only the schedule changed: the same version, the same value.
    assert _current(secrets, arn) == before and len(described["VersionIdsToStages"]) == 1
    assert secrets.get_secret_value(SecretId=arn)["SecretString"] == value

    # Refused, as on AWS: a secret no service manages and no function rotates; days out of range.
    plain = secrets.create_secret(Name="rotate-later-plain", SecretString="not-a-real-password")["ARN"]
    with pytest.raises(ClientError, match="InvalidRequestException"):
        secrets.rotate_secret(SecretId=plain, RotationRules={"AutomaticallyAfterDays": 90}, RotateImmediately=False)
    assert "RotationEnabled" not in secrets.describe_secret(SecretId=plain)
    with pytest.raises(ClientError, match="InvalidParameterException"):
        secrets.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 1001}, RotateImmediately=False)
    # A schedule expression the emulator cannot evaluate is refused rather than guessed.
    with pytest.raises(ClientError, match="AutomaticallyAfterDays only"):
        secrets.rotate_secret(
            SecretId=arn, RotationRules={"ScheduleExpression": "rate(30 days)"}, RotateImmediately=False
        )
    assert secrets.describe_secret(SecretId=arn)["RotationRules"]["AutomaticallyAfterDays"] == 90

    secrets.delete_secret(SecretId=plain, ForceDeleteWithoutRecovery=True)
    rds.delete_db_instance(DBInstanceIdentifier="rotate-later-db", SkipFinalSnapshot=True)


def test_cancel_rotation_of_a_managed_secret(emulator: Emulator) -> None:
    rds, arn = _managed_secret(emulator, "cancel-rotation-db")
    secrets = emulator.client("secretsmanager", ACCOUNT)
    secrets.rotate_secret(SecretId=arn, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False)
    secrets.cancel_rotate_secret(SecretId=arn)
    assert secrets.describe_secret(SecretId=arn)["RotationEnabled"] is False

    # Not over-filled: a secret no service manages and without a function still cannot be cancelled.
    plain = secrets.create_secret(Name="cancel-rotation-plain", SecretString="not-a-real-password")["ARN"]
    with pytest.raises(ClientError, match="InvalidRequestException"):
        secrets.cancel_rotate_secret(SecretId=plain)

    secrets.delete_secret(SecretId=plain, ForceDeleteWithoutRecovery=True)
    rds.delete_db_instance(DBInstanceIdentifier="cancel-rotation-db", SkipFinalSnapshot=True)


def test_secret_requests_are_authorized_against_the_secret(iam_emulator: Emulator) -> None:

    account = "210000000066"
    root = iam_emulator.client("secretsmanager", account)
    root.create_secret(Name="app-staging/database", SecretString="s3cr3t")
    root.create_secret(Name="app-production/database", SecretString="s3cr3t")
    arn = f"arn:aws:secretsmanager:*:{account}:secret:app-staging/*"
    session = role_session(
        iam_emulator,
        account,
        "secret-reader",
        [
            {
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:CreateSecret"],
                "Resource": arn,
            }
        ],
    )
    secrets = session_client(iam_emulator, session, "secretsmanager")
    assert secrets.get_secret_value(SecretId="app-staging/database")["SecretString"] == "s3cr3t"
    secrets.create_secret(Name="app-staging/new", SecretString="x")
    for denied in (
        lambda: secrets.get_secret_value(SecretId="app-production/database"),
        lambda: secrets.create_secret(Name="app-production/new", SecretString="x"),
        lambda: secrets.list_secrets(),
    ):
        with pytest.raises(ClientError, match="AccessDenied"):
            denied()


def _value(secrets: Any, arn: str, stage: str = "AWSCURRENT") -> dict[str, str]:
    value: dict[str, str] = json.loads(secrets.get_secret_value(SecretId=arn, VersionStage=stage)["SecretString"])
    return value


def test_managed_rotation_makes_a_new_current_version(emulator: Emulator) -> None:
    rds, arn = _managed_secret(emulator, "rotated-db")
    secrets = emulator.client("secretsmanager", ACCOUNT)
    before = _value(secrets, arn)
    (first_version,) = _current(secrets, arn)

    # As the schedule does: RotateSecret now. RDS sets a new password, stored as the new AWSCURRENT version.
    rotated = secrets.rotate_secret(SecretId=arn)
    after = _value(secrets, arn)
    assert after["username"] == before["username"] and after["password"] != before["password"]
    assert _current(secrets, arn) == [rotated["VersionId"]] != [first_version]
    stages = secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]
    assert stages == {first_version: ["AWSPREVIOUS"], rotated["VersionId"]: ["AWSCURRENT"]}
    assert _value(secrets, arn, "AWSPREVIOUS") == before

    # As RDS does on request: ModifyDBInstance --rotate-master-user-password.
    rds.modify_db_instance(DBInstanceIdentifier="rotated-db", RotateMasterUserPassword=True, ApplyImmediately=True)
    again = _value(secrets, arn)
    assert again["password"] not in (before["password"], after["password"])
    assert _value(secrets, arn, "AWSPREVIOUS") == after
    assert len(secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]) == 3

    # Refused, as on AWS: rotating now a secret no service manages and no function rotates; it keeps its value.
    plain = secrets.create_secret(Name="rotate-now-plain", SecretString="not-a-real-password")["ARN"]
    with pytest.raises(ClientError, match="InvalidRequestException"):
        secrets.rotate_secret(SecretId=plain)
    assert secrets.get_secret_value(SecretId=plain)["SecretString"] == "not-a-real-password"

    secrets.delete_secret(SecretId=plain, ForceDeleteWithoutRecovery=True)
    rds.delete_db_instance(DBInstanceIdentifier="rotated-db", SkipFinalSnapshot=True)
