"""The ``ci-<system>`` stacks: one per system, holding the roles its CI jobs assume (kind ``ci``)."""

from __future__ import annotations

from collections.abc import Sequence

from infra.config.model import SystemSettings
from infra.delivery.settings import DeliverySettings
from infra.registry import StackLoader, StackSpec
from infra.validation import ConfigError

CI_STATE_KEY = "ci/terraform.tfstate"


def ci_stack_id(system: str) -> str:
    return f"ci-{system}"


def ci_specs(loaded: Sequence[SystemSettings], delivery: DeliverySettings, factory: StackLoader) -> list[StackSpec]:
    """A ``ci-<system>`` stack per system, in its state bucket, in the account its environments share.

    GitHub's OIDC provider is one per account: ``delivery.oidc_provider_creators``
    must name exactly one system of each account (systems without an account id
    count as one account); the others look it up and deploy after that one.
    """
    by_system: dict[str, list[SystemSettings]] = {}
    for settings in loaded:
        by_system.setdefault(settings.system, []).append(settings)
    accounts: dict[str, str | None] = {}
    for system, environments in by_system.items():
        found = {s.account_id for s in environments}
        if len(found) > 1:
            raise ConfigError(
                f"{system} account_id", "one account for every environment (one ci stack)", sorted(map(str, found))
            )
        accounts[system] = found.pop()
    creators: dict[str | None, str] = {}
    for system in delivery.oidc_provider_creators:
        account = accounts[system]
        if account in creators:
            raise ConfigError(
                "oidc_provider.create_in",
                f"one system per account ({creators[account]} already creates it in {account or 'the unnamed one'})",
                system,
            )
        creators[account] = system
    specs = []
    for system, environments in by_system.items():
        account = accounts[system]
        if account not in creators:
            others = sorted(s for s, a in accounts.items() if a == account)
            raise ConfigError(
                "oidc_provider.create_in",
                f"a list naming one of {others} (they share account {account or '(none set)'})",
                list(delivery.oidc_provider_creators),
            )
        first = environments[0]
        creator = creators[account]
        specs.append(
            StackSpec(
                stack_id=ci_stack_id(system),
                kind="ci",
                system=system,
                # Every environment's roles, and none's in particular: an ENVS filter (make up) leaves it out.
                environments=(),
                regions=(first.state.region,),
                state=first.state.with_key(CI_STATE_KEY),
                factory=factory,
                settings=first,
                account_id=account,
                arguments={"creates_oidc_provider": creator == system},
                depends_on=() if creator == system else (ci_stack_id(creator),),
            )
        )
    return specs
