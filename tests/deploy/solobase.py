"""Solobase on the emulator: checks on what was deployed (its package upload is the spec's: infra.up.uploads)."""

from __future__ import annotations

import json
import re

import pytest

from infra.systems.solobase.settings import SolobaseSettings
from infra.systems.solobase.tenants import Tenant
from tests.support.deploy import Deployed

CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")


ORIGIN_HEADER = "x-origin-verify"


def _no_secret_values_in_state(stack: Deployed, origin_value: str | None = None) -> None:
    """The state holds no password and no written secret value (docs/systems/solobase.md: what state holds).

    The one exception is CloudFront's: ``origin_value``, the origin header the distribution sends its API,
    read back for it (custom headers have no write-only form), held by that read and the distribution only.
    """
    state = json.loads(stack.state_text)
    for resource in state["resources"]:
        for instance in resource["instances"]:
            attributes = instance["attributes"]
            for key in ("password", "password_wo", "secret_string", "secret_string_wo", "auth_token"):
                read_for_cloudfront = (
                    key == "secret_string"
                    and (resource["mode"], resource["type"]) == ("data", "aws_secretsmanager_secret_version")
                    and origin_value is not None
                    and attributes[key] == origin_value
                )
                assert not attributes.get(key) or read_for_cloudfront, (
                    f"{resource['type']}.{resource['name']} keeps {key} in state"
                )
            variables = (attributes.get("environment") or [{}])[0].get("variables") or {}
            for name, value in variables.items():
                assert "password" not in name.lower() and not CREDENTIAL_URL.search(str(value)), (name, value)


def _master_passwords_stay_out(stack: Deployed, secret_arns: list[str]) -> None:
    secrets = stack.emulator.client("secretsmanager", stack.account, stack.region)
    for arn in secret_arns:
        value = json.loads(secrets.get_secret_value(SecretId=arn)["SecretString"])
        assert value["password"] and value["password"] not in stack.state_text, f"{arn} password is in the state"


def platform(stack: Deployed) -> None:
    settings = stack.spec.settings_of(SolobaseSettings)
    env = settings.environment
    region = stack.region
    client = stack.emulator.client
    rds = client("rds", stack.account, region)
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
    ec2 = client("ec2", stack.account, region)
    shard_group = shard["VpcSecurityGroups"][0]["VpcSecurityGroupId"]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [shard_group]}])[
        "SecurityGroupRules"
    ]
    ingress = [r for r in rules if not r["IsEgress"]]
    assert not any(r.get("CidrIpv4") or r.get("CidrIpv6") for r in ingress), "no address range reaches the shard"
    admitted = [r["ReferencedGroupInfo"]["GroupId"] for r in ingress if r["FromPort"] == 5432]
    named = ec2.describe_security_groups(GroupIds=admitted)["SecurityGroups"]
    assert sorted(g["GroupName"] for g in named) == [
        f"solobase-{env}-database-operators",
        f"solobase-shared-{env}-01-clients",
    ]

    secrets = client("secretsmanager", stack.account, region)
    master_arn = stack.outputs["shard_01_master_secret_arn"]["value"]
    rotation = secrets.describe_secret(SecretId=master_arn)
    assert rotation["RotationEnabled"] and rotation["RotationRules"]["AutomaticallyAfterDays"] == 90
    _master_passwords_stay_out(stack, [master_arn])
    _no_secret_values_in_state(stack)

    sns = client("sns", stack.account, region)
    topic_name = settings.alert_topic_name
    (topic,) = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{topic_name}")]
    endpoints = [s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
    assert endpoints == ["alerts@solobase.dev"]
    alarms = {a["AlarmName"]: a for a in client("cloudwatch", stack.account, region).describe_alarms()["MetricAlarms"]}
    for suffix, threshold in (("cpu-high", 80), ("connections-high", 250), ("free-storage-low", 10 * 1024**3)):
        alarm = alarms[f"solobase-shared-{env}-01-{suffix}"]
        assert alarm["Threshold"] == threshold and alarm["AlarmActions"] == [topic]
    for name in (
        f"solobase-shared-{env}-01-read-latency-high",
        f"solobase-{env}-lambda-errors",
        f"solobase-{env}-trail-root-use",
    ):
        assert name in alarms, name

    (trail,) = client("cloudtrail", stack.account, region).describe_trails()["trailList"]
    assert trail["IsMultiRegionTrail"] and trail["LogFileValidationEnabled"] and trail["KmsKeyId"]
    status = client("cloudtrail", stack.account, region).get_trail_status(Name=trail["TrailARN"])
    assert status["IsLogging"]
    filters = client("logs", stack.account, region).describe_metric_filters(
        logGroupName=f"/aws/cloudtrail/{trail['Name']}"
    )
    assert len(filters["metricFilters"]) == 3
    service = stack.outputs["management_service_name"]["value"]
    described = client("ecs", stack.account, region).describe_services(
        cluster=f"solobase-{env}-cluster", services=[service]
    )
    assert described["services"][0]["status"] == "ACTIVE"


def tenant(stack: Deployed) -> None:
    spec = stack.spec
    settings = spec.settings_of(SolobaseSettings)
    instance: Tenant = spec.arguments["tenant"]
    region = spec.region
    client = stack.emulator.client
    host = f"{instance.subdomain}.{settings.instances.domain}"
    assert stack.outputs["instance_url"]["value"] == f"https://{host}"
    secrets = client("secretsmanager", stack.account, region)
    b2 = secrets.describe_secret(SecretId=f"solobase-{settings.environment}/{instance.instance_id}/b2")
    assert "VersionIdsToStages" not in b2, "the B2 secret is for operators to fill"
    ec2 = client("ec2", stack.account, region)
    clients = f"solobase-shared-{settings.environment}-{instance.shard}-clients"
    if instance.runtime == "lambda":
        joined = _lambda_instance(stack, settings, instance, host)
        own = f"{instance.function_name}-function"
    else:
        _no_secret_values_in_state(stack)
        _ecs_instance(stack, settings, instance, host)
        service = client("ecs", stack.account, region).describe_services(
            cluster=f"solobase-{settings.environment}-cluster", services=[instance.function_name]
        )["services"][0]
        joined = service["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"]
        own = f"{instance.function_name}-tasks"
    names = {g["GroupName"] for g in ec2.describe_security_groups(GroupIds=joined)["SecurityGroups"]}
    assert names == {own, clients}, "its shard's clients group and no other (issue 21.2)"


def _lambda_instance(stack: Deployed, settings: SolobaseSettings, instance: Tenant, host: str) -> list[str]:
    """The function, its HTTP API and check, the distribution sending the origin header; its security groups."""
    region = stack.region
    client = stack.emulator.client
    lambda_ = client("lambda", stack.account, region)
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
    assert concurrency["ReservedConcurrentExecutions"] == settings.tenancy.plans.of(instance.plan).reserved_concurrency
    with pytest.raises(lambda_.exceptions.ResourceNotFoundException):
        lambda_.get_function_url_config(FunctionName=instance.function_name)  # the HTTP API is the only way in
    logs = client("logs", stack.account, region)
    groups = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{instance.function_name}")["logGroups"]
    assert {g["logGroupName"]: g["retentionInDays"] for g in groups} == {
        f"/aws/lambda/{instance.function_name}": 3,
        f"/aws/lambda/{instance.function_name}-origin": 3,
    }

    # The HTTP API: one route, guarded by the origin check, proxying to the function with payload 2.0.
    api_id = stack.outputs["api_endpoint"]["value"].split("//", 1)[1].split(".", 1)[0]
    apis = client("apigatewayv2", stack.account, region)
    (route,) = apis.get_routes(ApiId=api_id)["Items"]
    assert (route["RouteKey"], route["AuthorizationType"]) == ("$default", "CUSTOM")
    authorizer = apis.get_authorizer(ApiId=api_id, AuthorizerId=route["AuthorizerId"])
    assert authorizer["IdentitySource"] == [f"$request.header.{ORIGIN_HEADER}"]
    assert f":function:{instance.function_name}-origin/" in authorizer["AuthorizerUri"]
    (integration,) = apis.get_integrations(ApiId=api_id)["Items"]
    assert (integration["IntegrationType"], integration["PayloadFormatVersion"]) == ("AWS_PROXY", "2.0")

    # The distribution sends the API the value generated into the origin secret at apply time.
    secrets = client("secretsmanager", stack.account, region)
    secret_id = f"solobase-{settings.environment}/{instance.instance_id}/origin"
    value = secrets.get_secret_value(SecretId=secret_id)["SecretString"]
    assert len(value) == 64 and value.isalnum()
    cloudfront = client("cloudfront", stack.account, region)
    config = cloudfront.get_distribution_config(Id=stack.outputs["cdn_distribution_id"]["value"])["DistributionConfig"]
    assert config["Aliases"]["Items"] == [host]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    assert {"POST", "PUT"} <= set(config["DefaultCacheBehavior"]["AllowedMethods"]["Items"])
    assert config["ViewerCertificate"]["ACMCertificateArn"].startswith("arn:aws:acm:us-east-1:")
    (origin,) = config["Origins"]["Items"]
    assert origin["DomainName"].startswith(f"{api_id}.execute-api.") and not origin.get("OriginAccessControlId")
    assert origin["CustomHeaders"]["Items"] == [{"HeaderName": ORIGIN_HEADER, "HeaderValue": value}]
    _no_secret_values_in_state(stack, origin_value=value)
    assert stack.state_text.count(value) == 2, "in the read for CloudFront and the distribution, nowhere else"
    joined: list[str] = function["VpcConfig"]["SecurityGroupIds"]
    return joined


def _ecs_instance(stack: Deployed, settings: SolobaseSettings, instance: Tenant, host: str) -> None:
    region = stack.region
    client = stack.emulator.client
    ecs = client("ecs", stack.account, region)
    service = ecs.describe_services(
        cluster=f"solobase-{settings.environment}-cluster", services=[instance.function_name]
    )
    assert service["services"][0]["status"] == "ACTIVE"
    elb = client("elbv2", stack.account, region)
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


def check(stack: Deployed) -> None:
    """The platform's checks for the platform stack, the instance's for a customer stack."""
    (platform if stack.spec.kind == "platform" else tenant)(stack)
