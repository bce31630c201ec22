"""Solobase on the emulator: checks on what was deployed (its package upload is the spec's: infra.up.uploads)."""

from __future__ import annotations

import json
import re

from infra.systems.solobase.settings import SolobaseSettings
from infra.systems.solobase.tenants import Tenant
from tests.support.deploy import DeployCycle, DeployResult
from tests.support.terraform import Terraform

CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")


def _no_secret_values_in_state(result: DeployResult) -> None:
    """The state holds no password and no written secret value (docs/systems/solobase.md: what state holds)."""
    state = json.loads(result.state_text)
    for resource in state["resources"]:
        for instance in resource["instances"]:
            attributes = instance["attributes"]
            for key in ("password", "password_wo", "secret_string", "secret_string_wo", "auth_token"):
                assert not attributes.get(key), f"{resource['type']}.{resource['name']} keeps {key} in state"
            variables = (attributes.get("environment") or [{}])[0].get("variables") or {}
            for name, value in variables.items():
                assert "password" not in name.lower() and not CREDENTIAL_URL.search(str(value)), (name, value)


def _master_passwords_stay_out(cycle: DeployCycle, result: DeployResult, secret_arns: list[str]) -> None:
    secrets = cycle.emulator.client("secretsmanager", cycle.account, cycle.plan.region)
    for arn in secret_arns:
        value = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
        assert value["password"] and value["password"] not in result.state_text, f"{arn} password is in the state"


def platform(cycle: DeployCycle, tf: Terraform, result: DeployResult) -> None:
    settings = cycle.plan.settings_of(SolobaseSettings)
    env = settings.environment
    region = cycle.plan.region
    client = cycle.emulator.client
    rds = client("rds", cycle.account, region)
    (shard,) = rds.describe_db_instances(DBInstanceIdentifier=f"solobase-shared-{env}-01")["DBInstances"]
    assert (shard["AllocatedStorage"], shard["MaxAllocatedStorage"]) == (100, 500)
    # Major 15 asked for: a minor RDS creates (the emulator's table), kept current by RDS.
    assert shard["EngineVersion"].startswith("15.") and shard["AutoMinorVersionUpgrade"] is True
    assert shard["StorageEncrypted"] and not shard["PubliclyAccessible"]
    assert shard["BackupRetentionPeriod"] == 7 and shard["DBInstanceClass"] == "db.t3.small"
    group = shard["DBParameterGroups"][0]["DBParameterGroupName"]
    parameters = {
        p["ParameterName"]: p["ParameterValue"]
        for p in rds.describe_db_parameters(DBParameterGroupName=group)["Parameters"]
    }
    assert parameters["max_connections"] == "300" and parameters["rds.force_ssl"] == "1"
    ec2 = client("ec2", cycle.account, region)
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"solobase-{env}-vpc"]}])["Vpcs"]
    shard_group = shard["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [shard_group]}])[
        "SecurityGroupRules"
    ]
    ingress = [r for r in rules if not r["IsEgress"]]
    assert [(r["FromPort"], r.get("CidrIpv4")) for r in ingress] == [(5432, vpc["CidrBlock"])]

    secrets = client("secretsmanager", cycle.account, region)
    master_arn = result.outputs["shard_01_master_secret_arn"]["value"]
    rotation = secrets.describe_secret(SecretId=master_arn)
    assert rotation["RotationEnabled"] and rotation["RotationRules"]["AutomaticallyAfterDays"] == 90
    _master_passwords_stay_out(cycle, result, [master_arn])
    _no_secret_values_in_state(result)

    sns = client("sns", cycle.account, region)
    topic_name = settings.alert_topic_name
    (topic,) = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{topic_name}")]
    endpoints = [s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
    assert endpoints == ["alerts@solobase.dev"]
    alarms = {a["AlarmName"]: a for a in client("cloudwatch", cycle.account, region).describe_alarms()["MetricAlarms"]}
    for suffix, threshold in (("cpu-high", 80), ("connections-high", 250), ("free-storage-low", 10 * 1024**3)):
        alarm = alarms[f"solobase-shared-{env}-01-{suffix}"]
        assert alarm["Threshold"] == threshold and alarm["AlarmActions"] == [topic]
    for name in (
        f"solobase-shared-{env}-01-read-latency-high",
        f"solobase-{env}-lambda-errors",
        f"solobase-{env}-trail-root-use",
    ):
        assert name in alarms, name

    (trail,) = client("cloudtrail", cycle.account, region).describe_trails()["trailList"]
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"] and trail["KmsKeyId"]
    status = client("cloudtrail", cycle.account, region).get_trail_status(Name=trail["TrailARN"])
    assert status["IsLogging"]
    filters = client("logs", cycle.account, region).describe_metric_filters(
        logGroupName=f"/aws/cloudtrail/{trail['Name']}"
    )
    assert len(filters["metricFilters"]) == 3
    service = result.outputs["management_service_name"]["value"]
    described = client("ecs", cycle.account, region).describe_services(
        cluster=f"solobase-{env}-cluster", services=[service]
    )
    assert described["services"][0]["status"] == "ACTIVE"


def tenant(cycle: DeployCycle, tf: Terraform, result: DeployResult) -> None:
    spec = next(s for s in cycle.stacks if s.stack_id == result.stack_id)
    settings = spec.settings_of(SolobaseSettings)
    instance: Tenant = spec.arguments["tenant"]
    region = spec.region
    client = cycle.emulator.client
    host = f"{instance.subdomain}.{settings.instances.domain}"
    assert result.outputs["instance_url"]["value"] == f"https://{host}"
    secrets = client("secretsmanager", cycle.account, region)
    b2 = secrets.describe_secret(SecretId=f"solobase-{settings.environment}/{instance.instance_id}/b2")
    assert "VersionIdsToStages" not in b2, "the B2 secret is for operators to fill"
    _no_secret_values_in_state(result)
    if instance.runtime == "lambda":
        lambda_ = client("lambda", cycle.account, region)
        function = lambda_.get_function(FunctionName=instance.function_name)["Configuration"]
        assert (function["Runtime"], function["Handler"], function["Architectures"]) == (
            "provided.al2023",
            "bootstrap",
            ["x86_64"],
        )
        assert (function["MemorySize"], function["Timeout"]) == (256, 30)
        assert function["KMSKeyArn"] and function["VpcConfig"]["SubnetIds"]
        assert set(function["Environment"]["Variables"]) >= {"DATABASE_SECRET_ID", "B2_SECRET_ID", "B2_ENDPOINT"}
        concurrency = lambda_.get_function_concurrency(FunctionName=instance.function_name)
        assert (
            concurrency["ReservedConcurrentExecutions"] == settings.tenancy.plans.of(instance.plan).reserved_concurrency
        )
        assert lambda_.get_function_url_config(FunctionName=instance.function_name)["AuthType"] == "AWS_IAM"
        logs = client("logs", cycle.account, region)
        (group,) = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{instance.function_name}")["logGroups"]
        assert group["retentionInDays"] == 3
        cloudfront = client("cloudfront", cycle.account, region)
        distribution_id = result.outputs["cdn_distribution_id"]["value"]
        config = cloudfront.get_distribution_config(Id=distribution_id)["DistributionConfig"]
        assert config["Aliases"]["Items"] == [host]
        assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
        assert config["ViewerCertificate"]["ACMCertificateArn"].startswith("arn:aws:acm:us-east-1:")
        assert config["Origins"]["Items"][0]["OriginAccessControlId"]
    else:
        ecs = client("ecs", cycle.account, region)
        service = ecs.describe_services(
            cluster=f"solobase-{settings.environment}-cluster", services=[instance.function_name]
        )
        assert service["services"][0]["status"] == "ACTIVE"
        elb = client("elbv2", cycle.account, region)
        (balancer,) = elb.describe_load_balancers(Names=[f"solobase-{settings.environment}-alb"])["LoadBalancers"]
        listener = next(
            item
            for item in elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]
            if item["Port"] == 443
        )
        hosts = {
            tuple(condition.get("Values") or condition.get("HostHeaderConfig", {}).get("Values", [])): rule["Priority"]
            for rule in elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
            for condition in rule["Conditions"]
            if condition["Field"] == "host-header"
        }
        assert hosts[(host,)] == str(instance.listener_priority)


def check(cycle: DeployCycle, tf: Terraform, result: DeployResult) -> None:
    """The platform's checks for the platform stack, the instance's for a customer stack."""
    spec = next(s for s in cycle.stacks if s.stack_id == result.stack_id)
    (platform if spec.kind == "platform" else tenant)(cycle, tf, result)
