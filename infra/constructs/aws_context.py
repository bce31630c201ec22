"""Which AWS provider a construct is created under, and what it answers for region, account and partition.

A stack has a default AWS provider. :class:`RegionScope` holds an aliased one
(named by purpose: ``secondary``, ``backup``, ``edge``...): every AWS resource
and data source created anywhere below it uses that provider, unless it names
one itself. Lookups follow the same rule: :func:`region_name`,
:func:`account_id` and :func:`partition` answer for the provider ``scope`` is
under, never for the stack's default, so endpoint service names, log
regions, dashboard regions, ARNs and key policies are right in every region.
"""

from __future__ import annotations

from typing import Any

import jsii
from cdktf import Aspects, IAspect, TerraformDataSource, TerraformResource, TerraformStack, Token
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct, IConstruct

from infra import validation


class RegionScope(Construct):
    """A subtree whose AWS resources use ``provider`` (an aliased AwsProvider)."""

    def __init__(self, scope: Construct, id_: str, *, provider: AwsProvider) -> None:
        # Directly under its stack: no region scope inside another, so each one's aspect knows its provider.
        if not isinstance(scope, TerraformStack):
            raise validation.ConfigError("region scope", "a child of its stack", scope.node.path)
        super().__init__(scope, id_)
        if not provider.alias:
            raise validation.ConfigError("region scope provider", "an aliased AWS provider", provider.node.id)
        self.provider = provider
        self.purpose = provider.alias
        Aspects.of(self).add(_UseScopeProvider(provider))


# A construct's place in the tree never changes, so what a walk up the tree finds is
# kept on the Python object: each hop up is two calls into node (jsii), and every
# lookup below would otherwise repeat the walk (a third of a full synth's calls).
_CONTEXT = "_infra_aws_context"


def _context(scope: IConstruct) -> tuple[TerraformStack, RegionScope | None]:
    """The stack ``scope`` is in and its nearest RegionScope (None: the stack's default provider)."""
    cached: tuple[TerraformStack, RegionScope | None] | None = scope.__dict__.get(_CONTEXT)
    if cached is not None:
        return cached
    if isinstance(scope, TerraformStack):
        found: tuple[TerraformStack, RegionScope | None] = (scope, None)
    else:
        parent = scope.node.scope
        if parent is None:
            raise validation.ConfigError("construct scope", "a construct inside a TerraformStack", scope.node.path)
        found = _context(parent)
        if isinstance(scope, RegionScope):
            found = (found[0], scope)
    scope.__dict__[_CONTEXT] = found
    return found


def stack_of(scope: IConstruct) -> TerraformStack:
    """``TerraformStack.of(scope)``, answered from the memo once any construct on the path asked."""
    return _context(scope)[0]


def _nearest_scope(scope: IConstruct) -> RegionScope | None:
    return _context(scope)[1]


_AWS_PROVIDER_PACKAGE = "cdktf_cdktf_provider_aws."


@jsii.implements(IAspect)
class _UseScopeProvider:
    """Sets its RegionScope's provider on the AWS resources and data sources below it that name none.

    Decided in Python where it can be: each question asked of ``node`` is a call
    into node (jsii), and this runs for every construct of every region scope.
    """

    def __init__(self, provider: AwsProvider) -> None:
        self.provider = provider

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, (TerraformResource, TerraformDataSource)):
            return
        if not type(node).__module__.startswith(_AWS_PROVIDER_PACKAGE) or node.provider is not None:
            return
        node.provider = self.provider


def provider_of(scope: IConstruct) -> AwsProvider | None:
    """The AWS provider resources created under ``scope`` use: a RegionScope's, else the stack's default."""
    stack, region_scope = _context(scope)
    if region_scope is not None:
        return region_scope.provider
    default: AwsProvider | None = stack.__dict__.get("_infra_default_provider")
    if default is None:  # not kept while absent: the stack may add its provider later
        default = next((c for c in stack.node.children if isinstance(c, AwsProvider) and not c.alias), None)
        stack.__dict__["_infra_default_provider"] = default
    return default


def provider_reference(scope: IConstruct) -> str | None:
    """``aws.<alias>`` for blocks added by override (ephemeral resources) under a RegionScope, else None."""
    region_scope = _nearest_scope(scope)
    return f"aws.{region_scope.purpose}" if region_scope is not None else None


def _lookup_home(scope: IConstruct) -> Construct:
    stack, region_scope = _context(scope)
    return region_scope if region_scope is not None else stack


def _memo(home: Construct, key: str, compute: Any) -> Any:
    """``compute()`` once per home (a stack or RegionScope): its answers are tokens that never change."""
    memo: dict[str, Any] = home.__dict__.setdefault("_infra_lookups", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _singleton(scope: IConstruct, kind: type[Any], id_: str) -> Any:
    home = _lookup_home(scope)

    def find_or_create() -> Any:
        found = home.node.try_find_child(id_)
        return found if isinstance(found, kind) else kind(home, id_)

    return _memo(home, id_, find_or_create)


def region_name(scope: IConstruct) -> str:
    """The region of the provider ``scope`` is under (its literal name when configured, else a lookup)."""

    def answer() -> str:
        provider = provider_of(scope)
        region = provider.region if provider is not None else None
        if isinstance(region, str) and region and not Token.is_unresolved(region):
            return region
        name: str = _singleton(scope, DataAwsRegion, "Region").name
        return name

    found: str = _memo(_lookup_home(scope), "region_name", answer)
    return found


def account_id(scope: IConstruct) -> str:
    """The AWS account id Terraform runs in, as seen by the provider ``scope`` is under."""
    account: str = _memo(
        _lookup_home(scope), "account_id", lambda: _singleton(scope, DataAwsCallerIdentity, "CallerIdentity").account_id
    )
    return account


def partition(scope: IConstruct) -> str:
    """The ARN partition of the provider's region (aws, aws-cn, aws-us-gov)."""

    def answer() -> str:
        region = region_name(scope)
        if Token.is_unresolved(region):
            looked_up: str = _singleton(scope, DataAwsPartition, "Partition").partition
            return looked_up
        if region.startswith("cn-"):
            return "aws-cn"
        if region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    found: str = _memo(_lookup_home(scope), "partition", answer)
    return found
