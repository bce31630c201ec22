"""A Secrets Manager secret, encrypted with a customer key, whose value stays out of Terraform state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cdktf import Token
from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret
from cdktf_cdktf_provider_aws.secretsmanager_secret_version import SecretsmanagerSecretVersion
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, partition, region_name
from infra.constructs.iam import READ_SECRETS, Principal, Statement
from infra.constructs.kms_key import KeyLike
from infra.props.secret import SecretProps


def version_from(source: str) -> str:
    """An HCL number for ``*_wo_version`` that changes exactly when the HCL string ``source`` changes.

    Write-only values are sent only when their version changes; deriving it
    from what the value is made of rewrites the value when (and only when) that changes.
    """
    return f"parseint(substr(sha256({source}), 0, 12), 16)"


class ContainerSecretSource(Protocol):
    """Anything ECS can inject into a container's environment at start (Secrets Manager or SSM)."""

    @property
    def value_from(self) -> str:
        """The ``valueFrom`` of an ECS container secret."""
        ...

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` (the task execution role) read it."""
        ...


def _grant_read(principal: Principal, arn: str, kms_key: KeyLike | None) -> list[Statement]:
    """Reading a secret's value: ``GetSecretValue`` on it, and decrypting with its key through Secrets Manager.

    Without ``kms_key`` it is encrypted with the AWS-managed key, whose policy lets the account read through
    Secrets Manager already.
    """
    statements = [Statement(actions=["secretsmanager:GetSecretValue"], resources=[arn])]
    if kms_key is not None:
        statements.append(kms_key.decrypt_statement("secretsmanager"))
    return principal.grant_role.grant(READ_SECRETS, *statements)


class ReadableSecret(Protocol):
    """A secret known by ARN whose reading can be granted."""

    @property
    def arn(self) -> str: ...

    def grant_read(self, principal: Principal) -> list[Statement]: ...


@dataclass(frozen=True)
class SecretReference:
    """What a container reads: a secret, optionally one key of its JSON value (its AWSCURRENT version)."""

    secret: ReadableSecret
    json_key: str | None = None

    @property
    def value_from(self) -> str:
        return f"{self.secret.arn}:{self.json_key}::" if self.json_key else self.secret.arn

    def grant_read(self, principal: Principal) -> list[Statement]:
        return self.secret.grant_read(principal)


class Secret(Construct):
    """``name``, encrypted with ``kms_key``.

    Either its value is written here with :meth:`write_only` (a Terraform
    expression, possibly built from ephemeral values, sent through
    ``secret_string_wo`` so that state never holds it), or it is created empty
    and an operator puts the value in after deploy (``aws secretsmanager
    put-secret-value``); Terraform then leaves the value alone.
    """

    def __init__(
        self, scope: Construct, id_: str, *, name: str, description: str, kms_key: KeyLike, props: SecretProps
    ) -> None:
        super().__init__(scope, id_)
        validation.non_empty_text("secret name", name, max_length=512)
        self.name = name
        self.kms_key = kms_key
        self.secret = SecretsmanagerSecret(
            self,
            "Secret",
            name=name,
            description=description,
            kms_key_id=kms_key.arn,
            recovery_window_in_days=props.recovery_window_days,
            tags={"Name": name},
        )
        self.arn = self.secret.arn

    def write_only(self, value: str, *, version: str | int) -> SecretsmanagerSecretVersion:
        """Write ``value`` (an HCL expression, without ``${}``) whenever ``version`` changes.

        ``version`` is a number or an HCL number expression, usually :func:`version_from`.
        """
        return SecretsmanagerSecretVersion(
            self,
            "Value",
            secret_id=self.secret.id,
            secret_string_wo=f"${{{value}}}",
            secret_string_wo_version=version if isinstance(version, int) else Token.as_number(f"${{{version}}}"),
        )

    def key(self, json_key: str | None = None) -> SecretReference:
        """A reference to the whole value or to one key of its JSON, for containers."""
        return SecretReference(self, json_key)

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` read this secret's value."""
        return _grant_read(principal, self.arn, self.kms_key)


class SecretByName(Construct):
    """A secret of this account and region known by name only (another stack makes it): what reading it takes.

    Its ARN ends in six characters Secrets Manager chooses, so grants use the
    name with that suffix as a wildcard; nothing is looked up, so the secret
    may be created after the grant.
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, kms_key: KeyLike) -> None:
        super().__init__(scope, id_)
        validation.non_empty_text("secret name", name, max_length=512)
        self.name = name
        self.kms_key = kms_key
        self.arn_pattern = (
            f"arn:{partition(self)}:secretsmanager:{region_name(self)}:{account_id(self)}:secret:{name}-??????"
        )

    def grant_read(self, principal: Principal) -> list[Statement]:
        return _grant_read(principal, self.arn_pattern, self.kms_key)


@dataclass(frozen=True)
class SecretByArn:
    """A secret known by ARN that no construct here manages (RDS's master secret): what reading it takes."""

    arn: str
    kms_key: KeyLike | None
    """The key it is encrypted with; None for the AWS-managed ``aws/secretsmanager``."""

    def grant_read(self, principal: Principal) -> list[Statement]:
        return _grant_read(principal, self.arn, self.kms_key)

    def key(self, json_key: str | None = None) -> SecretReference:
        """A reference to the whole value or to one key of its JSON, for containers."""
        return SecretReference(self, json_key)
