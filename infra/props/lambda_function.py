"""Props of infra/constructs/lambda_function.py: data only (no cdktf), so settings can be made of them.

A Lambda function from a zip in S3: its own role, log group, security group and, on request, a function URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation
from infra.props import set_by_stack
from infra.validation import ConfigError

RUNTIMES = (
    "provided.al2023",
    "provided.al2",
    "python3.12",
    "python3.13",
    "nodejs20.x",
    "nodejs22.x",
    "java21",
    "dotnet8",
)


@dataclass(frozen=True, kw_only=True)
class LambdaFunctionProps:
    """Runtime, size and limits of a function."""

    runtime: str = "provided.al2023"
    """A custom runtime on Amazon Linux 2023: the zip's ``bootstrap`` executable is the runtime (a Go binary)."""
    handler: str = "bootstrap"
    """What the runtime runs; for a custom runtime, the executable in the zip."""
    architecture: str = "x86_64"
    """x86_64 or arm64 (the code must be built for it)."""
    memory_mb: int = 128
    """Memory, and CPU in proportion to it (Lambda's smallest size)."""
    timeout_seconds: int = 30
    """An invocation running longer is stopped."""
    log_retention_days: int = 30
    """Its log group keeps this many days."""
    reserved_concurrency: int | None = set_by_stack(None)
    """Concurrent executions reserved for it and never exceeded (a cost ceiling); None shares the account's pool."""

    def __post_init__(self) -> None:
        validation.one_of("runtime", self.runtime, RUNTIMES)
        if not self.handler or len(self.handler) > 128:
            raise ConfigError("handler", "1 to 128 characters", self.handler)
        validation.one_of("architecture", self.architecture, ("x86_64", "arm64"))
        validation.int_between("memory_mb", self.memory_mb, 128, 10240)
        validation.int_between("timeout_seconds", self.timeout_seconds, 1, 900)
        validation.log_retention("log_retention_days", self.log_retention_days)
        if self.reserved_concurrency is not None:
            validation.int_between("reserved_concurrency", self.reserved_concurrency, 0, 1_000_000)
