"""A serverless instance's function: its code, role, network, URL and alarms (its CDN: test_cdn_distribution)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.constructs.kms_key import KmsKey
from infra.constructs.lambda_function import FunctionCode, LambdaFunction
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import NetworkLookup
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.monitoring import MonitoringProps
from infra.validation import ConfigError
from tests.support.synth import only, resources, synth

CODE = FunctionCode(s3_bucket="demo-binaries", s3_key="demo-1.0.0.zip")


def function_stack(**changes: Any) -> dict[str, Any]:
    def make(stack: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo", description="demo")
        function = LambdaFunction(
            stack,
            "Fn",
            name="demo-fn",
            description="demo",
            code=CODE,
            props=LambdaFunctionProps(memory_mb=256, reserved_concurrency=5),
            environment={"SECRET_ID": "demo/secret"},
            kms_key=key,
            **changes,
        )
        function.add_url()
        function.allow_invoke_through("arn:aws:cloudfront::123456789012:distribution/EDEMO")
        monitoring = Monitoring(
            stack, "Monitoring", name="demo", kms_key=None, props=MonitoringProps(), existing_topic_arn="arn:topic"
        )
        monitoring.watch_function(function)

    return synth(make)


def test_a_function_from_s3_with_its_log_group_first_and_a_reserved_ceiling() -> None:
    stack = function_stack()
    function = only(stack, "aws_lambda_function")
    assert (function["runtime"], function["handler"], function["architectures"]) == (
        "provided.al2023",
        "bootstrap",
        ["x86_64"],
    )
    assert (function["s3_bucket"], function["s3_key"], function["memory_size"], function["timeout"]) == (
        "demo-binaries",
        "demo-1.0.0.zip",
        256,
        30,
    )
    assert function["reserved_concurrent_executions"] == 5
    assert function["kms_key_arn"].startswith("${aws_kms_key.")
    assert only(stack, "aws_cloudwatch_log_group")["name"] == "/aws/lambda/demo-fn"
    assert any(d.startswith("aws_cloudwatch_log_group.") for d in function["depends_on"])
    assert any(d.startswith("aws_iam_role_policy.") for d in function["depends_on"])
    assert "vpc_config" not in function


def test_its_role_writes_only_its_own_logs_until_granted_more() -> None:
    stack = function_stack()
    (policy,) = resources(stack, "aws_iam_role_policy")
    (statement,) = json.loads(policy["policy"])["Statement"]
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"].startswith("${aws_cloudwatch_log_group.") and statement["Resource"].endswith(":*")
    trust = json.loads(only(stack, "aws_iam_role")["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_in_a_network_it_gets_a_security_group_without_egress_and_the_network_rights() -> None:
    stack = function_stack(network=None)
    assert "aws_security_group" not in stack.get("resource", {})

    def make(stack: Any) -> None:
        network = NetworkLookup(stack, "Network", name="demo")
        LambdaFunction(
            stack, "Fn", name="demo-fn", description="demo", code=CODE, props=LambdaFunctionProps(), network=network
        )

    networked = synth(make)
    group = only(networked, "aws_security_group")
    assert group["name"] == "demo-fn-function" and "aws_vpc_security_group_egress_rule" not in networked["resource"]
    assert only(networked, "aws_lambda_function")["vpc_config"]["subnet_ids"].startswith("${data.aws_subnets.")
    policies = {p["name"] for p in resources(networked, "aws_iam_role_policy")}
    assert policies == {"WriteLogs", "VpcNetworking"}
    (vpc,) = networked["data"]["aws_vpc"].values()
    assert vpc["filter"] == [{"name": "tag:Name", "values": ["demo-vpc"]}]
    (subnets,) = networked["data"]["aws_subnets"].values()
    assert subnets["filter"][1] == {"name": "tag:Tier", "values": ["private"]}


def test_the_url_answers_only_the_distribution_it_lets_in() -> None:
    stack = function_stack()
    assert only(stack, "aws_lambda_function_url")["authorization_type"] == "AWS_IAM"
    permissions = {p["action"]: p for p in resources(stack, "aws_lambda_permission")}
    assert set(permissions) == {"lambda:InvokeFunctionUrl", "lambda:InvokeFunction"}
    assert {p["principal"] for p in permissions.values()} == {"cloudfront.amazonaws.com"}
    assert {p["source_arn"] for p in permissions.values()} == {"arn:aws:cloudfront::123456789012:distribution/EDEMO"}


def test_function_alarms() -> None:
    alarms = {a["alarm_name"]: a for a in resources(function_stack(), "aws_cloudwatch_metric_alarm")}
    assert set(alarms) == {"demo-fn-errors", "demo-fn-throttles", "demo-fn-duration"}
    assert alarms["demo-fn-errors"]["threshold"] == 5 and alarms["demo-fn-throttles"]["threshold"] == 0
    assert alarms["demo-fn-duration"]["threshold"] == 24000
    assert all(a["alarm_actions"] == ["arn:topic"] for a in alarms.values())
    assert all(a["dimensions"] == {"FunctionName": "demo-fn"} for a in alarms.values())


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"runtime": "go1.x"}, "runtime must be one of"),
        ({"memory_mb": 64}, "memory_mb must be an integer from 128 to 10240"),
        ({"timeout_seconds": 901}, "timeout_seconds must be an integer from 1 to 900"),
        ({"architecture": "arm"}, "architecture must be one of"),
        ({"log_retention_days": 2}, "log_retention_days must be one of"),
    ],
)
def test_function_props_are_checked(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        LambdaFunctionProps(**props)


def test_code_is_a_zip_in_a_bucket() -> None:
    with pytest.raises(ConfigError, match=r"s3_key must be the key of a \.zip package"):
        FunctionCode(s3_bucket="demo-binaries", s3_key="demo.tar.gz")
