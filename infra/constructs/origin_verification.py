"""A header only one CloudFront distribution sends, and the check in front of an origin that refuses the rest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cdktf_cdktf_provider_aws.data_aws_secretsmanager_secret_version import DataAwsSecretsmanagerSecretVersion
from constructs import Construct

from infra.constructs.ephemeral_password import EphemeralPassword
from infra.constructs.http_api import HeaderAuthorizer
from infra.constructs.kms_key import KeyLike
from infra.constructs.lambda_function import LambdaFunction, python_package
from infra.constructs.network import NetworkLike
from infra.constructs.secret import Secret
from infra.constructs.security_group import ANY_IPV4
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.secret import SecretProps

HEADER = "x-origin-verify"
"""The header CloudFront adds to every request it sends the origin (infra/functions/origin_check.py reads it)."""
VALUE_LENGTH = 64
"""Letters and digits: about 380 bits, never guessed; CloudFront takes header values up to 1,783 characters."""
CHECK_MODULE = "infra.functions.origin_check"


def _module_file(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise LookupError(f"no module {name}")
    return Path(spec.origin)


class OriginVerification(Construct):
    """The secret ``secret_name``, the header value CloudFront sends, and the check function ``name``.

    - The value: 64 random letters and digits generated at apply time
      (ephemeral) and written write-only into the secret, encrypted with
      ``secret_key``; raising ``version`` writes a new one at the next deploy.
    - :attr:`header_value`: the secret's current value, read back for
      CloudFront's origin custom header. CloudFront takes custom headers as
      plain configuration (provider 5.100 has no write-only form of them), so
      this read, and the distribution's origin, hold the value in the state
      of the stack using it; no other state, file or code does.
    - :attr:`function`: the check (infra/functions/origin_check.py), a
      Lambda authorizer admitting requests whose ``x-origin-verify`` holds
      the secret's current or previous value (a rotation refuses nothing
      while CloudFront's edges take the new value). It may read that secret
      and nothing else; with ``network`` it runs in its private subnets and
      may open HTTPS only. :attr:`authorizer` puts it in front of an
      :class:`HttpApi`.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        secret_name: str,
        description: str,
        version: int,
        secret_key: KeyLike,
        environment_key: KeyLike | None,
        network: NetworkLike | None,
        log_retention_days: int,
        secret_props: SecretProps,
    ) -> None:
        super().__init__(scope, id_)
        secret = Secret(
            self,
            "Secret",
            name=secret_name,
            description=f"Value CloudFront sends in {HEADER} to {description}, written by Terraform",
            kms_key=secret_key,
            props=secret_props,
        )
        value = EphemeralPassword(self, "Value", length=VALUE_LENGTH)
        written = secret.write_only(value.value, version=version)
        self.header = HEADER
        self.header_value = DataAwsSecretsmanagerSecretVersion(
            self, "Current", secret_id=secret.arn, depends_on=[written]
        ).secret_string
        """The current value (a reference): what CloudFront's origin sends in :attr:`header`."""
        self.function = LambdaFunction(
            self,
            "Check",
            name=name,
            description=f"Admits only requests through CloudFront to {description}",
            code=python_package(self, "Code", module=_module_file(CHECK_MODULE)),
            props=LambdaFunctionProps(
                runtime="python3.12",
                handler=f"{CHECK_MODULE.rsplit('.', 1)[1]}.handler",
                architecture="arm64",
                memory_mb=128,
                timeout_seconds=5,
                log_retention_days=log_retention_days,
            ),
            environment={"ORIGIN_SECRET_ID": secret.arn},
            kms_key=environment_key,
            network=network,
        )
        if self.function.security_group is not None:
            self.function.security_group.allow_egress_to_cidr(ANY_IPV4, 443, label="HTTPS to Secrets Manager")
        secret.grant_read(self.function)
        self.secret = secret
        self.authorizer = HeaderAuthorizer(function=self.function, header=HEADER)
