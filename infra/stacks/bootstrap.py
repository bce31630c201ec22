"""The stack that creates a state bucket and lock table, on local state."""

from __future__ import annotations

import re

from constructs import Construct

from infra.config.model import StateBackendSettings
from infra.constructs.outputs import output
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.state_store import TerraformStateStore
from infra.naming import pascal
from infra.paths import local_state_dir
from infra.props.private_bucket import PrivateBucketProps
from infra.props.state_store import TerraformStateStoreProps
from infra.registry import StackSpec
from infra.stacks.base import AwsStack, local_backend


class StateBootstrapStack(AwsStack):
    """Creates what the S3 backend of a system's stacks needs, and the buckets they expect to exist.

    Its own state is local: ``terraform.<stack id>.tfstate`` at the repository
    root (cdktf's convention; see local_state_dir). Keep that file; it holds
    no secrets.

    ``spec.arguments["buckets"]``: the environments' prerequisite buckets
    (``SystemSettings.prerequisite_buckets``, such as Solobase's release
    bucket), each a :class:`PrivateBucket` made once here, so that no
    environment's stack owns what every environment uses.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> TerraformStateStoreProps:
        state: StateBackendSettings = spec.arguments["state"]
        return state.store

    def __init__(self, scope: Construct, spec: StackSpec, props: TerraformStateStoreProps) -> None:
        super().__init__(scope, spec, tags={"Environment": "shared", "Purpose": "terraform-state"})
        state: StateBackendSettings = spec.arguments["state"]
        local_backend(self, str(local_state_dir() / f"terraform.{spec.stack_id}.tfstate"))
        self.store = TerraformStateStore(
            self, "StateStore", bucket_name=state.bucket, lock_table_name=state.lock_table, props=props
        )
        self.store.declare_outputs()
        for name in spec.arguments.get("buckets", ()):
            bucket = PrivateBucket(self, f"{pascal(name)}Bucket", bucket_name=name, props=PrivateBucketProps())
            snake = re.sub(r"[^a-z0-9]+", "_", name)
            output(self, f"{snake}_bucket_name", bucket.name, f"Bucket {name}, which the stacks expect")
