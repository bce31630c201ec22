"""What every AWS stack shares: one AWS provider with default tags, and its backend."""

from __future__ import annotations

from cdktf import LocalBackend, S3Backend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from infra.config.model import StateBackendSettings, SystemSettings


def aws_provider(stack: TerraformStack, *, region: str, tags: dict[str, str], account_id: str | None) -> AwsProvider:
    """The stack's only provider; ``account_id`` pins it so a wrong profile fails before any change."""
    return AwsProvider(
        stack,
        "Aws",
        region=region,
        default_tags=[AwsProviderDefaultTags(tags=tags)],
        allowed_account_ids=[account_id] if account_id else None,
    )


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


class SystemStack(TerraformStack):
    """A system environment: AWS provider in its region, S3 backend from its settings."""

    def __init__(self, scope: Construct, stack_id: str, *, settings: SystemSettings) -> None:
        super().__init__(scope, stack_id)
        self.settings = settings
        self.provider = aws_provider(
            self, region=settings.region, tags=settings.default_tags, account_id=settings.account_id
        )
        s3_backend(self, settings.state)


def local_backend(stack: TerraformStack, state_file: str) -> None:
    """Local state for stacks that create the remote state's home."""
    LocalBackend(stack, path=state_file)
