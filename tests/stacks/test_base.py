"""Stack bases: backends from specs, providers by purpose, stacks on providers other than AWS."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from cdktf import Testing as CdktfTesting
from cdktf_cdktf_provider_postgresql.database import Database
from cdktf_cdktf_provider_postgresql.provider import PostgresqlProvider

from infra.config.model import StateBackendSettings
from infra.registry import StackSpec
from infra.stacks.base import AwsStack, ExternalProviderStack
from infra.validation import ConfigError

STATE = StateBackendSettings(bucket="demo-state", key="prod/dbs.tfstate", region="us-east-1", lock_table="demo-locks")
SPEC = StackSpec(
    stack_id="demo-prod-databases",
    kind="databases",
    system="demo",
    environments=("prod",),
    regions=("us-east-1",),
    state=STATE,
    factory=lambda: ExternalProviderStack,
    providers=("postgresql",),
)


def synthesized(stack: Any) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(CdktfTesting.synth(stack))
    return result


def postgres_stack(spec: StackSpec = SPEC, *, use_aws: bool = False) -> dict[str, Any]:
    stack = ExternalProviderStack(CdktfTesting.app(), spec)
    PostgresqlProvider(stack, "Postgresql", host="localhost", username="admin", sslmode="require")
    Database(stack, "Users", name="link_users")
    if use_aws:
        stack.aws()
    return synthesized(stack)


def test_a_postgresql_stack_keeps_the_s3_backend_and_has_no_aws_provider() -> None:
    stack = postgres_stack()
    assert stack["terraform"]["backend"]["s3"]["key"] == "prod/dbs.tfstate"
    assert stack["terraform"]["backend"]["s3"]["use_lockfile"] is True
    assert set(stack["provider"]) == {"postgresql"}
    assert set(stack["terraform"]["required_providers"]) == {"postgresql"}


def test_it_gets_an_aws_provider_only_when_it_asks_and_its_spec_lists_aws() -> None:
    stack = postgres_stack(replace(SPEC, providers=("postgresql", "aws")), use_aws=True)
    assert set(stack["provider"]) == {"postgresql", "aws"}
    with pytest.raises(ConfigError, match="demo-prod-databases providers must be a list including aws"):
        postgres_stack(use_aws=True)


def test_an_aws_only_spec_cannot_build_an_external_provider_stack() -> None:
    with pytest.raises(ConfigError, match="must be a provider other than aws"):
        postgres_stack(replace(SPEC, providers=("aws",)))


def test_region_scopes_are_made_once_per_purpose_in_a_region_of_the_spec() -> None:
    stack = AwsStack(CdktfTesting.app(), replace(SPEC, providers=("aws",), regions=("eu-west-1", "us-east-1")))
    assert stack.region("secondary", "us-east-1") is stack.region("secondary", "us-east-1")
    with pytest.raises(ConfigError, match="secondary region must be us-east-1 \\(set earlier\\); got 'eu-west-1'"):
        stack.region("secondary", "eu-west-1")
    with pytest.raises(ConfigError, match="backup region must be one of the stack's regions"):
        stack.region("backup", "us-west-2")
    with pytest.raises(ConfigError, match="provider purpose must be a short snake_case name"):
        stack.region("Secondary", "us-east-1")
