"""RDS: DB instances and DB parameter groups."""

from __future__ import annotations

from pathlib import Path

from emulator.fills import fill


@fill(
    behaviour="Every DB instance has its own DbiResourceId, unchanged for its life.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBInstance.html",
)
def db_instance_resource_id_unique() -> None:
    """Every DB instance has its own ``DbiResourceId``, kept for its life, as on AWS.

    moto 5.2.5 gives every instance (and every read replica, a copy of its
    source) the same ``db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U``. The provider identifies
    an ``aws_db_instance`` by that id, so a second instance in a region reads
    as the first. Here each new instance and read replica gets
    ``db-`` + 26 random upper-case letters and digits.
    """
    from typing import Any

    from moto.moto_api._internal import mock_random
    from moto.rds.models import DBInstance, RDSBackend

    def new_resource_id() -> str:
        return "db-" + mock_random.get_random_string(length=26).upper()

    original_init = DBInstance.__init__

    def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.dbi_resource_id = new_resource_id()

    DBInstance.__init__ = __init__  # type: ignore[method-assign]

    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        replica: DBInstance = original_replica(self, db_kwargs)
        replica.dbi_resource_id = new_resource_id()
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]


@fill(
    behaviour="A DB instance keeps its Performance Insights setting, KMS key and retention period (7 days by default).",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
)
def db_instance_performance_insights() -> None:
    """A DB instance keeps its Performance Insights settings, as on AWS.

    moto 5.2.5's DBInstance drops ``EnablePerformanceInsights``,
    ``PerformanceInsightsKMSKeyId`` and ``PerformanceInsightsRetentionPeriod``
    on create, so DescribeDBInstances reports ``PerformanceInsightsEnabled``
    false, and ModifyDBInstance keeps the key and period as given and never
    enables it. Here an instance with Performance Insights enabled reports a
    retention period (7 days unless given) and its KMS key as an ARN (the
    account's ``aws/rds`` key unless given; an unknown key is
    KMSKeyNotAccessibleFault); disabled, it reports neither.
    """
    from typing import Any

    from moto.rds.models import DBInstance

    def settle(instance: DBInstance, enabled: bool | None, key_arn: str | None, period: int | None) -> None:
        state = vars(instance)
        if enabled is None:  # not asked to change: as it was
            enabled = bool(state.get("performance_insights_enabled"))
        if enabled:
            period = period or state.get("performance_insights_retention_period") or 7
            key_arn = key_arn or state.get("performance_insights_kms_key_id")
            key_arn = key_arn or instance.backend._validate_kms_key("alias/aws/rds")
        state.update(
            performance_insights_enabled=enabled,
            performance_insights_kms_key_id=key_arn if enabled else None,
            performance_insights_retention_period=period if enabled else None,
        )

    def requested(instance: DBInstance, kwargs: dict[str, Any]) -> tuple[bool | None, str | None, int | None]:
        key = kwargs.get("performance_insights_kms_key_id")
        return (
            kwargs.get("enable_performance_insights"),
            instance.backend._validate_kms_key(key) if key else None,
            kwargs.get("performance_insights_retention_period"),
        )

    original_init = DBInstance.__init__

    def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        settle(self, *requested(self, kwargs))

    original_update = DBInstance.update

    def update(self: DBInstance, **kwargs: Any) -> None:
        settings = requested(self, kwargs)  # an unknown key fails the call before anything changes
        original_update(self, **kwargs)
        settle(self, *settings)

    DBInstance.__init__ = __init__  # type: ignore[method-assign]
    DBInstance.update = update  # type: ignore[method-assign,assignment]


@fill(
    behaviour="The secret RDS makes for a managed master password holds the master user name and a password RDS "
    "generated for that database.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html",
)
def managed_master_secret_holds_the_credentials() -> None:
    """A managed master secret holds ``{"username": <MasterUsername>, "password": <generated>}``, as on AWS.

    moto 5.2.5 writes ``{"username": "admin", "password": "P@55w0rd!"}`` into
    every managed secret, whatever the master user is, and the same password
    for every database, so nothing read from a secret can tell one database or
    one rotation from another. Here the secret holds the instance's (or
    cluster's) own master user name and 28 random characters that the
    database also takes as its master password; rotation
    (fills/secretsmanager.py) replaces them.
    """
    import json
    import string

    from moto.moto_api._internal import mock_random
    from moto.rds.models import MasterUserSecret

    alphabet = string.ascii_letters + string.digits + "!#$%&()*+,-.:;<=>?[]^_{|}~"

    def generate_secret_string(self: MasterUserSecret) -> str:
        password = "".join(mock_random.choice(alphabet) for _ in range(28))
        self.resource.master_user_password = password
        return json.dumps({"username": self.resource.master_username, "password": password})

    MasterUserSecret._generate_secret_string = generate_secret_string  # type: ignore[method-assign]


@fill(
    behaviour="Parameters set in a DB parameter group are reported with Source user.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Parameter.html",
)
def db_parameters_report_their_source() -> None:
    """Parameters set in a DB parameter group come back with ``Source: user``, as on AWS.

    moto 5.2.5 returns them without ``Source``; the AWS provider keeps only
    parameters whose source is ``user``, so every parameter it set (such as
    ``rds.force_ssl``) read back as absent and the next plan set it again.
    moto holds no engine defaults in these groups: all it holds came from users.
    """
    from typing import Any

    from moto.rds.models import DBParameterGroup

    original = DBParameterGroup.update_parameters

    def update_parameters(self: DBParameterGroup, new_parameters: Any) -> None:
        new_parameters = list(new_parameters)
        original(self, new_parameters)
        for parameter in new_parameters:
            self.parameters[parameter["ParameterName"]].setdefault("Source", "user")

    DBParameterGroup.update_parameters = update_parameters  # type: ignore[method-assign]


@fill(
    behaviour="CreateDBInstanceReadReplica given the ARN of a source in another region creates the replica "
    "in the region asked, with that region's subnet group, parameter group and KMS key.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html",
)
def cross_region_read_replica() -> None:
    """A cross-region read replica is made in, and belongs to, the region it was requested in, as on AWS.

    moto 5.2.5 copies the source instance and applies the request to the copy
    before moving it to the requesting region, so the replica's DB subnet group
    is looked up in the source's region (DBSubnetGroupNotFoundFault for a group
    of the replica's region), the copy keeps the source's KMS key, and deleting
    the replica later fails (the source lists a cross-region replica by ARN
    but removes it by identifier). Here the replica is in the requesting
    region from the start: its subnet group, parameter group and option group
    are that region's, its storage is encrypted with the ``KmsKeyId`` given
    (as an ARN of that region), it reports the source's ARN as
    ``ReadReplicaSourceDBInstanceIdentifier``, its Performance Insights key is
    one of its own region, and deleting it detaches it from the source's
    ``ReadReplicaDBInstanceIdentifiers``.

    Fail closed: for an encrypted source AWS requires ``KmsKeyId`` of the
    destination region (InvalidParameterCombination without one); a key the
    region does not have is KMSKeyNotAccessibleFault.
    """
    from typing import Any

    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import DBInstance, RDSBackend

    original_create = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        source_id = str(db_kwargs["source_db_instance_identifier"])
        if not self.arn_regex.match(source_id) or source_id.split(":")[3] == self.region_name:
            same_region: DBInstance = original_create(self, db_kwargs)
            return same_region
        source = self.find_db_from_id(source_id)
        key = db_kwargs.get("kms_key_id")
        if source.storage_encrypted and not key:
            raise InvalidParameterCombination(
                "KmsKeyId is required to create an encrypted cross-region read replica: "
                f"a key of {self.region_name} that encrypts the replica."
            )
        key_arn = self._validate_kms_key(str(key)) if key else None
        # The backend first: every lookup the request's settings trigger then happens in this region.
        skipped = ("backend", "kms_key_id", "performance_insights_kms_key_id")
        ordered = {"backend": self, **{k: v for k, v in db_kwargs.items() if k not in skipped}}
        replica: DBInstance = original_create(self, ordered)
        replica.kms_key_id = key_arn
        replica.source_db_instance_identifier = source.db_instance_arn
        insights_key = db_kwargs.get("performance_insights_kms_key_id")
        if insights_key:
            # Checked now that the replica is in this region (it is a key of this region too).
            replica.update(performance_insights_kms_key_id=insights_key)
        return replica

    original_remove = DBInstance.remove_replica

    def remove_replica(self: DBInstance, replica: DBInstance) -> None:
        if replica.db_instance_arn in self.replicas:
            self.replicas.remove(replica.db_instance_arn)
            return
        original_remove(self, replica)

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]
    DBInstance.remove_replica = remove_replica  # type: ignore[method-assign]


@fill(
    behaviour="A read replica starts without automated backups (BackupRetentionPeriod 0) unless the "
    "request asks for them.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html",
)
def read_replica_without_automated_backups() -> None:
    """A new read replica has no automated backups of its own, as on AWS.

    moto 5.2.5 makes a replica as a copy of its source, backup retention
    period included, so a replica of a source kept 7 days reports 7 whatever
    was asked (AWS creates every replica with backups disabled; the provider
    then sets the retention it was given with ModifyDBInstance). Here a replica
    reports the retention period its request gave, 0 when it gave none.
    """
    from typing import Any

    from moto.rds.models import DBInstance, RDSBackend

    original_create = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        replica: DBInstance = original_create(self, db_kwargs)
        replica.backup_retention_period = int(db_kwargs.get("backup_retention_period") or 0)
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]


@fill(
    behaviour="CreateDBInstanceReadReplica needs a source with automated backups and a master password RDS does "
    "not manage, and takes no KmsKeyId for an unencrypted source (an encrypted replica cannot come from one).",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html",
)
def read_replica_source_requirements() -> None:
    """A read replica is refused when its source could not have one, as on AWS.

    moto 5.2.5 copies any source: one without automated backups (backup
    retention 0), which AWS refuses ("Your source DB instance must have backup
    retention enabled"; USER_ReadRepl: set the retention to a value other than
    0 first); given a ``KmsKeyId``, an unencrypted source, from which AWS
    cannot make an encrypted replica ("You can't create an encrypted read
    replica from an unencrypted DB instance"); and a source whose master
    password RDS manages in Secrets Manager, which RDS does not support for
    read replicas of any engine but SQL Server (rds-secrets-manager.html,
    limitations). Here the first is InvalidDBInstanceState, the others
    InvalidParameterCombination, and nothing is created.
    """
    from typing import Any

    from moto.rds.exceptions import InvalidParameterCombination, RDSClientError
    from moto.rds.models import DBInstance, RDSBackend

    original = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        source = self.find_db_from_id(str(db_kwargs["source_db_instance_identifier"]))
        if not source.backup_retention_period:
            raise RDSClientError(
                "InvalidDBInstanceState",
                f"Automated backups are not enabled for DB instance {source.db_instance_identifier} (backup "
                "retention period 0): a read replica needs a source with a retention period above 0.",
            )
        if source.manage_master_user_password and not str(source.engine).startswith("sqlserver"):
            raise InvalidParameterCombination(
                f"DB instance {source.db_instance_identifier} has its master password managed in Secrets Manager: "
                "RDS creates no read replica of such a source."
            )
        if db_kwargs.get("kms_key_id") and not source.storage_encrypted:
            raise InvalidParameterCombination(
                f"DB instance {source.db_instance_identifier} is not encrypted: an encrypted read replica cannot "
                "be created from it, so KmsKeyId does not apply."
            )
        replica: DBInstance = original(self, db_kwargs)
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]


@fill(
    behaviour="An RDS for PostgreSQL read replica keeps automated backups of its own from PostgreSQL 14.1 on.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PostgreSQL.Replication.ReadReplicas.html",
)
def postgresql_replica_automated_backups() -> None:
    """ModifyDBInstance gives a PostgreSQL read replica a backup retention period from 14.1 on, as on AWS.

    moto 5.2.5 sets any retention on any replica. RDS for PostgreSQL keeps
    automated backups on read replicas from 14.1 (the version that brought
    cascading replicas, which need them); earlier versions have none. Here a
    retention period above 0 for a PostgreSQL replica below 14.1 is
    InvalidParameterCombination; from 14.1 it is kept and reported, so a
    promoted replica has point-in-time recovery.
    """
    from typing import Any

    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import DBInstance, RDSBackend

    original = RDSBackend.modify_db_instance

    def modify_db_instance(self: RDSBackend, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> DBInstance:
        instance = self.databases.get(db_instance_identifier)
        retention = db_kwargs.get("backup_retention_period")
        if instance is not None and instance.is_replica and retention and instance.engine == "postgres":
            major, minor = (int(p) for p in f"{instance.engine_version}.0".split(".")[:2])
            if (major, minor) < (14, 1):
                raise InvalidParameterCombination(
                    f"Read replica {db_instance_identifier} runs PostgreSQL {instance.engine_version}: automated "
                    "backups on PostgreSQL read replicas need 14.1 or later."
                )
        modified: DBInstance = original(self, db_instance_identifier, db_kwargs)
        return modified

    RDSBackend.modify_db_instance = modify_db_instance  # type: ignore[method-assign]


@fill(
    behaviour="StartDBInstanceAutomatedBackupsReplication in a destination region replicates a source "
    "instance's automated backups there until StopDBInstanceAutomatedBackupsReplication; both regions report it.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartDBInstanceAutomatedBackupsReplication.html",
)
def automated_backups_replication() -> None:
    """Automated backups of a DB instance are replicated to another region, as on AWS (USER_ReplicateBackups).

    moto 5.2.5 has neither StartDBInstanceAutomatedBackupsReplication nor
    StopDBInstanceAutomatedBackupsReplication, and its
    DescribeDBInstanceAutomatedBackups ignores ``DBInstanceAutomatedBackupsArn``,
    so the provider's ``aws_db_instance_automated_backups_replication`` cannot
    be created. Here Start, called in the destination region with the source's
    ARN, makes a replicated automated backup of that region
    (``arn:aws:rds:<destination>:<account>:auto-backup:ab-...``) carrying the
    source's identifier, ARN, resource id, region, engine and storage, the
    retention period asked for (7 unless given) and, for an encrypted source,
    the destination key as an ARN. Its status is ``replicating`` at once: AWS
    reports ``pending`` first, but the provider's waiter (pending -> replicating)
    accepts replicating on its first read. The source's DescribeDBInstances
    lists it under ``DBInstanceAutomatedBackupsReplications`` (and so does the
    source's own automated backup) while it replicates.
    DescribeDBInstanceAutomatedBackups in the destination lists it, by
    ``DBInstanceAutomatedBackupsArn`` too (an unknown one is
    DBInstanceAutomatedBackupNotFound). Stop, in the destination region, leaves
    it ``retained`` there (AWS keeps replicated backups for their retention
    period; the provider counts retained as gone) and removes it from the
    source's list.

    Fail closed, refusing what AWS refuses or what the emulator cannot vouch
    for: the source must be a DB instance ARN of this account
    (InvalidParameterValue) that exists (DBInstanceNotFound), in another region
    than the request (InvalidParameterValue), not an Aurora cluster member,
    available and with automated backups on (retention above 0; else
    InvalidDBInstanceState); the retention period is 1 to 35 days
    (InvalidParameterValue); an encrypted source needs ``KmsKeyId`` of the
    destination region (InvalidParameterCombination without one,
    KMSKeyNotAccessibleFault for a key the region lacks) and an unencrypted one
    takes none (InvalidParameterCombination); a source replicates to one
    destination at a time (the console offers one; the same region again is
    DBInstanceAutomatedBackupQuotaExceeded, another region
    InvalidDBInstanceState); a region takes at most 20 replications per account
    (DBInstanceAutomatedBackupQuotaExceeded, the documented limit). Stop of a
    source not replicating to the region is InvalidDBInstanceState "... not
    replicating to the current region". What AWS does to the replication when
    its source is deleted or loses its automated backups is not documented, so
    DeleteDBInstance of a replicating source and ModifyDBInstance to
    ``BackupRetentionPeriod`` 0 are refused (InvalidDBInstanceState: stop the
    replication first).
    """
    from typing import Any

    from moto.core.responses import ActionResult
    from moto.moto_api._internal import mock_random
    from moto.rds.exceptions import (
        InvalidParameterCombination,
        InvalidParameterValue,
        RDSClientError,
    )
    from moto.rds.models import DBInstance, DBInstanceAutomatedBackup, RDSBackend, rds_backends
    from moto.rds.responses import RDSResponse

    most_per_region = 20  # "up to 20 backups to each destination AWS Region for each AWS account"

    def invalid_state(message: str) -> RDSClientError:
        return RDSClientError("InvalidDBInstanceState", message)

    def replicated(backend: RDSBackend) -> dict[str, dict[str, Any]]:
        """The replicated automated backups held in ``backend``'s region, by ARN."""
        backups: dict[str, dict[str, Any]] = vars(backend).setdefault("replicated_automated_backups", {})
        return backups

    def replicating_to(instance: DBInstance) -> dict[str, str]:
        """Destination region -> ARN of the replicated backup, for each replication of ``instance``."""
        targets: dict[str, str] = vars(instance).setdefault("automated_backups_replicated_to", {})
        return targets

    def replications(instance: DBInstance) -> list[dict[str, str]]:
        return [{"DBInstanceAutomatedBackupsArn": arn} for arn in replicating_to(instance).values()]

    def source_of(backend: RDSBackend, source_arn: str) -> DBInstance:
        parts = source_arn.split(":")
        if len(parts) != 7 or parts[:3] != ["arn", "aws", "rds"] or parts[5] != "db" or not parts[6]:
            raise InvalidParameterValue(f"SourceDBInstanceArn must be the ARN of a DB instance: {source_arn}")
        region, account = parts[3], parts[4]
        if account != backend.account_id:
            raise InvalidParameterValue(
                f"The source DB instance {source_arn} is not in this account ({backend.account_id}); "
                "the emulator replicates backups within an account only."
            )
        if region == backend.region_name:
            raise InvalidParameterValue(
                f"The source DB instance {source_arn} is in {region}, the region of this request: automated "
                "backups are replicated to a different region."
            )
        instance: DBInstance = rds_backends[account][region].find_db_from_id(source_arn)
        return instance

    def start(backend: RDSBackend, params: Any) -> dict[str, Any]:
        source_arn = str(params.get("SourceDBInstanceArn") or "")
        source = source_of(backend, source_arn)
        retention = params.get("BackupRetentionPeriod")
        retention = 7 if retention is None else int(retention)
        if not 1 <= retention <= 35:
            raise InvalidParameterValue(f"BackupRetentionPeriod must be between 1 and 35 days, not {retention}.")
        if source.db_cluster_identifier:
            raise invalid_state(
                f"DB instance {source.db_instance_identifier} belongs to DB cluster "
                f"{source.db_cluster_identifier}: automated backup replication is for DB instances only."
            )
        if source.status != "available":
            raise invalid_state(f"DB instance {source.db_instance_identifier} is not available ({source.status}).")
        if not source.backup_retention_period:
            raise invalid_state(
                f"Automated backups are not enabled for DB instance {source.db_instance_identifier}: "
                "its backup retention period is 0."
            )
        key = params.get("KmsKeyId")
        if source.storage_encrypted and not key:
            raise InvalidParameterCombination(
                f"DB instance {source.db_instance_identifier} is encrypted: replicating its automated backups "
                f"needs KmsKeyId, a key of {backend.region_name}."
            )
        if key and not source.storage_encrypted:
            raise InvalidParameterCombination(
                f"DB instance {source.db_instance_identifier} is not encrypted, so KmsKeyId does not apply; "
                "the emulator cannot tell what AWS would do with it."
            )
        key_arn = backend._validate_kms_key(str(key)) if key else None
        targets = replicating_to(source)
        if backend.region_name in targets:
            raise RDSClientError(
                "DBInstanceAutomatedBackupQuotaExceeded",
                f"Automated backups of DB instance {source.db_instance_identifier} are already replicating "
                f"to {backend.region_name} ({targets[backend.region_name]}).",
            )
        if targets:
            raise invalid_state(
                f"Automated backups of DB instance {source.db_instance_identifier} are already replicating "
                f"to {', '.join(sorted(targets))}; a DB instance replicates them to one other region at a time."
            )
        held = replicated(backend)
        if sum(1 for b in held.values() if b["Status"] == "replicating") >= most_per_region:
            raise RDSClientError(
                "DBInstanceAutomatedBackupQuotaExceeded",
                f"{backend.region_name} already holds {most_per_region} replicated automated backups "
                "for this account, the most it may.",
            )
        arn = (
            f"arn:aws:rds:{backend.region_name}:{backend.account_id}:auto-backup:"
            f"ab-{mock_random.get_random_string(length=42, lower_case=True)}"
        )
        backup = {
            "DBInstanceArn": source.db_instance_arn,
            "DbiResourceId": source.dbi_resource_id,
            "Region": source.backend.region_name,
            "DBInstanceIdentifier": source.db_instance_identifier,
            "RestoreWindow": {},
            "AllocatedStorage": source.allocated_storage,
            "Status": "replicating",
            "Port": source.port,
            "InstanceCreateTime": source.instance_create_time,
            "MasterUsername": source.master_username,
            "Engine": source.engine,
            "EngineVersion": source.engine_version,
            "LicenseModel": source.license_model,
            "Iops": source.iops,
            "OptionGroupName": source.option_group_name,
            "Encrypted": bool(source.storage_encrypted),
            "StorageType": source.storage_type,
            "KmsKeyId": key_arn,
            "IAMDatabaseAuthenticationEnabled": bool(source.enable_iam_database_authentication),
            "BackupRetentionPeriod": retention,
            "DBInstanceAutomatedBackupsArn": arn,
            "BackupTarget": "region",
        }
        held[arn] = {k: v for k, v in backup.items() if v is not None}
        targets[backend.region_name] = arn
        return held[arn]

    def stop(backend: RDSBackend, params: Any) -> dict[str, Any]:
        source_arn = str(params.get("SourceDBInstanceArn") or "")
        source = source_of(backend, source_arn)
        arn = replicating_to(source).pop(backend.region_name, None)
        if arn is None:
            raise invalid_state(
                f"Automated backups of DB instance {source.db_instance_identifier} are not replicating to the "
                "current region."
            )
        backup = replicated(backend)[arn]
        backup["Status"] = "retained"
        return backup

    def start_db_instance_automated_backups_replication(self: RDSResponse) -> ActionResult:
        return ActionResult({"DBInstanceAutomatedBackup": start(self.backend, self.params)})

    def stop_db_instance_automated_backups_replication(self: RDSResponse) -> ActionResult:
        return ActionResult({"DBInstanceAutomatedBackup": stop(self.backend, self.params)})

    original_describe = RDSResponse.describe_db_instance_automated_backups

    def describe_db_instance_automated_backups(self: RDSResponse) -> ActionResult:
        held = replicated(self.backend)
        arn = self.params.get("DBInstanceAutomatedBackupsArn")
        if arn:
            if arn not in held:
                raise RDSClientError("DBInstanceAutomatedBackupNotFound", f"No automated backup found for ARN {arn}.")
            return ActionResult({"DBInstanceAutomatedBackups": [held[arn]]})
        identifier = self.params.get("DBInstanceIdentifier")
        resource_id = self.params.get("DbiResourceId")
        ours = [
            backup
            for backup in held.values()
            if identifier in (None, backup["DBInstanceIdentifier"]) and resource_id in (None, backup["DbiResourceId"])
        ]
        theirs: list[Any] = []
        if resource_id is None:
            found: dict[str, Any] = original_describe(self).result  # type: ignore[assignment]
            theirs = list(found["DBInstanceAutomatedBackups"])
        return ActionResult({"DBInstanceAutomatedBackups": theirs + ours})

    for handler in (
        start_db_instance_automated_backups_replication,
        stop_db_instance_automated_backups_replication,
        describe_db_instance_automated_backups,
    ):
        setattr(RDSResponse, handler.__name__, handler)

    def source_replications(self: DBInstance) -> list[dict[str, str]]:
        return replications(self)

    def backup_replications(self: DBInstanceAutomatedBackup) -> list[dict[str, str]]:
        instance = self.backend.databases.get(self.db_instance_identifier)
        return replications(instance) if instance is not None else []

    DBInstance.db_instance_automated_backups_replications = property(source_replications)  # type: ignore[attr-defined]
    DBInstanceAutomatedBackup.db_instance_automated_backups_replications = property(  # type: ignore[attr-defined]
        backup_replications
    )

    def refuse_while_replicating(instance: DBInstance, change: str) -> None:
        targets = replicating_to(instance)
        if targets:
            raise invalid_state(
                f"DB instance {instance.db_instance_identifier} replicates its automated backups to "
                f"{', '.join(sorted(targets))}; stop that replication before {change}: AWS does not document "
                "what becomes of it, so the emulator will not guess."
            )

    original_delete = RDSBackend.delete_db_instance

    def delete_db_instance(self: RDSBackend, db_instance_identifier: str, *args: Any, **kwargs: Any) -> DBInstance:
        instance = self.databases.get(db_instance_identifier)
        if instance is not None:
            refuse_while_replicating(instance, "deleting it")
        deleted: DBInstance = original_delete(self, db_instance_identifier, *args, **kwargs)
        return deleted

    original_modify = RDSBackend.modify_db_instance

    def modify_db_instance(self: RDSBackend, db_instance_identifier: str, db_kwargs: Any) -> DBInstance:
        instance = self.databases.get(db_instance_identifier)
        retention = db_kwargs.get("backup_retention_period")
        if instance is not None and retention is not None and int(retention) == 0:
            refuse_while_replicating(instance, "turning its automated backups off")
        modified: DBInstance = original_modify(self, db_instance_identifier, db_kwargs)
        return modified

    RDSBackend.delete_db_instance = delete_db_instance  # type: ignore[method-assign]
    RDSBackend.modify_db_instance = modify_db_instance  # type: ignore[method-assign]


ENGINE_VERSIONS_TABLE = Path(__file__).resolve().parents[2] / "data" / "rds-engine-versions.json"
"""The table of versions RDS creates, which the app checks its settings against too (infra/engine_versions.py)."""


@fill(
    behaviour="RDS creates PostgreSQL and Aurora PostgreSQL on the minor versions its release calendar lists only; "
    "a major alone (or no version) gets one of them.",
    reference="https://docs.aws.amazon.com/AmazonRDS/latest/PostgreSQLReleaseNotes/postgresql-release-calendar.html",
)
def engine_versions_rds_creates() -> None:
    """CreateDBInstance, CreateDBCluster, CreateGlobalCluster and their Modify calls take listed versions only.

    moto 5.2.5 accepts any ``EngineVersion`` (15.4, retired years ago, or
    99.9) and reports it back, so a stack pinned to a minor RDS no longer
    creates deploys here and fails on AWS. Here the versions come from
    ``data/rds-engine-versions.json`` (AWS's release calendars, dated; the app
    reads the same file): a listed version is kept, a major alone becomes that
    major's newest listed minor, and no version the engine's newest one (AWS
    picks its default minor, possibly an older listed one; nothing here
    depends on which). Anything else is InvalidParameterCombination "Cannot
    find version <v> for <engine>", as AWS answers.

    Fail closed: an engine the table does not cover (MySQL, Oracle, ...) is
    refused, since the emulator cannot tell which of its versions AWS creates.
    Read replicas take their source's version and are not checked again.
    """
    import json
    from typing import Any

    from moto.rds.exceptions import InvalidParameterCombination
    from moto.rds.models import DBCluster, DBInstance, GlobalCluster, RDSBackend

    listed: dict[str, list[str]] = {
        engine: sorted(entry["versions"], key=lambda v: [int(p) for p in v.split(".")])
        for engine, entry in json.loads(ENGINE_VERSIONS_TABLE.read_text())["engines"].items()
    }

    def resolve(engine: str | None, requested: str | None) -> str:
        versions = listed.get(str(engine))
        if versions is None:
            raise InvalidParameterCombination(
                f"Engine {engine} is not in the emulator's table of versions RDS creates "
                f"(data/rds-engine-versions.json covers {', '.join(sorted(listed))}): it cannot tell what AWS accepts."
            )
        if not requested:
            return versions[-1]
        if requested in versions:
            return requested
        of_major = [v for v in versions if "." not in requested and v.split(".")[0] == requested]
        if of_major:
            return of_major[-1]
        raise InvalidParameterCombination(f"Cannot find version {requested} for {engine}")

    def checked(kwargs: dict[str, Any], engine: str | None) -> dict[str, Any]:
        return {**kwargs, "engine_version": resolve(engine, kwargs.get("engine_version"))}

    original_create = RDSBackend.create_db_instance

    def create_db_instance(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        if db_kwargs.get("db_cluster_identifier") and not db_kwargs.get("engine_version"):
            created: DBInstance = original_create(self, db_kwargs)  # a cluster member runs its cluster's version
            return created
        instance: DBInstance = original_create(self, checked(db_kwargs, db_kwargs.get("engine")))
        return instance

    original_modify = RDSBackend.modify_db_instance

    def modify_db_instance(self: RDSBackend, db_instance_identifier: str, db_kwargs: dict[str, Any]) -> DBInstance:
        if db_kwargs.get("engine_version"):
            engine = self.describe_db_instances(db_instance_identifier)[0].engine
            db_kwargs = checked(db_kwargs, engine)
        modified: DBInstance = original_modify(self, db_instance_identifier, db_kwargs)
        return modified

    original_create_cluster = RDSBackend.create_db_cluster

    def create_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
        cluster: DBCluster = original_create_cluster(self, checked(kwargs, kwargs.get("engine")))
        return cluster

    original_modify_cluster = RDSBackend.modify_db_cluster

    def modify_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
        if kwargs.get("engine_version"):
            cluster = self.describe_db_clusters(kwargs["db_cluster_identifier"])[0]
            kwargs = checked(kwargs, cluster.engine)
        modified: DBCluster = original_modify_cluster(self, kwargs)
        return modified

    original_global = RDSBackend.create_global_cluster

    def create_global_cluster(
        self: RDSBackend,
        global_cluster_identifier: str,
        source_db_cluster_identifier: str | None,
        engine: str | None,
        engine_version: str | None,
        storage_encrypted: bool | None,
        deletion_protection: bool | None,
    ) -> GlobalCluster:
        if source_db_cluster_identifier is None:  # a global cluster made from a cluster takes its version
            engine_version = resolve(engine, engine_version)
        created: GlobalCluster = original_global(
            self,
            global_cluster_identifier,
            source_db_cluster_identifier,
            engine,
            engine_version,
            storage_encrypted,
            deletion_protection,
        )
        return created

    RDSBackend.create_db_instance = create_db_instance  # type: ignore[method-assign]
    RDSBackend.modify_db_instance = modify_db_instance  # type: ignore[method-assign]
    RDSBackend.create_db_cluster = create_db_cluster  # type: ignore[method-assign]
    RDSBackend.modify_db_cluster = modify_db_cluster  # type: ignore[method-assign]
    RDSBackend.create_global_cluster = create_global_cluster  # type: ignore[method-assign]
