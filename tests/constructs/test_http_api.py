"""An HTTP API in front of a function, guarded by the origin check: what only CloudFront can call."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider

from infra.constructs.http_api import HeaderAuthorizer, HttpApi
from infra.constructs.kms_key import KmsKey
from infra.constructs.lambda_function import FunctionCode, LambdaFunction, python_package
from infra.constructs.origin_verification import HEADER, OriginVerification
from infra.functions import origin_check
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.secret import SecretProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, resources, synth

CODE = FunctionCode(s3_bucket="demo-binaries", s3_key="demo-1.0.0.zip")
CHECK_SOURCE = Path(origin_check.__file__)


def guarded(stack: TerraformStack, *, timeout: int = 30) -> None:
    key = KmsKey(stack, "Key", alias="demo", description="demo")
    function = LambdaFunction(
        stack, "Fn", name="demo-fn", description="demo", code=CODE, props=LambdaFunctionProps(timeout_seconds=timeout)
    )
    origin = OriginVerification(
        stack,
        "Origin",
        name="demo-fn-origin",
        secret_name="demo/origin",
        description="demo",
        version=3,
        secret_key=key,
        environment_key=key,
        network=None,
        log_retention_days=7,
        secret_props=SecretProps(),
    )
    HttpApi(stack, "Api", name="demo-fn", function=function, log_retention_days=7, authorizer=origin.authorizer)


def by_name(stack: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {r.get("function_name", r.get("name")): r for r in resources(stack, resource_type)}


def address(stack: dict[str, Any], resource_type: str, **attributes: Any) -> str:
    """``<type>.<logical id>`` of the one resource with ``attributes``."""
    (logical,) = [
        k for k, v in stack["resource"][resource_type].items() if all(v.get(a) == b for a, b in attributes.items())
    ]
    return f"{resource_type}.{logical}"


def test_every_request_goes_to_the_function_as_a_function_url_would_send_it_after_the_check() -> None:
    stack = synth(guarded)
    api = only(stack, "aws_apigatewayv2_api")
    assert (api["name"], api["protocol_type"]) == ("demo-fn", "HTTP")
    integration = only(stack, "aws_apigatewayv2_integration")
    assert (integration["integration_type"], integration["payload_format_version"]) == ("AWS_PROXY", "2.0")
    function = address(stack, "aws_lambda_function", function_name="demo-fn")
    assert integration["integration_uri"] == f"${{{function}.invoke_arn}}"
    assert integration["timeout_milliseconds"] == 30000
    route = only(stack, "aws_apigatewayv2_route")
    assert (route["route_key"], route["authorization_type"]) == ("$default", "CUSTOM")
    authorizer = only(stack, "aws_apigatewayv2_authorizer")
    assert route["authorizer_id"] == f"${{{address(stack, 'aws_apigatewayv2_authorizer')}.id}}"
    assert authorizer["identity_sources"] == [f"$request.header.{HEADER}"] == ["$request.header.x-origin-verify"]
    assert (authorizer["authorizer_type"], authorizer["authorizer_payload_format_version"]) == ("REQUEST", "2.0")
    assert authorizer["enable_simple_responses"] is True and authorizer["authorizer_result_ttl_in_seconds"] == 300
    assert authorizer["authorizer_uri"].startswith("${aws_lambda_function.Origin_Check_Function_")
    stage = only(stack, "aws_apigatewayv2_stage")
    assert (stage["name"], stage["auto_deploy"]) == ("$default", True)
    assert stage["access_log_settings"]["destination_arn"].startswith("${aws_cloudwatch_log_group.Api_AccessLogs_")
    assert json.loads(stage["access_log_settings"]["format"])["authorizerError"] == "$context.authorizer.error"
    logs = by_name(stack, "aws_cloudwatch_log_group")
    assert logs["/aws/apigateway/demo-fn"]["retention_in_days"] == 7


def test_only_this_api_may_invoke_the_function_and_its_check() -> None:
    stack = synth(guarded)
    permissions = {p["statement_id"]: p for p in resources(stack, "aws_lambda_permission")}
    assert set(permissions) == {"ApiInvokes", "ApiAuthorizes"}
    assert {p["principal"] for p in permissions.values()} == {"apigateway.amazonaws.com"}
    function, api = (
        address(stack, "aws_lambda_function", function_name="demo-fn"),
        address(stack, "aws_apigatewayv2_api"),
    )
    authorizer = address(stack, "aws_apigatewayv2_authorizer")
    assert permissions["ApiInvokes"]["function_name"] == f"${{{function}.function_name}}"
    assert permissions["ApiInvokes"]["source_arn"] == f"${{{api}.execution_arn}}/*"
    assert permissions["ApiAuthorizes"]["source_arn"] == f"${{{api}.execution_arn}}/authorizers/${{{authorizer}.id}}"
    assert "aws_lambda_function_url" not in stack["resource"], "no way in but the API"


def test_the_value_is_generated_and_written_write_only_and_the_check_reads_that_secret_only() -> None:
    stack = synth(guarded)
    (generated,) = stack["ephemeral"]["aws_secretsmanager_random_password"].values()
    assert generated["password_length"] == 64 and generated["exclude_punctuation"] is True
    version = only(stack, "aws_secretsmanager_secret_version")
    assert version["secret_string_wo"].startswith("${ephemeral.aws_secretsmanager_random_password.")
    assert version["secret_string_wo_version"] == 3 and "secret_string" not in version
    (current,) = stack["data"]["aws_secretsmanager_secret_version"].values()
    assert current["depends_on"] == [address(stack, "aws_secretsmanager_secret_version")]
    check = by_name(stack, "aws_lambda_function")["demo-fn-origin"]
    assert (check["runtime"], check["handler"], check["architectures"]) == (
        "python3.12",
        "origin_check.handler",
        ["arm64"],
    )
    secret = address(stack, "aws_secretsmanager_secret", name="demo/origin")
    assert check["environment"]["variables"] == {"ORIGIN_SECRET_ID": f"${{{secret}.arn}}"}
    (read,) = [
        policy(p["policy"])
        for p in resources(stack, "aws_iam_role_policy")
        if p["name"] == "ReadSecrets" and "Origin_Check" in p["role"]
    ]
    assert [s["Resource"] for s in read["Statement"] if s["Action"] == "secretsmanager:GetSecretValue"] == [
        f"${{{secret}.arn}}"
    ]


def test_the_check_is_packaged_reproducibly_beside_the_stack(tmp_path: Path) -> None:
    def package(outdir: Path) -> tuple[dict[str, Any], Path]:
        app = App(outdir=str(outdir))
        stack = TerraformStack(app, "demo")
        AwsProvider(stack, "Aws", region="us-east-1")
        guarded(stack)
        app.synth()
        directory = outdir / "stacks" / "demo"
        return json.loads((directory / "cdk.tf.json").read_text()), directory

    first, directory = package(tmp_path / "one")
    second, _ = package(tmp_path / "two")
    function = by_name(first, "aws_lambda_function")["demo-fn-origin"]
    assert function == by_name(second, "aws_lambda_function")["demo-fn-origin"], "same code, same package"
    zipped = (directory / function["filename"]).read_bytes()
    assert function["source_code_hash"] == base64.b64encode(hashlib.sha256(zipped).digest()).decode()
    with zipfile.ZipFile(directory / function["filename"]) as archive:
        assert archive.namelist() == ["origin_check.py"]
        assert archive.read("origin_check.py") == CHECK_SOURCE.read_bytes()


def test_what_an_http_api_cannot_carry_is_refused() -> None:
    with pytest.raises(ConfigError, match="demo-fn timeout_seconds must be at most 30 behind an HTTP API"):
        synth(lambda s: guarded(s, timeout=31))
    for header in ("X-Origin-Verify", "x origin", ""):
        with pytest.raises(ConfigError, match="authorizer header must be a lower-case header name"):
            HeaderAuthorizer(function=None, header=header)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"module must be an existing \.py file"):
        synth(lambda s: python_package(s, "Code", module=CHECK_SOURCE.with_suffix(".txt")))
