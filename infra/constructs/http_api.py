"""An API Gateway HTTP API in front of one Lambda function: a function URL's equivalent that a check can guard."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.apigatewayv2_api import Apigatewayv2Api
from cdktf_cdktf_provider_aws.apigatewayv2_authorizer import Apigatewayv2Authorizer
from cdktf_cdktf_provider_aws.apigatewayv2_integration import Apigatewayv2Integration
from cdktf_cdktf_provider_aws.apigatewayv2_route import Apigatewayv2Route
from cdktf_cdktf_provider_aws.apigatewayv2_stage import Apigatewayv2Stage, Apigatewayv2StageAccessLogSettings
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from constructs import Construct

from infra import validation
from infra.constructs.lambda_function import LambdaFunction, url_host
from infra.validation import ConfigError

APIGATEWAY = "apigateway.amazonaws.com"
PAYLOAD_FORMAT = "2.0"
"""The event a function URL sends too: a function runs unchanged behind either."""
MAX_INTEGRATION_MS = 30_000
"""An HTTP API waits at most 30 s for its integration."""
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTime",
        "method": "$context.httpMethod",
        "path": "$context.path",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "integrationError": "$context.integrationErrorMessage",
        "authorizerError": "$context.authorizer.error",
    },
    separators=(",", ":"),
)


@dataclass(frozen=True, kw_only=True)
class HeaderAuthorizer:
    """A Lambda authorizer deciding on one request header (payload 2.0, simple responses)."""

    function: LambdaFunction
    header: str
    """Lower case. A request without it is answered 401 by API Gateway; the function never runs."""
    cache_seconds: int = 300
    """API Gateway keeps each decision this long per header value (0: ask on every request)."""

    def __post_init__(self) -> None:
        if not self.header or self.header != self.header.lower() or not self.header.replace("-", "").isalnum():
            raise ConfigError("authorizer header", "a lower-case header name (letters, digits, hyphens)", self.header)
        validation.int_between("authorizer cache_seconds", self.cache_seconds, 0, 3600)


class HttpApi(Construct):
    """HTTP API ``name`` sending every request, as it came, to ``function``.

    - One route, ``$default``, proxies to the function with payload format
      2.0, the event function URLs send; the function's answer is the
      response. Only this API may invoke the function (``aws:SourceArn`` of
      the function's resource policy is the API's execution ARN).
    - With ``authorizer``, the route asks it first: only requests it
      authorizes reach the function; API Gateway may invoke the authorizer
      for this API only.
    - Stage ``$default`` deploys every change at once and writes one JSON line
      per request to ``/aws/apigateway/<name>``.
    - :attr:`domain_name` is the API's own host
      (``<id>.execute-api.<region>.amazonaws.com``), an HTTPS origin for a CDN.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        function: LambdaFunction,
        log_retention_days: int,
        authorizer: HeaderAuthorizer | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("HTTP API name", name, max_length=128)
        validation.log_retention("log_retention_days", log_retention_days)
        timeout_ms = function.props.timeout_seconds * 1000
        if timeout_ms > MAX_INTEGRATION_MS:
            raise ConfigError(
                f"{function.name} timeout_seconds",
                f"at most {MAX_INTEGRATION_MS // 1000} behind an HTTP API",
                timeout_ms,
            )
        self.api = Apigatewayv2Api(
            self,
            "Api",
            name=name,
            protocol_type="HTTP",
            description=f"Every request to {function.name}",
            tags={"Name": name},
        )
        integration = Apigatewayv2Integration(
            self,
            "Integration",
            api_id=self.api.id,
            integration_type="AWS_PROXY",
            integration_method="POST",
            integration_uri=function.function.invoke_arn,
            payload_format_version=PAYLOAD_FORMAT,
            timeout_milliseconds=timeout_ms,
        )
        authorizer_id = None
        if authorizer is not None:
            check = Apigatewayv2Authorizer(
                self,
                "Authorizer",
                api_id=self.api.id,
                name=authorizer.function.name,
                authorizer_type="REQUEST",
                authorizer_uri=authorizer.function.function.invoke_arn,
                authorizer_payload_format_version=PAYLOAD_FORMAT,
                enable_simple_responses=True,
                identity_sources=[f"$request.header.{authorizer.header}"],
                authorizer_result_ttl_in_seconds=authorizer.cache_seconds,
            )
            authorizer_id = check.id
            authorizer.function.allow_service(
                f"{id_}Authorizes", APIGATEWAY, f"{self.api.execution_arn}/authorizers/{check.id}"
            )
        Apigatewayv2Route(
            self,
            "DefaultRoute",
            api_id=self.api.id,
            route_key="$default",
            target=f"integrations/{integration.id}",
            authorization_type="CUSTOM" if authorizer_id is not None else "NONE",
            authorizer_id=authorizer_id,
        )
        self.log_group = CloudwatchLogGroup(
            self, "AccessLogs", name=f"/aws/apigateway/{name}", retention_in_days=log_retention_days
        )
        Apigatewayv2Stage(
            self,
            "Stage",
            api_id=self.api.id,
            name="$default",
            auto_deploy=True,
            access_log_settings=Apigatewayv2StageAccessLogSettings(
                destination_arn=self.log_group.arn, format=ACCESS_LOG_FORMAT
            ),
            tags={"Name": name},
        )
        function.allow_service(f"{id_}Invokes", APIGATEWAY, f"{self.api.execution_arn}/*")
        self.endpoint = self.api.api_endpoint
        """``https://<id>.execute-api.<region>.amazonaws.com``."""
        self.domain_name = url_host(self.api.api_endpoint)
