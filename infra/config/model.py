"""Settings shared by every system: where it runs, where its state lives, how it is tagged.

Settings are data made of construct props (infra/props): a section users
write (``[database]``, ``[network]``, ...) is the props of the construct it
configures, so a setting's type, default, documentation and check are
declared once, on the props field. Fields the stack fills in are marked
``set_by_stack`` there and refused in config files. docs/configuration.md is
generated from these declarations (tools/docs.py).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from infra import validation
from infra.config.usage import Usage
from infra.props import set_by_stack
from infra.props.container_platform import ContainerPlatformProps
from infra.props.state_store import TerraformStateStoreProps
from infra.validation import ConfigError

REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "sa-east-1",
)

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")


@dataclass(frozen=True, kw_only=True)
class StateBackendSettings:
    """The S3 backend of one stack: bucket and lock table (created by its bootstrap stack)."""

    bucket: str
    """The S3 bucket holding the state (made by the system's bootstrap stack)."""
    key: str
    """The state object's key in the bucket (``<environment>/terraform.tfstate`` by default)."""
    region: str
    """The bucket's and the lock table's region."""
    lock_table: str
    """The DynamoDB table locking the state (S3's lock file is used too)."""
    store: TerraformStateStoreProps = field(default_factory=TerraformStateStoreProps)
    """``[state.store]``: how the bootstrap stack builds the bucket and table."""

    @classmethod
    def per_environment(
        cls, *, bucket: str, lock_table: str, region: str, environment: str, key: str = "terraform.tfstate"
    ) -> StateBackendSettings:
        """One bucket and table for a system; each environment's state under ``<environment>/<key>``."""
        return cls(bucket=bucket, key=f"{environment}/{key}", region=region, lock_table=lock_table)

    def __post_init__(self) -> None:
        validation.bucket_name("bucket", self.bucket)
        validation.non_empty_text("key", self.key, max_length=1024)
        if self.key.startswith("/") or not self.key.endswith(".tfstate"):
            raise ConfigError("key", "a relative object key ending in .tfstate", self.key)
        validation.one_of("region", self.region, REGIONS)
        validation.table_name("lock_table", self.lock_table)

    def with_key(self, key: str) -> StateBackendSettings:
        """The same bucket and lock table, another object key (a second stack of the environment)."""
        return dataclasses.replace(self, key=key)


BACKEND_KINDS = ("s3", "cloud")
_ORGANIZATION = re.compile(r"^[A-Za-z0-9_-]{3,40}$")


@dataclass(frozen=True, kw_only=True)
class BackendSettings:
    """``[backend]``: where the stacks' state lives and their runs happen.

    ``s3``: Terraform's S3 backend on the ``[state]`` bucket and lock table.
    ``cloud``: HCP Terraform (or Terraform Enterprise at ``hostname``): one
    workspace per stack, named by its stack id and tagged ``system:<name>``,
    ``environment:<env>`` and ``kind:<kind>``; the make targets select it
    through ``TF_WORKSPACE`` (docs/delivery.md: the HCP path). The ``[state]``
    bucket then holds no state (the bootstrap stack still makes the
    environment's prerequisite buckets).
    """

    kind: str = "s3"
    """One of BACKEND_KINDS."""
    organization: str | None = None
    """``cloud``: the HCP Terraform organization holding the workspaces."""
    hostname: str = "app.terraform.io"
    """``cloud``: HCP Terraform, or the host of a Terraform Enterprise installation."""
    project: str | None = None
    """``cloud``: the project new workspaces are created in (the organization's default when unset)."""

    def __post_init__(self) -> None:
        validation.one_of("kind", self.kind, BACKEND_KINDS)
        if self.kind == "cloud":
            if self.organization is None or not _ORGANIZATION.match(self.organization):
                raise ConfigError(
                    "organization", "an HCP Terraform organization name (3-40 letters, digits, _ or -)", None
                )
            validation.hostname("hostname", self.hostname)
        elif self.organization is not None or self.project is not None:
            raise ConfigError("organization", "unset unless kind is cloud", self.organization or self.project)

    def workspace_tags(self, *, system: str, environment: str, kind: str) -> tuple[str, ...]:
        """The tags every workspace of such a stack carries (and the cloud block selects by)."""
        return (f"system:{system}", f"environment:{environment}", f"kind:{kind}")


@dataclass(frozen=True, kw_only=True)
class SystemSettings:
    """What every system stack needs, whatever it builds."""

    system: str = set_by_stack()
    """The system's name (its package under infra/systems)."""
    environment: str = set_by_stack()
    """One of the environments the system's document names."""
    region: str
    """The region of the stacks' default AWS provider."""
    state: StateBackendSettings
    """``[state]``: where the environment's Terraform state lives and how it is locked."""
    account_id: str | None = None
    """The AWS account the environment deploys to: the provider refuses to run against any other.
    Environments naming the same account share it (their account-wide resources are made once, their
    names must differ, their quotas are counted together); an environment naming none is taken to have an
    account of its own, the production-safe default."""
    account_environments: tuple[str, ...] = set_by_stack(())
    """Every environment of the system in this one's account and region, in the system's order (this one
    included), filled once all are loaded (infra.registry.load_all); empty: an account of its own."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Extra tags on every resource, on top of Project, Environment and ManagedBy."""
    backend: BackendSettings = field(default_factory=BackendSettings)
    """``[backend]``: S3 (the default) or HCP Terraform."""
    cost: Usage = field(default_factory=Usage)
    """``[cost]``: the usage ``make cost`` prices usage-billed lines on, and the environment's cost profile."""

    def __post_init__(self) -> None:
        validation.resource_name("system", self.system, max_length=32)
        validation.resource_name("environment", self.environment, max_length=16)
        validation.one_of("region", self.region, REGIONS)
        if self.account_id is not None and not _ACCOUNT_ID.match(str(self.account_id)):
            raise ConfigError("account_id", "a 12-digit AWS account id", self.account_id)
        for key, value in self.tags.items():
            if not _TAG_KEY.match(key) or key.lower().startswith("aws:"):
                raise ConfigError(
                    "tags", "tag keys of 1-128 letters, digits, spaces and _.:/=+-@ (no aws: prefix)", key
                )
            validation.non_empty_text(f"tags.{key}", value, max_length=256)

    @property
    def shares_account(self) -> bool:
        """Another environment of the system deploys to this one's account and region."""
        return len(self.account_environments) > 1

    @property
    def owns_account_resources(self) -> bool:
        """This environment makes what its account holds once (a trail, a registry's replication rules): the
        last of the account's environments in the system's order (Solobase's and Luneo's prod), or itself."""
        return not self.shares_account or self.account_environments[-1] == self.environment

    def account_names(self) -> dict[str, tuple[str, str]]:
        """Names that must be unique within an account, by field: ``{field: (what it names, name)}``.

        Two environments in one account may not share any of them (infra.registry.load_all checks)."""
        return {}

    def check_deployable(self) -> None:
        """Raise ConfigError for what may be synthesized and run on the emulator but never deployed to AWS
        (a placeholder domain, production alarms nobody receives); ``make diff``/``make deploy`` call it."""

    @property
    def prerequisite_buckets(self) -> tuple[str, ...]:
        """Buckets the environment's stacks expect before they deploy (a release's packages, say): the
        bootstrap stack creates them with the state store, once for every environment sharing it."""
        return ()

    @property
    def default_tags(self) -> dict[str, str]:
        """Tags the provider puts on every resource of the stack."""
        return {
            "Project": self.system,
            "Environment": self.environment,
            "ManagedBy": "cdktf",
            **self.tags,
        }


@dataclass(frozen=True, kw_only=True)
class ContainerPlatformSettings(SystemSettings, ContainerPlatformProps):
    """An environment of a system built on the container platform (Freeside, ReplayDash, Solobase).

    It is the platform's props (``[network]``, ``[load_balancer]``, ``[database]``, ``[cache]``,
    ``[cluster]``, ``[registry]``, ``[secrets]``, ``[keys]``, ``[monitoring]``: see ContainerPlatformProps)
    plus the names below.
    """

    name_prefix: str
    """Every resource name starts with it (``<prefix>-cluster``, ``<prefix>-postgres``, ...)."""
    repository_name: str
    """ECR repository the services' images come from."""

    def __post_init__(self) -> None:
        super().__post_init__()
        validation.resource_name("name_prefix", self.name_prefix, max_length=24)
        validation.resource_name("repository_name", self.repository_name, max_length=64)

    def require_access_logs(self, bucket: str) -> None:
        """Refuse turning the load balancer's access logs off where ``bucket``'s S3 access logs go to them."""
        if not self.load_balancer.enable_access_logs:
            raise ConfigError(
                "load_balancer.enable_access_logs",
                f"true: the {bucket} bucket's server access logs go to the load balancer's access-log bucket",
                False,
            )

    def account_names(self) -> dict[str, tuple[str, str]]:
        """Every resource the platform makes is named from ``name_prefix`` (buckets, keys, roles, log groups,
        topics), but its image repository."""
        return {
            "name_prefix": ("name prefix", self.name_prefix),
            "repository_name": ("ECR repository", self.repository_name),
        }
