"""A password generated at apply time that never reaches Terraform state.

Terraform 1.11 with provider 5.100.0 has the ephemeral resource
``aws_secretsmanager_random_password``: its value exists only while a plan or
apply runs, and may be used only where Terraform forgets it again, that is in
write-only arguments (``password_wo``, ``secret_string_wo``, ...). cdktf 0.21
has no class for ephemeral blocks, so this construct adds the block to the
stack's JSON with an override and hands out Terraform references to it.

A new value is generated on every run; write-only arguments only send it when
their ``*_wo_version`` changes, so every consumer of one password must share
one version (see PostgresInstance).
"""

from __future__ import annotations

import re

from constructs import Construct

from infra import validation
from infra.constructs.aws_context import provider_reference, stack_of

EPHEMERAL_TYPE = "aws_secretsmanager_random_password"


class EphemeralPassword(Construct):
    """An alphanumeric password of ``length`` characters, safe in URLs and RDS passwords."""

    def __init__(self, scope: Construct, id_: str, *, length: int = 32) -> None:
        super().__init__(scope, id_)
        validation.int_between("password length", length, 16, 4096)
        stack = stack_of(self)
        path = self.node.path.split("/", 1)[1] if "/" in self.node.path else self.node.path
        self.logical_id = re.sub(r"[^A-Za-z0-9_]", "_", path)
        # Punctuation excluded: RDS refuses some of it and URLs would need escaping.
        block: dict[str, object] = {
            "password_length": length,
            "exclude_punctuation": True,
            "require_each_included_type": True,
        }
        if (provider := provider_reference(self)) is not None:
            block["provider"] = provider
        stack.add_override(f"ephemeral.{EPHEMERAL_TYPE}.{self.logical_id}", block)

    @property
    def value(self) -> str:
        """A reference to the generated password, valid only in write-only arguments."""
        return f"ephemeral.{EPHEMERAL_TYPE}.{self.logical_id}.random_password"
