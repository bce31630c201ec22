"""Props of infra/constructs/eks_node_group.py: data only (no cdktf), so settings can be made of them.

An EKS managed node group on a launch template: encrypted volumes, IMDSv2 only, Spot by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
CAPACITY_TYPES = ("SPOT", "ON_DEMAND")


@dataclass(frozen=True, kw_only=True)
class EksNodeGroupProps:
    """Size and purchase option of the nodes."""

    desired_size: int = 2
    """Nodes at creation; later changes by an autoscaler are left alone (see EksNodeGroup)."""
    min_size: int = 1
    max_size: int = 4
    instance_types: tuple[str, ...] = ("m6i.large", "m5.large")
    """Several interchangeable types, so Spot finds capacity in more pools."""
    capacity_type: str = "SPOT"
    """SPOT (cost) or ON_DEMAND."""
    disk_size_gb: int = 50
    """Root volume (gp3): room for images and logs."""
    max_unavailable: int = 1
    """Nodes replaced at a time during an update."""

    def __post_init__(self) -> None:
        validation.int_between("max_size", self.max_size, 1, 450)
        validation.int_between("min_size", self.min_size, 0, self.max_size)
        validation.int_between("desired_size", self.desired_size, max(self.min_size, 1), self.max_size)
        if not self.instance_types:
            raise ConfigError("instance_types", "at least one EC2 instance type", self.instance_types)
        for index, instance_type in enumerate(self.instance_types):
            if not _INSTANCE_TYPE.match(instance_type):
                raise ConfigError(f"instance_types[{index}]", "an EC2 instance type such as 'm6i.large'", instance_type)
        validation.unique("instance_types", self.instance_types)
        validation.one_of("capacity_type", self.capacity_type, CAPACITY_TYPES)
        validation.int_between("disk_size_gb", self.disk_size_gb, 20, 16384)
        validation.int_between("max_unavailable", self.max_unavailable, 1, 100)
