"""Non-secret settings in SSM Parameter Store, under one path, readable by the containers that need them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter
from constructs import Construct

from infra.constructs.iam import Statement
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

    def read_statements(self) -> list[Statement]:
        return [Statement(actions=["ssm:GetParameters"], resources=[self.arn])]


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

    def reference(self, name: str) -> ParameterReference:
        if name not in self.parameters:
            raise ConfigError("parameter", f"one of {tuple(self.parameters)!r}", name)
        return ParameterReference(self.parameters[name].arn)
