"""The Solobase tenant registry: one committed data file per environment listing the customer instances.

``tenants/solobase/<environment>.toml`` (``$INFRA_TENANTS_DIR`` instead of
``tenants/`` when set) holds the environment's shards and one entry per
customer instance::

    shards = ["01"]

    [[tenants]]
    instance_id = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    subdomain = "myapp"
    plan = "professional"
    runtime = "lambda"        # lambda (default) or ecs
    shard = "01"              # the shared RDS instance solobase-shared-<env>-01 (none for business)

The file is written by placement (``make tenant-add``) and removal
(``make tenant-remove``) and read by every synth; a synth never writes it, so
an assignment changes only when someone commits a change. Every entry is
checked before anything is built: a bad one stops the synth with one line
naming the file, the entry and the field.

Every environment has shard stacks, so every environment has its file, with
``shards`` set: an environment without customers yet is ``shards = ["01"]``
and no ``[[tenants]]`` (the committed registries start so). A missing file or
directory (a typo in ``$INFRA_TENANTS_DIR``, a checkout without ``tenants/``)
is refused rather than read as "no customers": the shard stacks would then
hold no databases, and deploying them would drop every customer's.

This module is data only: it imports no construct and nothing of cdktf.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from infra import paths, validation
from infra.validation import ConfigError

TENANTS_DIR_ENV = "INFRA_TENANTS_DIR"
SYSTEM = "solobase"

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_SHARD = re.compile(r"^(0[1-9]|[1-9][0-9])$")
MANAGEMENT_LABEL = "manage"
"""The management platform's host (``manage.<domain>``): no customer may take it."""
FIRST_TENANT_PRIORITY = 100
"""Listener rule priorities below this are the platform's (the management host rule is 1)."""
MAX_LISTENER_PRIORITY = 50000


class RegistryError(ConfigError):
    """A bad registry: its field names the file and the entry, so enclosing settings paths are not prepended."""

    def within(self, prefix: str) -> ConfigError:
        return self

    @classmethod
    def at(cls, error: ConfigError, label: str) -> RegistryError:
        return cls(f"{label}.{error.field}", error.allowed, error.given)


class Plan(StrEnum):
    """Customer plans. Professional and up may run on ECS; Business gets a dedicated RDS instance."""

    HOBBY = "hobby"
    STARTER = "starter"
    PROFESSIONAL = "professional"
    BUSINESS = "business"

    @property
    def allows_ecs(self) -> bool:
        return self in (Plan.PROFESSIONAL, Plan.BUSINESS)

    @property
    def dedicated_database(self) -> bool:
        return self is Plan.BUSINESS


class Runtime(StrEnum):
    """Where an instance runs: a Lambda function (default) or a Fargate service behind the shared ALB."""

    LAMBDA = "lambda"
    ECS = "ecs"


@dataclass(frozen=True, kw_only=True)
class PlanSettings:
    """What one plan may use."""

    reserved_concurrency: int
    """Lambda reserved concurrency of each instance on the plan (its cost ceiling)."""
    connection_limit: int | None = None
    """CONNECTION LIMIT of each instance's role on its shard; None for plans with a dedicated database."""

    def __post_init__(self) -> None:
        validation.int_between("reserved_concurrency", self.reserved_concurrency, 1, 1000)
        if self.connection_limit is not None:
            validation.int_between("connection_limit", self.connection_limit, 1, 1000)


@dataclass(frozen=True, kw_only=True)
class PlansSettings:
    """``[tenancy.plans.<plan>]``.

    Reserved concurrency is the document's (Hobby 5, Starter 10, Pro 25);
    Business is not stated: 50, twice Professional. Connection limits are not
    stated: 2, 3 and 5, so that a shard of 120 Hobby databases (240) fits the
    250 connections left of ``max_connections`` 300 after the admin reserve,
    as the document's "100-150 databases" per instance requires. An instance
    whose concurrent invocations outnumber its connections waits for one
    (keep the app's pool at one connection per execution environment).
    """

    hobby: PlanSettings = field(default_factory=lambda: PlanSettings(reserved_concurrency=5, connection_limit=2))
    starter: PlanSettings = field(default_factory=lambda: PlanSettings(reserved_concurrency=10, connection_limit=3))
    professional: PlanSettings = field(
        default_factory=lambda: PlanSettings(reserved_concurrency=25, connection_limit=5)
    )
    business: PlanSettings = field(default_factory=lambda: PlanSettings(reserved_concurrency=50))

    def __post_init__(self) -> None:
        for plan in Plan:
            limit = self.of(plan).connection_limit
            if plan.dedicated_database and limit is not None:
                raise ConfigError(f"{plan}.connection_limit", "unset (the plan has a dedicated database)", limit)
            if not plan.dedicated_database and limit is None:
                raise ConfigError(f"{plan}.connection_limit", "set (the plan's databases are on shared shards)", None)

    def of(self, plan: Plan) -> PlanSettings:
        settings: PlanSettings = getattr(self, plan.value)
        return settings


@dataclass(frozen=True, kw_only=True)
class TenancySettings:
    """``[tenancy]``: how instances are placed on shards and what an environment may reserve."""

    plans: PlansSettings = field(default_factory=PlansSettings)
    max_databases_per_shard: int = 120
    """The document's trigger for a new shared instance ("when databases > 120")."""
    reserved_admin_connections: int = 50
    """Connections of ``max_connections`` kept for admin and monitoring; the rest is the tenants' budget.
    50 of 300 leaves 250, the document's connection alarm: tenants at their limits stay below it."""
    account_concurrency_limit: int = 1000
    """The account's Lambda concurrency quota (AWS's default; raise it here after AWS raises it)."""
    min_unreserved_concurrency: int = 100
    """AWS keeps at least 100 of the quota unreserved: reservations beyond that are refused."""

    def __post_init__(self) -> None:
        validation.int_between("max_databases_per_shard", self.max_databases_per_shard, 1, 10000)
        validation.int_between("reserved_admin_connections", self.reserved_admin_connections, 3, 10000)
        validation.int_between("account_concurrency_limit", self.account_concurrency_limit, 100, 1_000_000)
        validation.int_between(
            "min_unreserved_concurrency", self.min_unreserved_concurrency, 100, self.account_concurrency_limit
        )

    @property
    def reservable_concurrency(self) -> int:
        return self.account_concurrency_limit - self.min_unreserved_concurrency

    def connection_budget(self, max_connections: int) -> int:
        """Connections a shard's tenant roles may hold together."""
        return max_connections - self.reserved_admin_connections


@dataclass(frozen=True, kw_only=True)
class Tenant:
    """One customer instance."""

    instance_id: str
    """Lower-case UUID; names the instance's resources (``solobase-<first 8>``, ``instance_<id>``)."""
    subdomain: str
    """DNS label, unique in the environment: ``<subdomain>.<domain>``."""
    plan: Plan
    runtime: Runtime = Runtime.LAMBDA
    shard: str | None = None
    """Two digits, the shared instance ``solobase-shared-<env>-<shard>``; None for Business (dedicated)."""
    listener_priority: int | None = None
    """ECS runtime only: priority of its host rule on the shared ALB's HTTPS listener (placement chooses it)."""
    password_version: int = 1
    """Raise it to give the instance's database role a new password at the next deploy of its shard."""

    def __post_init__(self) -> None:
        if not isinstance(self.instance_id, str) or not _UUID.match(self.instance_id):
            raise ConfigError(
                "instance_id", "a lower-case UUID such as a1b2c3d4-e5f6-7890-abcd-ef1234567890", self.instance_id
            )
        if not isinstance(self.subdomain, str) or not _LABEL.match(self.subdomain):
            raise ConfigError(
                "subdomain", "a DNS label (1-63 lower-case letters, digits and inner hyphens)", self.subdomain
            )
        if self.subdomain == MANAGEMENT_LABEL:
            raise ConfigError(
                "subdomain", f"a label other than {MANAGEMENT_LABEL!r} (the management host)", self.subdomain
            )
        validation.one_of("plan", self.plan, tuple(p.value for p in Plan))
        validation.one_of("runtime", self.runtime, tuple(r.value for r in Runtime))
        plan, runtime = Plan(self.plan), Runtime(self.runtime)
        # TOML gives strings: keep the enums from here on.
        object.__setattr__(self, "plan", plan)
        object.__setattr__(self, "runtime", runtime)
        if runtime is Runtime.ECS and not plan.allows_ecs:
            raise ConfigError("runtime", f"lambda for the {plan} plan (ecs is for professional and business)", "ecs")
        if plan.dedicated_database:
            if self.shard is not None:
                raise ConfigError("shard", "unset for the business plan (it has a dedicated database)", self.shard)
        elif not isinstance(self.shard, str) or not _SHARD.match(self.shard):
            raise ConfigError("shard", "two digits naming a shard such as '01'", self.shard)
        if runtime is Runtime.ECS:
            validation.int_between(
                "listener_priority", self.listener_priority, FIRST_TENANT_PRIORITY, MAX_LISTENER_PRIORITY
            )
        elif self.listener_priority is not None:
            raise ConfigError("listener_priority", "unset for the lambda runtime", self.listener_priority)
        validation.int_between("password_version", self.password_version, 1, 1_000_000)

    @property
    def id8(self) -> str:
        """The first 8 characters of the id: the document's resource suffix (``solobase-<id8>``)."""
        return self.instance_id[:8]

    @property
    def function_name(self) -> str:
        return f"solobase-{self.id8}"

    @property
    def identifier(self) -> str:
        """The id as a PostgreSQL identifier: RDS database names and unquoted identifiers allow no hyphens."""
        return self.instance_id.replace("-", "_")

    @property
    def database_name(self) -> str:
        return f"instance_{self.identifier}"

    @property
    def role_name(self) -> str:
        return f"user_{self.identifier}"

    @property
    def label(self) -> str:
        """How messages name the entry."""
        return self.subdomain


_TENANT_FIELDS = tuple(f.name for f in fields(Tenant))


@dataclass(frozen=True)
class TenantRegistry:
    """An environment's shards and customer instances, in file order."""

    environment: str
    shards: tuple[str, ...] = ("01",)
    tenants: tuple[Tenant, ...] = ()
    source: str = ""
    """Where it was read from (``tenants/solobase/dev.toml``), for messages."""

    def on_shard(self, shard: str) -> tuple[Tenant, ...]:
        return tuple(t for t in self.tenants if t.shard == shard)

    def find(self, subdomain: str) -> Tenant:
        for tenant in self.tenants:
            if tenant.subdomain == subdomain:
                return tenant
        raise RegistryError(
            f"{self.where} subdomain", f"one of {tuple(t.subdomain for t in self.tenants)!r}", subdomain
        )

    @property
    def where(self) -> str:
        return self.source or f"tenants/{SYSTEM}/{self.environment}.toml"

    def with_tenants(self, tenants: Iterable[Tenant], shards: Iterable[str] | None = None) -> TenantRegistry:
        return replace(self, tenants=tuple(tenants), shards=tuple(shards) if shards is not None else self.shards)


def tenants_dir() -> Path:
    """Where registries live: ``tenants/`` at the repository root, or ``$INFRA_TENANTS_DIR``."""
    return Path(os.environ.get(TENANTS_DIR_ENV) or paths.REPOSITORY_ROOT / "tenants")


def registry_path(environment: str, directory: Path | None = None) -> Path:
    return (directory or tenants_dir()) / SYSTEM / f"{environment}.toml"


def reject_stray_files(directory: Path, environments: tuple[str, ...]) -> None:
    """Only ``solobase/<environment>.toml`` belongs here: a misspelt file would silently hold no tenants."""
    paths.reject_stray_files(
        directory,
        {SYSTEM: environments},
        what="tenant registry",
        layout=f"{SYSTEM}/<environment>.toml",
        error=RegistryError,
    )


def _entry_label(index: int, raw: Mapping[str, Any]) -> str:
    subdomain = raw.get("subdomain")
    return f"tenants[{index}] ({subdomain})" if isinstance(subdomain, str) and subdomain else f"tenants[{index}]"


def parse(environment: str, data: Mapping[str, Any], source: str) -> TenantRegistry:
    """A registry from parsed TOML, each entry checked on its own (cross-entry checks: :func:`check`)."""
    for key in data:
        if key not in ("shards", "tenants"):
            raise RegistryError(f"{source} {key}", "one of ('shards', 'tenants')", key)
    if "shards" not in data:
        raise RegistryError(
            f"{source} shards",
            'set (the environment\'s shards, e.g. shards = ["01"]: a file without it is no registry)',
            None,
        )
    shards_raw = data["shards"]
    if not isinstance(shards_raw, list) or not shards_raw:
        raise RegistryError(f"{source} shards", "a non-empty list of two-digit shard ids such as ['01']", shards_raw)
    for index, shard in enumerate(shards_raw):
        if not isinstance(shard, str) or not _SHARD.match(shard):
            raise RegistryError(f"{source} shards[{index}]", "two digits such as '01'", shard)
    try:
        validation.unique(f"{source} shards", shards_raw)
    except ConfigError as error:
        raise RegistryError(error.field, error.allowed, error.given) from None
    tenants_raw = data.get("tenants", [])
    if not isinstance(tenants_raw, list):
        raise RegistryError(f"{source} tenants", "an array of tables ([[tenants]])", tenants_raw)
    tenants = []
    for index, raw in enumerate(tenants_raw):
        if not isinstance(raw, Mapping):
            raise RegistryError(f"{source} tenants[{index}]", "a table ([[tenants]])", raw)
        label = f"{source} {_entry_label(index, raw)}"
        for key in raw:
            if key not in _TENANT_FIELDS:
                raise RegistryError(f"{label}.{key}", f"one of the fields {_TENANT_FIELDS!r}", key)
        for key in ("instance_id", "subdomain", "plan"):
            if key not in raw:
                raise RegistryError(f"{label}.{key}", "set", None)
        try:
            tenants.append(Tenant(**raw))
        except ConfigError as error:
            raise RegistryError.at(error, label) from None
    return TenantRegistry(environment, tuple(shards_raw), tuple(tenants), source)


MISSING_MEANS = "a missing registry would drop every customer database on the environment's shards"


def load(environment: str, directory: Path | None = None) -> TenantRegistry:
    """The environment's registry; a missing directory or file is refused (see the module docstring)."""
    directory = directory or tenants_dir()
    path = registry_path(environment, directory)
    source = f"tenants/{SYSTEM}/{environment}.toml"
    if not directory.is_dir():
        named = os.environ.get(TENANTS_DIR_ENV)
        raise RegistryError(
            TENANTS_DIR_ENV if named else "tenants/",
            f"an existing directory holding {SYSTEM}/<environment>.toml ({MISSING_MEANS})",
            str(directory),
        )
    if not path.is_file():
        raise RegistryError(
            source,
            f'an existing file: an environment without customers has shards = ["01"] and no [[tenants]] '
            f"({MISSING_MEANS})",
            f"missing from {directory}",
        )
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RegistryError(source, "valid TOML", str(error)) from None
    return parse(environment, data, source)


@dataclass(frozen=True)
class ShardUse:
    """What a shard's tenants take of it."""

    databases: int
    connections: int


def usage(registry: TenantRegistry, plans: PlansSettings) -> dict[str, ShardUse]:
    """Databases and summed role connection limits per shard, for every shard of the registry."""
    databases: Counter[str] = Counter()
    connections: Counter[str] = Counter()
    for tenant in registry.tenants:
        if tenant.shard is not None:
            databases[tenant.shard] += 1
            connections[tenant.shard] += plans.of(tenant.plan).connection_limit or 0
    return {shard: ShardUse(databases[shard], connections[shard]) for shard in registry.shards}


def reserved_concurrency(registry: TenantRegistry, plans: PlansSettings) -> tuple[int, dict[str, int]]:
    """The environment's summed Lambda reserved concurrency, and its part per plan."""
    per_plan: Counter[str] = Counter()
    for tenant in registry.tenants:
        if tenant.runtime is Runtime.LAMBDA:
            per_plan[tenant.plan] += plans.of(tenant.plan).reserved_concurrency
    return sum(per_plan.values()), {plan.value: per_plan[plan] for plan in Plan if per_plan[plan]}


def check_concurrency(registry: TenantRegistry, tenancy: TenancySettings, path: str) -> None:
    """Refuse reservations that would leave less than the minimum of the account's quota unreserved."""
    total, per_plan = reserved_concurrency(registry, tenancy.plans)
    if total > tenancy.reservable_concurrency:
        parts = ", ".join(f"{plan} {amount}" for plan, amount in per_plan.items())
        raise RegistryError(
            f"{path} reserved concurrency",
            f"at most {tenancy.reservable_concurrency} in total, leaving {tenancy.min_unreserved_concurrency} of the "
            f"account limit {tenancy.account_concurrency_limit} unreserved (reserved: {parts})",
            total,
        )


def check_account(account: str, environments: Sequence[tuple[TenantRegistry, TenancySettings]]) -> None:
    """Environments sharing one AWS account share its Lambda quota and its function names.

    Their ``account_concurrency_limit`` and ``min_unreserved_concurrency`` are the account's, so they must
    agree; their reservations together must leave the minimum unreserved (AWS counts them per account and
    region); no two of their instances may have one first 8 characters (``solobase-<id8>`` names a function,
    a target group and a log group, which the account holds once).
    """
    first, tenancy = environments[0]
    for registry, other in environments[1:]:
        for name in ("account_concurrency_limit", "min_unreserved_concurrency"):
            if getattr(other, name) != getattr(tenancy, name):
                raise ConfigError(
                    f"{SYSTEM}.{registry.environment}.tenancy.{name}",
                    f"{getattr(tenancy, name)}, as {SYSTEM}.{first.environment} has: both are in account {account}",
                    getattr(other, name),
                )
    parts = {registry.environment: reserved_concurrency(registry, tenancy.plans)[0] for registry, _ in environments}
    total = sum(parts.values())
    if total > tenancy.reservable_concurrency:
        raise RegistryError(
            f"account {account} reserved concurrency ({', '.join(r.where for r, _ in environments)})",
            f"at most {tenancy.reservable_concurrency} in total across its environments, leaving "
            f"{tenancy.min_unreserved_concurrency} of the account limit {tenancy.account_concurrency_limit} "
            f"unreserved (reserved: {', '.join(f'{env} {amount}' for env, amount in parts.items())})",
            total,
        )
    seen: dict[str, str] = {}
    for registry, _ in environments:
        for index, tenant in enumerate(registry.tenants):
            owner = seen.setdefault(tenant.id8, registry.where)
            if owner != registry.where:
                raise RegistryError(
                    f"{registry.where} tenants[{index}] ({tenant.subdomain}).instance_id",
                    f"an id whose first 8 characters no instance of account {account} has ({owner} has "
                    f"{tenant.id8}: it names the instance's function, target group and log group)",
                    tenant.instance_id,
                )


def check(registry: TenantRegistry, tenancy: TenancySettings, max_connections: int) -> None:
    """Cross-entry checks: unique ids, subdomains and names, known shards, shard capacity, concurrency budget."""
    where = registry.where
    seen: dict[str, dict[str, int]] = {"instance_id": {}, "subdomain": {}, "id8": {}, "listener_priority": {}}
    for index, tenant in enumerate(registry.tenants):
        label = f"{where} tenants[{index}] ({tenant.subdomain})"
        values = {
            "instance_id": tenant.instance_id,
            "subdomain": tenant.subdomain,
            "id8": tenant.id8,
            "listener_priority": tenant.listener_priority,
        }
        for key, value in values.items():
            if value is None:
                continue
            first = seen[key].setdefault(str(value), index)
            if first != index and key == "id8":
                raise RegistryError(
                    f"{label}.instance_id",
                    f"an id whose first 8 characters no other entry has (tenants[{first}] has {value}; "
                    "they name the instance's resources)",
                    tenant.instance_id,
                )
            if first != index:
                raise RegistryError(f"{label}.{key}", f"unique in the environment (tenants[{first}] has it)", value)
        if tenant.shard is not None and tenant.shard not in registry.shards:
            raise RegistryError(f"{label}.shard", f"one of the registry's shards {registry.shards!r}", tenant.shard)
    budget = tenancy.connection_budget(max_connections)
    for shard, use in usage(registry, tenancy.plans).items():
        if use.databases > tenancy.max_databases_per_shard:
            raise RegistryError(
                f"{where} shard {shard} databases",
                f"at most {tenancy.max_databases_per_shard} (tenancy.max_databases_per_shard)",
                use.databases,
            )
        if use.connections > budget:
            raise RegistryError(
                f"{where} shard {shard} connection limits",
                f"at most {budget} in total ({max_connections} max_connections - "
                f"{tenancy.reserved_admin_connections} reserved for admin and monitoring)",
                use.connections,
            )
    check_concurrency(registry, tenancy, where)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} to a registry")


HEADER = (
    "# Solobase customer instances of {environment}: written by `make tenant-add`, read by every synth.\n"
    "# Placement never moves an existing instance; see README (Solobase, tenants) before editing by hand.\n"
)


def dump(registry: TenantRegistry) -> str:
    """The registry as TOML; fields left at their defaults are not written."""
    lines = [HEADER.format(environment=registry.environment), f"shards = {_toml_value(list(registry.shards))}\n"]
    defaults = {"runtime": Runtime.LAMBDA, "shard": None, "listener_priority": None, "password_version": 1}
    for tenant in registry.tenants:
        lines.append("\n[[tenants]]\n")
        for name in _TENANT_FIELDS:
            value = getattr(tenant, name)
            if name in defaults and value == defaults[name] and name != "runtime":
                continue
            lines.append(f"{name} = {_toml_value(str(value) if isinstance(value, StrEnum) else value)}\n")
    return "".join(lines)


def save(registry: TenantRegistry, directory: Path | None = None) -> Path:
    """Write the registry atomically (a reader sees the old file or the new one, never half of it)."""
    path = registry_path(registry.environment, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.tmp")
    scratch.write_text(dump(registry))
    scratch.replace(path)
    return path
