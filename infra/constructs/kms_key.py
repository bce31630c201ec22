"""A customer-managed KMS key for one purpose, with rotation on."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from cdktf_cdktf_provider_aws.data_aws_kms_alias import DataAwsKmsAlias
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey as AwsKmsKey
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, partition, region_name
from infra.constructs.iam import Statement, growing_policy_document
from infra.naming import pascal
from infra.props.kms_key import KmsKeyProps
from infra.validation import ConfigError


class KeyLike(Protocol):
    """A KMS key constructs can encrypt with: one created here (KmsKey) or one made elsewhere (ExistingKmsKey)."""

    @property
    def arn(self) -> str: ...

    def decrypt_statement(self, via_service: str) -> Statement: ...


def key_use_statement(arn: str, via_service: str, actions: Sequence[str] = ("kms:Decrypt",)) -> Statement:
    """Using the key ``arn`` only through ``via_service`` (e.g. ``s3``), in any region: part of a grant on
    what the key protects (reading it takes ``kms:Decrypt``; writing, ``kms:GenerateDataKey`` too)."""
    return Statement(
        actions=list(actions),
        resources=[arn],
        conditions={"StringLike": {"kms:ViaService": f"{via_service}.*.amazonaws.com"}},
    )


@dataclass(frozen=True)
class ExistingKmsKey:
    """A key made elsewhere, by ARN: used, never managed (its policy must let this account's roles use it)."""

    arn: str

    def __post_init__(self) -> None:
        if not self.arn.startswith("arn:aws") or ":kms:" not in self.arn:
            raise ConfigError("kms key arn", "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)", self.arn)

    def decrypt_statement(self, via_service: str) -> Statement:
        return key_use_statement(self.arn, via_service)


class KmsKeyLookup(Construct):
    """A key made elsewhere (another stack), found by its alias at plan time (``data.aws_kms_alias``)."""

    def __init__(self, scope: Construct, id_: str, *, alias: str) -> None:
        super().__init__(scope, id_)
        validation.resource_name("key alias", alias, max_length=200)
        self.alias = alias
        found = DataAwsKmsAlias(self, "Alias", name=f"alias/{alias}")
        self.arn = found.target_key_arn

    def decrypt_statement(self, via_service: str) -> Statement:
        return key_use_statement(self.arn, via_service)


# Everything but using the key for data (and CreateGrant, which would hand that use on).
ADMINISTRATION_ACTIONS = (
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:UpdateAlias",
    "kms:Describe*",
    "kms:Enable*",
    "kms:Disable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:RetireGrant",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
)
USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
_SERVICE = re.compile(r"^[a-z0-9-]+\.amazonaws\.com$")


class KmsKey(Construct):
    """A key whose policy lets the account's IAM policies grant use, plus the named AWS services.

    ``allowed_services`` (e.g. ``cloudwatch.amazonaws.com`` so alarms can publish
    to an encrypted topic) may encrypt and decrypt with the key, only on behalf
    of this account (``aws:SourceAccount``).

    ``via_services`` (e.g. ``secretsmanager.amazonaws.com``) fences the key in:
    the account's principals may then use it only through those services in the
    key's region (``kms:ViaService``), and grants only for AWS resources; the
    account keeps every administrative action. :meth:`allow_service_for` adds
    a service principal acting for one resource (CloudFront for one
    distribution) after the key exists.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        alias: str,
        description: str,
        allowed_services: tuple[str, ...] = (),
        via_services: tuple[str, ...] = (),
        props: KmsKeyProps = KmsKeyProps(),
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("key alias", alias, max_length=200)
        validation.non_empty_text("key description", description, max_length=8192)
        for service in (*allowed_services, *via_services):
            if not _SERVICE.match(service):
                raise ConfigError(f"{alias} services", "service principals such as 'rds.amazonaws.com'", service)
        account = account_id(self)
        root = {"AWS": f"arn:{partition(self)}:iam::{account}:root"}
        statements: list[Statement] = []
        if via_services:
            region = region_name(self)
            through = [service.replace(".amazonaws.com", f".{region}.amazonaws.com") for service in via_services]
            statements += [
                Statement(
                    sid="AccountAdministersThroughIam",
                    principals=root,
                    actions=list(ADMINISTRATION_ACTIONS),
                    resources=["*"],
                ),
                Statement(
                    sid="AccountUsesOnlyThroughServices",
                    principals=root,
                    actions=list(USE_ACTIONS),
                    resources=["*"],
                    conditions={"StringEquals": {"kms:ViaService": through, "kms:CallerAccount": account}},
                ),
                Statement(
                    sid="ServicesGrantForTheirResources",
                    principals=root,
                    actions=["kms:CreateGrant"],
                    resources=["*"],
                    conditions={
                        "StringEquals": {"kms:ViaService": through, "kms:CallerAccount": account},
                        "Bool": {"kms:GrantIsForAWSResource": "true"},
                    },
                ),
            ]
        else:
            statements.append(
                Statement(sid="AccountAdministersThroughIam", principals=root, actions=["kms:*"], resources=["*"])
            )
        if allowed_services:
            statements.append(
                Statement(
                    sid="AllowedServicesUseTheKey",
                    principals={"Service": list(allowed_services)},
                    actions=["kms:Decrypt", "kms:GenerateDataKey*", "kms:Encrypt", "kms:ReEncrypt*", "kms:DescribeKey"],
                    resources=["*"],
                    conditions={"StringEquals": {"aws:SourceAccount": account}},
                )
            )
        self.key = AwsKmsKey(
            self,
            "Key",
            description=description,
            enable_key_rotation=props.enable_rotation,
            deletion_window_in_days=props.deletion_window_days,
            policy=growing_policy_document(statements),
            tags={"Name": alias},
        )
        KmsAlias(self, "Alias", name=f"alias/{alias}", target_key_id=self.key.key_id)
        self.alias = alias
        self.arn = self.key.arn
        self.key_id = self.key.key_id
        self._statements = statements

    def allow_service_for(self, service: str, *, sid: str, actions: tuple[str, ...], source_arn: str) -> None:
        """Let ``service`` use the key only while acting for the resource ``source_arn`` (``aws:SourceArn``)."""
        if not _SERVICE.match(service):
            raise ConfigError(
                f"{self.alias} service", "a service principal such as 'cloudfront.amazonaws.com'", service
            )
        if any(statement.sid == sid for statement in self._statements):
            raise ConfigError(f"{self.alias} policy statement", "a sid not used before in this key policy", sid)
        self._statements.append(
            Statement(
                sid=sid,
                principals={"Service": service},
                actions=list(actions),
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceArn": source_arn}},
            )
        )

    def decrypt_statement(self, via_service: str) -> Statement:
        """What a role needs to read data this key protects through ``via_service`` (e.g. secretsmanager)."""
        return key_use_statement(self.arn, via_service)


@dataclass(frozen=True, kw_only=True)
class KeyPurpose:
    """What one of a system's keys protects: its description and the services that may use it."""

    description: str
    allowed_services: tuple[str, ...] = ()
    """Service principals that encrypt and decrypt for the account (see :class:`KmsKey`)."""
    via_services: tuple[str, ...] = ()
    """The only services through which the account's roles may use it (see :class:`KmsKey`)."""
    alias: str | None = None
    """None: ``<prefix>-<purpose>``; set where another stack finds the key by a name its system's contract owns."""


def purpose_keys(
    scope: Construct, *, prefix: str, purposes: Mapping[str, KeyPurpose], props: KmsKeyProps
) -> dict[str, KmsKey]:
    """A key per purpose, in the order given, aliased ``<prefix>-<purpose>`` unless the purpose names its alias;
    the construct id is ``<Purpose>Key`` (``rds`` -> ``RdsKey``)."""
    return {
        purpose: KmsKey(
            scope,
            f"{pascal(purpose)}Key",
            alias=key.alias or f"{prefix}-{purpose}",
            description=key.description,
            allowed_services=key.allowed_services,
            via_services=key.via_services,
            props=props,
        )
        for purpose, key in purposes.items()
    }
