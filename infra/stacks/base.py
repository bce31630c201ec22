"""What every stack shares: built from a StackSpec, state in S3 (or local), providers by purpose.

- :class:`AwsStack`: a default AWS provider in the spec's first region, plus
  aliased ones by purpose (:meth:`AwsStack.region`) for constructs that live
  in another region (``secondary``, ``backup``, ``edge``...).
- :class:`ExternalProviderStack`: resources on a provider other than AWS
  (PostgreSQL first). It adds an AWS provider only when asked
  (:meth:`ExternalProviderStack.aws`), so a stack that needs none has none.
  Such stacks are never deployed on the emulator: no provider but AWS's can
  be installed offline here.

A stack class offers ``configure(spec)``, mapping the spec's settings onto
its props (the one place settings meet props), and ``__init__(scope, spec,
props)``. The app configures every chosen stack before it builds any.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cdktf import CloudBackend, LocalBackend, S3Backend, TaggedCloudWorkspaces, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from infra import validation
from infra.config.model import BackendSettings, StateBackendSettings
from infra.constructs.aws_context import RegionScope
from infra.registry import StackSpec
from infra.validation import ConfigError

_PURPOSE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")


def s3_backend(stack: TerraformStack, state: StateBackendSettings) -> None:
    """State in S3, locked by DynamoDB and by S3's native lock file together.

    cdktf 0.21's S3Backend has no ``use_lockfile``; Terraform 1.11 has it, so it is
    added as an override. Both locks on is the documented migration path from
    DynamoDB locking to S3-native locking.
    """
    S3Backend(
        stack,
        bucket=state.bucket,
        key=state.key,
        region=state.region,
        encrypt=True,
        dynamodb_table=state.lock_table,
    )
    stack.add_override("terraform.backend.s3.use_lockfile", True)


def cloud_backend(stack: TerraformStack, settings: BackendSettings, tags: Sequence[str]) -> None:
    """HCP Terraform: the workspaces carrying ``tags``; ``TF_WORKSPACE`` (the stack id, set by the make
    targets) picks this stack's, and a new one is created with those tags."""
    CloudBackend(
        stack,
        organization=str(settings.organization),
        hostname=settings.hostname,
        workspaces=TaggedCloudWorkspaces(tags=list(tags), project=settings.project),
    )


def local_backend(stack: TerraformStack, state_file: str) -> None:
    """Local state for stacks that create the remote state's home."""
    LocalBackend(stack, path=state_file)


def _tags(spec: StackSpec, extra: Mapping[str, str]) -> dict[str, str]:
    base = spec.settings.default_tags if spec.settings is not None else {"Project": spec.system, "ManagedBy": "cdktf"}
    return {**base, **extra}


class SpecStack(TerraformStack):
    """A stack built from a spec; its backend is S3 from the spec's state (bootstrap stacks set a local one)."""

    def __init__(self, scope: Construct, spec: StackSpec) -> None:
        super().__init__(scope, spec.stack_id)
        self.spec = spec
        if spec.cloud is not None:
            cloud_backend(self, spec.cloud, spec.workspace_tags)
        elif spec.state is not None:
            s3_backend(self, spec.state)


class AwsStack(SpecStack):
    """A stack of AWS resources: the default provider in the spec's region, pinned to its account."""

    def __init__(self, scope: Construct, spec: StackSpec, *, tags: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, spec)
        self.tags = _tags(spec, tags or {})
        self.provider = self._provider("Aws", spec.region, alias=None)
        self._regions: dict[str, RegionScope] = {}

    def _provider(self, id_: str, region: str, *, alias: str | None) -> AwsProvider:
        # allowed_account_ids: a wrong profile fails before any change.
        return AwsProvider(
            self,
            id_,
            region=region,
            alias=alias,
            default_tags=[AwsProviderDefaultTags(tags=self.tags)],
            allowed_account_ids=[self.spec.account_id] if self.spec.account_id else None,
        )

    def region(self, purpose: str, region: str) -> RegionScope:
        """The scope whose constructs use the provider aliased ``purpose``, in ``region`` (made on first use).

        The construct id is the purpose in PascalCase, so addresses read
        ``Secondary/...``; a purpose keeps its region for the stack's life.
        """
        if not _PURPOSE.match(purpose):
            raise ConfigError("provider purpose", "a short snake_case name such as 'secondary'", purpose)
        if region not in self.spec.regions:
            raise ConfigError(f"{purpose} region", f"one of the stack's regions {self.spec.regions!r}", region)
        existing = self._regions.get(purpose)
        if existing is not None:
            if existing.provider.region != region:
                raise ConfigError(f"{purpose} region", f"{existing.provider.region} (set earlier)", region)
            return existing
        pascal = "".join(part.capitalize() for part in purpose.split("_"))
        provider = self._provider(f"Aws{pascal}", region, alias=purpose)
        scope = RegionScope(self, pascal, provider=provider)
        self._regions[purpose] = scope
        return scope


class ExternalProviderStack(SpecStack):
    """A stack whose resources use a provider other than AWS; an AWS provider only if :meth:`aws` is called."""

    def __init__(self, scope: Construct, spec: StackSpec) -> None:
        super().__init__(scope, spec)
        if spec.aws_only:
            raise ConfigError(
                f"{spec.stack_id} providers", "a provider other than aws for this stack class", spec.providers
            )
        self._aws: AwsProvider | None = None

    def aws(self) -> AwsProvider:
        """The stack's AWS provider (for reading secrets, say), created on first use; the spec must list aws."""
        if "aws" not in self.spec.providers:
            raise ConfigError(f"{self.spec.stack_id} providers", "a list including aws to use AWS", self.spec.providers)
        if self._aws is None:
            validation.one_of("region", self.spec.region, self.spec.regions)
            self._aws = AwsProvider(
                self,
                "Aws",
                region=self.spec.region,
                default_tags=[AwsProviderDefaultTags(tags=_tags(self.spec, {}))],
                allowed_account_ids=[self.spec.account_id] if self.spec.account_id else None,
            )
        return self._aws
