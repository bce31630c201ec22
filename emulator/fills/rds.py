"""RDS: DB instances and DB parameter groups."""

from __future__ import annotations

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
    period included, so a replica of a source kept 7 days reports 7 and the
    provider plans to set 0 after every apply (RDS PostgreSQL replicas keep no
    automated backups at all). Here a replica reports the retention period
    its request gave, 0 when it gave none.
    """
    from typing import Any

    from moto.rds.models import DBInstance, RDSBackend

    original_create = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
        replica: DBInstance = original_create(self, db_kwargs)
        replica.backup_retention_period = int(db_kwargs.get("backup_retention_period") or 0)
        return replica

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica  # type: ignore[method-assign]
