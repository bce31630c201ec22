"""Solobase (document 000): shared RDS shards hosting customer databases, a stack per customer instance
(Lambda behind CloudFront, or ECS behind the platform's ALB), the management platform, the VPC.

Per environment: the platform stack (``solobase-<env>``), a databases stack per
shard (PostgreSQL provider) and a stack per customer instance, read from the
tenant registry (``tenants/solobase/<env>.toml``). Settings and defaults in
:mod:`.settings`, stack classes in :mod:`.stacks`, the names by which one stack
finds another's resources in :mod:`.contracts`, the registry and placement in
:mod:`.tenants` and :mod:`.placement`, the operator commands in :mod:`.cli`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from infra.registry import ConfiguredStack, StackSpec, System, Upload, platform_stack
from infra.systems.solobase import contracts, tenants
from infra.systems.solobase.settings import ENVIRONMENTS, SolobaseSettings, cost_preset, defaults
from infra.systems.solobase.tenants import Plan, Runtime, TenantRegistry


def platform_class() -> ConfiguredStack:
    from infra.systems.solobase.stacks import SolobasePlatformStack

    return SolobasePlatformStack


def tenant_class() -> ConfiguredStack:
    from infra.systems.solobase.stacks import SolobaseTenantStack

    return SolobaseTenantStack


def shard_class() -> ConfiguredStack:
    from infra.systems.solobase.stacks import SolobaseShardDatabasesStack

    return SolobaseShardDatabasesStack


def registry(settings: SolobaseSettings) -> TenantRegistry:
    """The environment's tenant registry, checked against its settings."""
    directory = tenants.tenants_dir()
    tenants.reject_stray_files(directory, ENVIRONMENTS)
    found = tenants.load(settings.environment, directory)
    tenants.check(found, settings.tenancy, settings.max_connections)
    return found


def across_environments(environments: Sequence[SolobaseSettings]) -> Sequence[SolobaseSettings]:
    """Environments sharing an account: their reservations fit the account's one Lambda quota together, and
    their instances' names (``solobase-<id8>``) are distinct (see tenants.check_account)."""
    accounts: dict[tuple[str, str], list[SolobaseSettings]] = {}
    for settings in environments:
        if settings.shares_account and settings.account_id is not None:
            accounts.setdefault((settings.account_id, settings.region), []).append(settings)
    for (account, _), group in accounts.items():
        tenants.check_account(account, [(registry(settings), settings.tenancy) for settings in group])
    return environments


def stack_specs(settings: SolobaseSettings) -> list[StackSpec]:
    """The platform, a databases stack per shard, a stack per customer instance (see .stacks)."""
    found = registry(settings)
    env = settings.environment
    names = contracts.Names(env)
    if not settings.instances.enable_custom_domains:
        for index, tenant in enumerate(found.tenants):
            if tenant.runtime is Runtime.ECS:
                raise tenants.RegistryError(
                    f"{found.where} tenants[{index}] ({tenant.subdomain}).runtime",
                    "lambda while instances.enable_custom_domains is false (ECS instances are reached by host name)",
                    "ecs",
                )
    platform = platform_stack(
        settings, platform_class, regions=[settings.backup_region] if settings.backup_region else []
    )
    binaries = settings.binaries
    # The release: the package in the binaries bucket, which the bootstrap stack makes (or which exists).
    bucket = () if binaries.create_bucket else (Upload(bucket=binaries.bucket_name, make_bucket=True),)
    package = Upload(bucket=binaries.bucket_name, key=binaries.package_key)
    platform = dataclasses.replace(platform, arguments={"shards": found.shards}, uploads=bucket)
    specs = [platform]
    for shard in found.shards:
        specs.append(
            StackSpec(
                stack_id=names.shard_stack_id(shard),
                kind="databases",
                system=settings.system,
                environments=(env,),
                regions=(settings.region,),
                state=settings.state.with_key(f"{env}/shards/{shard}/terraform.tfstate"),
                factory=shard_class,
                settings=settings,
                providers=("postgresql", "aws"),
                account_id=settings.account_id,
                arguments={"shard": shard, "tenants": found.on_shard(shard)},
                depends_on=(platform.stack_id,),
            )
        )
    for tenant in found.tenants:
        # The instance looks the platform up; its shard's databases stack makes its database, role and secret,
        # which it uses at run time only (it names the secret, looking nothing up).
        shard_needs = (names.shard_stack_id(tenant.shard),) if tenant.shard else ()
        # A dedicated database's automated backups are copied to the backup region, as the shards' are.
        copies = (settings.backup_region,) if settings.backup_region and Plan(tenant.plan).dedicated_database else ()
        specs.append(
            StackSpec(
                stack_id=names.tenant_stack_id(tenant.subdomain),
                kind="tenant",
                system=settings.system,
                environments=(env,),
                regions=(settings.region, *copies),
                state=settings.state.with_key(f"{env}/tenants/{tenant.instance_id}/terraform.tfstate"),
                factory=tenant_class,
                settings=settings,
                account_id=settings.account_id,
                arguments={"tenant": tenant},
                depends_on=(platform.stack_id,),
                run_time_needs=shard_needs,
                uploads=(package,) if tenant.runtime is Runtime.LAMBDA else (),
            )
        )
    return specs


SYSTEM = System(
    name="solobase",
    environments=ENVIRONMENTS,
    defaults=defaults,
    stacks=stack_specs,
    cost_preset=cost_preset,
    across_environments=across_environments,
)
