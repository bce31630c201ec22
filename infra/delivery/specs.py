"""The ``ci-<system>`` stacks: one per system, holding the roles its CI jobs assume (kind ``ci``)."""

from __future__ import annotations

from collections.abc import Sequence

from infra.config.model import SystemSettings
from infra.delivery.settings import DeliverySettings
from infra.registry import StackLoader, StackSpec
from infra.validation import ConfigError

CI_STATE_KEY = "ci/terraform.tfstate"


def ci_stack_id(system: str, account: str | None = None, *, several: bool = False) -> str:
    """``ci-<system>``; ``ci-<system>-<account>`` when the system's environments span several accounts."""
    return f"ci-{system}-{account or 'unnamed'}" if several else f"ci-{system}"


def ci_specs(loaded: Sequence[SystemSettings], delivery: DeliverySettings, factory: StackLoader) -> list[StackSpec]:
    """A ``ci-<system>`` stack per system and account, in the system's state bucket.

    A system whose environments name several accounts gets one per account,
    each with the plan role and the apply roles of that account's
    environments. GitHub's OIDC provider is one per account: in each account
    the system ``delivery.oidc_provider_creators`` names there creates it (two
    named in one account are refused), else the first system of that account;
    the others look it up and deploy after it. Environments with no account id
    count as one account (the one the credentials name).
    """
    groups: dict[tuple[str, str | None], list[SystemSettings]] = {}
    for settings in loaded:
        groups.setdefault((settings.system, settings.account_id), []).append(settings)
    accounts_of: dict[str, list[str | None]] = {}
    for system, account in groups:
        accounts_of.setdefault(system, []).append(account)
    creators: dict[str | None, str] = {}
    for system in delivery.oidc_provider_creators:
        for account in accounts_of.get(system, []):
            if account in creators and creators[account] != system:
                raise ConfigError(
                    "oidc_provider.create_in",
                    f"one system per account ({creators[account]} creates it in {account or 'the unnamed one'})",
                    system,
                )
            creators[account] = system
    for system, account in groups:
        creators.setdefault(account, system)
    ids = {key: ci_stack_id(key[0], key[1], several=len(accounts_of[key[0]]) > 1) for key in groups}
    specs = []
    for (system, account), environments in groups.items():
        first = environments[0]
        creator = creators[account]
        several = len(accounts_of[system]) > 1
        specs.append(
            StackSpec(
                stack_id=ids[(system, account)],
                kind="ci",
                system=system,
                # Every environment's roles, and none's in particular: an ENVS filter (make up) leaves it out.
                environments=(),
                regions=(first.state.region,),
                state=first.state.with_key(f"ci/{account or 'unnamed'}/terraform.tfstate" if several else CI_STATE_KEY),
                factory=factory,
                settings=first,
                account_id=account,
                arguments={
                    "creates_oidc_provider": creator == system,
                    "environments": tuple(s.environment for s in environments),
                    "several_accounts": several,
                },
                depends_on=() if creator == system else (ids[(creator, account)],),
            )
        )
    return specs
