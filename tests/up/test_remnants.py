"""What a destroy leaves on purpose (final snapshots, secrets in their recovery window), read from state."""

from __future__ import annotations

from typing import Any

from infra.up.stacks import remnants


def managed(kind: str, **attributes: Any) -> dict[str, Any]:
    return {"mode": "managed", "type": kind, "name": "x", "instances": [{"attributes": attributes}]}


def test_snapshots_and_secrets_in_their_window_are_found_in_their_region() -> None:
    state = {
        "resources": [
            managed(
                "aws_db_instance",
                arn="arn:aws:rds:us-west-2:123456789012:db:demo",
                skip_final_snapshot=False,
                final_snapshot_identifier="demo-final",
            ),
            managed("aws_db_instance", arn="arn:aws:rds:us-east-1:123456789012:db:scratch", skip_final_snapshot=True),
            managed(
                "aws_elasticache_replication_group",
                arn="arn:aws:elasticache:us-east-1:123456789012:replicationgroup:cache",
                final_snapshot_identifier="cache-final-20261205120000",
            ),
            managed(
                "aws_elasticache_replication_group",
                arn="arn:aws:elasticache:us-east-1:123456789012:replicationgroup:scratch",
            ),
            managed("aws_secretsmanager_secret", arn="arn:aws:secretsmanager:eu-west-1:123456789012:secret:s-AbCdEf"),
            managed(
                "aws_secretsmanager_secret",
                arn="arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf",
                recovery_window_in_days=0,
            ),
        ]
    }
    assert remnants(state) == [
        ("db-snapshot", "us-west-2", "demo-final"),
        ("cache-snapshot", "us-east-1", "cache-final-20261205120000"),
        ("secret", "eu-west-1", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:s-AbCdEf"),
    ]


def test_a_resource_whose_create_failed_half_way_holds_no_arn_and_leaves_nothing() -> None:
    """make down of a stack whose apply failed: a tainted resource's ARN is null or empty."""
    state = {
        "resources": [
            managed("aws_cloudtrail", arn=None),
            managed("aws_secretsmanager_secret", arn=""),
            managed("aws_db_instance", skip_final_snapshot=False, final_snapshot_identifier="never-made"),
        ]
    }
    assert remnants(state) == []
