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
