"""An IAM role a GitHub Actions job assumes through OIDC, with its generated managed policies."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from infra.constructs.iam import Statement, policy_document
from infra.validation import ConfigError


class DeployerRole(Construct):
    """``name``, trusting GitHub's tokens for ``subjects`` only, with ``policies`` attached in order.

    The trust policy allows ``sts:AssumeRoleWithWebIdentity`` to the account's
    GitHub OIDC provider when the token's ``aud`` is ``audience`` and its
    ``sub`` is exactly one of ``subjects`` (StringEquals: no wildcard, so a
    pull request's token never matches an environment's subject). Each policy
    is a customer-managed policy ``<name>-<n>``: inline policies share a
    10,240-character limit per role that the apply roles exceed.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        description: str,
        provider_arn: str,
        provider_host: str,
        audience: str,
        subjects: Sequence[str],
        policies: Sequence[Mapping[str, Any]],
        max_session_seconds: int,
    ) -> None:
        super().__init__(scope, id_)
        if not subjects:
            raise ConfigError(f"{name} trust subjects", "at least one GitHub OIDC subject", subjects)
        trust = policy_document(
            Statement(
                actions=["sts:AssumeRoleWithWebIdentity"],
                principals={"Federated": provider_arn},
                conditions={
                    "StringEquals": {
                        f"{provider_host}:aud": audience,
                        f"{provider_host}:sub": list(subjects) if len(subjects) > 1 else subjects[0],
                    }
                },
            )
        )
        self.role = IamRole(
            self,
            "Role",
            name=name,
            description=description,
            assume_role_policy=trust,
            max_session_duration=max_session_seconds,
            tags={"Name": name},
        )
        self.arn: str = self.role.arn
        for index, document in enumerate(policies, start=1):
            policy = IamPolicy(
                self,
                f"Policy{index}",
                name=f"{name}-{index}",
                description=f"{description} ({index} of {len(policies)}; generated: infra/delivery/policies.json)",
                policy=json.dumps(document),
                tags={"Name": f"{name}-{index}"},
            )
            IamRolePolicyAttachment(self, f"Attachment{index}", role=self.role.name, policy_arn=policy.arn)
