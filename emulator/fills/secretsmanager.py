"""Secrets Manager: rotation schedules, of managed secrets (such as RDS master passwords) in particular."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="RotateSecret with RotateImmediately false only sets the rotation schedule: the secret keeps its "
    "current version until the scheduled rotation.",
    reference="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html",
)
def rotate_later_keeps_the_current_version() -> None:
    """RotateSecret with ``RotateImmediately=false`` changes the schedule and nothing else, as on AWS.

    moto 5.2.5, given no rotation function, "rotates" at once whatever
    ``RotateImmediately`` says: it adds a version and moves AWSCURRENT to it
    (with no value, unless asked to rotate later, then a copy). For a secret
    RDS manages (its master password), whose schedule users set without a
    function, that makes every schedule change look like a rotation, and
    whatever was derived from the current version (a connection URL) out of date.

    Here, without a rotation function (given or already set), a later rotation
    of a secret another service manages (tag ``aws:secretsmanager:owningService``)
    only records ``RotationRules`` (``AutomaticallyAfterDays`` from 1 to 1000)
    and the next rotation date, and turns rotation on. A secret no service manages
    and no function rotates is refused with InvalidRequestException, as AWS
    does. Calls with a function, or rotating now, are moto's.

    Fail closed: a ``ScheduleExpression`` instead of ``AutomaticallyAfterDays``
    is refused (InvalidParameterException): it would need a cron evaluator
    the emulator does not have.
    """
    import time
    from typing import Any

    from moto.secretsmanager.exceptions import (
        InvalidParameterException,
        InvalidRequestException,
        SecretNotFoundException,
    )
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    original = SecretsManagerBackend.rotate_secret

    def rotate_secret(
        self: SecretsManagerBackend,
        secret_id: str,
        client_request_token: str | None = None,
        rotation_lambda_arn: str | None = None,
        rotation_rules: dict[str, Any] | None = None,
        rotate_immediately: bool = True,
    ) -> str:
        if rotate_immediately or rotation_lambda_arn:
            return original(
                self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules, rotate_immediately
            )
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        if not isinstance(secret, FakeSecret) or secret.rotation_lambda_arn:
            return original(
                self, secret_id, client_request_token, rotation_lambda_arn, rotation_rules, rotate_immediately
            )
        if secret.is_deleted():
            raise InvalidRequestException(
                "You tried to perform the operation on a secret that's currently marked deleted."
            )
        if secret.owning_service is None:
            raise InvalidRequestException(
                "No Lambda rotation function ARN is associated with this secret, and no service manages it."
            )
        days = (rotation_rules or {}).get("AutomaticallyAfterDays")
        if days is None:
            # A schedule expression would need a cron evaluator the emulator does not have: refuse.
            raise InvalidParameterException("The emulator accepts RotationRules.AutomaticallyAfterDays only.")
        if not 1 <= int(days) <= 1000:
            raise InvalidParameterException("RotationRules.AutomaticallyAfterDays must be within 1-1000.")
        secret.auto_rotate_after_days = int(days)
        secret.next_rotation_date = int(time.time()) + int(days) * 86400
        secret.rotation_requested = True
        secret.rotation_enabled = True
        short: str = secret.to_short_dict()
        return short

    SecretsManagerBackend.rotate_secret = rotate_secret  # type: ignore[method-assign]


@fill(
    behaviour="CancelRotateSecret turns off the rotation of a secret another service manages, which has no "
    "rotation function of its own.",
    reference="https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CancelRotateSecret.html",
)
def cancel_rotation_of_a_managed_secret() -> None:
    """CancelRotateSecret works on a managed secret (an RDS master password), as on AWS.

    moto 5.2.5 refuses to cancel the rotation of any secret without a rotation
    function, managed ones included, so removing the schedule of an RDS master
    secret (a destroy of ``aws_secretsmanager_secret_rotation``) fails. Here a
    secret another service manages (tag ``aws:secretsmanager:owningService``)
    has its rotation turned off; any other secret without a function is still
    refused, as AWS documents.
    """
    from moto.secretsmanager.exceptions import InvalidRequestException, SecretNotFoundException
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    original = SecretsManagerBackend.cancel_rotate_secret

    def cancel_rotate_secret(self: SecretsManagerBackend, secret_id: str) -> str:
        if not self._is_valid_identifier(secret_id):
            raise SecretNotFoundException()
        secret = self.secrets[secret_id]
        if not isinstance(secret, FakeSecret) or secret.rotation_lambda_arn or secret.owning_service is None:
            result: str = original(self, secret_id)
            return result
        if secret.is_deleted():
            raise InvalidRequestException(
                "You tried to perform the operation on a secret that's currently marked deleted."
            )
        secret.rotation_enabled = False
        short: str = secret.to_short_dict()
        return short

    SecretsManagerBackend.cancel_rotate_secret = cancel_rotate_secret  # type: ignore[method-assign]


@fill(
    behaviour="A request naming a secret is authorized against the secret's ARN (a new secret's: its name and "
    "six characters AWS adds).",
    reference="https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resources.html",
)
def secret_requests_are_authorized_against_the_secret() -> None:
    """With IAM enforced, GetSecretValue, PutSecretValue, CreateSecret... are checked against the secret's ARN.

    moto 5.2.5 checks every Secrets Manager request against ``*``: a policy
    allowing ``secretsmanager:GetSecretValue`` only on
    ``secret:<environment>/*`` was refused where AWS allows it, and could not be
    told from one allowing every secret. Here a request naming a secret
    (``SecretId``, or ``Name`` for CreateSecret) is checked against the ARN of
    the secret it names (found by name or ARN); a secret not there yet against
    ``arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????``, the
    pattern AWS documents for it; a request naming none (ListSecrets) against ``*``.
    """
    import json

    from moto.secretsmanager.responses import SecretsManagerResponse

    def _determine_resource(self: SecretsManagerResponse) -> str:
        try:
            body = json.loads(self.body or "{}")
        except (TypeError, ValueError):
            return "*"
        name = (body.get("SecretId") or body.get("Name")) if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:
            return "*"
        arn = getattr(self.backend.secrets.get(name), "arn", None)
        if isinstance(arn, str):
            return arn
        if name.startswith("arn:"):
            return name
        return f"arn:{self.partition}:secretsmanager:{self.region}:{self.current_account}:secret:{name}-??????"

    SecretsManagerResponse._determine_resource = _determine_resource  # type: ignore[attr-defined]
