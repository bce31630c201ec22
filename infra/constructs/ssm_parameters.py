"""Non-secret settings in SSM Parameter Store, under one path, readable by the containers that need them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from infra.constructs.iam import READ_SECRETS, Principal, Statement
from infra.validation import ConfigError

_PATH = re.compile(r"^(/[A-Za-z0-9_.-]+)+$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class ParameterReference:
    """A parameter ECS injects into a container at start (a ContainerSecretSource)."""

    arn: str

    @property
    def value_from(self) -> str:
        return self.arn

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` (a task execution role) read it as ECS does, with ``GetParameters``."""
        return principal.grant_role.grant(READ_SECRETS, Statement(actions=["ssm:GetParameters"], resources=[self.arn]))


class SsmParameters(Construct):
    """``<path>/<name>`` String parameters (plain text: never put a secret here; use Secret)."""

    def __init__(self, scope: Construct, id_: str, *, path: str, values: Mapping[str, str], description: str) -> None:
        super().__init__(scope, id_)
        if not _PATH.match(path):
            raise ConfigError("parameter path", "an absolute path such as /system/environment", path)
        self.path = path
        self.parameters: dict[str, SsmParameter] = {}
        for name, value in values.items():
            if not _NAME.match(name):
                raise ConfigError("parameter name", "lower-case letters, digits and hyphens", name)
            construct_id = "".join(part.capitalize() for part in name.split("-"))
            self.parameters[name] = SsmParameter(
                self,
                construct_id,
                name=f"{path}/{name}",
                type="String",
                value=value,
                description=f"{description}: {name}",
                tags={"Name": f"{path}/{name}"},
            )

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal``'s code read every parameter here, one at a time or in batches (no other path)."""
        if not self.parameters:
            raise ConfigError(f"{self.path} parameters", "at least one to grant reading", None)
        return principal.grant_role.grant(
            READ_SECRETS,
            Statement(
                actions=["ssm:GetParameter", "ssm:GetParameters"],
                resources=[parameter.arn for parameter in self.parameters.values()],
            ),
        )

    def reference(self, name: str) -> ParameterReference:
        if name not in self.parameters:
            raise ConfigError("parameter", f"one of {tuple(self.parameters)!r}", name)
        return ParameterReference(self.parameters[name].arn)
