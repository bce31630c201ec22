"""The RDS fills (emulator/fills/rds.py) against a live emulator, and what they must not accept."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator


def test_db_instance_resource_id_unique(emulator: Emulator) -> None:
    rds = emulator.client("rds", "210000000005")
    database = {
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "MasterUsername": "app",
        "MasterUserPassword": "not-a-real-password",
        "AllocatedStorage": 20,
    }
    for name in ("first-db", "second-db"):
        rds.create_db_instance(DBInstanceIdentifier=name, **database)
    rds.create_db_instance_read_replica(DBInstanceIdentifier="first-db-replica", SourceDBInstanceIdentifier="first-db")

    def resource_ids() -> dict[str, str]:
        return {d["DBInstanceIdentifier"]: d["DbiResourceId"] for d in rds.describe_db_instances()["DBInstances"]}

    ids = resource_ids()
    assert len(set(ids.values())) == 3
    assert all(re.fullmatch(r"db-[A-Z0-9]{26}", value) for value in ids.values())
    by_id = rds.describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [ids["second-db"]]}])
    assert [d["DBInstanceIdentifier"] for d in by_id["DBInstances"]] == ["second-db"]

    # Not over-filled: an instance keeps its id.
    rds.modify_db_instance(DBInstanceIdentifier="second-db", AllocatedStorage=30, ApplyImmediately=True)
    assert resource_ids() == ids

    for name in ("first-db-replica", "first-db", "second-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


def test_db_instance_performance_insights(emulator: Emulator) -> None:
    account = "210000000007"
    rds = emulator.client("rds", account)
    key = emulator.client("kms", account).create_key(Description="performance insights")["KeyMetadata"]
    database = {
        "DBInstanceClass": "db.t4g.medium",
        "Engine": "postgres",
        "MasterUsername": "app",
        "MasterUserPassword": "not-a-real-password",
        "AllocatedStorage": 20,
    }

    def insights(name: str) -> tuple[object, object, object]:
        (instance,) = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
        return (
            instance["PerformanceInsightsEnabled"],
            instance.get("PerformanceInsightsKMSKeyId"),
            instance.get("PerformanceInsightsRetentionPeriod"),
        )

    created = rds.create_db_instance(
        DBInstanceIdentifier="insights-db",
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key["KeyId"],
        PerformanceInsightsRetentionPeriod=7,
        **database,
    )["DBInstance"]
    assert created["PerformanceInsightsKMSKeyId"] == key["Arn"]
    assert insights("insights-db") == (True, key["Arn"], 7)
    rds.modify_db_instance(
        DBInstanceIdentifier="insights-db", PerformanceInsightsRetentionPeriod=31, ApplyImmediately=True
    )
    assert insights("insights-db") == (True, key["Arn"], 31)

    # Enabled with nothing else: 7 days and the account's aws/rds key, as on AWS.
    rds.create_db_instance(DBInstanceIdentifier="default-insights-db", EnablePerformanceInsights=True, **database)
    enabled, default_key, period = insights("default-insights-db")
    assert (enabled, period) == (True, 7)
    assert re.fullmatch(rf"arn:aws:kms:us-east-1:{account}:key/[-0-9a-f]{{36}}", str(default_key))

    # Not over-filled: off unless asked for; turning it off clears the rest; an unknown key fails and changes nothing.
    rds.create_db_instance(DBInstanceIdentifier="plain-db", **database)
    assert insights("plain-db") == (False, None, None)
    rds.modify_db_instance(DBInstanceIdentifier="insights-db", EnablePerformanceInsights=False, ApplyImmediately=True)
    assert insights("insights-db") == (False, None, None)
    with pytest.raises(ClientError, match="KMSKeyNotAccessibleFault"):
        rds.modify_db_instance(
            DBInstanceIdentifier="plain-db",
            EnablePerformanceInsights=True,
            PerformanceInsightsKMSKeyId="no-such-key",
            ApplyImmediately=True,
        )
    assert insights("plain-db") == (False, None, None)

    for name in ("insights-db", "default-insights-db", "plain-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


def test_db_parameters_report_their_source(emulator: Emulator) -> None:
    rds = emulator.client("rds", "555566667777")
    rds.create_db_parameter_group(
        DBParameterGroupName="tls-only", DBParameterGroupFamily="postgres15", Description="TLS only"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="tls-only",
        Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}],
    )
    (parameter,) = rds.describe_db_parameters(DBParameterGroupName="tls-only")["Parameters"]
    assert (parameter["ParameterName"], parameter["ParameterValue"], parameter["Source"]) == (
        "rds.force_ssl",
        "1",
        "user",
    )
    rds.delete_db_parameter_group(DBParameterGroupName="tls-only")


def _encrypted_source(emulator: Emulator, account: str) -> str:
    rds = emulator.client("rds", account, "eu-west-1")
    key = emulator.client("kms", account, "eu-west-1").create_key(Description="source")["KeyMetadata"]["Arn"]
    source = rds.create_db_instance(
        DBInstanceIdentifier="source-db",
        DBInstanceClass="db.t3.medium",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        StorageEncrypted=True,
        KmsKeyId=key,
        BackupRetentionPeriod=7,
    )["DBInstance"]
    return str(source["DBInstanceArn"])


def _replica_subnets(emulator: Emulator, account: str) -> None:
    ec2 = emulator.client("ec2", account, "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.70.{i}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"][
            "SubnetId"
        ]
        for i, z in enumerate("ab")
    ]
    emulator.client("rds", account, "us-east-1").create_db_subnet_group(
        DBSubnetGroupName="replica-subnets", DBSubnetGroupDescription="replica", SubnetIds=subnets
    )


def test_cross_region_read_replica(emulator: Emulator) -> None:
    account = "310000000020"
    source_arn = _encrypted_source(emulator, account)
    _replica_subnets(emulator, account)
    replica_key = emulator.client("kms", account, "us-east-1").create_key(Description="replica")["KeyMetadata"]["Arn"]
    remote = emulator.client("rds", account, "us-east-1")
    remote.create_db_instance_read_replica(
        DBInstanceIdentifier="replica-db",
        SourceDBInstanceIdentifier=source_arn,
        DBSubnetGroupName="replica-subnets",
        KmsKeyId=replica_key,
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=replica_key,
        SourceRegion="eu-west-1",
    )
    (replica,) = remote.describe_db_instances(DBInstanceIdentifier="replica-db")["DBInstances"]
    assert replica["DBSubnetGroup"]["DBSubnetGroupName"] == "replica-subnets"
    assert replica["KmsKeyId"] == replica_key
    assert replica["PerformanceInsightsKMSKeyId"] == replica_key
    assert replica["ReadReplicaSourceDBInstanceIdentifier"] == source_arn
    assert replica["DBInstanceArn"].startswith("arn:aws:rds:us-east-1:")
    local = emulator.client("rds", account, "eu-west-1")
    (source,) = local.describe_db_instances(DBInstanceIdentifier="source-db")["DBInstances"]
    assert source["ReadReplicaDBInstanceIdentifiers"] == [replica["DBInstanceArn"]]

    remote.delete_db_instance(DBInstanceIdentifier="replica-db", SkipFinalSnapshot=True)
    (source,) = local.describe_db_instances(DBInstanceIdentifier="source-db")["DBInstances"]
    assert source["ReadReplicaDBInstanceIdentifiers"] == []
    local.delete_db_instance(DBInstanceIdentifier="source-db", SkipFinalSnapshot=True)


@pytest.mark.parametrize(
    ("key", "error"),
    [
        (None, "InvalidParameterCombination"),
        ("arn:aws:kms:us-east-1:310000000021:key/absent", "KMSKeyNotAccessibleFault"),
    ],
)
def test_cross_region_read_replica_needs_a_key_of_its_region(emulator: Emulator, key: str | None, error: str) -> None:
    """Fail closed: an encrypted source's replica in another region needs a key the region has."""
    account = "310000000021"
    remote = emulator.client("rds", account, "us-east-1")
    if not emulator.client("rds", account, "eu-west-1").describe_db_instances()["DBInstances"]:
        _encrypted_source(emulator, account)
        _replica_subnets(emulator, account)
    source_arn = f"arn:aws:rds:eu-west-1:{account}:db:source-db"
    request = {"DBInstanceIdentifier": "replica-db", "SourceDBInstanceIdentifier": source_arn}
    with pytest.raises(ClientError, match=error):
        remote.create_db_instance_read_replica(
            **request, DBSubnetGroupName="replica-subnets", **({"KmsKeyId": key} if key else {})
        )
    assert remote.describe_db_instances()["DBInstances"] == []


def test_read_replica_without_automated_backups(emulator: Emulator) -> None:
    account = "310000000022"
    rds = emulator.client("rds", account)
    rds.create_db_instance(
        DBInstanceIdentifier="kept-db",
        DBInstanceClass="db.t3.medium",
        Engine="postgres",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        BackupRetentionPeriod=7,
    )
    rds.create_db_instance_read_replica(DBInstanceIdentifier="kept-replica", SourceDBInstanceIdentifier="kept-db")
    retention = {
        d["DBInstanceIdentifier"]: d["BackupRetentionPeriod"] for d in rds.describe_db_instances()["DBInstances"]
    }
    assert retention == {"kept-db": 7, "kept-replica": 0}
    for name in ("kept-replica", "kept-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


def _backup_sources(emulator: Emulator, account: str) -> dict[str, str]:
    """In eu-west-1: an encrypted source kept 7 days, an unencrypted one kept 7 days, one without backups."""
    rds = emulator.client("rds", account, "eu-west-1")
    if not rds.describe_db_instances()["DBInstances"]:
        _encrypted_source(emulator, account)
        for name, retention in (("plain-db", 7), ("unkept-db", 0)):
            rds.create_db_instance(
                DBInstanceIdentifier=name,
                DBInstanceClass="db.t3.medium",
                Engine="postgres",
                MasterUsername="app",
                MasterUserPassword="not-a-real-password",
                AllocatedStorage=20,
                BackupRetentionPeriod=retention,
            )
    return {name: f"arn:aws:rds:eu-west-1:{account}:db:{name}" for name in ("source-db", "plain-db", "unkept-db")}


def _replicated_backups(emulator: Emulator, account: str, region: str) -> list[dict[str, Any]]:
    backups = emulator.client("rds", account, region).describe_db_instance_automated_backups()
    return [b for b in backups["DBInstanceAutomatedBackups"] if "DBInstanceAutomatedBackupsArn" in b]


def _replications(emulator: Emulator, account: str, name: str) -> list[dict[str, str]]:
    rds = emulator.client("rds", account, "eu-west-1")
    (instance,) = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
    replications: list[dict[str, str]] = instance.get("DBInstanceAutomatedBackupsReplications", [])
    return replications


def test_automated_backups_replication(emulator: Emulator) -> None:
    account = "310000000023"
    sources = _backup_sources(emulator, account)
    key = emulator.client("kms", account, "us-east-1").create_key(Description="backups")["KeyMetadata"]
    remote = emulator.client("rds", account, "us-east-1")
    local = emulator.client("rds", account, "eu-west-1")

    started = remote.start_db_instance_automated_backups_replication(
        SourceDBInstanceArn=sources["source-db"], KmsKeyId=key["KeyId"], BackupRetentionPeriod=14
    )["DBInstanceAutomatedBackup"]
    arn = started["DBInstanceAutomatedBackupsArn"]
    assert re.fullmatch(rf"arn:aws:rds:us-east-1:{account}:auto-backup:ab-[a-z0-9]{{42}}", arn)
    (source,) = local.describe_db_instances(DBInstanceIdentifier="source-db")["DBInstances"]
    assert {
        k: started[k]
        for k in ("DBInstanceArn", "DBInstanceIdentifier", "DbiResourceId", "Region", "Status", "Encrypted")
    } == {
        "DBInstanceArn": sources["source-db"],
        "DBInstanceIdentifier": "source-db",
        "DbiResourceId": source["DbiResourceId"],
        "Region": "eu-west-1",
        "Status": "replicating",
        "Encrypted": True,
    }
    # The key as an ARN of the destination, as the provider reads it back into kms_key_id.
    assert (started["KmsKeyId"], started["BackupRetentionPeriod"]) == (key["Arn"], 14)

    # The destination finds it by ARN and lists it; the source lists it while it replicates.
    (by_arn,) = remote.describe_db_instance_automated_backups(DBInstanceAutomatedBackupsArn=arn)[
        "DBInstanceAutomatedBackups"
    ]
    assert by_arn == started
    assert _replicated_backups(emulator, account, "us-east-1") == [started]
    assert _replicated_backups(emulator, account, "eu-west-1") == []
    assert _replications(emulator, account, "source-db") == [{"DBInstanceAutomatedBackupsArn": arn}]
    assert _replications(emulator, account, "plain-db") == []
    assert f"db-automated-backups-replication:{arn}" in emulator.inventory(account, "us-east-1")

    # One replication per source: again to the same region, or to another.
    with pytest.raises(ClientError, match="DBInstanceAutomatedBackupQuotaExceeded"):
        remote.start_db_instance_automated_backups_replication(
            SourceDBInstanceArn=sources["source-db"], KmsKeyId=key["Arn"]
        )
    west_key = emulator.client("kms", account, "us-west-2").create_key(Description="backups")["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError, match="InvalidDBInstanceState"):
        emulator.client("rds", account, "us-west-2").start_db_instance_automated_backups_replication(
            SourceDBInstanceArn=sources["source-db"], KmsKeyId=west_key
        )
    # What becomes of a replication whose source goes, or stops backing up, is not documented: refused.
    with pytest.raises(ClientError, match="InvalidDBInstanceState"):
        local.delete_db_instance(DBInstanceIdentifier="source-db", SkipFinalSnapshot=True)
    with pytest.raises(ClientError, match="InvalidDBInstanceState"):
        local.modify_db_instance(DBInstanceIdentifier="source-db", BackupRetentionPeriod=0, ApplyImmediately=True)

    # An unencrypted source takes no key; its retention period is 7 days unless given.
    plain = remote.start_db_instance_automated_backups_replication(SourceDBInstanceArn=sources["plain-db"])[
        "DBInstanceAutomatedBackup"
    ]
    assert (plain["Encrypted"], plain.get("KmsKeyId"), plain["BackupRetentionPeriod"]) == (False, None, 7)

    stopped = remote.stop_db_instance_automated_backups_replication(SourceDBInstanceArn=sources["source-db"])[
        "DBInstanceAutomatedBackup"
    ]
    assert (stopped["DBInstanceAutomatedBackupsArn"], stopped["Status"]) == (arn, "retained")
    assert _replications(emulator, account, "source-db") == []
    # Replicated backups are retained in the destination after a stop; the provider counts that as gone.
    (retained,) = remote.describe_db_instance_automated_backups(DBInstanceAutomatedBackupsArn=arn)[
        "DBInstanceAutomatedBackups"
    ]
    assert retained["Status"] == "retained"
    assert f"db-automated-backups-replication:{arn}" not in emulator.inventory(account, "us-east-1")
    with pytest.raises(ClientError, match="not replicating to the current region"):
        remote.stop_db_instance_automated_backups_replication(SourceDBInstanceArn=sources["source-db"])
    remote.stop_db_instance_automated_backups_replication(SourceDBInstanceArn=sources["plain-db"])
    with pytest.raises(ClientError, match="DBInstanceAutomatedBackupNotFound"):
        remote.describe_db_instance_automated_backups(
            DBInstanceAutomatedBackupsArn=f"arn:aws:rds:us-east-1:{account}:auto-backup:ab-absent"
        )
    for name in ("source-db", "plain-db", "unkept-db"):
        local.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


AUTOMATED_BACKUP_REFUSALS = {
    "source that does not exist": (
        {"SourceDBInstanceArn": "arn:aws:rds:eu-west-1:{account}:db:absent-db"},
        "DBInstanceNotFound",
    ),
    "source named, not by ARN": ({"SourceDBInstanceArn": "source-db"}, "InvalidParameterValue"),
    "source of another account": (
        {"SourceDBInstanceArn": "arn:aws:rds:eu-west-1:310000000099:db:source-db"},
        "InvalidParameterValue",
    ),
    "source in the region asked": ({"source": "source-db", "region": "eu-west-1"}, "InvalidParameterValue"),
    "source without automated backups": ({"source": "unkept-db"}, "InvalidDBInstanceState"),
    "encrypted source without a key": ({"source": "source-db", "key": None}, "InvalidParameterCombination"),
    "key the region lacks": (
        {"source": "source-db", "KmsKeyId": "arn:aws:kms:us-east-1:{account}:key/absent"},
        "KMSKeyNotAccessibleFault",
    ),
    "key of the source's region": ({"source": "source-db", "key": "eu-west-1"}, "KMSKeyNotAccessibleFault"),
    "key for an unencrypted source": ({"source": "plain-db"}, "InvalidParameterCombination"),
    "no retention": ({"source": "source-db", "BackupRetentionPeriod": 0}, "InvalidParameterValue"),
    "retention over 35 days": ({"source": "source-db", "BackupRetentionPeriod": 36}, "InvalidParameterValue"),
}


@pytest.mark.parametrize(("case", "error"), AUTOMATED_BACKUP_REFUSALS.values(), ids=AUTOMATED_BACKUP_REFUSALS)
def test_automated_backups_replication_refusals(emulator: Emulator, case: dict[str, Any], error: str) -> None:
    """Fail closed: what AWS refuses, or the emulator cannot vouch for, starts nothing anywhere."""
    account = "310000000024"
    sources = _backup_sources(emulator, account)
    case = dict(case)
    region = case.pop("region", "us-east-1")
    key_region = case.pop("key", "us-east-1")
    request = {k: v.format(account=account) if isinstance(v, str) else v for k, v in case.items()}
    if "source" in request:
        request["SourceDBInstanceArn"] = sources[request.pop("source")]
    if key_region and "KmsKeyId" not in request:
        request["KmsKeyId"] = emulator.client("kms", account, key_region).create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError, match=error):
        emulator.client("rds", account, region).start_db_instance_automated_backups_replication(**request)
    for where in ("us-east-1", "eu-west-1"):
        assert _replicated_backups(emulator, account, where) == []
    assert all(_replications(emulator, account, name) == [] for name in ("source-db", "plain-db", "unkept-db"))


def _postgres(rds: Any, name: str, **extra: Any) -> dict[str, Any]:
    request = {
        "DBInstanceIdentifier": name,
        "DBInstanceClass": "db.t3.medium",
        "Engine": "postgres",
        "MasterUsername": "app",
        "AllocatedStorage": 20,
        **({} if extra.get("ManageMasterUserPassword") else {"MasterUserPassword": "not-a-real-password"}),
        **extra,
    }
    instance: dict[str, Any] = rds.create_db_instance(**request)["DBInstance"]
    return instance


def test_engine_versions_rds_creates(emulator: Emulator) -> None:
    rds = emulator.client("rds", "310000000025")
    table = json.loads((Path(__file__).resolve().parents[3] / "data" / "rds-engine-versions.json").read_text())
    postgres = table["engines"]["postgres"]["versions"]
    newest_15 = max((v for v in postgres if v.startswith("15.")), key=lambda v: int(v.split(".")[1]))

    assert _postgres(rds, "pinned-db", EngineVersion=newest_15)["EngineVersion"] == newest_15
    # A major alone: RDS picks a minor it creates; the emulator its newest listed one.
    assert _postgres(rds, "major-db", EngineVersion="15")["EngineVersion"] == newest_15
    assert _postgres(rds, "default-db")["EngineVersion"] in postgres

    # Retired minors (15.4, 15.10, 16.4), unknown majors and unknown engines are refused; nothing is created.
    for version in ("15.4", "15.10", "16.4", "99"):
        with pytest.raises(ClientError, match=re.escape(f"Cannot find version {version} for postgres")):
            _postgres(rds, "retired-db", EngineVersion=version)
    with pytest.raises(ClientError, match="InvalidParameterCombination"):
        rds.create_db_instance(
            DBInstanceIdentifier="other-db", DBInstanceClass="db.t3.medium", Engine="mysql", AllocatedStorage=20
        )
    with pytest.raises(ClientError, match=re.escape("Cannot find version 15.10 for postgres")):
        rds.modify_db_instance(DBInstanceIdentifier="pinned-db", EngineVersion="15.10", ApplyImmediately=True)
    names = {d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]}
    assert names == {"pinned-db", "major-db", "default-db"}

    # Aurora PostgreSQL has a calendar of its own.
    aurora = table["engines"]["aurora-postgresql"]["versions"]
    cluster = {"Engine": "aurora-postgresql", "MasterUsername": "app", "MasterUserPassword": "not-a-real-password"}
    created = rds.create_db_cluster(DBClusterIdentifier="aurora-db", EngineVersion=aurora[-1], **cluster)
    assert created["DBCluster"]["EngineVersion"] == aurora[-1]
    with pytest.raises(ClientError, match=re.escape("Cannot find version 15.11 for aurora-postgresql")):
        rds.create_db_cluster(DBClusterIdentifier="retired-aurora", EngineVersion="15.11", **cluster)
    with pytest.raises(ClientError, match=re.escape("Cannot find version 15.11 for aurora-postgresql")):
        rds.create_global_cluster(
            GlobalClusterIdentifier="retired-global", Engine="aurora-postgresql", EngineVersion="15.11"
        )

    rds.delete_db_cluster(DBClusterIdentifier="aurora-db", SkipFinalSnapshot=True)
    for name in names:
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


READ_REPLICA_REFUSALS = {
    "source without automated backups": ({"BackupRetentionPeriod": 0}, {}, "InvalidDBInstanceState"),
    "KmsKeyId for an unencrypted source": ({"BackupRetentionPeriod": 7}, {"key": True}, "InvalidParameterCombination"),
    "source with a managed master password": (
        {"BackupRetentionPeriod": 7, "ManageMasterUserPassword": True},
        {},
        "InvalidParameterCombination",
    ),
}


@pytest.mark.parametrize(("source", "request_", "error"), READ_REPLICA_REFUSALS.values(), ids=READ_REPLICA_REFUSALS)
def test_read_replica_source_requirements(
    emulator: Emulator, source: dict[str, Any], request_: dict[str, Any], error: str
) -> None:
    account = "310000000026"
    rds = emulator.client("rds", account)
    _postgres(rds, "unfit-source", **source)
    extra = {}
    if request_.get("key"):
        extra["KmsKeyId"] = emulator.client("kms", account).create_key()["KeyMetadata"]["Arn"]
    with pytest.raises(ClientError, match=error):
        rds.create_db_instance_read_replica(
            DBInstanceIdentifier="unfit-replica", SourceDBInstanceIdentifier="unfit-source", **extra
        )
    assert [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]] == ["unfit-source"]
    rds.delete_db_instance(DBInstanceIdentifier="unfit-source", SkipFinalSnapshot=True)


def test_postgresql_replica_automated_backups(emulator: Emulator) -> None:
    rds = emulator.client("rds", "310000000027")
    for name, version in (("current-db", "15"), ("old-db", "13.23")):
        _postgres(rds, name, EngineVersion=version, BackupRetentionPeriod=7)
        rds.create_db_instance_read_replica(DBInstanceIdentifier=f"{name}-replica", SourceDBInstanceIdentifier=name)

    # From 14.1 a replica keeps backups of its own (a promoted replica has point-in-time recovery) ...
    rds.modify_db_instance(DBInstanceIdentifier="current-db-replica", BackupRetentionPeriod=1, ApplyImmediately=True)
    (replica,) = rds.describe_db_instances(DBInstanceIdentifier="current-db-replica")["DBInstances"]
    assert replica["BackupRetentionPeriod"] == 1
    # ... before 14.1 it cannot.
    with pytest.raises(ClientError, match=re.escape("need 14.1 or later")):
        rds.modify_db_instance(DBInstanceIdentifier="old-db-replica", BackupRetentionPeriod=1, ApplyImmediately=True)
    (replica,) = rds.describe_db_instances(DBInstanceIdentifier="old-db-replica")["DBInstances"]
    assert replica["BackupRetentionPeriod"] == 0

    for name in ("current-db-replica", "old-db-replica", "current-db", "old-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)


def test_managed_master_secret_holds_the_credentials(emulator: Emulator) -> None:
    account = "310000000028"
    rds = emulator.client("rds", account)
    secrets = emulator.client("secretsmanager", account)
    values = []
    for name in ("credentials-db", "other-credentials-db"):
        created = _postgres(rds, name, ManageMasterUserPassword=True, MasterUsername="admin_user")
        arn = created["MasterUserSecret"]["SecretArn"]
        values.append(json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"]))
    one, other = values
    assert one["username"] == other["username"] == "admin_user"
    assert len(one["password"]) == 28 and one["password"] != other["password"]
    for name in ("credentials-db", "other-credentials-db"):
        rds.delete_db_instance(DBInstanceIdentifier=name, SkipFinalSnapshot=True)
