"""An ECR repository: scanned on push, encrypted, pruned to the most recent images."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.data_aws_ecr_repository import DataAwsEcrRepository
from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_replication_configuration import (
    EcrReplicationConfiguration,
    EcrReplicationConfigurationReplicationConfiguration,
    EcrReplicationConfigurationReplicationConfigurationRule,
    EcrReplicationConfigurationReplicationConfigurationRuleDestination,
    EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter,
)
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id
from infra.constructs.iam import Principal, Statement
from infra.props.container_registry import ContainerRegistryProps
from infra.validation import ConfigError

_REPOSITORY_NAME = re.compile(r"^[a-z0-9]+([._/-][a-z0-9]+)*$")


class ContainerRegistry(Construct):
    """One repository; ``grant_read(principal)`` lets a task execution role pull from it and nothing else."""

    def __init__(self, scope: Construct, id_: str, *, name: str, props: ContainerRegistryProps) -> None:
        super().__init__(scope, id_)
        if not _REPOSITORY_NAME.match(name) or len(name) > 256:
            raise ConfigError("repository name", "lower-case letters, digits and ._/- separators", name)
        self.repository = EcrRepository(
            self,
            "Repository",
            name=name,
            image_tag_mutability="IMMUTABLE" if props.immutable_tags else "MUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=props.scan_on_push),
            encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="KMS")],
            force_delete=False,
            tags={"Name": name},
        )
        EcrLifecyclePolicy(
            self,
            "LifecyclePolicy",
            repository=self.repository.name,
            policy=json.dumps(
                {
                    "rules": [
                        {
                            "rulePriority": 1,
                            "description": f"Keep the {props.keep_images} most recent images",
                            "selection": {
                                "tagStatus": "any",
                                "countType": "imageCountMoreThan",
                                "countNumber": props.keep_images,
                            },
                            "action": {"type": "expire"},
                        }
                    ]
                }
            ),
        )
        self.name = name
        self.arn = self.repository.arn
        self.url = self.repository.repository_url

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` pull images from this repository (and get the registry login token)."""
        return _grant_pull(principal, self.arn)


def _grant_pull(principal: Principal, repository_arn: str) -> list[Statement]:
    return principal.grant_role.grant(
        "PullImages",
        Statement(
            actions=["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            resources=[repository_arn],
        ),
        # GetAuthorizationToken has no resource-level permissions.
        Statement(actions=["ecr:GetAuthorizationToken"], resources=["*"]),
    )


class RegistryLike(Protocol):
    """A repository services pull from: a ContainerRegistry made here or one found by name."""

    @property
    def url(self) -> str: ...

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` pull its images."""
        ...


class ContainerRegistryLookup(Construct):
    """A repository made elsewhere (another stack), found by name at plan time (``data.aws_ecr_repository``)."""

    def __init__(self, scope: Construct, id_: str, *, name: str) -> None:
        super().__init__(scope, id_)
        if not _REPOSITORY_NAME.match(name) or len(name) > 256:
            raise ConfigError("repository name", "lower-case letters, digits and ._/- separators", name)
        found = DataAwsEcrRepository(self, "Repository", name=name)
        self.name = name
        self.arn = found.arn
        self.url = found.repository_url

    def grant_read(self, principal: Principal) -> list[Statement]:
        return _grant_pull(principal, self.arn)


@dataclass(frozen=True)
class ReplicationRule:
    """Images pushed to ``repositories`` (names, prefix-matched) are copied to each of ``destination_regions``."""

    repositories: tuple[str, ...]
    destination_regions: tuple[str, ...]


class RegistryReplication(Construct):
    """The registry's replication configuration: images pushed to each rule's repositories are copied to its
    regions.

    ECR keeps one replication configuration per account and region, so one
    stack owns it, with the rules of every environment in the account (see
    docs/systems/luneo.md). Each rule lists its repositories by name (a prefix
    match), so other repositories of the account are not copied. Destination
    repositories of the same names should exist first (ContainerRegistry in
    each region), so their scanning, lifecycle and encryption are managed too.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        rules: Sequence[ReplicationRule],
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id_)
        if not rules or len(rules) > 10:
            raise ConfigError("replication rules", "1 to 10 rules", len(rules))
        for rule in rules:
            if not rule.repositories or len(rule.repositories) > 100:
                raise ConfigError("replicated repositories", "1 to 100 repositories", len(rule.repositories))
            if not rule.destination_regions or len(rule.destination_regions) > 25:
                raise ConfigError("replication destinations", "1 to 25 regions", rule.destination_regions)
            validation.unique("replication destinations", list(rule.destination_regions))
        account = account_id(self)
        self.configuration = EcrReplicationConfiguration(
            self,
            "Configuration",
            replication_configuration=EcrReplicationConfigurationReplicationConfiguration(
                rule=[
                    EcrReplicationConfigurationReplicationConfigurationRule(
                        destination=[
                            EcrReplicationConfigurationReplicationConfigurationRuleDestination(
                                region=region, registry_id=account
                            )
                            for region in rule.destination_regions
                        ],
                        repository_filter=[
                            EcrReplicationConfigurationReplicationConfigurationRuleRepositoryFilter(
                                filter=name, filter_type="PREFIX_MATCH"
                            )
                            for name in rule.repositories
                        ],
                    )
                    for rule in rules
                ]
            ),
            depends_on=list(depends_on),
        )
