"""Props of infra/constructs/aurora_postgres_cluster.py: data only (no cdktf), so settings can be made of them.

An Aurora PostgreSQL global database: a writer cluster in one region, a read-only secondary in another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.engine_versions import engine_versions
from infra.validation import ConfigError

# Aurora global databases run on memory-optimized classes only (no burstable t3/t4g).
ALLOWED_INSTANCE_CLASSES = tuple(
    f"db.{family}.{size}"
    for family in ("r5", "r6g", "r6i", "r7g", "r7i", "r8g")
    for size in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
)
SUPPORTED_MAJOR_VERSIONS = (13, 14, 15, 16, 17)
_ENGINE_VERSION = re.compile(r"^(\d+)\.\d+$")
_WINDOW = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$"
)


@dataclass(frozen=True, kw_only=True)
class AuroraPostgresProps:
    """Size, durability and access of the global database."""

    engine_version: str
    """``<major>.<minor>`` of Aurora PostgreSQL, pinned (global databases upgrade deliberately); one Aurora
    still creates (``data/rds-engine-versions.json``, engine ``aurora-postgresql``)."""
    instance_class: str = "db.r6g.large"
    """One of ALLOWED_INSTANCE_CLASSES (global databases do not run on burstable classes)."""
    database_name: str = "app"
    master_username: str = "app_admin"
    port: int = 5432
    primary_instances: int = 2
    """Writer plus a reader in another zone: the writer fails over within the region."""
    secondary_instances: int = 1
    """Readers of the secondary cluster; the one promoted in a regional failover."""
    backup_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:30-sun:05:30"
    deletion_protection: bool = True
    final_snapshot: bool = True
    """Snapshot ``<identifier>-final-<UTC creation time>`` of the primary cluster when it is destroyed."""
    force_ssl: bool = True
    """``rds.force_ssl = 1`` in each cluster's parameter group."""
    performance_insights: bool = True
    monitoring_interval_seconds: int = 60
    log_exports: tuple[str, ...] = ("postgresql",)
    """Aurora PostgreSQL exports its server log only (no ``upgrade`` log as RDS PostgreSQL has)."""
    log_retention_days: int = 30
    password_version: int = 1
    """Raise it to rotate the master password (generated at apply time, written write-only)."""

    def __post_init__(self) -> None:
        validation.one_of("instance_class", self.instance_class, ALLOWED_INSTANCE_CLASSES)
        match = _ENGINE_VERSION.match(str(self.engine_version))
        if not match or int(match.group(1)) not in SUPPORTED_MAJOR_VERSIONS:
            raise ConfigError(
                "engine_version", f"<major>.<minor> with major in {SUPPORTED_MAJOR_VERSIONS}", self.engine_version
            )
        engine_versions("aurora-postgresql").check("engine_version", str(self.engine_version), major_alone=False)
        if not re.match(r"^[a-z][a-z0-9_]{0,62}$", self.database_name):
            raise ConfigError("database_name", "a lower-case identifier of at most 63 characters", self.database_name)
        if not re.match(r"^[a-z][a-z0-9_]{0,62}$", self.master_username) or self.master_username in (
            "postgres",
            "rdsadmin",
        ):
            raise ConfigError(
                "master_username", "a lower-case identifier other than postgres/rdsadmin", self.master_username
            )
        validation.int_between("port", self.port, 1150, 65535)
        validation.int_between("primary_instances", self.primary_instances, 1, 16)
        validation.int_between("secondary_instances", self.secondary_instances, 1, 16)
        validation.int_between("backup_retention_days", self.backup_retention_days, 1, 35)
        if not _WINDOW.match(self.backup_window):
            raise ConfigError("backup_window", "hh:mm-hh:mm (UTC)", self.backup_window)
        if not _MAINTENANCE_WINDOW.match(self.maintenance_window):
            raise ConfigError("maintenance_window", "ddd:hh:mm-ddd:hh:mm (UTC)", self.maintenance_window)
        validation.one_of("monitoring_interval_seconds", self.monitoring_interval_seconds, (0, 1, 5, 10, 15, 30, 60))
        for export in self.log_exports:
            validation.one_of("log_exports", export, ("postgresql", "iam-db-auth-error"))
        validation.log_retention("log_retention_days", self.log_retention_days)
        validation.int_between("password_version", self.password_version, 1, 1_000_000)

    @property
    def major_version(self) -> int:
        return int(str(self.engine_version).split(".")[0])
