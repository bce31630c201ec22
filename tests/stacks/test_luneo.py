"""luneo-staging and luneo-prod against 001_0343b5819d0167c0.txt and issue 11, value by value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra import app, systems
from infra.validation import ConfigError
from tests.support.documented import LUNEO_OUTPUTS
from tests.support.stack import SynthesizedStack

ENVIRONMENTS = ("staging", "prod")
LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]


@pytest.fixture(scope="module")
def prod(synth_dir: Path) -> SynthesizedStack:
    return SynthesizedStack(synth_dir, "luneo-prod")


@pytest.fixture(scope="module")
def staging(synth_dir: Path) -> SynthesizedStack:
    return SynthesizedStack(synth_dir, "luneo-staging")


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def stack(request: pytest.FixtureRequest, synth_dir: Path) -> SynthesizedStack:
    return SynthesizedStack(synth_dir, f"luneo-{request.param}")


@pytest.fixture(scope="module")
def aurora(tmp_path_factory: pytest.TempPathFactory) -> SynthesizedStack:
    """luneo-prod with the document's other option: Aurora PostgreSQL Global Database."""
    overrides = tmp_path_factory.mktemp("aurora-config")
    (overrides / "luneo").mkdir()
    (overrides / "luneo" / "prod.toml").write_text("enable_aurora_global = true\n")
    outdir = tmp_path_factory.mktemp("aurora-synth")
    app.synth(outdir=str(outdir), requested="luneo-prod", config_dir=overrides)
    return SynthesizedStack(outdir, "luneo-prod")


def environment(stack: SynthesizedStack) -> str:
    return str(stack.json["terraform"]["backend"]["s3"]["key"]).split("/")[0].replace("global", "prod")


def in_secondary(resource: dict[str, Any]) -> bool:
    return resource.get("provider") == "aws.secondary"


def by_region(stack: SynthesizedStack, resource_type: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    found = stack.all(resource_type)
    return [r for r in found if not in_secondary(r)], [r for r in found if in_secondary(r)]


def key_ref(stack: SynthesizedStack, alias: str, *, secondary: bool) -> str:
    """``${aws_kms_key.<name>.arn}`` of the key behind ``alias/<alias>`` in one region."""
    (found,) = [a for a in stack.all("aws_kms_alias") if a["name"] == f"alias/{alias}" and in_secondary(a) == secondary]
    return str(found["target_key_id"]).replace(".key_id}", ".arn}")


# State and providers


@pytest.mark.parametrize(
    ("stack_id", "key"),
    [
        ("luneo-prod", "global/multi-region/terraform.tfstate"),
        ("luneo-staging", "staging/global/multi-region/terraform.tfstate"),
    ],
)
def test_state_backend_is_the_documented_one(synth_dir: Path, stack_id: str, key: str) -> None:
    backend = SynthesizedStack(synth_dir, stack_id).json["terraform"]["backend"]["s3"]
    assert backend == {
        "bucket": "luneo-terraform-state",
        "key": key,
        "region": "eu-west-1",
        "encrypt": True,
        "dynamodb_table": "luneo-terraform-locks",
        "use_lockfile": True,
    }


def test_state_store_is_versioned_encrypted_and_locked_on_lock_id(synth_dir: Path) -> None:
    store = SynthesizedStack(synth_dir, "bootstrap-luneo-terraform-state")
    assert store.one("aws_s3_bucket")["bucket"] == "luneo-terraform-state"
    assert store.one("aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"
    # SSE-KMS under the AWS-managed key, stronger than the document's AES256 (docs/systems/luneo.md).
    rule = store.one("aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    table = store.one("aws_dynamodb_table")
    assert (table["name"], table["hash_key"], table["billing_mode"]) == (
        "luneo-terraform-locks",
        "LockID",
        "PAY_PER_REQUEST",
    )
    assert table["attribute"] == [{"name": "LockID", "type": "S"}]
    assert store.json["provider"]["aws"][0]["region"] == "eu-west-1"


def test_eu_west_1_is_primary_and_us_east_1_secondary_with_the_default_tags(stack: SynthesizedStack) -> None:
    providers = stack.json["provider"]["aws"]
    assert [(p.get("alias"), p["region"]) for p in providers] == [(None, "eu-west-1"), ("secondary", "us-east-1")]
    for provider in providers:
        tags = provider["default_tags"][0]["tags"]
        assert tags["Project"] == "luneo" and tags["Environment"] == environment(stack)


# Per region: network, EKS


def test_each_region_has_a_vpc_with_private_data_subnets(stack: SynthesizedStack) -> None:
    primary, secondary = by_region(stack, "aws_subnet")
    for subnets, region in ((primary, "eu-west-1"), (secondary, "us-east-1")):
        tiers = sorted(s["tags"]["Tier"] for s in subnets)
        assert tiers == ["database"] * 3 + ["private"] * 3 + ["public"] * 3
        assert {s["availability_zone"] for s in subnets} == {f"{region}{z}" for z in "abc"}
        assert all(s["map_public_ip_on_launch"] is False for s in subnets)
    tables = stack.all("aws_route")
    database_tables = [t for t in stack.all("aws_route_table") if t["tags"]["Name"].endswith("-database")]
    assert len(database_tables) == 2
    assert not [
        r for r in tables if any(t["//"]["metadata"]["uniqueId"] in r["route_table_id"] for t in database_tables)
    ]


@pytest.mark.parametrize("role", ["primary", "secondary"])
def test_eks_cluster_per_region(stack: SynthesizedStack, role: str) -> None:
    env = environment(stack)
    cluster = stack.one("aws_eks_cluster", name=f"luneo-{env}-eks-{role}")
    assert in_secondary(cluster) == (role == "secondary")
    assert cluster["version"] == "1.33"
    assert cluster["encryption_config"]["resources"] == ["secrets"]
    assert cluster["encryption_config"]["provider"]["key_arn"] == key_ref(
        stack, f"luneo-{env}-eks", secondary=role == "secondary"
    )
    assert cluster["enabled_cluster_log_types"] == LOG_TYPES
    vpc = cluster["vpc_config"]
    assert vpc["endpoint_private_access"] is True
    assert vpc["endpoint_public_access"] is False, "no public CIDRs set: the endpoint stays private"
    assert "public_access_cidrs" not in vpc
    assert cluster["access_config"] == {
        "authentication_mode": "API",
        "bootstrap_cluster_creator_admin_permissions": False,
    }
    groups = [
        g for g in stack.all("aws_cloudwatch_log_group") if g["name"] == f"/aws/eks/luneo-{env}-eks-{role}/cluster"
    ]
    assert len(groups) == 1 and groups[0]["retention_in_days"] == 90


@pytest.mark.parametrize(
    ("stack_id", "spot", "base"),
    [("luneo-prod", (1, 0, 7), (3, 3, 3)), ("luneo-staging", (2, 2, 4), None)],
)
def test_prod_runs_an_on_demand_base_plus_spot_and_staging_all_spot(
    synth_dir: Path, stack_id: str, spot: tuple[int, int, int], base: tuple[int, int, int] | None
) -> None:
    """The document's production "3 nodes + spot": three on-demand nodes a Spot interruption cannot take,
    Spot above them (ten in all at most); staging stays all Spot. Both regions alike (failover)."""
    stack = SynthesizedStack(synth_dir, stack_id)
    env = stack_id.removeprefix("luneo-")
    groups = {g["node_group_name"]: g for g in stack.all("aws_eks_node_group")}
    expected = {f"luneo-{env}-eks-{role}-nodes": ("SPOT", spot) for role in ("primary", "secondary")}
    if base is not None:
        expected |= {f"luneo-{env}-eks-{role}-base": ("ON_DEMAND", base) for role in ("primary", "secondary")}
    assert {
        name: (g["capacity_type"], tuple(g["scaling_config"][k] for k in ("desired_size", "min_size", "max_size")))
        for name, g in groups.items()
    } == expected
    for group in groups.values():
        assert group["instance_types"] == ["m6i.large", "m5.large"]
        assert group["launch_template"]["id"].startswith("${aws_launch_template.")
        assert group["lifecycle"] == {"ignore_changes": ["scaling_config[0].desired_size"]}


def test_prod_refuses_to_be_all_spot_or_a_spot_base(tmp_path: Path) -> None:
    (tmp_path / "luneo").mkdir()
    path = tmp_path / "luneo" / "prod.toml"
    path.write_text('[secondary.base_nodes]\ncapacity_type = "SPOT"\n')
    with pytest.raises(ConfigError, match=r"secondary\.base_nodes\.capacity_type must be ON_DEMAND"):
        systems.load("luneo", "prod", tmp_path)


def test_launch_templates_encrypt_volumes_and_require_imdsv2(stack: SynthesizedStack) -> None:
    templates = stack.all("aws_launch_template")
    assert len(templates) == len(stack.all("aws_eks_node_group"))
    for template in templates:
        (mapping,) = template["block_device_mappings"]
        assert mapping["ebs"]["encrypted"] == "true"
        assert mapping["ebs"]["volume_type"] == "gp3"
        assert template["metadata_options"] == {
            "http_endpoint": "enabled",
            "http_tokens": "required",
            "http_put_response_hop_limit": 1,
        }


def test_admin_access_entries_and_public_cidrs_come_from_settings(tmp_path: Path) -> None:
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / "staging.toml").write_text(
        '[kubernetes]\nendpoint_public_access_cidrs = ["203.0.113.0/24"]\n'
        'admin_principal_arns = ["arn:aws:iam::111122223333:role/platform-admins"]\n'
    )
    app.synth(outdir=str(tmp_path / "out"), requested="luneo-staging", config_dir=tmp_path)
    stack = SynthesizedStack(tmp_path / "out", "luneo-staging")
    for cluster in stack.all("aws_eks_cluster"):
        assert cluster["vpc_config"]["endpoint_public_access"] is True
        assert cluster["vpc_config"]["public_access_cidrs"] == ["203.0.113.0/24"]
    entries = stack.all("aws_eks_access_entry")
    assert [e["principal_arn"] for e in entries] == ["arn:aws:iam::111122223333:role/platform-admins"] * 2
    policies = stack.all("aws_eks_access_policy_association")
    assert {p["policy_arn"] for p in policies} == {"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"}
    assert all(p["access_scope"] == {"type": "cluster"} for p in policies)


# Database


@pytest.mark.parametrize(
    ("stack_id", "instance_class", "multi_az"),
    [("luneo-prod", "db.r6g.large", True), ("luneo-staging", "db.t3.medium", False)],
)
def test_database_table(synth_dir: Path, stack_id: str, instance_class: str, multi_az: bool) -> None:
    stack = SynthesizedStack(synth_dir, stack_id)
    env = stack_id.removeprefix("luneo-")
    db = stack.one("aws_db_instance", identifier=f"luneo-{env}-db")
    assert not in_secondary(db)
    assert (db["engine"], db["db_name"], db["username"], db["instance_class"], db["allocated_storage"]) == (
        "postgres",
        "luneo",
        "luneo_admin",
        instance_class,
        100,
    )
    assert (db["backup_retention_period"], db["backup_window"]) == (7, "04:00-05:00")
    assert db["enabled_cloudwatch_logs_exports"] == ["postgresql", "upgrade"]
    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True
    assert db["kms_key_id"] == key_ref(stack, f"luneo-{env}-rds", secondary=False)
    assert db["multi_az"] is multi_az
    assert db["deletion_protection"] is multi_az
    # The password is generated at apply time and handed over write-only: never a tfvar, never in state.
    assert (
        db["password_wo"] == "${ephemeral.aws_secretsmanager_random_password.Database_MasterPassword.random_password}"
    )
    assert "password" not in db and "manage_master_user_password" not in db
    assert "variable" not in stack.json


def test_cross_region_read_replica_with_its_own_key_and_lag_alarm(stack: SynthesizedStack) -> None:
    env = environment(stack)
    replica = stack.one("aws_db_instance", identifier=f"luneo-{env}-db-replica")
    assert in_secondary(replica)
    source = stack.one("aws_db_instance", identifier=f"luneo-{env}-db")["//"]["metadata"]["uniqueId"]
    assert replica["replicate_source_db"] == f"${{aws_db_instance.{source}.arn}}", (
        "an ARN: the source is in another region"
    )
    assert replica["kms_key_id"] == key_ref(stack, f"luneo-{env}-rds", secondary=True)
    # Automated backups of its own, as long as the primary's: a promoted replica has point-in-time recovery.
    assert replica["backup_retention_period"] == 7 and replica["backup_window"] == "04:00-05:00"
    assert "password_wo" not in replica and "username" not in replica
    alarm = stack.one("aws_cloudwatch_metric_alarm", alarm_name=f"luneo-{env}-db-replica-replica-lag-high")
    assert in_secondary(alarm)
    assert (alarm["namespace"], alarm["metric_name"], alarm["dimensions"]) == (
        "AWS/RDS",
        "ReplicaLag",
        {"DBInstanceIdentifier": f"luneo-{env}-db-replica"},
    )
    topic = stack.one("aws_sns_topic", provider="aws.secondary")["//"]["metadata"]["uniqueId"]
    assert alarm["alarm_actions"] == [f"${{aws_sns_topic.{topic}.arn}}"]


def test_aurora_global_mode(aurora: SynthesizedStack) -> None:
    assert not aurora.all("aws_db_instance")
    (global_cluster,) = aurora.all("aws_rds_global_cluster")
    assert (global_cluster["engine"], global_cluster["storage_encrypted"]) == ("aurora-postgresql", True)
    primary = aurora.one("aws_rds_cluster", cluster_identifier="luneo-prod-db")
    secondary = aurora.one("aws_rds_cluster", cluster_identifier="luneo-prod-db-secondary")
    assert not in_secondary(primary) and in_secondary(secondary)
    for cluster in (primary, secondary):
        assert cluster["global_cluster_identifier"].startswith("${aws_rds_global_cluster.")
        assert (cluster["preferred_backup_window"], cluster["backup_retention_period"]) == ("04:00-05:00", 7)
    assert (primary["database_name"], primary["master_username"]) == ("luneo", "luneo_admin")
    assert primary["master_password_wo"].startswith("${ephemeral.aws_secretsmanager_random_password.")
    assert "master_password" not in primary and "manage_master_user_password" not in primary
    assert primary["kms_key_id"] == key_ref(aurora, "luneo-prod-rds", secondary=False)
    assert secondary["kms_key_id"] == key_ref(aurora, "luneo-prod-rds", secondary=True)
    assert "master_username" not in secondary
    instances = aurora.all("aws_rds_cluster_instance")
    assert sorted((in_secondary(i), i["instance_class"]) for i in instances) == [
        (False, "db.r6g.large"),
        (False, "db.r6g.large"),
        (True, "db.r6g.large"),
    ]
    assert all(i["publicly_accessible"] is False for i in instances)
    alarm = aurora.one("aws_cloudwatch_metric_alarm", metric_name="AuroraGlobalDBReplicationLag")
    assert in_secondary(alarm) and alarm["dimensions"] == {"DBClusterIdentifier": "luneo-prod-db-secondary"}
    secret = aurora.one("aws_secretsmanager_secret_version")
    assert "secret_string" not in secret and "Database_MasterPassword" in secret["secret_string_wo"]


def test_password_secret_is_encrypted_with_the_secrets_key(stack: SynthesizedStack) -> None:
    env = environment(stack)
    secret = stack.one("aws_secretsmanager_secret", name=f"luneo-{env}/database")
    assert secret["kms_key_id"] == key_ref(stack, f"luneo-{env}-secrets", secondary=False)
    (version,) = stack.all("aws_secretsmanager_secret_version")
    assert "secret_string" not in version
    assert "ephemeral.aws_secretsmanager_random_password.Database_MasterPassword" in version["secret_string_wo"]


# Redis


@pytest.mark.parametrize(
    ("stack_id", "node_type", "clusters", "failover"),
    [("luneo-prod", "cache.r6g.large", 2, True), ("luneo-staging", "cache.t3.micro", 1, False)],
)
def test_redis_table(synth_dir: Path, stack_id: str, node_type: str, clusters: int, failover: bool) -> None:
    stack = SynthesizedStack(synth_dir, stack_id)
    env = stack_id.removeprefix("luneo-")
    group = stack.one("aws_elasticache_replication_group", replication_group_id=f"luneo-{env}-redis")
    assert (group["node_type"], group["num_cache_clusters"]) == (node_type, clusters)
    assert group["automatic_failover_enabled"] is failover and group["multi_az_enabled"] is failover
    assert group["transit_encryption_enabled"] is True and group["at_rest_encryption_enabled"] == "true"
    assert group["kms_key_id"] == key_ref(stack, f"luneo-{env}-redis", secondary=False)
    alarms = {a["alarm_name"] for a in stack.all("aws_cloudwatch_metric_alarm") if a["namespace"] == "AWS/ElastiCache"}
    assert alarms == {
        f"luneo-{env}-redis-{i:03d}-{kind}-high" for i in range(1, clusters + 1) for kind in ("cpu", "memory")
    }


# Assets, CloudFront


def test_assets_bucket_is_kms_encrypted_versioned_private_with_lifecycle(stack: SynthesizedStack) -> None:
    env = environment(stack)
    primary, secondary = by_region(stack, "aws_s3_bucket")
    assert [b["bucket"] for b in primary] == [f"luneo-{env}-assets"]
    assert [b["bucket"] for b in secondary] == [f"luneo-{env}-assets-replica"]
    for encryption in stack.all("aws_s3_bucket_server_side_encryption_configuration"):
        default = encryption["rule"][0]["apply_server_side_encryption_by_default"]
        assert default["sse_algorithm"] == "aws:kms"
        assert default["kms_master_key_id"] == key_ref(stack, f"luneo-{env}-s3", secondary=in_secondary(encryption))
    assert all(v["versioning_configuration"]["status"] == "Enabled" for v in stack.all("aws_s3_bucket_versioning"))
    for block in stack.all("aws_s3_bucket_public_access_block"):
        assert all(
            block[k] is True
            for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
        )
    for lifecycle in stack.all("aws_s3_bucket_lifecycle_configuration"):
        (transitions,) = [r["transition"] for r in lifecycle["rule"] if "transition" in r]
        assert transitions == [
            {"days": 30, "storage_class": "STANDARD_IA"},
            {"days": 90, "storage_class": "GLACIER_IR"},
        ]


def test_assets_replicate_to_us_east_1_with_rtc_metrics_and_a_latency_alarm(stack: SynthesizedStack) -> None:
    env = environment(stack)
    replication = stack.one("aws_s3_bucket_replication_configuration")
    assert not in_secondary(replication)
    (rule,) = replication["rule"]
    destination = rule["destination"]
    assert destination["bucket"].startswith("${aws_s3_bucket.Secondary_AssetsReplica_Bucket_")
    assert destination["replication_time"] == {"status": "Enabled", "time": {"minutes": 15}}
    assert destination["metrics"] == {"status": "Enabled", "event_threshold": {"minutes": 15}}
    assert destination["encryption_configuration"]["replica_kms_key_id"] == key_ref(
        stack, f"luneo-{env}-s3", secondary=True
    )
    assert rule["source_selection_criteria"]["sse_kms_encrypted_objects"]["status"] == "Enabled"
    assert rule["delete_marker_replication"]["status"] == "Enabled"
    alarm = stack.one("aws_cloudwatch_metric_alarm", metric_name="ReplicationLatency")
    assert not in_secondary(alarm) and alarm["threshold"] == 900
    assert alarm["dimensions"]["RuleId"] == rule["id"]


def test_cloudfront_reads_through_oac_redirects_to_https_and_fails_over(stack: SynthesizedStack) -> None:
    env = environment(stack)
    oac = stack.one("aws_cloudfront_origin_access_control")
    assert (oac["origin_access_control_origin_type"], oac["signing_behavior"], oac["signing_protocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    distribution = stack.one("aws_cloudfront_distribution")
    assert distribution["default_cache_behavior"]["viewer_protocol_policy"] == "redirect-to-https"
    assert [o["origin_id"] for o in distribution["origin"]] == ["assets", "assets-replica"]
    assert all(
        o["origin_access_control_id"].startswith("${aws_cloudfront_origin_access_control.")
        for o in distribution["origin"]
    )
    (group,) = distribution["origin_group"]
    assert distribution["default_cache_behavior"]["target_origin_id"] == group["origin_id"]
    assert "logging_config" not in distribution, "logging is optional and off by default"
    assert distribution["viewer_certificate"] == {"cloudfront_default_certificate": True}
    arn = f"${{aws_cloudfront_distribution.{distribution['//']['metadata']['uniqueId']}.arn}}"
    # The key policies let CloudFront decrypt for this distribution only; the bucket policies let it read.
    for key in [k for k in stack.all("aws_kms_key") if k["description"] == "KMS key for S3 assets"]:
        statement = next(
            s
            for s in json.loads(key["policy"])["Statement"]
            if s["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        )
        assert statement["Action"] == "kms:Decrypt"
        assert statement["Condition"] == {"StringEquals": {"aws:SourceArn": arn}}
    for policy in stack.all("aws_s3_bucket_policy"):
        statement = next(
            s
            for s in json.loads(policy["policy"])["Statement"]
            if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
        )
        assert statement["Action"] == "s3:GetObject"
        assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": arn}}
    assert env in distribution["comment"]


def test_cdn_custom_domain_gets_a_us_east_1_certificate_and_logging_bucket(tmp_path: Path) -> None:
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / "staging.toml").write_text(
        '[cdn]\ndomain_name = "assets.staging.luneo.example.com"\nhosted_zone_id = "Z0123456789ABC"\n'
        'logging_bucket = "luneo-cdn-logs"\n'
    )
    app.synth(outdir=str(tmp_path / "out"), requested="luneo-staging", config_dir=tmp_path)
    stack = SynthesizedStack(tmp_path / "out", "luneo-staging")
    certificate = stack.one("aws_acm_certificate")
    assert in_secondary(certificate) and certificate["domain_name"] == "assets.staging.luneo.example.com"
    distribution = stack.one("aws_cloudfront_distribution")
    assert distribution["aliases"] == ["assets.staging.luneo.example.com"]
    assert distribution["viewer_certificate"]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert distribution["viewer_certificate"]["acm_certificate_arn"].startswith("${aws_acm_certificate_validation.")
    assert distribution["logging_config"]["bucket"] == "luneo-cdn-logs.s3.amazonaws.com"
    assert {r["type"] for r in stack.all("aws_route53_record") if "alias" in r} == {"A", "AAAA"}


# ECR, KMS


def test_registries_in_both_regions_scanned_pruned_and_replicated(stack: SynthesizedStack) -> None:
    env = environment(stack)
    names = sorted([f"{env}/luneo-worker-ia", f"{env}/luneo-usdz-converter"])
    primary, secondary = by_region(stack, "aws_ecr_repository")
    for repositories in (primary, secondary):
        assert sorted(r["name"] for r in repositories) == names
        assert all(r["image_scanning_configuration"] == {"scan_on_push": True} for r in repositories)
    assert len(stack.all("aws_ecr_lifecycle_policy")) == 4
    (rule,) = stack.one("aws_ecr_replication_configuration")["replication_configuration"]["rule"]
    assert [d["region"] for d in rule["destination"]] == ["us-east-1"]
    assert sorted(f["filter"] for f in rule["repository_filter"]) == names


def test_keys_per_purpose_per_region_with_rotation(stack: SynthesizedStack) -> None:
    env = environment(stack)
    primary, secondary = by_region(stack, "aws_kms_alias")
    purposes = {"eks", "rds", "redis", "s3", "secrets", "alerts"}
    assert {a["name"] for a in primary} == {f"alias/luneo-{env}-{p}" for p in purposes}
    assert {a["name"] for a in secondary} == {f"alias/luneo-{env}-{p}" for p in ("eks", "rds", "s3", "alerts")}
    assert all(k["enable_key_rotation"] is True for k in stack.all("aws_kms_key"))


def test_secrets_key_is_usable_only_through_secrets_manager_and_rds(stack: SynthesizedStack) -> None:
    env = environment(stack)
    key = stack.one("aws_kms_key", description="KMS key for application secrets")
    statements = {s["Sid"]: s for s in json.loads(key["policy"])["Statement"]}
    assert "kms:*" not in json.dumps(statements)
    use = statements["AccountUsesOnlyThroughServices"]
    assert use["Condition"]["StringEquals"]["kms:ViaService"] == [
        "secretsmanager.eu-west-1.amazonaws.com",
        "rds.eu-west-1.amazonaws.com",
    ]
    assert "kms:Decrypt" in use["Action"]
    assert not any(
        "kms:Decrypt" in s["Action"] for sid, s in statements.items() if sid != "AccountUsesOnlyThroughServices"
    )
    assert key_ref(stack, f"luneo-{env}-secrets", secondary=False)


# Route 53, alarms, outputs


def test_route53_failover_between_the_ingress_hostnames(stack: SynthesizedStack) -> None:
    env = environment(stack)
    domain = "luneo.example.com" if env == "prod" else "staging.luneo.example.com"
    assert stack.one("aws_route53_zone")["name"] == domain
    checks = {c["fqdn"]: c for c in stack.all("aws_route53_health_check")}
    assert set(checks) == {f"ingress-eu-west-1.{domain}", f"ingress-us-east-1.{domain}"}
    for check in checks.values():
        assert (check["type"], check["port"], check["resource_path"], check["enable_sni"]) == (
            "HTTPS",
            443,
            "/healthz",
            True,
        )
    records = {r["failover_routing_policy"]["type"]: r for r in stack.all("aws_route53_record")}
    assert set(records) == {"PRIMARY", "SECONDARY"}
    assert records["PRIMARY"]["records"] == [f"ingress-eu-west-1.{domain}"]
    assert records["SECONDARY"]["records"] == [f"ingress-us-east-1.{domain}"]
    assert all(r["name"] == f"app.{domain}" and r["type"] == "CNAME" and r["health_check_id"] for r in records.values())
    alarms = [a for a in stack.all("aws_cloudwatch_metric_alarm") if a["namespace"] == "AWS/Route53"]
    assert len(alarms) == 2 and all(in_secondary(a) for a in alarms), "Route 53 metrics exist in us-east-1 only"


def test_alarms_notify_the_topic_of_their_region(stack: SynthesizedStack) -> None:
    env = environment(stack)
    topics = {in_secondary(t): t for t in stack.all("aws_sns_topic")}
    assert {t["name"] for t in topics.values()} == {f"luneo-{env}-alerts"}
    for alarm in stack.all("aws_cloudwatch_metric_alarm"):
        topic = topics[in_secondary(alarm)]["//"]["metadata"]["uniqueId"]
        assert alarm["alarm_actions"] == [f"${{aws_sns_topic.{topic}.arn}}"], alarm["alarm_name"]


def test_outputs_have_descriptions_and_no_secret(stack: SynthesizedStack) -> None:
    for name in (*LUNEO_OUTPUTS, "database_replica_endpoint"):
        assert stack.outputs[name]["description"], name
    text = json.dumps(stack.json)
    assert '"password":' not in text and 'master_password"' not in text
    assert "tfvars" not in text


def test_only_databases_and_redis_open_to_the_eks_clusters(stack: SynthesizedStack) -> None:
    ingress = stack.all("aws_vpc_security_group_ingress_rule")
    from_clusters = [r for r in ingress if "aws_eks_cluster." in r.get("referenced_security_group_id", "")]
    assert sorted(r["from_port"] for r in from_clusters) == [5432, 5432, 6379]
    assert not [r for r in ingress if r.get("cidr_ipv4") == "0.0.0.0/0"]


# Day two: Redis clients, kubectl, replication ownership, what may reach an account


def test_only_the_listed_service_accounts_can_authenticate_to_redis(staging: SynthesizedStack) -> None:
    """Every pod reaches Redis through the cluster's security group; only pods running as a listed service
    account get a role (IAM roles for service accounts, on the primary cluster) that may connect, each as its own
    IAM-authenticated user."""
    resources = staging.json["resource"]
    users = {u["user_id"]: name for name, u in resources["aws_elasticache_user"].items()}
    assert set(users) == {
        "luneo-staging-redis-default",
        "luneo-staging-luneo-worker-ia",
        "luneo-staging-luneo-usdz-converter",
    }
    ((provider_name, provider),) = resources["aws_iam_openid_connect_provider"].items()
    (cluster_name,) = [n for n, c in resources["aws_eks_cluster"].items() if c["name"] == "luneo-staging-eks-primary"]
    assert provider["url"] == f"${{aws_eks_cluster.{cluster_name}.identity[0].oidc[0].issuer}}"
    (group,) = resources["aws_elasticache_replication_group"]
    outputs = staging.outputs["redis_clients"]["value"]
    for account in ("luneo-worker-ia", "luneo-usdz-converter"):
        user = f"luneo-staging-{account}"
        ((role_name, role),) = [(n, r) for n, r in resources["aws_iam_role"].items() if r["name"] == user]
        (trust,) = json.loads(role["assume_role_policy"])["Statement"]
        assert trust["Principal"] == {"Federated": f"${{aws_iam_openid_connect_provider.{provider_name}.arn}}"}
        assert sorted(trust["Condition"]["StringEquals"].values()) == sorted(
            [f"system:serviceaccount:luneo:{account}", "sts.amazonaws.com"]
        )
        (connect,) = [p for p in staging.all("aws_iam_role_policy") if p["role"] == f"${{aws_iam_role.{role_name}.id}}"]
        assert json.loads(connect["policy"])["Statement"] == [
            {
                "Effect": "Allow",
                "Action": "elasticache:Connect",
                "Resource": [
                    f"${{aws_elasticache_replication_group.{group}.arn}}",
                    f"${{aws_elasticache_user.{users[user]}.arn}}",
                ],
            }
        ]
        assert outputs[f"luneo/{account}"] == {"role_arn": f"${{aws_iam_role.{role_name}.arn}}", "redis_user": user}
    assert staging.outputs["redis_replication_group_id"]["value"] == "luneo-staging-redis"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_kubectl_is_one_documented_command_per_cluster(synth_dir: Path, env: str) -> None:
    outputs = SynthesizedStack(synth_dir, f"luneo-{env}").outputs
    for role, region in (("primary", "eu-west-1"), ("secondary", "us-east-1")):
        assert outputs[f"{role}_kubeconfig_command"]["value"] == (
            f"aws eks update-kubeconfig --region {region} --name luneo-{env}-eks-{role}"
        )


def test_prod_keeps_its_api_endpoint_private(tmp_path: Path) -> None:
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / "prod.toml").write_text('[kubernetes]\nendpoint_public_access_cidrs = ["203.0.113.0/24"]\n')
    with pytest.raises(ConfigError, match=r"kubernetes\.endpoint_public_access_cidrs must be empty in prod"):
        systems.load("luneo", "prod", tmp_path)


def _replication(directory: Path, stack_id: str) -> list[dict[str, Any]]:
    stack = SynthesizedStack(directory, stack_id)
    return stack.all("aws_ecr_replication_configuration")


def test_each_account_has_one_replication_configuration_with_every_environments_rules(tmp_path: Path) -> None:
    """ECR keeps one replication configuration per account and region: in an account of their own, each
    environment writes its own; sharing one, prod writes it with staging's rules too and staging writes none,
    so neither deploy overwrites the other's rules
    (docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html)."""
    alone = tmp_path / "alone"
    app.synth(outdir=str(alone), requested="luneo-*", config_dir=tmp_path / "none")
    for env in ("prod", "staging"):
        (configuration,) = _replication(alone, f"luneo-{env}")
        (rule,) = configuration["replication_configuration"]["rule"]
        assert [f["filter"] for f in rule["repository_filter"]] == [
            f"{env}/luneo-worker-ia",
            f"{env}/luneo-usdz-converter",
        ]

    config = tmp_path / "shared-config"
    (config / "luneo").mkdir(parents=True)
    for env in ("prod", "staging"):
        (config / "luneo" / f"{env}.toml").write_text('account_id = "123456789012"\n')
    shared = tmp_path / "shared"
    app.synth(outdir=str(shared), requested="luneo-*", config_dir=config)
    assert _replication(shared, "luneo-staging") == []
    (configuration,) = _replication(shared, "luneo-prod")
    (rule,) = configuration["replication_configuration"]["rule"]
    assert [d["region"] for d in rule["destination"]] == ["us-east-1"]
    assert [f["filter"] for f in rule["repository_filter"]] == [
        "staging/luneo-worker-ia",
        "staging/luneo-usdz-converter",
        "prod/luneo-worker-ia",
        "prod/luneo-usdz-converter",
    ]


def test_every_alert_topic_mails_the_configured_subscriber(tmp_path: Path) -> None:
    """Alarms notify a topic in their own region; each topic (eu-west-1, us-east-1) mails ``alert_email``."""
    (tmp_path / "luneo").mkdir()
    (tmp_path / "luneo" / "prod.toml").write_text('[monitoring]\nalert_email = "oncall@luneo.io"\n')
    app.synth(outdir=str(tmp_path / "out"), requested="luneo-prod", config_dir=tmp_path)
    stack = SynthesizedStack(tmp_path / "out", "luneo-prod")
    topics = stack.json["resource"]["aws_sns_topic"]
    subscriptions = stack.all("aws_sns_topic_subscription")
    assert len(topics) == 2 and len(subscriptions) == 2
    assert {s["topic_arn"] for s in subscriptions} == {f"${{aws_sns_topic.{name}.arn}}" for name in topics}
    assert {(s["protocol"], s["endpoint"]) for s in subscriptions} == {("email", "oncall@luneo.io")}
