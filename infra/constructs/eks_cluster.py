"""An EKS control plane: secrets encrypted with a customer key, every log type kept, admins by access entry."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cdktf import Fn, TerraformLocal
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.eks_access_entry import EksAccessEntry
from cdktf_cdktf_provider_aws.eks_access_policy_association import (
    EksAccessPolicyAssociation,
    EksAccessPolicyAssociationAccessScope,
)
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksCluster as AwsEksCluster,
)
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterVpcConfig,
)
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import partition, region_name
from infra.constructs.iam import ServiceRole, Statement
from infra.constructs.kms_key import KeyLike
from infra.constructs.outputs import output
from infra.naming import pascal
from infra.props.eks_cluster import EksClusterProps, ServiceAccountProps

ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
STS_AUDIENCE = "sts.amazonaws.com"
"""The audience of the tokens EKS projects into pods for IAM roles for service accounts."""


def _principal_id(arn: str) -> str:
    """A stable PascalCase construct id from a principal's name (its position in the list may change)."""
    name = arn.rsplit("/", 1)[-1]
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


class EksCluster(Construct):
    """Cluster ``name`` in ``subnet_ids`` (private), Kubernetes secrets envelope-encrypted with ``secrets_key``.

    The API endpoint is private, and public only for ``endpoint_public_access_cidrs``;
    authentication is by access entries only (no aws-auth ConfigMap), each
    admin principal getting AmazonEKSClusterAdminPolicy on the whole cluster.
    Control-plane logs go to ``/aws/eks/<name>/cluster``, made here with a retention.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        subnet_ids: Sequence[str],
        secrets_key: KeyLike,
        props: EksClusterProps,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("cluster name", name, max_length=100)
        self.name = name
        role = ServiceRole(
            self, "Role", name=f"{name}-cluster", service="eks.amazonaws.com", description=f"Control plane of {name}"
        )
        role.attach_managed_policy("AmazonEKSClusterPolicy")
        # EKS encrypts secrets with the key as the cluster role.
        role.add_policy(
            "EncryptSecrets",
            Statement(
                actions=["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey", "kms:CreateGrant"],
                resources=[secrets_key.arn],
            ),
        )
        log_group = CloudwatchLogGroup(
            self, "LogGroup", name=f"/aws/eks/{name}/cluster", retention_in_days=props.log_retention_days
        )
        public = bool(props.endpoint_public_access_cidrs)
        self.cluster = AwsEksCluster(
            self,
            "Cluster",
            name=name,
            role_arn=role.arn,
            version=props.version,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=list(subnet_ids),
                endpoint_private_access=True,
                endpoint_public_access=public,
                public_access_cidrs=list(props.endpoint_public_access_cidrs) if public else None,
            ),
            encryption_config=EksClusterEncryptionConfig(
                provider=EksClusterEncryptionConfigProvider(key_arn=secrets_key.arn), resources=["secrets"]
            ),
            enabled_cluster_log_types=list(props.log_types),
            access_config=EksClusterAccessConfig(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=False
            ),
            tags={"Name": name},
            depends_on=[log_group, *role.ready],
        )
        self.arn = self.cluster.arn
        self.endpoint = self.cluster.endpoint
        self.security_group_id = self.cluster.vpc_config.cluster_security_group_id
        """The security group EKS gives the control plane and managed nodes (pods use it by default)."""
        self.oidc_provider: IamOpenidConnectProvider | None = None
        self.service_account_roles: dict[tuple[str, str], ServiceRole] = {}
        for arn in props.admin_principal_arns:
            self.grant_admin(arn)

    def service_account_role(self, account: ServiceAccountProps, *, name: str) -> ServiceRole:
        """Role ``name`` that pods running as ``account`` (and no other pod) assume: IAM roles for service
        accounts, through the cluster's OIDC provider (made here on first use).

        The trust names the service account and the STS audience exactly
        (docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html);
        annotate the service account with ``eks.amazonaws.com/role-arn: <the role's ARN>``.
        """
        key = (account.namespace, account.name)
        if key in self.service_account_roles:
            return self.service_account_roles[key]
        if self.oidc_provider is None:
            issuer = self.cluster.identity.get(0).oidc.get(0).issuer
            self.oidc_provider = IamOpenidConnectProvider(
                self, "OidcProvider", url=issuer, client_id_list=[STS_AUDIENCE], tags={"Name": self.name}
            )
            # A local, so that the trust policies' condition keys hold a plain reference (no quoted literal).
            self._oidc_host = TerraformLocal(self, "OidcIssuerHost", Fn.replace(issuer, "https://", "")).as_string
        host = self._oidc_host
        role = ServiceRole(
            self,
            f"ServiceAccount{pascal(account.namespace)}{pascal(account.name)}",
            name=name,
            description=f"Pods of {self.name} running as {account.namespace}/{account.name}",
            trust=Statement(
                actions=["sts:AssumeRoleWithWebIdentity"],
                principals={"Federated": self.oidc_provider.arn},
                conditions={
                    "StringEquals": {
                        f"{host}:sub": f"system:serviceaccount:{account.namespace}:{account.name}",
                        f"{host}:aud": STS_AUDIENCE,
                    }
                },
            ),
        )
        self.service_account_roles[key] = role
        return role

    def grant_admin(self, principal_arn: str) -> None:
        """Cluster-admin for an IAM role or user, through an access entry."""
        key = _principal_id(principal_arn)
        entry = EksAccessEntry(
            self, f"Admin{key}", cluster_name=self.cluster.name, principal_arn=principal_arn, type="STANDARD"
        )
        EksAccessPolicyAssociation(
            self,
            f"Admin{key}Policy",
            cluster_name=self.cluster.name,
            principal_arn=entry.principal_arn,
            policy_arn=f"arn:{partition(self)}:eks::aws:cluster-access-policy/{ADMIN_POLICY}",
            access_scope=EksAccessPolicyAssociationAccessScope(type="cluster"),
        )

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>eks_cluster_name``, ``_endpoint``, ``_security_group_id`` and ``<prefix>kubeconfig_command``."""
        output(self, f"{prefix}eks_cluster_name", self.cluster.name, f"EKS cluster {self.name}")
        output(
            self,
            f"{prefix}kubeconfig_command",
            f"aws eks update-kubeconfig --region {region_name(self)} --name {self.name}",
            f"Points kubectl at {self.name}, as an admin principal, from where its API endpoint is reachable",
        )
        output(self, f"{prefix}eks_cluster_endpoint", self.endpoint, f"API endpoint of {self.name}")
        output(
            self,
            f"{prefix}eks_cluster_security_group_id",
            self.security_group_id,
            f"Security group of {self.name}'s control plane and managed nodes",
        )
