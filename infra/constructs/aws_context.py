"""Account, region and partition of the stack's default provider, looked up once per stack."""

from __future__ import annotations

from typing import TypeVar

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from constructs import Construct

_T = TypeVar("_T", DataAwsCallerIdentity, DataAwsRegion, DataAwsPartition)


def _singleton(scope: Construct, kind: type[_T], id_: str) -> _T:
    stack = TerraformStack.of(scope)
    found = stack.node.try_find_child(id_)
    if isinstance(found, kind):
        return found
    return kind(stack, id_)


def account_id(scope: Construct) -> str:
    """The AWS account id Terraform runs in."""
    return _singleton(scope, DataAwsCallerIdentity, "CallerIdentity").account_id


def region_name(scope: Construct) -> str:
    """The provider's region, e.g. us-east-1."""
    return _singleton(scope, DataAwsRegion, "Region").name


def partition(scope: Construct) -> str:
    """The ARN partition (aws, aws-cn, aws-us-gov)."""
    return _singleton(scope, DataAwsPartition, "Partition").partition
