"""What make up shows (infra/up/outputs.py): things to open or connect to, never a secret value."""

from __future__ import annotations

import pytest

from infra.up.outputs import Notable, document, kind_of, select, table

ARN = "arn:aws:secretsmanager:us-east-1:891376933289:secret:arrakis-staging/db-credentials-iVbCSE"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("alb_dns_name", "load balancer"),
        ("admin_alb_dns_name", "load balancer"),
        ("cloudfront_domain_name", "CloudFront domain"),
        ("cdn_distribution_domain_name", "CloudFront domain"),
        ("webhook_function_url", "function URL"),
        ("api_gateway_domain_name", "DNS name"),
        ("cloudwatch_dashboard_url", "URL"),
        ("database_endpoint", "endpoint"),
        ("redis_endpoint", "endpoint"),
        ("db_credentials_secret_arn", "secret ARN"),
        ("alb_zone_id", None),
        ("sns_topic_arn", None),
        ("ecs_cluster_name", None),
        ("private_subnet_ids", None),
    ],
)
def test_outputs_are_chosen_by_the_naming_rule(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


def test_sensitive_outputs_and_urls_with_a_password_are_never_shown() -> None:
    outputs = {
        "alb_dns_name": {"value": "arrakis-staging-alb-1.us-east-1.elb.amazonaws.com", "sensitive": False},
        "database_url": {"value": "postgresql://app:s3cret@db:5432/app", "sensitive": False},
        "admin_url": {"value": "https://admin.example.com", "sensitive": True},
        "db_credentials_secret_arn": {"value": ARN, "sensitive": False},
        "function_urls": {"value": None, "sensitive": False},
        "ingest_function_url": {"value": ["https://a.lambda-url.us-east-1.on.aws/", "https://b.on.aws/"]},
    }
    chosen = select("freeside-staging", outputs, {"alb_dns_name": "DNS name of arrakis-staging-alb"})
    assert [(n.name, n.kind, n.value) for n in chosen] == [
        ("alb_dns_name", "load balancer", "arrakis-staging-alb-1.us-east-1.elb.amazonaws.com"),
        ("db_credentials_secret_arn", "secret ARN", ARN),
        ("ingest_function_url", "function URL", "https://a.lambda-url.us-east-1.on.aws/, https://b.on.aws/"),
    ]
    assert chosen[0].description == "DNS name of arrakis-staging-alb"
    assert "s3cret" not in str(chosen)


def test_the_table_never_wraps_a_value() -> None:
    rows = [Notable("freeside-staging", "secret ARN", "db_credentials_secret_arn", ARN)]
    text = table(rows)
    assert text.splitlines() == [
        "STACK             WHAT        OUTPUT                     VALUE",
        f"freeside-staging  secret ARN  db_credentials_secret_arn  {ARN}",
    ]


def test_the_document_holds_the_same_rows_by_stack() -> None:
    rows = [Notable("freeside-staging", "secret ARN", "db_credentials_secret_arn", ARN, "URL secret")]
    assert document(rows, not_deployed={"link-production": "uses the postgresql provider"}) == {
        "stacks": {
            "freeside-staging": [
                {"name": "db_credentials_secret_arn", "kind": "secret ARN", "value": ARN, "description": "URL secret"}
            ]
        },
        "not_deployed": {"link-production": "uses the postgresql provider"},
    }
