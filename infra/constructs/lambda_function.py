"""A Lambda function from a zip (in S3, or built here): its own role, log group, security group and, on request,
a function URL."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import tempfile
import weakref
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cdktf import AssetType, Fn, TerraformAsset
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunction as AwsLambdaFunction,
)
from cdktf_cdktf_provider_aws.lambda_function import (
    LambdaFunctionEnvironment,
    LambdaFunctionVpcConfig,
)
from cdktf_cdktf_provider_aws.lambda_function_url import LambdaFunctionUrl
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from constructs import Construct

from infra import validation
from infra.constructs.iam import Principal, ServiceRole, Statement
from infra.constructs.kms_key import KeyLike
from infra.constructs.network import NetworkLike
from infra.constructs.security_group import SecurityGroup
from infra.props.lambda_function import LambdaFunctionProps
from infra.validation import ConfigError

_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ENV_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Variables Lambda sets itself: a function may not set them.
_RESERVED_VARIABLES = ("_HANDLER", "AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ACCESS_KEY_ID", "LAMBDA_TASK_ROOT")


@dataclass(frozen=True, kw_only=True)
class FunctionCode:
    """A deployment package in S3 (same region as the function). A new release is a new key."""

    s3_bucket: str
    s3_key: str

    def __post_init__(self) -> None:
        validation.bucket_name("s3_bucket", self.s3_bucket)
        validation.non_empty_text("s3_key", self.s3_key, max_length=1024)
        if not self.s3_key.endswith(".zip"):
            raise ConfigError("s3_key", "the key of a .zip package", self.s3_key)


@dataclass(frozen=True, kw_only=True)
class BundledCode:
    """A package this repository builds at synth time, written beside the stack's JSON (a cdktf asset)."""

    filename: str
    """The zip's path as Terraform reads it, relative to the stack's directory."""
    sha256: str
    """Base64 SHA-256 of the zip (``source_code_hash``): a change of code is a change of function."""


ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the same code gives the same bytes, so the same hash, on every machine."""


def python_package(scope: Construct, id_: str, *, module: Path) -> BundledCode:
    """``module`` (one Python file, handler ``<module name>.handler``) zipped reproducibly as asset ``id_``."""
    if module.suffix != ".py" or not module.is_file():
        raise ConfigError(f"{id_} module", "an existing .py file", str(module))
    info = zipfile.ZipInfo(module.name, date_time=ZIP_EPOCH)
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(info, module.read_bytes())
    content = buffer.getvalue()
    # The asset is copied into the stack's directory at synth; until then the zip lives in the app's temp dir.
    directory = Path(tempfile.mkdtemp(prefix="lambda-package-"))
    weakref.finalize(scope, shutil.rmtree, directory, True)
    zipped = directory / f"{module.stem}.zip"
    zipped.write_bytes(content)
    asset = TerraformAsset(scope, id_, path=str(zipped), type=AssetType.FILE)
    return BundledCode(filename=asset.path, sha256=base64.b64encode(hashlib.sha256(content).digest()).decode())


@dataclass(frozen=True, kw_only=True)
class FunctionUrl:
    """A function URL and who may call it."""

    url: str
    """``https://<url id>.lambda-url.<region>.on.aws/``."""
    domain_name: str
    """The URL's host, for an origin."""


def url_host(url: str) -> str:
    """``https://<host>/...`` (a reference) -> ``<host>``, for an origin."""
    host: str = Fn.element(Fn.split("/", url), 2)
    return host


class LambdaFunction(Construct):
    """Function ``name`` with the log group ``/aws/lambda/<name>`` and a role ``<name>-function``.

    - The role may write to its own log group and nothing else until
      something grants the function more (``secret.grant_read(function)``).
    - With ``network``, it runs in the network's private subnets with a
      security group of its own that starts with no egress (open it with
      :attr:`security_group`); the role then also holds the network
      interface rights Lambda needs in a VPC (they take ``*`` by AWS's design).
      Its interfaces also join ``security_groups`` (a database's client
      group, whose rules another stack owns).
    - ``environment`` is encrypted with ``kms_key``. Lambda returns the
      variables to whoever may read the function, and Terraform keeps them in
      state: they are names and settings, never secrets (secrets are read at
      run time from Secrets Manager).
    - :meth:`allow_invoke_through` makes a function URL callable only by a
      CloudFront distribution signing its requests (origin access control).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        description: str,
        code: FunctionCode | BundledCode,
        props: LambdaFunctionProps,
        environment: Mapping[str, str] | None = None,
        kms_key: KeyLike | None = None,
        network: NetworkLike | None = None,
        security_groups: Sequence[SecurityGroup] = (),
    ) -> None:
        super().__init__(scope, id_)
        if security_groups and network is None:
            raise ConfigError(f"{name} security_groups", "a function in a network", [g.name for g in security_groups])
        if not _FUNCTION_NAME.match(name):
            raise ConfigError("function name", "1 to 64 letters, digits, hyphens or underscores", name)
        environment = dict(environment or {})
        for variable in environment:
            if not _ENV_NAME.match(variable) or variable in _RESERVED_VARIABLES:
                raise ConfigError("function environment", "variable names Lambda does not reserve", variable)
        self.name = name
        self.props = props
        self.log_group = CloudwatchLogGroup(
            self, "LogGroup", name=f"/aws/lambda/{name}", retention_in_days=props.log_retention_days
        )
        self.role = ServiceRole(
            self,
            "Role",
            name=f"{name}-function",
            service="lambda.amazonaws.com",
            description=f"What {name} may do: write its logs{', use its network' if network else ''}, read its secrets",
        )
        self.role.add_policy(
            "WriteLogs",
            Statement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{self.log_group.arn}:*"]),
        )
        self.security_group: SecurityGroup | None = None
        vpc_config = None
        if network is not None:
            self.security_group = SecurityGroup(
                self, "SecurityGroup", name=f"{name}-function", description=f"Function {name}", vpc_id=network.vpc_id
            )
            # Lambda creates and deletes the function's network interfaces with the role's rights.
            self.role.add_policy(
                "VpcNetworking",
                Statement(
                    actions=[
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    resources=["*"],
                ),
            )
            vpc_config = LambdaFunctionVpcConfig(
                subnet_ids=list(network.private_subnet_ids),
                security_group_ids=[self.security_group.id, *(g.id for g in security_groups)],
            )
        self.function = AwsLambdaFunction(
            self,
            "Function",
            function_name=name,
            description=description,
            role=self.role.arn,
            runtime=props.runtime,
            handler=props.handler,
            architectures=[props.architecture],
            memory_size=props.memory_mb,
            timeout=props.timeout_seconds,
            s3_bucket=code.s3_bucket if isinstance(code, FunctionCode) else None,
            s3_key=code.s3_key if isinstance(code, FunctionCode) else None,
            filename=code.filename if isinstance(code, BundledCode) else None,
            source_code_hash=code.sha256 if isinstance(code, BundledCode) else None,
            reserved_concurrent_executions=props.reserved_concurrency,
            environment=LambdaFunctionEnvironment(variables=environment) if environment else None,
            kms_key_arn=kms_key.arn if kms_key is not None else None,
            vpc_config=vpc_config,
            tags={"Name": name},
            # The log group first (or Lambda makes one without retention), and the role's rights before use.
            depends_on=[self.log_group, *self.role.ready],
        )
        self.arn = self.function.arn
        self.url: FunctionUrl | None = None
        """The function URL, once :meth:`add_url` made it."""

    @property
    def grant_role(self) -> ServiceRole:
        """A function is a principal: what is granted to it, its code may do (``secret.grant_read(function)``)."""
        return self.role

    def grant_invoke(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` invoke this function, unqualified (policy ``Invoke<id>``)."""
        return principal.grant_role.grant(
            f"Invoke{self.node.id}", Statement(actions=["lambda:InvokeFunction"], resources=[self.arn])
        )

    def add_url(self) -> FunctionUrl:
        """A function URL requiring signed requests (AWS_IAM): only principals allowed by
        :meth:`allow_invoke_through` may call it."""
        url = LambdaFunctionUrl(self, "Url", function_name=self.function.function_name, authorization_type="AWS_IAM")
        self.url = FunctionUrl(url=url.function_url, domain_name=url_host(url.function_url))
        return self.url

    def allow_invoke_through(self, distribution_arn: str) -> None:
        """Let one CloudFront distribution call the function URL (both rights a URL call needs since 2025)."""
        self.allow_service(
            "CloudFrontInvokeUrl", "cloudfront.amazonaws.com", distribution_arn, action="lambda:InvokeFunctionUrl"
        )
        self.allow_service("CloudFrontInvoke", "cloudfront.amazonaws.com", distribution_arn)

    def allow_service(
        self, id_: str, service: str, source_arn: str, *, action: str = "lambda:InvokeFunction"
    ) -> LambdaPermission:
        """Let the resources of an AWS ``service`` matching ``source_arn`` (an ARN or ARN pattern), and no
        other caller, invoke the function (statement ``id_`` of its resource policy)."""
        return LambdaPermission(
            self,
            id_,
            statement_id=id_,
            action=action,
            function_name=self.function.function_name,
            principal=service,
            source_arn=source_arn,
        )
