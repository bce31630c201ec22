"""How CI delivers the stacks, as data: ``delivery.toml`` at the repository root.

    [github]
    repository = "owner/name"              # the only repository the deployer roles trust
    [github.environments.production]       # a GitHub environment: the branch whose pushes apply in it
    branch = "main"
    [oidc_provider]
    create_in = ["solobase", "freeside"]   # one per AWS account: who creates GitHub's OIDC provider
    [systems.<system>.environments]        # each system environment -> the GitHub environment it applies in
    prod = "production"
    [rollout]                              # the workflows' matrix and the rollout simulation
    runners = 20
    stacks_per_runner = 2
    max_matrix_jobs = 256
    job_overhead_seconds = 60

Everything is checked before anything uses it; an error names the field,
what is allowed and what was given. Systems and environments are checked
against the declared ones (passed in: this module imports no system).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra import validation
from infra.paths import REPOSITORY_ROOT
from infra.validation import ConfigError, closest

DELIVERY_FILE = REPOSITORY_ROOT / "delivery.toml"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
GITHUB_MATRIX_LIMIT = 256
"""GitHub Actions: a job matrix generates at most 256 jobs per workflow run."""

_REPOSITORY = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
_ENVIRONMENT = re.compile(r"^[A-Za-z0-9_-]{1,255}$")
_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)[A-Za-z0-9._/-]{1,255}(?<!/)$")


@dataclass(frozen=True)
class GithubEnvironment:
    """A GitHub environment deployments go through (``production`` carries the required reviewers)."""

    name: str
    branch: str
    """Pushes to this branch plan, then apply, every stack of the system environments mapped to it."""

    def __post_init__(self) -> None:
        if not _ENVIRONMENT.match(self.name):
            raise ConfigError("github.environments", "names of letters, digits, '-' and '_'", self.name)
        if not _BRANCH.match(self.branch):
            raise ConfigError(f"github.environments.{self.name}.branch", "a branch name such as 'main'", self.branch)


@dataclass(frozen=True)
class Rollout:
    """How many runners a wave of stacks gets, and what the simulation assumes of a job."""

    runners: int = 20
    """The matrix's max-parallel: jobs of one wave at once, and the number of batches a wave is split into."""
    stacks_per_runner: int = 2
    """Terraform runs one job makes at once (they mostly wait on AWS)."""
    max_matrix_jobs: int = GITHUB_MATRIX_LIMIT
    job_overhead_seconds: float = 60.0
    """What a job spends before its first stack (runner start, checkout, toolchain from cache, synth):
    an estimate, not a measurement; the simulation prints it with its figures."""

    def __post_init__(self) -> None:
        validation.int_between("rollout.runners", self.runners, 1, GITHUB_MATRIX_LIMIT)
        validation.int_between("rollout.stacks_per_runner", self.stacks_per_runner, 1, 8)
        validation.int_between("rollout.max_matrix_jobs", self.max_matrix_jobs, 1, GITHUB_MATRIX_LIMIT)
        validation.number_between("rollout.job_overhead_seconds", self.job_overhead_seconds, 0, 3600)
        if self.runners > self.max_matrix_jobs:
            raise ConfigError("rollout.runners", f"at most max_matrix_jobs ({self.max_matrix_jobs})", self.runners)


@dataclass(frozen=True)
class DeliverySettings:
    """Validated ``delivery.toml``."""

    repository: str
    environments: Mapping[str, GithubEnvironment]
    """GitHub environments by name."""
    system_environments: Mapping[str, Mapping[str, str]]
    """System -> its environment -> the GitHub environment its apply runs in."""
    oidc_provider_creators: tuple[str, ...]
    rollout: Rollout

    def github_environment(self, system: str, environment: str) -> GithubEnvironment:
        return self.environments[self.system_environments[system][environment]]

    def subject(self, context: str) -> str:
        """The ``sub`` claim of GitHub's token for this repository in ``context`` (``pull_request``,
        ``ref:refs/heads/main``, ``environment:production``)."""
        return f"repo:{self.repository}:{context}"

    @property
    def apply_branches(self) -> tuple[str, ...]:
        return tuple(sorted({env.branch for env in self.environments.values()}))

    def environments_of_branch(self, branch: str) -> tuple[str, ...]:
        """The GitHub environments a push to ``branch`` applies in."""
        return tuple(name for name, env in self.environments.items() if env.branch == branch)


def _table(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(field, "a table", value)
    return value


def _known_keys(table: Mapping[str, Any], field: str, allowed: Sequence[str]) -> None:
    for key in table:
        if key not in allowed:
            where = f"{field}.{key}" if field else key
            raise ConfigError(where, f"one of the keys {tuple(allowed)!r}", key, suggestion=closest(key, allowed))


def parse(data: Mapping[str, Any], declared: Mapping[str, Sequence[str]]) -> DeliverySettings:
    """Settings from the parsed file; ``declared``: each system's environments, in order."""
    _known_keys(data, "", ("github", "oidc_provider", "systems", "rollout"))
    github = _table(data.get("github"), "github")
    _known_keys(github, "github", ("repository", "environments"))
    repository = github.get("repository")
    if not isinstance(repository, str) or not _REPOSITORY.match(repository):
        raise ConfigError("github.repository", "the repository as owner/name", repository)
    environments = {}
    for name, table in _table(github.get("environments"), "github.environments").items():
        table = _table(table, f"github.environments.{name}")
        _known_keys(table, f"github.environments.{name}", ("branch",))
        environments[name] = GithubEnvironment(name=name, branch=table.get("branch", ""))
    if not environments:
        raise ConfigError("github.environments", "at least one GitHub environment", {})

    systems = _table(data.get("systems"), "systems")
    _known_keys(systems, "systems", tuple(declared))
    mapping: dict[str, dict[str, str]] = {}
    for system, envs in declared.items():
        table = _table(systems.get(system), f"systems.{system}")
        _known_keys(table, f"systems.{system}", ("environments",))
        given = _table(table.get("environments"), f"systems.{system}.environments")
        _known_keys(given, f"systems.{system}.environments", tuple(envs))
        for env in envs:
            field = f"systems.{system}.environments.{env}"
            validation.one_of(field, given.get(env), tuple(environments))
        mapping[system] = {env: str(given[env]) for env in envs}

    oidc = _table(data.get("oidc_provider"), "oidc_provider")
    _known_keys(oidc, "oidc_provider", ("create_in",))
    creators = oidc.get("create_in")
    if not isinstance(creators, list) or not creators:
        raise ConfigError("oidc_provider.create_in", "a non-empty list of systems", creators)
    for index, system in enumerate(creators):
        validation.one_of(f"oidc_provider.create_in[{index}]", system, tuple(declared))
    validation.unique("oidc_provider.create_in", creators)

    rollout_table = _table(data.get("rollout", {}), "rollout")
    _known_keys(rollout_table, "rollout", ("runners", "stacks_per_runner", "max_matrix_jobs", "job_overhead_seconds"))
    return DeliverySettings(
        repository=repository,
        environments=environments,
        system_environments=mapping,
        oidc_provider_creators=tuple(creators),
        rollout=Rollout(**rollout_table),
    )


def load(declared: Mapping[str, Sequence[str]], path: Path | None = None) -> DeliverySettings:
    """``delivery.toml`` (or ``path``), parsed and validated against the declared systems."""
    source = path or DELIVERY_FILE
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            str(source), "an existing delivery file (see infra/delivery/settings.py)", "missing"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(source), "valid TOML", str(error)) from None
    return parse(data, declared)
