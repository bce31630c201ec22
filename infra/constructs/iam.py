"""IAM helpers: policy documents as data, a role for one AWS service, and the one way access is granted.

Whatever can be read or used (a secret, a parameter, a bucket, a repository, a
function) grants it with ``grant_read(principal)`` (or ``grant_read_write``,
``grant_invoke``): it attaches the statements that access takes to the
principal's role and returns them. A principal is a :class:`ServiceRole` or
anything acting with one (:class:`Principal`). Stacks never write statements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import jsii
from cdktf import IResolveContext, IStringProducer, ITerraformDependable, Lazy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from infra.constructs.aws_context import partition


@dataclass(frozen=True, kw_only=True)
class Statement:
    """One IAM policy statement; ``resources`` are ARNs or Terraform references."""

    actions: Sequence[str]
    resources: Sequence[str] = ()
    """Empty only in trust policies, which take no Resource element."""
    effect: str = "Allow"
    """Allow or Deny; Allow unless a statement exists to fence something off."""
    conditions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """IAM condition block, e.g. {"Bool": {"aws:SecureTransport": "false"}}."""
    principals: Mapping[str, Any] | None = None
    """For resource policies only (bucket, key, topic policies)."""
    sid: str | None = None
    """Statement id; required by some resource policies for readability."""

    def render(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {}
        if self.sid:
            rendered["Sid"] = self.sid
        rendered["Effect"] = self.effect
        if self.principals is not None:
            rendered["Principal"] = dict(self.principals)
        rendered["Action"] = list(self.actions) if len(self.actions) > 1 else self.actions[0]
        if self.resources:
            rendered["Resource"] = list(self.resources) if len(self.resources) > 1 else self.resources[0]
        if self.conditions:
            rendered["Condition"] = {k: dict(v) for k, v in self.conditions.items()}
        return rendered


def policy_document(*statements: Statement) -> str:
    """A policy as JSON text; Terraform references inside strings resolve at plan time."""
    return json.dumps({"Version": "2012-10-17", "Statement": [s.render() for s in statements]}, sort_keys=False)


@jsii.implements(IStringProducer)
class _PolicyProducer:
    def __init__(self, statements: Sequence[Statement]) -> None:
        self.statements = statements

    def produce(self, context: IResolveContext) -> str:
        return policy_document(*self.statements)


def growing_policy_document(statements: Sequence[Statement]) -> str:
    """A policy rendered at synth time from ``statements``, which may still grow after the resource is made.

    Resource policies that name a resource made later (a key policy naming the
    CloudFront distribution that reads through it) add their statement then.
    """
    rendered: str = Lazy.string_value(_PolicyProducer(statements))
    return rendered


READ_SECRETS = "ReadSecrets"
"""The inline policy of every secret and parameter a role reads (what ECS injects as container secrets)."""


def _statement_key(statement: Statement) -> str:
    """What makes two statements the same grant: their rendered JSON."""
    return json.dumps(statement.render(), sort_keys=True)


class ServiceRole(Construct):
    """An IAM role that one AWS service assumes (or, with ``trust``, whoever that statement lets assume it:
    a Kubernetes service account, say), with inline least-privilege policies.

    ``source_account`` adds the ``aws:SourceAccount`` condition so that another
    account's resources cannot make the service act with this role (confused deputy).
    A role is its own :class:`Principal`: grants add to its policies (:meth:`grant`).
    With ``distinct_statements``, a policy states each statement once however
    many grants need it (several secrets under one key need one decrypt).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        service: str | None = None,
        description: str,
        source_account: str | None = None,
        distinct_statements: bool = False,
        trust: Statement | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if (service is None) == (trust is None):
            raise ValueError(f"role {name}: a service or a trust statement, not both")
        conditions = {"StringEquals": {"aws:SourceAccount": source_account}} if source_account else {}
        trust = trust or Statement(actions=["sts:AssumeRole"], principals={"Service": service}, conditions=conditions)
        self.role = IamRole(
            self,
            "Role",
            name=name,
            description=description,
            assume_role_policy=policy_document(trust),
            tags={"Name": name},
        )
        self.arn = self.role.arn
        self.name = self.role.name
        self._policies: set[str] = set()
        self._granted: dict[str, list[Statement]] = {}
        self._distinct = distinct_statements
        self.ready: list[ITerraformDependable] = [self.role]
        """The role and every policy attached so far: what a service must wait for before it assumes the role."""

    def attach_managed_policy(self, name: str) -> None:
        """Attach an AWS-managed policy by its name under ``arn:<partition>:iam::aws:policy/``."""
        attachment = IamRolePolicyAttachment(
            self,
            "Managed" + "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part),
            role=self.role.name,
            policy_arn=f"arn:{partition(self)}:iam::aws:policy/{name}",
        )
        self.ready.append(attachment)

    @property
    def grant_role(self) -> ServiceRole:
        return self

    def add_policy(self, policy_id: str, *statements: Statement) -> None:
        """Attach an inline policy the role itself needs; ``policy_id`` is PascalCase and stable."""
        self._attach(policy_id, policy_document(*statements))

    def grant(self, policy_id: str, *statements: Statement) -> list[Statement]:
        """Add ``statements`` to the inline policy ``policy_id``, which the first grant into it makes.

        Grants of one kind share a policy (every secret the role reads is in
        :data:`READ_SECRETS`); its document is rendered at synth time, once
        every grant is in. Returns the statements added. Called by grantables'
        ``grant_*`` methods, not by stacks.
        """
        held = self._granted.get(policy_id)
        if held is None:
            held = self._granted[policy_id] = []
            self._attach(policy_id, growing_policy_document(held))
        added = []
        for statement in statements:
            if self._distinct and _statement_key(statement) in {_statement_key(s) for s in held}:
                continue
            held.append(statement)
            added.append(statement)
        return added

    def _attach(self, policy_id: str, document: str) -> None:
        if policy_id in self._policies:
            raise ValueError(f"policy {policy_id} already attached")
        self._policies.add(policy_id)
        policy = IamRolePolicy(self, policy_id, name=policy_id, role=self.role.id, policy=document)
        self.ready.append(policy)


class Principal(Protocol):
    """Who access is granted to: a :class:`ServiceRole`, or what acts with one (a function: its role)."""

    @property
    def grant_role(self) -> ServiceRole:
        """The role whose policies grants add to."""
        ...


class Grantable(Protocol):
    """What read access can be granted on: attaches the statements to the principal's role, returns them."""

    def grant_read(self, principal: Principal) -> list[Statement]: ...


class ReadWriteGrantable(Grantable, Protocol):
    """What can also be written: ``grant_read_write`` grants reading and writing (never administration)."""

    def grant_read_write(self, principal: Principal) -> list[Statement]: ...
