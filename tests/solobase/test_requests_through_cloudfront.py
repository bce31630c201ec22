"""Drill (issue 21.1): an unmodified client's write reaches a Lambda instance through CloudFront, and nothing reaches
it around CloudFront.

No request flows through an emulator deploy, so the request path is played from the synthesized tenant stack
(solobase-dev-tenant-acme), hop by hop, with the rules AWS documents for each hop, and the origin check's own
code (infra/functions/origin_check.py) deciding at the API, reading its secret from the emulator's Secrets
Manager. What AWS supplies at apply time is played by the test: the secret's generated value.

- CloudFront: a method the cache behavior does not allow is refused (403); viewer headers but Host reach the
  origin (Managed-AllViewerExceptHostHeader); origin custom headers replace a viewer's header of the same name
  (add-origin-custom-headers.html); an origin signed by a Lambda origin access control replaces Authorization
  with CloudFront's signature, and Lambda refuses a PUT or POST without the viewer's x-amz-content-sha256
  (private-content-restricting-access-to-lambda.html).
- HTTP API: a REQUEST authorizer's missing identity source is answered 401 without calling it, a denial 403
  (http-api-lambda-authorizer.html); then the function gets the payload format 2.0 event.
- A function URL with AuthType AWS_IAM answers 403 to a request not signed by an allowed principal.

On the code before issue 21 (function URL behind OAC signing "always") the first test fails: the POST is refused.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulator.server import Emulator
from infra.constructs.cdn_distribution import ALL_VIEWER_EXCEPT_HOST_HEADER, BODY_METHODS
from infra.functions import origin_check
from tests.conftest import load_stack

STACK = "solobase-dev-tenant-acme"
FUNCTION = "solobase-a1b2c3d4"
ACCOUNT = "310000000022"
_REFERENCE = re.compile(r"^\$\{(data\.)?(\w+)\.(\w+)\.(\w+)\}$")
_HOST_OF = re.compile(r'^\$\{element\(split\("/", (\w+)\.(\w+)\.(\w+)\), 2\)\}$')


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: Mapping[str, str]
    body: str = ""


@dataclass
class Outcome:
    status: int
    why: str
    event: dict[str, Any] | None = None
    """What the instance's function received, when it was invoked."""
    invoked: list[str] = field(default_factory=list)


class Deployed:
    """The tenant stack's JSON, with the data sources' values AWS would return at apply time."""

    def __init__(self, stack: dict[str, Any], data: Mapping[str, str]) -> None:
        self.resources: dict[str, dict[str, Any]] = stack["resource"]
        self.data = data

    def resolve(self, value: str) -> str:
        match = _REFERENCE.match(value)
        if match and match.group(1):
            return self.data[f"{match.group(2)}.{match.group(3)}.{match.group(4)}"]
        return value

    def one(self, resource_type: str) -> dict[str, Any]:
        (found,) = self.resources[resource_type].values()
        return found

    def by_reference(self, reference: str) -> tuple[str, dict[str, Any]]:
        match = _REFERENCE.match(reference)
        assert match and not match.group(1), reference
        return match.group(2), self.resources[match.group(2)][match.group(3)]


def through_cloudfront(deployed: Deployed, request: Request) -> Outcome:
    distribution = deployed.one("aws_cloudfront_distribution")
    behavior = distribution["default_cache_behavior"]
    if request.method not in behavior["allowed_methods"]:
        return Outcome(403, "CloudFront: method not allowed by the cache behavior")
    assert behavior["origin_request_policy_id"] == ALL_VIEWER_EXCEPT_HOST_HEADER, "the model knows this policy only"
    (origin,) = [o for o in distribution["origin"] if o["origin_id"] == behavior["target_origin_id"]]
    headers = {k.lower(): v for k, v in request.headers.items() if k.lower() != "host"}
    for custom in origin.get("custom_header", []):
        headers[custom["name"].lower()] = deployed.resolve(custom["value"])
    signed_by = None
    if origin.get("origin_access_control_id"):
        _, control = deployed.by_reference(origin["origin_access_control_id"])
        if control["signing_behavior"] == "always" or "authorization" not in headers:
            signed_by = control["origin_access_control_origin_type"]
            headers["authorization"] = "AWS4-HMAC-SHA256 Credential=cloudfront/..."  # the viewer's is gone
        if signed_by == "lambda" and request.method in BODY_METHODS and "x-amz-content-sha256" not in request.headers:
            return Outcome(403, "Lambda: a signed PUT or POST without the viewer's x-amz-content-sha256")
    match = _HOST_OF.match(origin["domain_name"])
    assert match, origin["domain_name"]
    kind = match.group(1)
    forwarded = Request(request.method, request.path, headers, request.body)
    if kind == "aws_apigatewayv2_api":
        return to_http_api(deployed, forwarded)
    assert kind == "aws_lambda_function_url", kind
    return to_function_url(deployed, forwarded, signed=signed_by == "lambda")


def to_function_url(deployed: Deployed, request: Request, *, signed: bool) -> Outcome:
    url = deployed.one("aws_lambda_function_url")
    if url["authorization_type"] == "AWS_IAM" and not signed:
        return Outcome(403, "function URL: AWS_IAM and the request is not signed")
    return Outcome(200, "function URL", event=function_event(request))


def to_http_api(deployed: Deployed, request: Request) -> Outcome:
    route = deployed.one("aws_apigatewayv2_route")
    assert route["route_key"] == "$default"
    invoked = []
    if route["authorization_type"] == "CUSTOM":
        _, authorizer = deployed.by_reference(route["authorizer_id"])
        for source in authorizer["identity_sources"]:
            if not request.headers.get(source.removeprefix("$request.header.")):
                return Outcome(401, "HTTP API: an identity source is missing; the authorizer is not called")
        _, check = deployed.by_reference(authorizer["authorizer_uri"].replace(".invoke_arn", ".id"))
        module, _ = check["handler"].split(".")
        assert module == "origin_check" and authorizer["enable_simple_responses"] is True
        invoked.append(check["function_name"])
        answer = origin_check.handler({"version": "2.0", "type": "REQUEST", "headers": dict(request.headers)}, None)
        if not answer["isAuthorized"]:
            return Outcome(403, "HTTP API: the authorizer denied the request", invoked=invoked)
    integration = deployed.one("aws_apigatewayv2_integration")
    assert (integration["integration_type"], integration["payload_format_version"]) == ("AWS_PROXY", "2.0")
    _, function = deployed.by_reference(integration["integration_uri"].replace(".invoke_arn", ".id"))
    invoked.append(function["function_name"])
    return Outcome(200, "HTTP API", event=function_event(request), invoked=invoked)


def function_event(request: Request) -> dict[str, Any]:
    """The payload format 2.0 event (function URLs and HTTP APIs alike), what the Go runtime reads."""
    return {
        "version": "2.0",
        "rawPath": request.path,
        "headers": dict(request.headers),
        "requestContext": {"http": {"method": request.method, "path": request.path}},
        "body": request.body,
        "isBase64Encoded": False,
    }


@pytest.fixture
def deployed(synth_dir: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployed]:
    """The stack as applied: its origin secret holds a generated value, which the data source reads back."""
    stack = load_stack(synth_dir, STACK)
    for name, value in emulator.environment(ACCOUNT).items():
        monkeypatch.setenv(name, value)
    secrets = emulator.client("secretsmanager", ACCOUNT)
    value = uuid.uuid4().hex + uuid.uuid4().hex
    arn = secrets.create_secret(Name=f"drill/{uuid.uuid4()}/origin", SecretString=value)["ARN"]
    monkeypatch.setenv("ORIGIN_SECRET_ID", arn)
    monkeypatch.setattr(origin_check, "_cache", {})
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # it keeps the first credentials it resolved
    data = {
        f"aws_secretsmanager_secret_version.{k}.secret_string": value
        for k in stack["data"].get("aws_secretsmanager_secret_version", {})
    }
    yield Deployed(stack, data)
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)


WRITE = Request(
    "POST",
    "/api/collections/notes/records",
    {
        "Host": "acme.dev.solobase.dev",
        "Authorization": "Bearer eyJhbGciOi.user.token",
        "Content-Type": "application/json",
    },
    json.dumps({"title": "kept", "body": "through CloudFront"}),
)


def test_an_unmodified_clients_post_with_a_bearer_token_reaches_the_function(deployed: Deployed) -> None:
    outcome = through_cloudfront(deployed, WRITE)
    assert outcome.status == 200, outcome.why
    assert outcome.invoked == [f"{FUNCTION}-origin", FUNCTION]
    event = outcome.event or {}
    assert event["requestContext"]["http"]["method"] == "POST" and event["body"] == WRITE.body
    assert event["headers"]["authorization"] == "Bearer eyJhbGciOi.user.token", "the viewer's, not a signature"
    assert "host" not in event["headers"]


def test_every_method_and_reads_pass_too(deployed: Deployed) -> None:
    for method in ("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"):
        assert through_cloudfront(deployed, Request(method, "/api/health", WRITE.headers)).status == 200, method


def test_a_viewer_cannot_choose_the_origin_header(deployed: Deployed) -> None:
    forged = Request("POST", WRITE.path, {**WRITE.headers, "X-Origin-Verify": "forged"}, WRITE.body)
    event = through_cloudfront(deployed, forged).event or {}
    assert event["headers"]["x-origin-verify"] == deployed.data[next(iter(deployed.data))], "CloudFront's replaces it"


def test_nothing_reaches_the_function_around_cloudfront(deployed: Deployed) -> None:
    headers = {k.lower(): v for k, v in WRITE.headers.items() if k != "Host"}
    direct = to_http_api(deployed, Request("POST", WRITE.path, headers, WRITE.body))
    assert (direct.status, direct.invoked) == (401, []), direct.why
    guessed = to_http_api(deployed, Request("POST", WRITE.path, {**headers, "x-origin-verify": "guess"}, WRITE.body))
    assert (guessed.status, guessed.invoked) == (403, [f"{FUNCTION}-origin"]), guessed.why
    # And only the API may invoke the function: no function URL, no other principal.
    assert "aws_lambda_function_url" not in deployed.resources
    assert {p["principal"] for p in deployed.resources["aws_lambda_permission"].values()} == {
        "apigateway.amazonaws.com"
    }
