"""Props of infra/constructs/fargate_service.py: data only (no cdktf), so settings can be made of them.

A Fargate service: task definition, roles, logs, security group, capacity mix and deployment safety.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from infra import validation
from infra.props.service_autoscaling import ServiceAutoscalingProps
from infra.validation import ConfigError

# Memory (MiB) Fargate accepts for each CPU size (CPU units).
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, kw_only=True)
class FargateServiceProps:
    """What runs and how much of it."""

    cpu: int
    """CPU units per task (256 = 1/4 vCPU); with memory, one of the pairs Fargate accepts."""
    memory: int
    """MiB per task."""
    desired_count: int
    """Tasks to run (the starting point when autoscaling is on)."""
    image_tag: str
    """Tag of the image in the service's repository; deploying a new version is changing this."""
    container_port: int | None = None
    """Port the container listens on; needed behind a load balancer."""
    health_check_path: str = "/health"
    """Load balancer health check path."""
    command: tuple[str, ...] = ()
    """Overrides the image's command (e.g. the worker entry point); empty keeps the image's."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Plain, non-secret environment variables. Secrets come from Secrets Manager, never from here."""
    log_retention_days: int = 30
    """Container logs are kept this long."""
    on_demand_weight: int = 1
    """Share of tasks on regular Fargate."""
    on_demand_base: int = 0
    """Tasks always on regular Fargate before weights apply."""
    spot_weight: int = 0
    """Share of tasks on Fargate Spot (about 70% cheaper, can be interrupted); 0 keeps the service off Spot."""
    enable_execute_command: bool = False
    """ECS Exec (``aws ecs execute-command``) into running tasks; the task role gets the SSM channel rights."""
    autoscaling: ServiceAutoscalingProps | None = None
    """Target tracking on CPU and memory; None keeps desired_count fixed."""
    cpu_architecture: str = "X86_64"
    """X86_64 or ARM64 (about 20% cheaper; the image must be built for it)."""
    readonly_root_filesystem: bool = True
    """The container cannot change its image; /tmp is a writable scratch volume."""
    health_check_grace_period_seconds: int = 60
    """Time a new task has before load balancer health checks count."""

    def __post_init__(self) -> None:
        validation.one_of("cpu", self.cpu, tuple(FARGATE_MEMORY))
        if self.memory not in FARGATE_MEMORY[self.cpu]:
            raise ConfigError(
                "memory",
                f"one of {FARGATE_MEMORY[self.cpu]} MiB for {self.cpu} CPU units (Fargate's pairs)",
                self.memory,
            )
        validation.int_between("desired_count", self.desired_count, 0, 1000)
        if not _IMAGE_TAG.match(str(self.image_tag)):
            raise ConfigError("image_tag", "a Docker tag (letters, digits, _ . -, at most 128)", self.image_tag)
        if self.container_port is not None:
            validation.int_between("container_port", self.container_port, 1, 65535)
        for name in self.environment:
            if not _ENV_NAME.match(name):
                raise ConfigError("environment", "variable names of letters, digits and _", name)
        validation.log_retention("log_retention_days", self.log_retention_days)
        validation.int_between("on_demand_weight", self.on_demand_weight, 0, 1000)
        validation.int_between("on_demand_base", self.on_demand_base, 0, 100000)
        validation.int_between("spot_weight", self.spot_weight, 0, 1000)
        if self.on_demand_weight + self.spot_weight == 0:
            raise ConfigError("spot_weight", "positive when on_demand_weight is 0 (some capacity must be used)", 0)
        validation.one_of("cpu_architecture", self.cpu_architecture, ("X86_64", "ARM64"))
        validation.int_between(
            "health_check_grace_period_seconds", self.health_check_grace_period_seconds, 0, 2147483647
        )
        scaling = self.autoscaling
        if scaling and not scaling.min_tasks <= self.desired_count <= scaling.max_tasks:
            raise ConfigError(
                "desired_count",
                f"between autoscaling min_tasks and max_tasks ({scaling.min_tasks}-{scaling.max_tasks})",
                self.desired_count,
            )
