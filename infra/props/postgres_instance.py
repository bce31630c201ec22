"""Props of infra/constructs/postgres_instance.py: data only (no cdktf), so settings can be made of them.

An RDS PostgreSQL instance in private subnets, encrypted, TLS-only, reachable only from named groups.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from infra import validation
from infra.engine_versions import engine_versions
from infra.validation import ConfigError

_SIZES = ("micro", "small", "medium", "large", "xlarge", "2xlarge")
_BIG = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")
ALLOWED_INSTANCE_CLASSES = (
    *(f"db.t3.{s}" for s in _SIZES),
    *(f"db.t4g.{s}" for s in _SIZES),
    *(f"db.{family}.{s}" for family in ("m5", "m6g", "m6i", "m7g", "r5", "r6g", "r6i", "r7g") for s in _BIG),
)
SUPPORTED_MAJOR_VERSIONS = (13, 14, 15, 16, 17)
_ENGINE_VERSION = re.compile(r"^(\d+)(\.\d+)?$")
_WINDOW = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}-(mon|tue|wed|thu|fri|sat|sun):\d{2}:\d{2}$"
)


class MasterPassword(StrEnum):
    """Who owns the master password."""

    RDS_MANAGED = "rds_managed"
    """RDS generates it, keeps it in its own Secrets Manager secret and rotates it."""
    WRITE_ONLY = "write_only"
    """Generated at apply time (ephemeral) and sent through ``password_wo``; rotated by bumping ``password_version``."""


@dataclass(frozen=True, kw_only=True)
class PostgresInstanceProps:
    """Size, durability and access of the instance."""

    instance_class: str
    """One of ALLOWED_INSTANCE_CLASSES."""
    engine_version: str
    """``<major>``: RDS creates the instance on a minor it still offers and applies newer minors in the
    maintenance window (``auto_minor_version_upgrade`` on). ``<major>.<minor>``: pinned (automatic minor
    upgrades off; an upgrade is a change of this setting), and it must be a minor RDS still creates
    (``data/rds-engine-versions.json``). AWS upgrades a retired minor itself, pinned or not."""
    allocated_storage_gb: int = 20
    """Initial gp3 storage."""
    max_allocated_storage_gb: int | None = None
    """Storage autoscaling ceiling; None leaves autoscaling off."""
    database_name: str = "app"
    """The database created with the instance."""
    master_username: str = "app_admin"
    """Master user name (not a secret)."""
    port: int = 5432
    multi_az: bool = False
    """A standby in a second zone; off unless the environment pays for it."""
    backup_retention_days: int = 7
    """Automated backups and point-in-time recovery window (RDS accepts 0 to 35)."""
    backup_window: str = "03:00-04:00"
    """UTC, before the maintenance window."""
    maintenance_window: str = "sun:04:30-sun:05:30"
    """UTC, weekly."""
    deletion_protection: bool = True
    """RDS refuses to delete the instance, and Terraform to plan its destroy (protection.deletion_guard),
    until this is turned off."""
    final_snapshot: bool = True
    """Take a snapshot ``<identifier>-final-<UTC creation time, YYYYMMDDhhmmss>`` when the instance is
    destroyed (each incarnation of the identifier its own name, so a second destroy cannot collide)."""
    force_ssl: bool = True
    """``rds.force_ssl = 1``: the server refuses connections without TLS."""
    performance_insights: bool = False
    """Query-level performance data (7 days are free)."""
    monitoring_interval_seconds: int = 60
    """Enhanced (OS-level) monitoring every minute; 0 turns it off."""
    log_exports: tuple[str, ...] = ("postgresql", "upgrade")
    """Server logs shipped to CloudWatch Logs."""
    log_retention_days: int = 30
    """Retention of the exported logs (RDS would create their groups without any)."""
    max_connections: int | None = None
    """``max_connections`` parameter; None keeps the class-based default."""
    master_password: MasterPassword = MasterPassword.RDS_MANAGED
    password_version: int = 1
    """WRITE_ONLY only: change it to rotate the password (and the URL secret with it)."""
    master_password_rotation_days: int | None = None
    """RDS_MANAGED only: days between rotations of the managed secret; None keeps RDS's schedule (7 days)."""
    existing_subnet_group_name: str | None = None
    """Use a DB subnet group made elsewhere instead of creating ``<identifier>``."""
    existing_parameter_group_name: str | None = None
    """Use a parameter group made elsewhere; it must set ``rds.force_ssl`` itself (force_ssl and
    max_connections then do not apply here)."""

    def __post_init__(self) -> None:
        validation.one_of("instance_class", self.instance_class, ALLOWED_INSTANCE_CLASSES)
        match = _ENGINE_VERSION.match(str(self.engine_version))
        if not match or int(match.group(1)) not in SUPPORTED_MAJOR_VERSIONS:
            raise ConfigError(
                "engine_version", f"<major>[.<minor>] with major in {SUPPORTED_MAJOR_VERSIONS}", self.engine_version
            )
        engine_versions("postgres").check("engine_version", str(self.engine_version), major_alone=True)
        validation.int_between("allocated_storage_gb", self.allocated_storage_gb, 20, 65536)
        if self.max_allocated_storage_gb is not None:
            validation.int_between(
                "max_allocated_storage_gb", self.max_allocated_storage_gb, self.allocated_storage_gb + 1, 65536
            )
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
        validation.int_between("backup_retention_days", self.backup_retention_days, 0, 35)
        if not _WINDOW.match(self.backup_window):
            raise ConfigError("backup_window", "hh:mm-hh:mm (UTC)", self.backup_window)
        if not _MAINTENANCE_WINDOW.match(self.maintenance_window):
            raise ConfigError("maintenance_window", "ddd:hh:mm-ddd:hh:mm (UTC)", self.maintenance_window)
        validation.one_of("monitoring_interval_seconds", self.monitoring_interval_seconds, (0, 1, 5, 10, 15, 30, 60))
        for export in self.log_exports:
            validation.one_of("log_exports", export, ("postgresql", "upgrade", "iam-db-auth-error"))
        validation.log_retention("log_retention_days", self.log_retention_days)
        if self.performance_insights and self.instance_class.rsplit(".", 1)[1] in ("micro", "small"):
            raise ConfigError(
                "performance_insights", "false on micro and small classes (RDS does not offer it there)", True
            )
        if self.max_connections is not None:
            validation.int_between("max_connections", self.max_connections, 10, 262143)
        validation.one_of("master_password", self.master_password, tuple(MasterPassword))
        validation.int_between("password_version", self.password_version, 1, 1_000_000)
        if self.master_password_rotation_days is not None:
            if self.master_password != MasterPassword.RDS_MANAGED:
                raise ConfigError(
                    "master_password_rotation_days",
                    "unset unless master_password is rds_managed (write_only rotates by password_version)",
                    self.master_password_rotation_days,
                )
            validation.int_between("master_password_rotation_days", self.master_password_rotation_days, 1, 365)
        for name in ("existing_subnet_group_name", "existing_parameter_group_name"):
            value = getattr(self, name)
            if value is not None and not re.match(r"^[a-zA-Z][a-zA-Z0-9-]{0,254}$", value):
                raise ConfigError(name, "an RDS group name (letters, digits, hyphens)", value)

    @property
    def major_version(self) -> int:
        return int(str(self.engine_version).split(".")[0])

    @property
    def auto_minor_version_upgrade(self) -> bool:
        """On when the version names a major only: RDS keeps the minor current."""
        return "." not in str(self.engine_version)


@dataclass(frozen=True, kw_only=True)
class ReadReplicaProps:
    """What a read replica changes from its source (everything else it inherits)."""

    instance_class: str | None = None
    """None: the source's class, so a promoted replica carries the same load."""
    multi_az: bool = False
    """A standby for the replica itself; off: the replica is already the standby of a region."""
    performance_insights: bool | None = None
    """None: as the source."""
    monitoring_interval_seconds: int | None = None
    """None: as the source."""
    backup_retention_days: int | None = None
    """The replica's own automated backups (1 to 35 days; RDS PostgreSQL replicas keep them from 14.1), so a
    promoted replica has point-in-time recovery from its first minute. None: as the source (at least 1)."""

    def __post_init__(self) -> None:
        if self.instance_class is not None:
            validation.one_of("instance_class", self.instance_class, ALLOWED_INSTANCE_CLASSES)
        if self.backup_retention_days is not None:
            validation.int_between("backup_retention_days", self.backup_retention_days, 1, 35)
        if self.monitoring_interval_seconds is not None:
            validation.one_of(
                "monitoring_interval_seconds", self.monitoring_interval_seconds, (0, 1, 5, 10, 15, 30, 60)
            )
