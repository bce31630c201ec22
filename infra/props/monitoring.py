"""Props of infra/constructs/monitoring.py: data only (no cdktf), so settings can be made of them.

Alerts: an encrypted SNS topic and CloudWatch alarms on the resources that matter.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra import validation


@dataclass(frozen=True, kw_only=True)
class MonitoringProps:
    """Who is told, and when. Thresholds are for sustained trouble, not single spikes."""

    alert_email: str | None = None
    """Subscribed to the topic when set (the address must confirm the subscription)."""
    service_cpu_percent: float = 80
    """Service average CPU above this alarms."""
    service_memory_percent: float = 80
    """Service average memory above this alarms."""
    alb_5xx_percent: float = 5
    """Share of requests answered 5xx (by targets or by the load balancer) above this alarms."""
    database_cpu_percent: float = 80
    database_free_storage_gb: float = 5
    """Free storage below this alarms (autoscaling storage, when on, acts first)."""
    database_connections: int = 100
    """Connections above this alarm: about half of what a 2 GiB instance allows."""
    database_read_latency_seconds: float | None = None
    """Average read latency above this alarms; None: no read latency alarm."""
    database_write_latency_seconds: float | None = None
    """Average write latency above this alarms; None: no write latency alarm."""
    function_errors: int = 5
    """A function's errors (sum per period) above this alarm: a few are a client's bad requests, more are ours."""
    function_throttles: int = 0
    """A function's throttles above this alarm: any throttle means its reserved concurrency is too low."""
    function_duration_percent: float = 80
    """A function's average duration above this share of its timeout alarms, before requests time out."""
    account_function_errors: int = 25
    """Errors of every function of the account and region (sum per period) above this alarm."""
    account_function_throttles: int = 10
    """Throttles of every function of the account and region above this alarm (a few are plans at their cap)."""
    account_concurrency_percent: float = 80
    """Concurrent executions above this share of the account's concurrency limit alarm."""
    redis_cpu_percent: float = 75
    """Engine CPU (Redis is single-threaded) above this alarms."""
    redis_memory_percent: float = 80
    """Memory used out of what Redis may use above this alarms."""
    replica_lag_seconds: int = 600
    """A read replica (or Aurora secondary) further behind than this alarms. RDS PostgreSQL replicas
    report up to 5 minutes of lag while the source is idle, so the default is twice that."""
    replication_latency_seconds: int = 900
    """S3 objects taking longer than this to replicate alarm: Replication Time Control's 15-minute promise."""
    period_seconds: int = 300
    """Each evaluation looks at five minutes..."""
    evaluation_periods: int = 2
    """...and two bad ones in a row raise the alarm."""

    def __post_init__(self) -> None:
        if self.alert_email is not None:
            validation.email("alert_email", self.alert_email)
        for name in (
            "service_cpu_percent",
            "service_memory_percent",
            "database_cpu_percent",
            "redis_cpu_percent",
            "redis_memory_percent",
        ):
            validation.number_between(name, getattr(self, name), 1, 100)
        validation.number_between("alb_5xx_percent", self.alb_5xx_percent, 0.1, 100)
        validation.int_between("replica_lag_seconds", self.replica_lag_seconds, 1, 86400)
        validation.int_between("replication_latency_seconds", self.replication_latency_seconds, 60, 86400)
        validation.number_between("database_free_storage_gb", self.database_free_storage_gb, 1, 65536)
        validation.int_between("database_connections", self.database_connections, 1, 262143)
        for name in ("database_read_latency_seconds", "database_write_latency_seconds"):
            if getattr(self, name) is not None:
                validation.number_between(name, getattr(self, name), 0.001, 60)
        for name in ("function_errors", "function_throttles", "account_function_errors", "account_function_throttles"):
            validation.int_between(name, getattr(self, name), 0, 1_000_000)
        validation.number_between("function_duration_percent", self.function_duration_percent, 1, 100)
        validation.number_between("account_concurrency_percent", self.account_concurrency_percent, 1, 100)
        validation.one_of("period_seconds", self.period_seconds, (60, 300, 900, 3600))
        validation.int_between("evaluation_periods", self.evaluation_periods, 1, 24)
