"""Where Terraform keeps state: a private S3 bucket and a DynamoDB lock table."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from constructs import Construct

from infra import validation
from infra.constructs.outputs import output
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.protection import deletion_guard
from infra.props.private_bucket import PrivateBucketProps
from infra.props.state_store import TerraformStateStoreProps


class TerraformStateStore(Construct):
    """The S3 bucket (via :class:`PrivateBucket`) and lock table a system's stacks use as backend.

    The table has the ``LockID`` string key Terraform's S3 backend expects,
    on-demand billing (locks are a handful of writes per run), point-in-time
    recovery and encryption at rest.
    """

    def __init__(
        self, scope: Construct, id_: str, *, bucket_name: str, lock_table_name: str, props: TerraformStateStoreProps
    ) -> None:
        super().__init__(scope, id_)
        validation.bucket_name("bucket_name", bucket_name)
        validation.table_name("lock_table_name", lock_table_name)
        self.bucket = PrivateBucket(
            self,
            "StateBucket",
            bucket_name=bucket_name,
            props=PrivateBucketProps(noncurrent_version_expiration_days=props.noncurrent_version_expiration_days),
        )
        self.lock_table = DynamodbTable(
            self,
            "LockTable",
            name=lock_table_name,
            billing_mode="PAY_PER_REQUEST",
            hash_key="LockID",
            attribute=[DynamodbTableAttribute(name="LockID", type="S")],
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True),
            deletion_protection_enabled=props.enable_lock_table_deletion_protection,
            lifecycle=deletion_guard(props.enable_lock_table_deletion_protection),
            tags={"Name": lock_table_name},
        )

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>state_bucket_name`` and ``<prefix>lock_table_name``."""
        output(self, f"{prefix}state_bucket_name", self.bucket.name, "S3 bucket holding Terraform state")
        output(self, f"{prefix}lock_table_name", self.lock_table.name, "DynamoDB table holding Terraform locks")
