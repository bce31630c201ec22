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

from cdktf import TerraformResourceLifecycle


def deletion_guard(protected: bool) -> TerraformResourceLifecycle | None:
    """The lifecycle of a resource whose deletion protection is ``protected``."""
    return TerraformResourceLifecycle(prevent_destroy=True) if protected else None
