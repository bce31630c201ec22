"""What a system is, and the stacks it yields: :class:`System` and :class:`StackSpec`.

A system is declared once, in its package (``infra/systems/<name>/``), as a
:class:`System`: its environments, its defaults, and ``stacks(settings)``, the
list of :class:`StackSpec` an environment yields (a platform stack, one per
customer, one per database shard, ...). The list of systems lives in
``infra.systems``; this module imports none of them.

Specs are plain data: listing every stack of every system imports no stack
class and builds no construct, so ``INFRA_STACKS`` selection builds only what it
names whatever the number of customer stacks. A spec holds its stack class
through a :data:`StackLoader`, a function the system defines that imports the
class and returns it (imports in a function are seen by the import graph and by
mypy; they run only when the spec is built). Every state bucket also yields a
bootstrap stack (``bootstrap-<bucket>``) that creates it, on local state.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from infra import validation
from infra.config import overrides
from infra.config.model import BackendSettings, StateBackendSettings, SystemSettings
from infra.config.presets import Preset
from infra.config.teardown import Overlays
from infra.paths import REPOSITORY_ROOT, reject_stray_files
from infra.validation import ConfigError

STACKS_ENV = "INFRA_STACKS"
CONFIG_DIR_ENV = "INFRA_CONFIG_DIR"
"""``[cost]`` in a config file: ``make cost``'s usage assumptions (infra.cost.usage reads it), not a setting."""

KINDS = ("platform", "tenant", "databases", "bootstrap", "ci")
"""platform: a system environment's own stack; tenant: one customer's; databases: objects inside a
database server (PostgreSQL provider); bootstrap: the state store a system's stacks use; ci: the roles
its CI jobs assume (infra.delivery.specs), deployed by an operator like bootstrap."""

PROVIDERS = ("aws", "postgresql")


S = TypeVar("S", bound="SystemSettings")


class ConfiguredStack(Protocol):
    """What a stack class offers the app: props from its spec first, the stack from both second."""

    @classmethod
    def configure(cls, spec: StackSpec) -> object: ...

    def __call__(self, scope: Any, spec: StackSpec, props: Any) -> Any:
        """The stack in ``scope`` (the cdktf App): typed loosely so that this data module imports no cdktf."""


StackLoader = Callable[[], ConfiguredStack]
"""Returns a stack class, importing it on first call (stack classes load the provider bindings: costly)."""


@dataclass(frozen=True, kw_only=True)
class Upload:
    """What an operator puts into S3 before a stack deploys: a release package, or a bucket no stack makes.

    On AWS it is the operator's step (the system's README section says how); on
    the emulator, ``make up`` and the deploy tests put a stand-in there before
    the stack deploys and take it away when the stack is destroyed.
    """

    bucket: str
    key: str | None = None
    """A Lambda package in the bucket (the stand-in is a zip holding an executable ``bootstrap``);
    None: the bucket alone."""
    make_bucket: bool = False
    """No stack makes the bucket: it is made when missing, and removed with the stack when empty."""

    def __post_init__(self) -> None:
        validation.bucket_name("upload bucket", self.bucket)
        if self.key is not None and not self.key.endswith(".zip"):
            raise ConfigError("upload key", "the key of a .zip package", self.key)


@dataclass(frozen=True, kw_only=True)
class StackSpec:
    """One stack: its id, what it is, where its state lives, and how to build it."""

    stack_id: str
    kind: str
    system: str
    environments: tuple[str, ...]
    regions: tuple[str, ...]
    """Every AWS region it touches, its default provider's first."""
    state: StateBackendSettings | None
    """S3 backend; None for bootstrap stacks (local state)."""
    factory: StackLoader
    """Returns the stack class (imported only when the spec is built)."""
    settings: SystemSettings | None = None
    """The environment's settings (bootstrap stacks: those of the system's first environment)."""
    providers: tuple[str, ...] = ("aws",)
    """Terraform providers it uses. Only stacks using AWS alone deploy on the emulator."""
    account_id: str | None = None
    arguments: Mapping[str, Any] = field(default_factory=dict)
    """What else the stack class needs (a tenant, a shard), as data."""
    depends_on: tuple[str, ...] = ()
    """Stacks deployed before this one (it looks their resources up), destroyed after it.
    Every stack with S3 state also needs its bootstrap stack first; that is implied."""
    run_time_needs: tuple[str, ...] = ()
    """Stacks whose objects this one's workload uses at run time, though Terraform reads nothing of them (the
    database and secret a databases stack makes for a customer instance): deployed before it and destroyed
    after it wherever they can be; where one cannot (on the emulator, a stack on another provider), this one
    deploys without it."""
    uploads: tuple[Upload, ...] = ()
    """What an operator puts into S3 before this stack deploys (see :class:`Upload`)."""

    def __post_init__(self) -> None:
        if not self.stack_id or len(self.stack_id) > 128:
            raise ConfigError("stack id", "1 to 128 characters", self.stack_id)
        validation.resource_name("stack id", self.stack_id.replace(".", "-"), max_length=128)
        validation.one_of(f"{self.stack_id} kind", self.kind, KINDS)
        for provider in self.providers:
            validation.one_of(f"{self.stack_id} providers", provider, PROVIDERS)

    @property
    def cloud(self) -> BackendSettings | None:
        """The HCP Terraform settings when the stack's state and runs live there (``[backend] kind = "cloud"``)."""
        if self.state is None or self.settings is None or self.settings.backend.kind != "cloud":
            return None
        return self.settings.backend

    @property
    def backend(self) -> str:
        """Where its state lives: ``s3://<bucket>/<key>``, ``cloud://<host>/<organization>/<workspace>`` or
        ``local``."""
        if self.cloud is not None:
            return f"cloud://{self.cloud.hostname}/{self.cloud.organization}/{self.stack_id}"
        return f"s3://{self.state.bucket}/{self.state.key}" if self.state else "local"

    @property
    def workspace_tags(self) -> tuple[str, ...]:
        """The HCP Terraform workspace tags of this stack (see BackendSettings)."""
        backend = self.settings.backend if self.settings is not None else None
        if backend is None:
            return ()
        return backend.workspace_tags(system=self.system, environment=",".join(self.environments), kind=self.kind)

    @property
    def region(self) -> str:
        """Region of its default AWS provider."""
        return self.regions[0]

    @property
    def aws_only(self) -> bool:
        """Every provider it uses is AWS's."""
        return set(self.providers) == {"aws"}

    @property
    def deploys_on_emulator(self) -> bool:
        """Only stacks on AWS alone (no other provider can be installed offline) with S3 state (HCP Terraform
        runs are not reachable from here)."""
        return self.aws_only and self.cloud is None

    def settings_of(self, kind: type[S]) -> S:
        """The spec's settings, which the stack class needs to be of ``kind``."""
        if not isinstance(self.settings, kind):
            got = type(self.settings).__name__
            raise TypeError(f"{self.stack_id}: {self.factory.__qualname__} needs {kind.__name__}, got {got}")
        return self.settings

    def stack_class(self) -> ConfiguredStack:
        return self.factory()


@dataclass(frozen=True)
class System(Generic[S]):
    """A documented system: its environments, its settings, the stacks an environment yields."""

    name: str
    environments: tuple[str, ...]
    defaults: Callable[[str], S]
    stacks: Callable[[S], list[StackSpec]]
    cost_preset: Callable[[str], Preset] | None = None
    """The environment's document preset (``[cost] cost_profile = "document"``): see infra.config.presets."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Config keys that moved (dotted old path -> dotted new path): a file still using an old one is refused
    with the new name; docs/configuration.md lists them."""
    across_environments: Callable[[Sequence[S]], Sequence[S]] | None = None
    """Checks the system's environments together once all are loaded (each with ``account_environments``
    filled) and returns them, completed where one needs another's facts (an account's shared quota, the
    rules one environment writes for its whole account); raises ConfigError naming the field. None: none."""


def platform_stack(settings: SystemSettings, factory: StackLoader, *, regions: Sequence[str] = ()) -> StackSpec:
    """The usual single stack of an environment: ``<system>-<environment>``, state at the settings' key."""
    return StackSpec(
        stack_id=f"{settings.system}-{settings.environment}",
        kind="platform",
        system=settings.system,
        environments=(settings.environment,),
        regions=(settings.region, *[r for r in regions if r != settings.region]),
        state=settings.state,
        factory=factory,
        settings=settings,
        account_id=settings.account_id,
    )


def bootstrap_stack_id(state: StateBackendSettings) -> str:
    """One bootstrap stack per state bucket: bucket names are global, so this never collides."""
    return f"bootstrap-{state.bucket}"


def bootstrap_specs(
    all_settings: Sequence[SystemSettings], specs: Sequence[StackSpec], factory: StackLoader
) -> list[StackSpec]:
    """A bootstrap stack per state bucket, naming every environment whose state it keeps.

    Environments and stacks sharing a bucket must agree on its region, lock
    table and store settings: one bootstrap stack creates it for all of them.
    """
    groups: dict[str, list[SystemSettings]] = {}
    for settings in all_settings:
        groups.setdefault(settings.state.bucket, []).append(settings)
    result = []
    for bucket, group in groups.items():
        first = group[0]
        state = first.state
        users = [(f"{s.system}.{s.environment}.state", s.state) for s in group[1:]]
        users += [
            (f"{spec.stack_id} state", spec.state) for spec in specs if spec.state and spec.state.bucket == bucket
        ]
        for name, other in users:
            if (other.region, other.lock_table, other.store) != (state.region, state.lock_table, state.store):
                raise ConfigError(
                    name,
                    f"the same region, lock_table and store as {first.system}.{first.environment}.state "
                    f"(same bucket {bucket})",
                    (other.region, other.lock_table),
                )
        result.append(
            StackSpec(
                stack_id=bootstrap_stack_id(state),
                kind="bootstrap",
                system=first.system,
                environments=tuple(dict.fromkeys(s.environment for s in group)),
                regions=(state.region,),
                state=None,
                factory=factory,
                settings=first,
                account_id=first.account_id,
                arguments={
                    "state": state,
                    "buckets": tuple(dict.fromkeys(b for s in group for b in s.prerequisite_buckets)),
                },
            )
        )
    for spec in specs:
        if spec.state is not None and spec.state.bucket not in groups:
            raise ConfigError(
                f"{spec.stack_id} state bucket", f"one of the systems' buckets {tuple(groups)!r}", spec.state.bucket
            )
    return result


def check_unique(specs: Sequence[StackSpec]) -> None:
    """Stack ids and state keys are unique (two stacks on one key would overwrite each other's state),
    and every stack a spec depends on or needs at run time exists."""
    ids: dict[str, StackSpec] = {}
    keys: dict[tuple[str, str], StackSpec] = {}
    known = {spec.stack_id for spec in specs}
    for spec in specs:
        for name, needs in (("depends_on", spec.depends_on), ("run_time_needs", spec.run_time_needs)):
            for needed in needs:
                if needed not in known or needed == spec.stack_id:
                    raise ConfigError(f"{spec.stack_id} {name}", "ids of other stacks (see make stacks)", needed)
        if spec.stack_id in ids:
            raise ConfigError("stack id", "unique across systems", spec.stack_id)
        ids[spec.stack_id] = spec
        if spec.state is not None:
            where = (spec.state.bucket, spec.state.key)
            if where in keys:
                raise ConfigError(
                    f"{spec.stack_id} state key",
                    f"a key no other stack uses in bucket {spec.state.bucket} ({keys[where].stack_id} uses it)",
                    spec.state.key,
                )
            keys[where] = spec


def select(available: Sequence[StackSpec], requested: str | None) -> list[StackSpec]:
    """The specs ``requested`` names (comma-separated ids or shell patterns); all when it is empty.

    An id that names no stack, or a pattern that matches none, is refused.
    """
    if not requested or not requested.strip():
        return list(available)
    chosen: dict[str, StackSpec] = {}
    ids = [spec.stack_id for spec in available]
    by_id = {spec.stack_id: spec for spec in available}
    for item in (part.strip() for part in requested.split(",")):
        if not item:
            continue
        matches = fnmatch.filter(ids, item) if any(c in item for c in "*?[") else [item] if item in by_id else []
        if not matches:
            kind = "a pattern matching" if any(c in item for c in "*?[") else "an id of"
            raise ConfigError(STACKS_ENV, f"{kind} a stack (see make stacks)", item)
        for stack_id in matches:
            chosen.setdefault(stack_id, by_id[stack_id])
    return list(chosen.values())


def config_dir() -> Path:
    """Where per-environment override files live: ``$INFRA_CONFIG_DIR``, which must exist, or ``config/``.

    A directory named but missing would silently apply no override: it is refused.
    """
    configured = os.environ.get(CONFIG_DIR_ENV)
    if not configured:
        return REPOSITORY_ROOT / "config"
    directory = Path(configured)
    if not directory.is_dir():
        raise ConfigError(
            CONFIG_DIR_ENV, "an existing directory of config/<system>/<environment>.toml files", configured
        )
    return directory


def load(
    declared: System[S], environment: str, directory: Path | None = None, overlay: Mapping[str, Any] | None = None
) -> S:
    """Validated settings of one system environment: ``config/<system>/<environment>.toml`` merged over the
    system's defaults (then ``overlay``, a table merged over the file's, as for a teardown: see
    infra.config.teardown). The directory is ``config/`` at the repository root, or ``$INFRA_CONFIG_DIR``."""
    name = declared.name
    if environment not in declared.environments:
        raise ConfigError(f"{name} environment", f"one of {declared.environments!r}", environment)
    path = f"{name}.{environment}"
    try:
        settings = declared.defaults(environment)
    except ConfigError as error:
        raise error.within(path) from None
    values = overrides.read(directory or config_dir(), name, environment)
    overrides.reject_secrets(path, values)
    overrides.reject_renamed(path, values, declared.renamed)
    if overlay:
        values = overrides.deep_merge(values, overlay)
    cost = values.get("cost")
    profile = cost.get("cost_profile") if isinstance(cost, Mapping) else None
    if (profile or settings.cost.cost_profile) == "document" and declared.cost_preset is not None:
        # Under the file: what the environment's own file sets wins over its preset.
        values = overrides.deep_merge(declared.cost_preset(environment).table, values)
    return overrides.merge(settings, values, path)


def load_all(
    declared: Sequence[System[Any]], directory: Path | None = None, overlays: Overlays | None = None
) -> list[SystemSettings]:
    """Every environment of every system, after checking the override directory has no stray files."""
    directory = directory or config_dir()
    reject_stray_files(
        directory,
        {item.name: item.environments for item in declared},
        what="config file",
        layout="config/<system>/<environment>.toml",
    )
    loaded = [
        load(item, env, directory, (overlays or {}).get((item.name, env)))
        for item in declared
        for env in item.environments
    ]
    return with_accounts(declared, loaded)


def with_accounts(declared: Sequence[System[Any]], loaded: Sequence[SystemSettings]) -> list[SystemSettings]:
    """``loaded`` with each environment's ``account_environments`` filled and every account checked.

    Environments naming one ``account_id`` share that account: no two of them may use one name of those
    their settings list as account-wide (``account_names``), and each system checks (and completes) its
    environments together (``System.across_environments``). An environment naming no account is alone.
    """
    by_account: dict[str, list[SystemSettings]] = {}
    for settings in loaded:
        if settings.account_id is not None:
            by_account.setdefault(settings.account_id, []).append(settings)
    for account, group in by_account.items():
        _check_account_names(account, group)
    completed = []
    for settings in loaded:
        peers = [
            other.environment
            for other in by_account.get(settings.account_id or "", [])
            if other.system == settings.system and other.region == settings.region
        ]
        completed.append(dataclasses.replace(settings, account_environments=tuple(peers) if len(peers) > 1 else ()))
    result: list[SystemSettings] = []
    for item in declared:
        own = [settings for settings in completed if settings.system == item.name]
        result += list(item.across_environments(own)) if item.across_environments and own else own
    return result


def _check_account_names(account: str, group: Sequence[SystemSettings]) -> None:
    seen: dict[tuple[str, str], str] = {}
    for settings in group:
        path = f"{settings.system}.{settings.environment}"
        for name, (what, value) in settings.account_names().items():
            first = seen.setdefault((what, value), path)
            if first != path:
                raise ConfigError(
                    f"{path}.{name}",
                    f"a {what} no other environment of account {account} uses ({first} uses it)",
                    value,
                )


ExtraSpecs = Callable[[Sequence[SystemSettings]], list[StackSpec]]
"""Stacks made from every environment's settings at once, beside the systems' own (the ci stacks)."""


def stack_specs(
    declared: Sequence[System[Any]],
    bootstrap: StackLoader,
    directory: Path | None = None,
    overlays: Overlays | None = None,
    extra: ExtraSpecs | None = None,
) -> list[StackSpec]:
    """Every stack of every system: bootstrap stacks (of class ``bootstrap``) first, then each environment's,
    then ``extra``'s."""
    by_name = {item.name: item for item in declared}
    specs: list[StackSpec] = []
    loaded = load_all(declared, directory, overlays)
    for settings in loaded:
        try:
            specs += by_name[settings.system].stacks(settings)
        except ConfigError as error:
            raise error.within(f"{settings.system}.{settings.environment}") from None
    everything = bootstrap_specs(loaded, specs, bootstrap) + specs + (extra(loaded) if extra else [])
    check_unique(everything)
    return everything
