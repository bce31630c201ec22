"""The stack that creates a state bucket and lock table, on local state."""

from __future__ import annotations

import os
from pathlib import Path

from cdktf import TerraformStack
from constructs import Construct

from infra.config import REPOSITORY_ROOT
from infra.config.model import StateBackendSettings
from infra.constructs.state_store import TerraformStateStore
from infra.stacks.base import aws_provider, local_backend

LOCAL_STATE_DIR_ENV = "INFRA_LOCAL_STATE_DIR"


def local_state_dir() -> Path:
    """Where bootstrap stacks keep their local state: the repository root unless overridden.

    ``make emulator`` points it elsewhere so emulator runs never touch real bootstrap state.
    """
    return Path(os.environ.get(LOCAL_STATE_DIR_ENV) or REPOSITORY_ROOT)


def bootstrap_stack_id(state: StateBackendSettings) -> str:
    """One bootstrap stack per state bucket: bucket names are global, so this never collides."""
    return f"bootstrap-{state.bucket}"


class StateBootstrapStack(TerraformStack):
    """Creates what the S3 backend of a system's stacks needs.

    Its own state is local: ``terraform.<stack id>.tfstate`` at the repository
    root (cdktf's convention; see local_state_dir). Keep that file; it holds
    no secrets.
    """

    def __init__(
        self, scope: Construct, stack_id: str, *, state: StateBackendSettings, system: str, account_id: str | None
    ) -> None:
        super().__init__(scope, stack_id)
        tags = {"Project": system, "Environment": "shared", "ManagedBy": "cdktf", "Purpose": "terraform-state"}
        aws_provider(self, region=state.region, tags=tags, account_id=account_id)
        local_backend(self, str(local_state_dir() / f"terraform.{stack_id}.tfstate"))
        self.store = TerraformStateStore(
            self, "StateStore", bucket_name=state.bucket, lock_table_name=state.lock_table, props=state.store
        )
