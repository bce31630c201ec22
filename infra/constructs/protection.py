"""Deletion protection that also stops Terraform: ``lifecycle.prevent_destroy`` wherever AWS's is on.

AWS refuses to delete a protected database or load balancer, but only when
``terraform destroy`` reaches it: by then it has deleted everything that did
not depend on it (secrets go into their recovery window, and recreating them
then fails with ``ResourceExistsException``). ``prevent_destroy`` makes the
plan fail before anything is touched. It follows the same setting, so turning
protection off in config, deploying, then destroying still tears down (README).
It also stops a change that would replace the resource, which for a protected
database is the point.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import TerraformResourceLifecycle, TerraformStack
from constructs import Construct


def deletion_guard(protected: bool) -> TerraformResourceLifecycle | None:
    """The lifecycle of a resource whose deletion protection is ``protected``."""
    return TerraformResourceLifecycle(prevent_destroy=True) if protected else None


def final_snapshot_name(scope: Construct, kind: str, identifier: str, *, replaced_with: Sequence[object]) -> str:
    """A reference to ``<identifier>-final-<UTC time, YYYYMMDDhhmmss>``, fixed for the resource's life.

    A fixed ``<identifier>-final`` names the snapshot of the first destroy; the
    resource made again under the same identifier then cannot be destroyed
    (``DBSnapshotAlreadyExists``, ``SnapshotAlreadyExistsFault``). The name is
    held by a ``terraform_data`` (Terraform's own, no provider) stamped with the
    plan time when it is created and kept afterwards (``ignore_changes``): a new
    stack, or a change of ``replaced_with`` (the settings that replace the
    resource), makes a new one. A resource already deployed takes the new name
    in place: RDS and ElastiCache read it only when the resource is deleted.
    ``kind`` (``rds``, ``redis``) keeps names of different resources apart.
    """
    stack = TerraformStack.of(scope)
    name = f"{kind}_{identifier.replace('-', '_')}_final_snapshot"
    stack.add_override(
        f"resource.terraform_data.{name}",
        {
            "input": f'{identifier}-final-${{formatdate("YYYYMMDDhhmmss", plantimestamp())}}',
            "triggers_replace": list(replaced_with),
            "lifecycle": {"ignore_changes": ["input"]},
        },
    )
    return f"${{terraform_data.{name}.output}}"
