"""Secrets Manager: rotation schedules, of managed secrets (such as RDS master passwords) in particular."""

from __future__ import annotations

from typing import Any

from emulator.fills import fill


def _refuse_unless_a_service_rotates(secret: Any) -> None:
    """What AWS refuses before any rotation without a function: a deleted secret, and a secret no service
    manages (InvalidRequestException, as RotateSecret documents)."""
    from moto.secretsmanager.exceptions import InvalidRequestException

    if secret.is_deleted():
        raise InvalidRequestException("You tried to perform the operation on a secret that's currently marked deleted.")
    if secret.owning_service is None:
        raise InvalidRequestException(
            "No Lambda rotation function ARN is associated with this secret, and no service manages it."
        )


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

    from moto.secretsmanager.exceptions import (
        InvalidParameterException,
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
        _refuse_unless_a_service_rotates(secret)
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


@fill(
    behaviour="Rotating a secret RDS manages makes RDS set a new master password: a new version holding it becomes "
    "AWSCURRENT and the version it replaces AWSPREVIOUS.",
    reference="https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html",
)
def managed_rotation_makes_a_new_current_version() -> None:
    """RotateSecret (now) of an RDS master secret, or ModifyDBInstance ``RotateMasterUserPassword``, rotates it.

    On AWS the managing service rotates its own secret (managed rotation):
    RDS generates a new master password, sets it on the database and stores
    it as a new version of the secret, labelled AWSCURRENT; the version that
    was current becomes AWSPREVIOUS (staging labels,
    https://docs.aws.amazon.com/secretsmanager/latest/userguide/whats-in-a-secret.html).
    Anything that copied the old value now holds a dead password. moto 5.2.5,
    with no rotation function, adds a version without a value and makes it
    AWSCURRENT, so GetSecretValue of the rotated secret has nothing to read.

    Here a secret RDS manages (tag ``aws:secretsmanager:owningService`` rds)
    gets a new version with the same JSON and a new ``password`` (28 random
    characters), AWSCURRENT, the previous one AWSPREVIOUS, no AWSPENDING left,
    a new last-rotated date; the DB instance or cluster holding the secret
    takes the new password. ``ClientRequestToken`` names the version, as on AWS.

    Fail closed: a secret another service manages is refused
    (InvalidRequestException): the emulator does not know how that service
    rotates; so is one no service manages and no function rotates (moto would
    add an empty version), as on AWS. Rotating later, or with a rotation
    function, is as before.
    """
    import json
    import string
    import time

    from moto.moto_api._internal import mock_random
    from moto.rds.models import rds_backends
    from moto.secretsmanager.exceptions import InvalidRequestException
    from moto.secretsmanager.models import FakeSecret, SecretsManagerBackend

    alphabet = string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?[]^_{|}~"

    def new_password() -> str:
        return "".join(mock_random.choice(alphabet) for _ in range(28))

    def set_on_database(backend: SecretsManagerBackend, secret_arn: str, password: str) -> None:
        rds = rds_backends[backend.account_id][backend.region_name]
        resources: list[Any] = [*rds.databases.values(), *rds.clusters.values()]
        for resource in resources:
            managed = getattr(resource, "master_user_secret", None)
            if managed is not None and managed.secret_arn == secret_arn:
                resource.master_user_password = password

    original = SecretsManagerBackend.rotate_secret

    def rotate_secret(self: SecretsManagerBackend, secret_id: str, **request: Any) -> str:
        # moto's own callers (its API, RDS's RotateMasterUserPassword) pass everything but the id by keyword.
        secret = self.secrets.get(secret_id) if self._is_valid_identifier(secret_id) else None
        if (
            not request.get("rotate_immediately", True)
            or request.get("rotation_lambda_arn")
            or not isinstance(secret, FakeSecret)
            or secret.rotation_lambda_arn
        ):
            result: str = original(self, secret_id, **request)
            return result
        _refuse_unless_a_service_rotates(secret)
        if secret.owning_service != "rds":
            raise InvalidRequestException(
                f"The secret is managed by {secret.owning_service}; the emulator rotates only secrets RDS manages."
            )
        current = secret.versions[str(secret.default_version_id)]
        password = new_password()
        value = json.dumps({**json.loads(current["secret_string"]), "password": password})
        version_id = request.get("client_request_token") or str(mock_random.uuid4())
        if version_id in secret.versions:
            raise InvalidRequestException(f"A version {version_id} of this secret already exists.")
        secret.remove_version_stages_from_old_versions(["AWSPENDING"])
        now = int(time.time())
        version = {"createdate": now, "version_id": version_id, "version_stages": ["AWSCURRENT"]}
        version["secret_string"] = value
        secret.reset_default_version(version, version_id)
        secret.secret_string = value
        secret.last_rotation_date = now
        secret.last_changed_date = now
        set_on_database(self, secret.arn, password)
        short: str = secret.to_short_dict(version_id=version_id)
        return short

    SecretsManagerBackend.rotate_secret = rotate_secret  # type: ignore[method-assign,assignment]
