"""Each resource type priced from the table, against amounts computed by hand from prices.toml.

Hand computations use 730 hours a month (the table's meta) and the table's unit prices, written out.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra.cost import estimate, prices, terraform_json
from infra.cost.estimate import StackEstimate
from infra.cost.usage import SolobaseUsage, Usage
from infra.validation import ConfigError

H = 730
PROVIDERS = {
    "aws": [{"region": "us-east-1"}, {"alias": "eu", "region": "eu-west-1"}, {"alias": "west", "region": "us-west-2"}]
}


def priced(resources: dict[str, dict[str, Any]], usage: Usage | None = None, kind: str = "platform") -> StackEstimate:
    document = terraform_json.from_synth("s", {"provider": PROVIDERS, "resource": resources})
    return estimate.estimate(
        document, system="x", environments=("e",), kind=kind, usage=usage or Usage(), prices=prices.load()
    )


def amounts(result: StackEstimate) -> dict[str, float]:
    return {line.item: line.monthly for line in result.lines if line.monthly is not None}


def test_rds_multi_az_instance_storage_and_managed_secret() -> None:
    result = priced(
        {
            "aws_db_instance": {
                "Db": {
                    "engine": "postgres",
                    "instance_class": "db.t3.medium",
                    "multi_az": True,
                    "allocated_storage": 100,
                    "storage_type": "gp3",
                    "manage_master_user_password": True,
                }
            }
        }
    )
    assert amounts(result) == {
        "db.t3.medium Multi-AZ instance": pytest.approx(0.072 * H * 2),  # 105.12
        "100 GB gp3 storage, Multi-AZ": pytest.approx(100 * 0.115 * 2),  # 23.00
        "master user secret (RDS manages it)": 0.40,
    }


def test_a_cross_region_replica_inherits_storage_and_pays_transfer() -> None:
    result = priced(
        {
            "aws_db_instance": {
                "Db": {
                    "engine": "postgres",
                    "instance_class": "db.r6g.large",
                    "allocated_storage": 100,
                    "storage_type": "gp3",
                    "provider": "aws.eu",
                },
                "Replica": {
                    "instance_class": "db.r6g.large",
                    "storage_type": "gp3",
                    "replicate_source_db": "${aws_db_instance.Db.arn}",
                },
            }
        },
        Usage(cross_region_gb=50),
    )
    replica = {line.item: line.monthly for line in result.lines if line.address == "aws_db_instance.Replica"}
    assert replica["db.r6g.large Single-AZ read replica"] == pytest.approx(0.225 * H)  # us-east-1: 164.25
    assert replica["100 GB gp3 storage, Single-AZ"] == pytest.approx(100 * 0.115)
    assert replica["cross-region replica: 50 GB between regions"] == pytest.approx(50 * 0.02)
    primary = amounts(result)
    assert primary["db.r6g.large Single-AZ instance"] == pytest.approx(0.247 * H)  # eu-west-1


def test_gp3_iops_above_the_included_3000_are_billed() -> None:
    result = priced(
        {
            "aws_db_instance": {
                "Db": {"instance_class": "db.t3.small", "allocated_storage": 400, "storage_type": "gp3", "iops": 12000}
            }
        }
    )
    assert amounts(result)["9000 gp3 IOPS above the included 3000"] == pytest.approx(9000 * 0.02)


def test_backup_copies_to_another_region() -> None:
    result = priced(
        {
            "aws_db_instance": {"Db": {"instance_class": "db.t3.small", "allocated_storage": 100}},
            "aws_db_instance_automated_backups_replication": {
                "Copy": {"source_db_instance_arn": "${aws_db_instance.Db.arn}", "provider": "aws.west"}
            },
        },
        Usage(cross_region_gb=30),
    )
    assert amounts(result)["100 GB of automated backups copied to us-west-2"] == pytest.approx(100 * 0.095)
    assert amounts(result)["backup copies: 30 GB between regions"] == pytest.approx(30 * 0.02)


def test_elasticache_nodes() -> None:
    result = priced(
        {
            "aws_elasticache_replication_group": {
                "R": {"node_type": "cache.r6g.large", "num_cache_clusters": 2, "provider": "aws.eu"}
            }
        }
    )
    assert amounts(result) == {"2 x cache.r6g.large node": pytest.approx(2 * 0.228 * H)}  # 332.88


def test_eks_control_plane_and_spot_nodes_with_their_launch_template_volumes() -> None:
    result = priced(
        {
            "aws_eks_cluster": {"C": {"version": "1.33", "provider": "aws.eu"}},
            "aws_launch_template": {
                "T": {
                    "block_device_mappings": [{"ebs": {"volume_size": 50, "volume_type": "gp3"}}],
                    "provider": "aws.eu",
                }
            },
            "aws_eks_node_group": {
                "N": {
                    "instance_types": ["m6i.large", "m5.large"],
                    "capacity_type": "SPOT",
                    "scaling_config": {"desired_size": 3},
                    "launch_template": {"id": "${aws_launch_template.T.id}"},
                    "provider": "aws.eu",
                }
            },
        },
        Usage(ec2_spot_discount=0.6),
    )
    got = amounts(result)
    assert got["control plane (Kubernetes 1.33)"] == pytest.approx(0.10 * H)  # 73.00
    assert got["3 x m6i.large Spot node"] == pytest.approx(3 * 0.107 * H * 0.4)  # 93.732
    assert got["3 x 50 GB gp3 node volume"] == pytest.approx(3 * 50 * 0.088)  # 13.20
    spot = next(line for line in result.lines if line.item == "3 x m6i.large Spot node")
    assert f"On-Demand ${3 * 0.107 * H:,.2f}" in spot.note and spot.usage


def test_nat_elastic_ip_and_endpoints() -> None:
    result = priced(
        {
            "aws_nat_gateway": {"N": {}},
            "aws_eip": {"E": {"domain": "vpc"}},
            "aws_vpc_endpoint": {
                "Ecr": {
                    "service_name": "com.amazonaws.us-east-1.ecr.api",
                    "vpc_endpoint_type": "Interface",
                    "subnet_ids": ["a", "b"],
                },
                "S3": {"service_name": "com.amazonaws.us-east-1.s3", "vpc_endpoint_type": "Gateway"},
            },
        },
        Usage(nat_data_gb=20, endpoint_data_gb=10),
    )
    assert amounts(result) == {
        "NAT gateway": pytest.approx(0.045 * H),  # 32.85
        "NAT data processed, 20 GB": pytest.approx(20 * 0.045),
        "public IPv4 address (Elastic IP)": pytest.approx(0.005 * H),  # 3.65
        "ecr.api interface endpoint x 2 AZ": pytest.approx(2 * 0.01 * H),  # 14.60
        "ecr.api endpoint data processed, 10 GB": pytest.approx(10 * 0.01),
        "s3 gateway endpoint": 0.0,
    }


def test_an_internet_facing_alb_pays_hours_lcus_addresses_and_egress() -> None:
    result = priced(
        {"aws_lb": {"L": {"load_balancer_type": "application", "internal": False, "subnets": ["a", "b"]}}},
        Usage(alb_lcu=1, internet_egress_gb=10),
    )
    assert amounts(result) == {
        "Application Load Balancer": pytest.approx(0.0225 * H),  # 16.425
        "1 LCU average": pytest.approx(0.008 * H),  # 5.84
        "2 public IPv4 addresses (one per load balancer node)": pytest.approx(2 * 0.005 * H),  # 7.30
        "10 GB to the internet": pytest.approx(10 * 0.09),
    }


def test_fargate_on_demand_and_spot_tasks_split_by_base_and_weight() -> None:
    task = {"cpu": "512", "memory": "1024", "runtime_platform": {"cpu_architecture": "X86_64"}}
    result = priced(
        {
            "aws_ecs_task_definition": {"T": task},
            "aws_ecs_service": {
                "S": {
                    "desired_count": 3,
                    "task_definition": "${aws_ecs_task_definition.T.arn}",
                    "capacity_provider_strategy": [
                        {"capacity_provider": "FARGATE", "base": 1, "weight": 1},
                        {"capacity_provider": "FARGATE_SPOT", "weight": 1},
                    ],
                }
            },
        },
        Usage(fargate_spot_discount=0.6),
    )
    got = amounts(result)
    # 1 base task on FARGATE, the other 2 split 1:1.
    assert got["2 x Fargate task (0.5 vCPU, 1 GB, x86_64): vCPU"] == pytest.approx(2 * 0.5 * 0.04048 * H)
    assert got["2 x Fargate task (0.5 vCPU, 1 GB, x86_64): memory"] == pytest.approx(2 * 1 * 0.004445 * H)
    assert got["1 x Fargate Spot task (0.5 vCPU, 1 GB, x86_64): vCPU"] == pytest.approx(0.5 * 0.04048 * H * 0.4)
    assert got["1 x Fargate Spot task (0.5 vCPU, 1 GB, x86_64): memory"] == pytest.approx(1 * 0.004445 * H * 0.4)


def test_lambda_requests_and_compute_from_the_usage_assumptions() -> None:
    result = priced(
        {"aws_lambda_function": {"F": {"memory_size": 512, "architectures": ["x86_64"]}}},
        Usage(lambda_requests_millions=1, lambda_duration_ms=200),
    )
    assert amounts(result) == {
        "1M requests": pytest.approx(0.20),
        "100,000 GB-s (1M x 200 ms x 512 MB)": pytest.approx(100_000 * 0.0000166667),  # 1.67
    }


def test_cloudfront_requests_and_transfer() -> None:
    result = priced({"aws_cloudfront_distribution": {"D": {}}}, Usage(cdn_requests_millions=1, cdn_data_gb=5))
    assert amounts(result) == {"1M HTTPS requests": pytest.approx(1.00), "5 GB to viewers": pytest.approx(5 * 0.085)}


def test_keys_secrets_alarms_dashboards_metric_filters_trail_and_dns() -> None:
    result = priced(
        {
            "aws_kms_key": {"K": {}},
            "aws_secretsmanager_secret": {"S": {"name": "app"}},
            "aws_cloudwatch_metric_alarm": {
                "A": {"alarm_name": "cpu", "period": 300},
                "M": {
                    "alarm_name": "ratio",
                    "metric_query": [{"metric": {"period": 60}}, {"metric": {"period": 60}}, {"expression": "m1/m2"}],
                },
                "F": {"alarm_name": "fast", "period": 10},
            },
            "aws_cloudwatch_dashboard": {"D": {"dashboard_name": "ops"}},
            "aws_cloudwatch_log_metric_filter": {"L": {"metric_transformation": {"name": "RootUse"}}},
            "aws_cloudtrail": {"T": {}},
            "aws_route53_zone": {"Z": {}},
            "aws_route53_health_check": {"H": {"type": "HTTPS", "request_interval": 30, "fqdn": "x.example.com"}},
        }
    )
    assert amounts(result) == {
        "customer managed key": 1.00,
        "app": 0.40,
        "alarm cpu (1 metric)": 0.10,
        "alarm ratio (2 metrics)": 0.20,
        "alarm fast (1 metric)": 0.30,
        "dashboard ops": 3.00,
        "custom metric RootUse": 0.30,
        "trail of management events (first copy)": 0.0,
        "hosted zone": 0.50,
        "HTTPS health check of x.example.com": 0.75,
        "health check features: HTTPS": 2.00,
    }


def test_logs_are_spread_over_the_log_groups_and_kept_for_their_retention() -> None:
    result = priced(
        {"aws_cloudwatch_log_group": {"A": {"name": "a", "retention_in_days": 30}, "B": {"name": "b"}}},
        Usage(log_ingestion_gb=10),
    )
    got = amounts(result)
    assert got["logs a: 5.00 GB ingested"] == pytest.approx(5 * 0.50)
    assert got["logs a: 4.93 GB stored (30 days)"] == pytest.approx(5 * 30 / 30.42 * 0.03, abs=1e-4)
    # A group kept forever has no steady state: its storage is reported, not guessed.
    assert [line.item for line in result.not_priced] == ["logs b storage"]


def test_solobase_customer_stacks_use_the_per_instance_figures_and_add_b2() -> None:
    result = priced(
        {"aws_cloudwatch_log_group": {"A": {"name": "a", "retention_in_days": 3}}},
        SolobaseUsage(tenant_log_ingestion_gb=1, b2_storage_gb=2),
        kind="tenant",
    )
    got = amounts(result)
    assert got["logs a: 1.00 GB ingested"] == pytest.approx(0.50)
    assert got["2 GB stored"] == pytest.approx(2 * 0.006)


def test_storage_registries_and_replication() -> None:
    result = priced(
        {
            "aws_s3_bucket": {"A": {"bucket": "luneo-prod-assets"}, "L": {"bucket": "logs"}},
            "aws_s3_bucket_replication_configuration": {"R": {}},
            "aws_ecr_repository": {"E": {"name": "api"}},
        },
        Usage(bucket_storage_gb={"luneo-*-assets": 100}, s3_storage_gb=1, ecr_storage_gb=2, cross_region_gb=40),
    )
    assert amounts(result) == {
        "luneo-prod-assets: 100 GB Standard": pytest.approx(100 * 0.023),
        "logs: 1 GB Standard": pytest.approx(0.023),
        "bucket replication: 40 GB between regions": pytest.approx(40 * 0.02),
        "api: 2 GB of images": pytest.approx(0.20),
    }


def test_unknown_types_and_missing_prices_are_not_priced_never_zero() -> None:
    result = priced(
        {
            "aws_rds_cluster_instance": {"A": {"instance_class": "db.r6g.large"}},
            "aws_db_instance": {"B": {"instance_class": "db.x9.huge", "allocated_storage": 10, "storage_type": "gp3"}},
            "aws_dynamodb_table": {"T": {"billing_mode": "PAY_PER_REQUEST"}},
            "aws_iam_role": {"R": {}},
            "postgresql_role": {"P": {}},
        }
    )
    missing = {(line.address, line.item) for line in result.not_priced}
    assert ("aws_rds_cluster_instance.A", "aws_rds_cluster_instance") in missing
    assert ("aws_db_instance.B", "db.x9.huge Single-AZ instance") in missing
    assert ("aws_dynamodb_table.T", "PAY_PER_REQUEST table") in missing
    assert all(line.monthly is None for line in result.not_priced)
    assert {address for address, _ in result.free} == {"aws_iam_role.R", "postgresql_role.P"}
    assert result.total == pytest.approx(10 * 0.115)  # only the storage of B has a price


def test_a_resource_on_an_undeclared_provider_is_refused() -> None:
    with pytest.raises(ConfigError, match=re.escape("aws.nowhere")):
        terraform_json.from_synth(
            "s", {"provider": PROVIDERS, "resource": {"aws_kms_key": {"K": {"provider": "aws.nowhere"}}}}
        )


def test_a_plan_json_is_read_with_its_providers_regions() -> None:
    plan = {
        "planned_values": {
            "root_module": {
                "resources": [
                    {"mode": "managed", "type": "aws_nat_gateway", "name": "n", "values": {}},
                    {"mode": "managed", "type": "aws_kms_key", "name": "k", "values": {}},
                ]
            }
        },
        "configuration": {
            "provider_config": {
                "aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}},
                "aws.eu": {"name": "aws", "alias": "eu", "expressions": {"region": {"constant_value": "eu-west-1"}}},
            },
            "root_module": {"resources": [{"type": "aws_nat_gateway", "name": "n", "provider_config_key": "aws.eu"}]},
        },
    }
    document = terraform_json.from_plan("p", plan)
    assert [(r.address, r.region) for r in document.resources] == [
        ("aws_nat_gateway.n", "eu-west-1"),
        ("aws_kms_key.k", "us-east-1"),
    ]


def test_a_for_each_written_out_prices_each_instance_and_a_computed_one_is_refused() -> None:
    secrets = {
        "for_each": {"a": {"name": "s-a"}, "b": {"name": "s-b"}},
        "name": "${each.value.name}",
    }
    document = terraform_json.from_synth(
        "s", {"provider": PROVIDERS, "resource": {"aws_secretsmanager_secret": {"S": secrets}}}
    )
    assert [(r.name, r.values["name"]) for r in document.resources] == [('S["a"]', "s-a"), ('S["b"]', "s-b")]
    assert len(priced({"aws_secretsmanager_secret": {"S": secrets}}).lines) == 2
    with pytest.raises(ConfigError, match="with a for_each written out as a map"):
        terraform_json.from_synth(
            "s", {"provider": PROVIDERS, "resource": {"aws_secretsmanager_secret": {"S": {"for_each": "${var.x}"}}}}
        )
