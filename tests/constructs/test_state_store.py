"""State store: the private bucket's protections and the lock table Terraform expects."""

from __future__ import annotations

import pytest

from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.state_store import TerraformStateStore
from infra.props.private_bucket import PrivateBucketProps, Transition
from infra.props.state_store import TerraformStateStoreProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, synth


def store(props: TerraformStateStoreProps | None = None) -> dict:
    return synth(
        lambda stack: TerraformStateStore(
            stack,
            "StateStore",
            bucket_name="solobase-terraform-state",
            lock_table_name="solobase-terraform-locks",
            props=props or TerraformStateStoreProps(),
        ).declare_outputs()
    )


def test_bucket_is_versioned_encrypted_private_and_kept_on_destroy() -> None:
    stack = store()
    bucket = only(stack, "aws_s3_bucket")
    assert bucket["bucket"] == "solobase-terraform-state"
    assert bucket["force_destroy"] is False
    assert only(stack, "aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"
    rule = only(stack, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    block = only(stack, "aws_s3_bucket_public_access_block")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )
    assert only(stack, "aws_s3_bucket_ownership_controls")["rule"]["object_ownership"] == "BucketOwnerEnforced"


def test_bucket_policy_denies_anything_without_tls() -> None:
    (statement,) = policy(only(store(), "aws_s3_bucket_policy")["policy"])["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Action"] == "s3:*"
    assert len(statement["Resource"]) == 2


def test_noncurrent_state_versions_expire() -> None:
    rules = only(
        store(TerraformStateStoreProps(noncurrent_version_expiration_days=30)), "aws_s3_bucket_lifecycle_configuration"
    )["rule"]
    assert rules[0]["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
    assert rules[0]["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]


def test_lock_table_has_lockid_key_on_demand_pitr_and_encryption() -> None:
    table = only(store(), "aws_dynamodb_table")
    assert table["name"] == "solobase-terraform-locks"
    assert table["hash_key"] == "LockID"
    assert table["attribute"] == [{"name": "LockID", "type": "S"}]
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert table["server_side_encryption"] == {"enabled": True}
    assert table["deletion_protection_enabled"] is True


def test_outputs() -> None:
    assert set(store()["output"]) == {"state_bucket_name", "lock_table_name"}


@pytest.mark.parametrize(
    ("bucket", "table", "message"),
    [
        ("Bad_Bucket", "locks", "bucket_name must be an S3 bucket name"),
        ("ok-bucket", "x", "lock_table_name must be a DynamoDB table name"),
        ("a" * 64, "locks", "bucket_name must be an S3 bucket name"),
    ],
)
def test_invalid_names(bucket: str, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        synth(
            lambda stack: TerraformStateStore(
                stack, "S", bucket_name=bucket, lock_table_name=table, props=TerraformStateStoreProps()
            )
        )


def test_private_bucket_transitions_in_order() -> None:
    props = PrivateBucketProps(
        transitions=(
            Transition(days=30, storage_class="INTELLIGENT_TIERING"),
            Transition(days=90, storage_class="GLACIER"),
        )
    )
    stack = synth(lambda s: PrivateBucket(s, "Sessions", bucket_name="replaydash-sessions", props=props))
    rules = only(stack, "aws_s3_bucket_lifecycle_configuration")["rule"]
    assert rules[1]["transition"] == [
        {"days": 30, "storage_class": "INTELLIGENT_TIERING"},
        {"days": 90, "storage_class": "GLACIER"},
    ]


@pytest.mark.parametrize(
    ("transitions", "message"),
    [
        (
            (Transition(days=90, storage_class="GLACIER"), Transition(days=30, storage_class="GLACIER_IR")),
            "transitions must be steps in strictly increasing days",
        ),
    ],
)
def test_private_bucket_rejects_unordered_transitions(transitions: tuple, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PrivateBucketProps(transitions=transitions)


@pytest.mark.parametrize(
    ("days", "storage_class", "message"),
    [
        (10, "STANDARD_IA", "days must be an integer from 30 to 36500; got 10"),
        (30, "COLD", "storage_class must be one of"),
    ],
)
def test_transition_rules_follow_s3(days: int, storage_class: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Transition(days=days, storage_class=storage_class)
    assert message in str(raised.value)


def _logged(target_props: PrivateBucketProps) -> dict:
    def build(stack: object) -> None:
        logs = PrivateBucket(stack, "Logs", bucket_name="app-access-logs", props=target_props)  # type: ignore[arg-type]
        data = PrivateBucket(stack, "Sessions", bucket_name="app-sessions", props=PrivateBucketProps())  # type: ignore[arg-type]
        data.log_access_to(logs)

    return synth(build)


def test_access_logs_of_a_bucket_go_to_the_log_bucket_under_its_own_prefix() -> None:
    stack = _logged(PrivateBucketProps(sse_algorithm="AES256"))
    logging = only(stack, "aws_s3_bucket_logging")
    sessions, logs = (next(k for k in stack["resource"]["aws_s3_bucket"] if k.startswith(p)) for p in ("Ses", "Logs"))
    logs_policy = next(k for k in stack["resource"]["aws_s3_bucket_policy"] if k.startswith("Logs_"))
    assert logging["bucket"] == f"${{aws_s3_bucket.{sessions}.id}}"
    assert logging["target_bucket"] == f"${{aws_s3_bucket.{logs}.bucket}}"
    assert logging["target_prefix"] == f"s3/${{aws_s3_bucket.{sessions}.bucket}}/"
    # S3 accepts the configuration only once the target's policy lets it deliver (ACLs are off).
    assert logging["depends_on"] == [f"aws_s3_bucket_policy.{logs_policy}"]
    statements = policy(stack["resource"]["aws_s3_bucket_policy"][logs_policy]["policy"])["Statement"]
    (delivery,) = [s for s in statements if s["Sid"] == "S3ServerAccessLogsOfSessions"]
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert delivery["Action"] == "s3:PutObject"
    assert delivery["Resource"] == f"${{aws_s3_bucket.{logs}.arn}}/s3/${{aws_s3_bucket.{sessions}.bucket}}/*"
    # Only this bucket of this account may deliver there (confused deputy).
    assert delivery["Condition"]["ArnLike"] == {"aws:SourceArn": f"${{aws_s3_bucket.{sessions}.arn}}"}
    assert "aws:SourceAccount" in delivery["Condition"]["StringEquals"]


def test_access_logs_are_refused_into_a_kms_encrypted_bucket() -> None:
    # S3 delivers no server access logs to an SSE-KMS bucket: refused before anything is made.
    with pytest.raises(ConfigError, match=r"Logs as the access-log target of Sessions must be a bucket with SSE-S3"):
        _logged(PrivateBucketProps())
