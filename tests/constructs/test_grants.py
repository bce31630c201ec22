"""The one way to grant access: ``grant_read`` / ``grant_read_write`` / ``grant_invoke`` attach exactly what the
access takes to the principal's role, in one inline policy per kind of access, and return it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.constructs.container_registry import ContainerRegistry, ContainerRegistryLookup
from infra.constructs.iam import ServiceRole, Statement
from infra.constructs.kms_key import ExistingKmsKey, KmsKey, KmsKeyLookup
from infra.constructs.lambda_function import FunctionCode, LambdaFunction
from infra.constructs.postgres_instance import PostgresInstance
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.secret import Secret, SecretByArn, SecretByName
from infra.constructs.ssm_parameters import SsmParameters
from infra.props.container_registry import ContainerRegistryProps
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.private_bucket import PrivateBucketProps
from infra.props.secret import SecretProps
from infra.validation import ConfigError
from tests.support.synth import resources, synth

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0b3f0a7e-1111-2222-3333-444455556666"
THROUGH_SECRETS_MANAGER = {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}
THROUGH_S3 = {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}


def reader(stack: Any, *, distinct: bool = False) -> ServiceRole:
    return ServiceRole(
        stack, "Reader", name="reader", service="ecs-tasks.amazonaws.com", description="d", distinct_statements=distinct
    )


def policies(stack: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each inline policy's statements, by policy name."""
    return {p["name"]: json.loads(p["policy"])["Statement"] for p in resources(stack, "aws_iam_role_policy")}


def ref(resource_type: str, stack: dict[str, Any], attribute: str, *, data: bool = False) -> str:
    """``${<type>.<the one such resource>.<attribute>}``."""
    (name,) = stack["data" if data else "resource"][resource_type]
    return f"${{{'data.' if data else ''}{resource_type}.{name}.{attribute}}}"


def rendered(statements: list[Statement]) -> list[dict[str, Any]]:
    return [s.render() for s in statements]


def test_a_secret_grants_its_value_and_decrypting_with_its_key_through_secrets_manager_only() -> None:
    returned: list[Statement] = []

    def make(stack: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-secrets", description="d")
        secret = Secret(stack, "Secret", name="demo/app", description="d", kms_key=key, props=SecretProps())
        returned.extend(secret.key("url").grant_read(reader(stack)))

    stack = synth(make)
    assert policies(stack) == {
        "ReadSecrets": [
            {
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": ref("aws_secretsmanager_secret", stack, "arn"),
            },
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": ref("aws_kms_key", stack, "arn"),
                "Condition": THROUGH_SECRETS_MANAGER,
            },
        ]
    }
    assert [s["Action"] for s in rendered(returned)] == ["secretsmanager:GetSecretValue", "kms:Decrypt"]


def test_a_secret_known_by_name_is_granted_by_the_arn_secrets_manager_will_give_it() -> None:
    def make(stack: Any) -> None:
        key = KmsKeyLookup(stack, "Key", alias="demo-secrets")
        SecretByName(stack, "Secret", name="demo/tenant/database", kms_key=key).grant_read(reader(stack))

    stack = synth(make)
    (read, decrypt) = policies(stack)["ReadSecrets"]
    assert read["Action"] == "secretsmanager:GetSecretValue"
    assert read["Resource"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert read["Resource"].endswith(":secret:demo/tenant/database-??????")
    assert (decrypt["Resource"], decrypt["Condition"]) == (
        ref("aws_kms_alias", stack, "target_key_arn", data=True),
        THROUGH_SECRETS_MANAGER,
    )


def test_rds_managed_master_secret_is_granted_with_its_key_and_an_aws_managed_one_needs_none() -> None:
    def make(stack: Any) -> None:
        database = PostgresInstance(
            stack,
            "Db",
            identifier="demo",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            storage_key=ExistingKmsKey(KEY_ARN),
            secret_key=ExistingKmsKey(KEY_ARN),
            props=PostgresInstanceProps(instance_class="db.t3.small", engine_version="15"),
        )
        database.master_secret.grant_read(reader(stack))
        other = ServiceRole(stack, "Other", name="other", service="lambda.amazonaws.com", description="d")
        SecretByArn(arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf", kms_key=None).grant_read(other)

    stack = synth(make)
    read, decrypt = policies_of_role(stack, "reader")["ReadSecrets"]
    (instance,) = stack["resource"]["aws_db_instance"]
    assert read["Resource"] == f"${{aws_db_instance.{instance}.master_user_secret[0].secret_arn}}"
    assert (decrypt["Action"], decrypt["Resource"], decrypt["Condition"]) == (
        "kms:Decrypt",
        KEY_ARN,
        THROUGH_SECRETS_MANAGER,
    )
    assert policies_of_role(stack, "other")["ReadSecrets"] == [
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf",
        }
    ]


def policies_of_role(stack: dict[str, Any], role_name: str) -> dict[str, list[dict[str, Any]]]:
    (role_id,) = [k for k, v in stack["resource"]["aws_iam_role"].items() if v["name"] == role_name]
    return {
        p["name"]: json.loads(p["policy"])["Statement"]
        for p in resources(stack, "aws_iam_role_policy")
        if p["role"] == f"${{aws_iam_role.{role_id}.id}}"
    }


@pytest.mark.parametrize(("distinct", "expected"), [(False, 4), (True, 3)])
def test_grants_of_one_kind_share_one_policy_in_grant_order(distinct: bool, expected: int) -> None:
    """Two secrets under one key: each adds its read and the key's decrypt; a distinct role states the decrypt once."""

    def make(stack: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-secrets", description="d")
        role = reader(stack, distinct=distinct)
        for name in ("first", "second"):
            Secret(
                stack, name.title(), name=f"demo/{name}", description="d", kms_key=key, props=SecretProps()
            ).grant_read(role)

    stack = synth(make)
    statements = policies(stack)["ReadSecrets"]
    assert len(resources(stack, "aws_iam_role_policy")) == 1
    secrets = {s["name"]: k for k, s in stack["resource"]["aws_secretsmanager_secret"].items()}
    first, second = (f"${{aws_secretsmanager_secret.{secrets[n]}.arn}}" for n in ("demo/first", "demo/second"))
    assert [s["Resource"] for s in statements] == [
        first,
        ref("aws_kms_key", stack, "arn"),
        second,
        ref("aws_kms_key", stack, "arn"),
    ][:expected]


def test_a_grant_never_joins_a_policy_the_role_attached_for_itself() -> None:
    def make(stack: Any) -> None:
        role = reader(stack)
        role.add_policy("ReadSecrets", Statement(actions=["s3:ListAllMyBuckets"], resources=["*"]))
        key = ExistingKmsKey(KEY_ARN)
        Secret(stack, "Secret", name="demo/app", description="d", kms_key=key, props=SecretProps()).grant_read(role)

    with pytest.raises(ValueError, match="policy ReadSecrets already attached"):
        synth(make)


def test_a_parameter_is_read_as_ecs_reads_it_and_the_set_as_code_reads_it() -> None:
    def make(stack: Any) -> None:
        parameters = SsmParameters(
            stack, "Parameters", path="/demo/staging", description="d", values={"redis-url": "r", "bucket": "b"}
        )
        parameters.reference("redis-url").grant_read(reader(stack))
        other = ServiceRole(stack, "Other", name="other", service="lambda.amazonaws.com", description="d")
        parameters.grant_read(other)

    stack = synth(make)
    arns = {p["name"]: f"${{aws_ssm_parameter.{k}.arn}}" for k, p in stack["resource"]["aws_ssm_parameter"].items()}
    assert policies_of_role(stack, "reader") == {
        "ReadSecrets": [{"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": arns["/demo/staging/redis-url"]}]
    }
    assert policies_of_role(stack, "other") == {
        "ReadSecrets": [
            {
                "Effect": "Allow",
                "Action": ["ssm:GetParameter", "ssm:GetParameters"],
                "Resource": [arns["/demo/staging/redis-url"], arns["/demo/staging/bucket"]],
            }
        ]
    }


def test_no_parameters_grant_nothing_rather_than_a_statement_without_resources() -> None:
    def make(stack: Any) -> None:
        SsmParameters(stack, "Parameters", path="/demo/empty", description="d", values={}).grant_read(reader(stack))

    with pytest.raises(ConfigError, match="/demo/empty parameters must be at least one to grant reading"):
        synth(make)


@pytest.mark.parametrize(
    ("grant", "policy", "object_actions", "key_actions"),
    [
        ("grant_read", "ReadData", "s3:GetObject", "kms:Decrypt"),
        (
            "grant_read_write",
            "ReadWriteData",
            ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            ["kms:Decrypt", "kms:GenerateDataKey"],
        ),
    ],
)
@pytest.mark.parametrize("customer_key", [False, True])
def test_a_bucket_grants_listing_and_its_objects_and_its_customer_key_through_s3_only(
    grant: str, policy: str, object_actions: Any, key_actions: Any, customer_key: bool
) -> None:
    def make(stack: Any) -> None:
        props = PrivateBucketProps(kms_key_arn=KEY_ARN if customer_key else None)
        bucket = PrivateBucket(stack, "Data", bucket_name="demo-data-bucket", props=props)
        getattr(bucket, grant)(reader(stack))

    stack = synth(make)
    bucket = ref("aws_s3_bucket", stack, "arn")
    expected = [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
        {"Effect": "Allow", "Action": object_actions, "Resource": f"{bucket}/*"},
    ]
    if customer_key:
        expected.append({"Effect": "Allow", "Action": key_actions, "Resource": KEY_ARN, "Condition": THROUGH_S3})
    assert policies(stack) == {policy: expected}


@pytest.mark.parametrize("looked_up", [False, True])
def test_a_repository_grants_pulling_its_images_and_the_login_token(looked_up: bool) -> None:
    def make(stack: Any) -> None:
        registry = (
            ContainerRegistryLookup(stack, "Registry", name="demo-instance")
            if looked_up
            else ContainerRegistry(stack, "Registry", name="demo-instance", props=ContainerRegistryProps())
        )
        registry.grant_read(reader(stack))

    stack = synth(make)
    assert policies(stack) == {
        "PullImages": [
            {
                "Effect": "Allow",
                "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                "Resource": ref("aws_ecr_repository", stack, "arn", data=looked_up),
            },
            {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        ]
    }


def test_a_function_is_granted_to_as_a_principal_and_grants_invoking_it() -> None:
    def make(stack: Any) -> None:
        function = LambdaFunction(
            stack,
            "Fn",
            name="demo-fn",
            description="d",
            code=FunctionCode(s3_bucket="demo-binaries", s3_key="demo-1.0.0.zip"),
            props=LambdaFunctionProps(),
        )
        key = ExistingKmsKey(KEY_ARN)
        Secret(stack, "Secret", name="demo/app", description="d", kms_key=key, props=SecretProps()).grant_read(function)
        function.grant_invoke(reader(stack))

    stack = synth(make)
    own = policies_of_role(stack, "demo-fn-function")
    assert set(own) == {"WriteLogs", "ReadSecrets"}
    assert [s["Action"] for s in own["ReadSecrets"]] == ["secretsmanager:GetSecretValue", "kms:Decrypt"]
    assert policies_of_role(stack, "reader") == {
        "InvokeFn": [
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": ref("aws_lambda_function", stack, "arn")}
        ]
    }
