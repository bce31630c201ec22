"""The stack of a system's CI deployer roles (``ci-<system>``): GitHub's OIDC provider and the roles jobs assume."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from infra.constructs.deployer_role import DeployerRole
from infra.constructs.github_oidc_provider import GithubOidcProvider
from infra.constructs.outputs import output
from infra.delivery import policies
from infra.naming import pascal
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from infra.validation import ConfigError

PLAN_SESSION_SECONDS = 3600
APPLY_SESSION_SECONDS = 7200
"""An apply of a large stack (EKS, RDS replicas) outlasts the default hour of a role session."""


@dataclass(frozen=True)
class DeployerRolesProps:
    roles: tuple[dict[str, Any], ...]
    """The system's roles from infra/delivery/policies.json (name, purpose, trust, policies)."""
    creates_oidc_provider: bool


class DeployerRolesStack(AwsStack):
    """A plan role and an apply role per environment, trusting GitHub's OIDC tokens of one repository.

    Deployed by an operator with administrator credentials, after the
    system's bootstrap stack (its state is in the system's bucket, key
    ``ci/terraform.tfstate``), never by the roles it creates. Their policies
    come from infra/delivery/policies.json (``make policies``), made from what
    the system's other stacks create.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> DeployerRolesProps:
        generated = policies.load()
        system = generated.get("systems", {}).get(spec.system)
        if not system or not system.get("roles"):
            raise ConfigError(
                f"{spec.stack_id} roles", "an entry in infra/delivery/policies.json (make policies)", None
            )
        # policies.json names one account per system; a system spread over several is checked by make policies.
        if system.get("account_id") != spec.account_id and not spec.arguments["several_accounts"]:
            raise ConfigError(
                f"{spec.stack_id} account", "the account infra/delivery/policies.json was made for", spec.account_id
            )
        # The plan role, and the apply roles of the environments in this stack's account.
        mine = set(spec.arguments["environments"])
        roles = tuple(r for r in system["roles"] if r["purpose"] == "plan" or set(r["environments"]) <= mine)
        return DeployerRolesProps(roles=roles, creates_oidc_provider=bool(spec.arguments["creates_oidc_provider"]))

    def __init__(self, scope: Construct, spec: StackSpec, props: DeployerRolesProps) -> None:
        super().__init__(scope, spec, tags={"Environment": "shared", "Purpose": "ci-deployer-roles"})
        first = props.roles[0]["trust"]
        provider = GithubOidcProvider(
            self,
            "GithubOidc",
            host=first["provider"],
            audience=first["audience"],
            create=props.creates_oidc_provider,
        )
        output(self, "oidc_provider_arn", provider.arn, "GitHub Actions' OIDC identity provider the roles trust")
        for role in props.roles:
            purpose, environments = role["purpose"], role["environments"]
            if purpose == "plan":
                description = f"{spec.system}: plan every stack (read-only, state and locks), from GitHub Actions"
                label, seconds = "plan", PLAN_SESSION_SECONDS
            else:
                (environment,) = environments
                description = (
                    f"{spec.system}: apply the {environment} stacks, from GitHub's {role['github_environment']}"
                )
                label, seconds = f"apply_{re.sub(r'[^a-z0-9]+', '_', environment)}", APPLY_SESSION_SECONDS
            deployer = DeployerRole(
                self,
                pascal(role["name"].removeprefix(policies.ROLE_PREFIX)),
                name=role["name"],
                description=description,
                provider_arn=provider.arn,
                provider_host=role["trust"]["provider"],
                audience=role["trust"]["audience"],
                subjects=role["trust"]["subjects"],
                policies=role["policies"],
                max_session_seconds=seconds,
            )
            output(self, f"{label}_role_arn", deployer.arn, f"Role GitHub Actions assume to {label.replace('_', ' ')}")
