"""Props of infra/constructs/service_autoscaling.py: data only (no cdktf), so settings can be made of them.

Target-tracking autoscaling of an ECS service's task count on CPU and memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError


@dataclass(frozen=True, kw_only=True)
class ServiceAutoscalingProps:
    """Bounds and targets of the task count."""

    min_tasks: int = 1
    """Never fewer tasks than this."""
    max_tasks: int = 4
    """Never more tasks than this: the cost ceiling."""
    cpu_target_percent: float = 70
    """Average CPU the service is scaled to hold."""
    memory_target_percent: float = 80
    """Average memory the service is scaled to hold."""
    scale_out_cooldown_seconds: int = 60
    """Add capacity quickly."""
    scale_in_cooldown_seconds: int = 300
    """Remove it slowly, so a short lull does not cause flapping."""

    def __post_init__(self) -> None:
        validation.int_between("max_tasks", self.max_tasks, 1, 1000)
        validation.int_between("min_tasks", self.min_tasks, 0, 1000)
        if self.min_tasks > self.max_tasks:
            raise ConfigError("min_tasks", f"at most max_tasks ({self.max_tasks})", self.min_tasks)
        validation.number_between("cpu_target_percent", self.cpu_target_percent, 10, 95)
        validation.number_between("memory_target_percent", self.memory_target_percent, 10, 95)
        validation.int_between("scale_out_cooldown_seconds", self.scale_out_cooldown_seconds, 0, 3600)
        validation.int_between("scale_in_cooldown_seconds", self.scale_in_cooldown_seconds, 0, 3600)
