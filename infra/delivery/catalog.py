"""What Terraform's AWS provider (hashicorp/aws 5.100) calls for each resource type and data source the stacks use.

One entry per Terraform type: the IAM actions that read it (refresh, data
sources: what a plan needs) and those that change it (create, update, delete,
tag: what an apply needs on top). The deployer roles' policies are made from
the types the synthesized stacks hold (infra.delivery.policies), so a stack
using a type missing here fails the generator, naming it, instead of failing
a deploy with AccessDenied. Read actions are metadata only: values of
secrets and parameters are read only where a type's refresh needs them
(secret versions), and those are scoped to the system's own secrets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from infra.validation import ConfigError


@dataclass(frozen=True)
class Access:
    """The IAM actions one Terraform type needs."""

    read: tuple[str, ...]
    write: tuple[str, ...] = ()
    passes_role: bool = False
    """Creating it hands an IAM role to a service (iam:PassRole on the system's roles)."""
    service_linked_role: str | None = None
    """The AWS service whose service-linked role AWS creates on the first use of this type."""
    uses_customer_key: bool = False
    """It can be encrypted with a customer-managed KMS key: the caller needs grants on the key."""


def _tags(service: str, *, add: str = "TagResource", remove: str = "UntagResource") -> tuple[str, ...]:
    return (f"{service}:{add}", f"{service}:{remove}")


_EC2_TAGS = ("ec2:CreateTags", "ec2:DeleteTags")
_RDS_TAGS = ("rds:AddTagsToResource", "rds:RemoveTagsFromResource")
_ELB_TAGS = ("elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")
_ELASTICACHE_TAGS = ("elasticache:AddTagsToResource", "elasticache:RemoveTagsFromResource")
_EC2_READ = ("ec2:Describe*",)
_ELB_READ = ("elasticloadbalancing:Describe*",)
_RDS_READ = ("rds:Describe*", "rds:ListTagsForResource")
_S3_BUCKET_READ = (
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetBucketVersioning",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging",
    "s3:GetBucketPolicy",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPublicAccessBlock",
)
_SECURITY_GROUP_RULES = (
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifySecurityGroupRules",
    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
    *_EC2_TAGS,
)

RESOURCES: Mapping[str, Access] = {
    # API Gateway authorizes its management API by HTTP verb on the resource path (apigateway:GET on /apis/...).
    **{
        f"aws_apigatewayv2_{kind}": Access(
            read=("apigateway:GET",),
            write=("apigateway:POST", "apigateway:PATCH", "apigateway:PUT", "apigateway:DELETE"),
        )
        for kind in ("api", "authorizer", "integration", "route", "stage")
    },
    "aws_acm_certificate": Access(
        read=("acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:GetCertificate"),
        write=(
            "acm:RequestCertificate",
            "acm:DeleteCertificate",
            "acm:UpdateCertificateOptions",
            "acm:AddTagsToCertificate",
            "acm:RemoveTagsFromCertificate",
        ),
    ),
    "aws_acm_certificate_validation": Access(read=("acm:DescribeCertificate",)),
    "aws_appautoscaling_policy": Access(
        read=("application-autoscaling:DescribeScalingPolicies",),
        write=("application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy"),
    ),
    "aws_appautoscaling_target": Access(
        read=("application-autoscaling:DescribeScalableTargets", "application-autoscaling:ListTagsForResource"),
        write=(
            "application-autoscaling:RegisterScalableTarget",
            "application-autoscaling:DeregisterScalableTarget",
            *_tags("application-autoscaling"),
        ),
        service_linked_role="ecs.application-autoscaling.amazonaws.com",
    ),
    "aws_cloudfront_distribution": Access(
        read=("cloudfront:GetDistribution", "cloudfront:GetDistributionConfig", "cloudfront:ListTagsForResource"),
        write=(
            "cloudfront:CreateDistribution",
            "cloudfront:CreateDistributionWithTags",
            "cloudfront:UpdateDistribution",
            "cloudfront:DeleteDistribution",
            *_tags("cloudfront"),
        ),
    ),
    "aws_cloudfront_origin_access_control": Access(
        read=("cloudfront:GetOriginAccessControl",),
        write=(
            "cloudfront:CreateOriginAccessControl",
            "cloudfront:UpdateOriginAccessControl",
            "cloudfront:DeleteOriginAccessControl",
        ),
    ),
    "aws_cloudtrail": Access(
        read=(
            "cloudtrail:DescribeTrails",
            "cloudtrail:GetTrail",
            "cloudtrail:GetTrailStatus",
            "cloudtrail:GetEventSelectors",
            "cloudtrail:GetInsightSelectors",
            "cloudtrail:ListTags",
        ),
        write=(
            "cloudtrail:CreateTrail",
            "cloudtrail:UpdateTrail",
            "cloudtrail:DeleteTrail",
            "cloudtrail:StartLogging",
            "cloudtrail:StopLogging",
            "cloudtrail:PutEventSelectors",
            "cloudtrail:PutInsightSelectors",
            "cloudtrail:AddTags",
            "cloudtrail:RemoveTags",
        ),
        passes_role=True,
        uses_customer_key=True,
    ),
    "aws_cloudwatch_dashboard": Access(
        read=("cloudwatch:GetDashboard",), write=("cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards")
    ),
    "aws_cloudwatch_log_group": Access(
        read=("logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup"),
        write=(
            "logs:CreateLogGroup",
            "logs:DeleteLogGroup",
            "logs:PutRetentionPolicy",
            "logs:DeleteRetentionPolicy",
            "logs:AssociateKmsKey",
            "logs:DisassociateKmsKey",
            *_tags("logs"),
            "logs:TagLogGroup",
            "logs:UntagLogGroup",
        ),
    ),
    "aws_cloudwatch_log_metric_filter": Access(
        read=("logs:DescribeMetricFilters",), write=("logs:PutMetricFilter", "logs:DeleteMetricFilter")
    ),
    "aws_cloudwatch_metric_alarm": Access(
        read=("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"),
        write=("cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", *_tags("cloudwatch")),
    ),
    "aws_db_instance": Access(
        read=_RDS_READ,
        write=(
            "rds:CreateDBInstance",
            "rds:CreateDBInstanceReadReplica",
            "rds:ModifyDBInstance",
            "rds:RebootDBInstance",
            "rds:DeleteDBInstance",
            "rds:PromoteReadReplica",
            *_RDS_TAGS,
        ),
        passes_role=True,
        service_linked_role="rds.amazonaws.com",
        uses_customer_key=True,
    ),
    "aws_db_instance_automated_backups_replication": Access(
        read=_RDS_READ,
        write=("rds:StartDBInstanceAutomatedBackupsReplication", "rds:StopDBInstanceAutomatedBackupsReplication"),
        uses_customer_key=True,
    ),
    "aws_db_parameter_group": Access(
        read=_RDS_READ,
        write=(
            "rds:CreateDBParameterGroup",
            "rds:ModifyDBParameterGroup",
            "rds:ResetDBParameterGroup",
            "rds:DeleteDBParameterGroup",
            *_RDS_TAGS,
        ),
    ),
    "aws_db_subnet_group": Access(
        read=_RDS_READ,
        write=("rds:CreateDBSubnetGroup", "rds:ModifyDBSubnetGroup", "rds:DeleteDBSubnetGroup", *_RDS_TAGS),
    ),
    "aws_default_security_group": Access(read=_EC2_READ, write=_SECURITY_GROUP_RULES),
    "aws_ecr_lifecycle_policy": Access(
        read=("ecr:GetLifecyclePolicy",), write=("ecr:PutLifecyclePolicy", "ecr:DeleteLifecyclePolicy")
    ),
    "aws_ecr_replication_configuration": Access(
        read=("ecr:DescribeRegistry",),
        write=("ecr:PutReplicationConfiguration",),
        service_linked_role="replication.ecr.amazonaws.com",
    ),
    "aws_ecr_repository": Access(
        read=("ecr:DescribeRepositories", "ecr:ListTagsForResource"),
        write=(
            "ecr:CreateRepository",
            "ecr:DeleteRepository",
            "ecr:PutImageScanningConfiguration",
            "ecr:PutImageTagMutability",
            *_tags("ecr"),
        ),
        uses_customer_key=True,
    ),
    "aws_ecs_cluster": Access(
        read=("ecs:DescribeClusters", "ecs:ListTagsForResource"),
        write=(
            "ecs:CreateCluster",
            "ecs:UpdateCluster",
            "ecs:UpdateClusterSettings",
            "ecs:DeleteCluster",
            *_tags("ecs"),
        ),
        service_linked_role="ecs.amazonaws.com",
    ),
    "aws_ecs_cluster_capacity_providers": Access(
        read=("ecs:DescribeClusters",), write=("ecs:PutClusterCapacityProviders",)
    ),
    "aws_ecs_service": Access(
        read=("ecs:DescribeServices", "ecs:ListTagsForResource"),
        write=("ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", *_tags("ecs")),
        service_linked_role="ecs.amazonaws.com",
    ),
    "aws_ecs_task_definition": Access(
        read=("ecs:DescribeTaskDefinition", "ecs:ListTagsForResource"),
        write=(
            "ecs:RegisterTaskDefinition",
            "ecs:DeregisterTaskDefinition",
            "ecs:DeleteTaskDefinitions",
            *_tags("ecs"),
        ),
        passes_role=True,
    ),
    "aws_eip": Access(
        read=_EC2_READ,
        write=(
            "ec2:AllocateAddress",
            "ec2:ReleaseAddress",
            "ec2:AssociateAddress",
            "ec2:DisassociateAddress",
            *_EC2_TAGS,
        ),
    ),
    "aws_eks_cluster": Access(
        read=("eks:DescribeCluster", "eks:DescribeUpdate", "eks:ListTagsForResource"),
        write=(
            "eks:CreateCluster",
            "eks:UpdateClusterConfig",
            "eks:UpdateClusterVersion",
            "eks:AssociateEncryptionConfig",
            "eks:DeleteCluster",
            *_tags("eks"),
        ),
        passes_role=True,
        service_linked_role="eks.amazonaws.com",
        uses_customer_key=True,
    ),
    "aws_eks_node_group": Access(
        read=("eks:DescribeNodegroup", "eks:DescribeUpdate", "eks:ListTagsForResource"),
        write=(
            "eks:CreateNodegroup",
            "eks:UpdateNodegroupConfig",
            "eks:UpdateNodegroupVersion",
            "eks:DeleteNodegroup",
            *_tags("eks"),
            # EKS launches the nodes from the stack's launch template as the caller.
            "ec2:RunInstances",
            "ec2:CreateLaunchTemplateVersion",
        ),
        passes_role=True,
        service_linked_role="eks-nodegroup.amazonaws.com",
    ),
    "aws_flow_log": Access(
        read=_EC2_READ, write=("ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", *_EC2_TAGS), passes_role=True
    ),
    "aws_iam_role": Access(
        read=(
            "iam:GetRole",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:ListInstanceProfilesForRole",
            "iam:ListRoleTags",
        ),
        write=(
            "iam:CreateRole",
            "iam:DeleteRole",
            "iam:UpdateRole",
            "iam:UpdateRoleDescription",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:UntagRole",
        ),
    ),
    "aws_iam_role_policy": Access(read=("iam:GetRolePolicy",), write=("iam:PutRolePolicy", "iam:DeleteRolePolicy")),
    "aws_iam_role_policy_attachment": Access(
        read=("iam:ListAttachedRolePolicies",), write=("iam:AttachRolePolicy", "iam:DetachRolePolicy")
    ),
    "aws_internet_gateway": Access(
        read=_EC2_READ,
        write=(
            "ec2:CreateInternetGateway",
            "ec2:AttachInternetGateway",
            "ec2:DetachInternetGateway",
            "ec2:DeleteInternetGateway",
            *_EC2_TAGS,
        ),
    ),
    "aws_kms_alias": Access(
        read=("kms:ListAliases", "kms:DescribeKey"),
        write=("kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"),
    ),
    "aws_kms_key": Access(
        read=("kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"),
        write=(
            "kms:CreateKey",
            "kms:PutKeyPolicy",
            "kms:EnableKeyRotation",
            "kms:DisableKeyRotation",
            "kms:UpdateKeyDescription",
            "kms:EnableKey",
            "kms:DisableKey",
            "kms:ScheduleKeyDeletion",
            *_tags("kms"),
        ),
    ),
    "aws_lambda_function": Access(
        read=(
            "lambda:GetFunction",
            "lambda:GetFunctionConfiguration",
            "lambda:GetFunctionCodeSigningConfig",
            "lambda:GetFunctionConcurrency",
            "lambda:ListVersionsByFunction",
            "lambda:ListTags",
        ),
        write=(
            "lambda:CreateFunction",
            "lambda:UpdateFunctionCode",
            "lambda:UpdateFunctionConfiguration",
            "lambda:PublishVersion",
            "lambda:PutFunctionConcurrency",
            "lambda:DeleteFunctionConcurrency",
            "lambda:DeleteFunction",
            *_tags("lambda"),
        ),
        passes_role=True,
        uses_customer_key=True,
    ),
    "aws_lambda_permission": Access(
        read=("lambda:GetPolicy",), write=("lambda:AddPermission", "lambda:RemovePermission")
    ),
    "aws_launch_template": Access(
        read=_EC2_READ,
        write=(
            "ec2:CreateLaunchTemplate",
            "ec2:CreateLaunchTemplateVersion",
            "ec2:ModifyLaunchTemplate",
            "ec2:DeleteLaunchTemplate",
            *_EC2_TAGS,
        ),
    ),
    "aws_lb": Access(
        read=_ELB_READ,
        write=(
            "elasticloadbalancing:CreateLoadBalancer",
            "elasticloadbalancing:ModifyLoadBalancerAttributes",
            "elasticloadbalancing:SetSecurityGroups",
            "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:SetIpAddressType",
            "elasticloadbalancing:DeleteLoadBalancer",
            *_ELB_TAGS,
        ),
        service_linked_role="elasticloadbalancing.amazonaws.com",
    ),
    "aws_lb_listener": Access(
        read=_ELB_READ,
        write=(
            "elasticloadbalancing:CreateListener",
            "elasticloadbalancing:ModifyListener",
            "elasticloadbalancing:ModifyListenerAttributes",
            "elasticloadbalancing:DeleteListener",
            *_ELB_TAGS,
        ),
    ),
    "aws_lb_listener_rule": Access(
        read=_ELB_READ,
        write=(
            "elasticloadbalancing:CreateRule",
            "elasticloadbalancing:ModifyRule",
            "elasticloadbalancing:SetRulePriorities",
            "elasticloadbalancing:DeleteRule",
            *_ELB_TAGS,
        ),
    ),
    "aws_lb_target_group": Access(
        read=_ELB_READ,
        write=(
            "elasticloadbalancing:CreateTargetGroup",
            "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes",
            "elasticloadbalancing:DeleteTargetGroup",
            *_ELB_TAGS,
        ),
    ),
    "aws_nat_gateway": Access(read=_EC2_READ, write=("ec2:CreateNatGateway", "ec2:DeleteNatGateway", *_EC2_TAGS)),
    "aws_route": Access(read=_EC2_READ, write=("ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute")),
    "aws_route53_health_check": Access(
        read=("route53:GetHealthCheck", "route53:ListTagsForResource"),
        write=(
            "route53:CreateHealthCheck",
            "route53:UpdateHealthCheck",
            "route53:DeleteHealthCheck",
            "route53:ChangeTagsForResource",
        ),
    ),
    "aws_route53_record": Access(
        read=("route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:GetChange"),
        write=("route53:ChangeResourceRecordSets",),
    ),
    "aws_route53_zone": Access(
        read=(
            "route53:GetHostedZone",
            "route53:ListTagsForResource",
            "route53:ListResourceRecordSets",
            "route53:GetChange",
            "route53:GetDNSSEC",
        ),
        write=(
            "route53:CreateHostedZone",
            "route53:UpdateHostedZoneComment",
            "route53:ChangeTagsForResource",
            "route53:ChangeResourceRecordSets",
            "route53:DeleteHostedZone",
        ),
    ),
    "aws_route_table": Access(
        read=_EC2_READ,
        write=(
            "ec2:CreateRouteTable",
            "ec2:DeleteRouteTable",
            "ec2:CreateRoute",
            "ec2:ReplaceRoute",
            "ec2:DeleteRoute",
            *_EC2_TAGS,
        ),
    ),
    "aws_route_table_association": Access(
        read=_EC2_READ,
        write=("ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation"),
    ),
    "aws_s3_bucket": Access(
        read=_S3_BUCKET_READ,
        write=(
            "s3:CreateBucket",
            "s3:DeleteBucket",
            "s3:PutBucketTagging",
            # force_destroy, and emptying a bucket before it goes.
            "s3:ListBucketVersions",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
        ),
    ),
    "aws_s3_bucket_lifecycle_configuration": Access(
        read=("s3:GetLifecycleConfiguration",), write=("s3:PutLifecycleConfiguration",)
    ),
    "aws_s3_bucket_logging": Access(read=("s3:GetBucketLogging",), write=("s3:PutBucketLogging",)),
    "aws_s3_bucket_ownership_controls": Access(
        read=("s3:GetBucketOwnershipControls",), write=("s3:PutBucketOwnershipControls",)
    ),
    "aws_s3_bucket_policy": Access(read=("s3:GetBucketPolicy",), write=("s3:PutBucketPolicy", "s3:DeleteBucketPolicy")),
    "aws_s3_bucket_public_access_block": Access(
        read=("s3:GetBucketPublicAccessBlock",), write=("s3:PutBucketPublicAccessBlock",)
    ),
    "aws_s3_bucket_replication_configuration": Access(
        read=("s3:GetReplicationConfiguration",), write=("s3:PutReplicationConfiguration",), passes_role=True
    ),
    "aws_s3_bucket_server_side_encryption_configuration": Access(
        read=("s3:GetEncryptionConfiguration",), write=("s3:PutEncryptionConfiguration",)
    ),
    "aws_s3_bucket_versioning": Access(read=("s3:GetBucketVersioning",), write=("s3:PutBucketVersioning",)),
    "aws_secretsmanager_secret": Access(
        read=("secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"),
        write=(
            "secretsmanager:CreateSecret",
            "secretsmanager:UpdateSecret",
            "secretsmanager:DeleteSecret",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:DeleteResourcePolicy",
            "secretsmanager:ReplicateSecretToRegions",
            "secretsmanager:RemoveRegionsFromReplication",
            *_tags("secretsmanager"),
        ),
        uses_customer_key=True,
    ),
    "aws_secretsmanager_secret_rotation": Access(
        read=("secretsmanager:DescribeSecret",),
        write=("secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret"),
    ),
    "aws_secretsmanager_secret_version": Access(
        # Refresh reads the version with GetSecretValue (the provider then drops a write-only value).
        read=("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"),
        write=("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"),
        uses_customer_key=True,
    ),
    "aws_security_group": Access(
        read=_EC2_READ, write=("ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", *_SECURITY_GROUP_RULES)
    ),
    "aws_sns_topic": Access(
        read=("sns:GetTopicAttributes", "sns:ListTagsForResource"),
        write=("sns:CreateTopic", "sns:SetTopicAttributes", "sns:DeleteTopic", *_tags("sns")),
        uses_customer_key=True,
    ),
    "aws_sns_topic_subscription": Access(
        read=("sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic"),
        write=("sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes"),
    ),
    "aws_ssm_parameter": Access(
        read=("ssm:DescribeParameters", "ssm:GetParameter", "ssm:GetParameters", "ssm:ListTagsForResource"),
        write=("ssm:PutParameter", "ssm:DeleteParameter", "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource"),
    ),
    "aws_subnet": Access(
        read=_EC2_READ, write=("ec2:CreateSubnet", "ec2:ModifySubnetAttribute", "ec2:DeleteSubnet", *_EC2_TAGS)
    ),
    "aws_vpc": Access(read=_EC2_READ, write=("ec2:CreateVpc", "ec2:ModifyVpcAttribute", "ec2:DeleteVpc", *_EC2_TAGS)),
    "aws_vpc_endpoint": Access(
        read=_EC2_READ,
        write=("ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints", *_EC2_TAGS),
    ),
    "aws_vpc_security_group_egress_rule": Access(read=_EC2_READ, write=_SECURITY_GROUP_RULES),
    "aws_vpc_security_group_ingress_rule": Access(read=_EC2_READ, write=_SECURITY_GROUP_RULES),
    "aws_elasticache_user": Access(
        read=("elasticache:DescribeUsers", "elasticache:ListTagsForResource"),
        write=("elasticache:CreateUser", "elasticache:ModifyUser", "elasticache:DeleteUser", *_ELASTICACHE_TAGS),
    ),
    "aws_elasticache_user_group": Access(
        read=("elasticache:DescribeUserGroups", "elasticache:ListTagsForResource"),
        write=(
            "elasticache:CreateUserGroup",
            "elasticache:ModifyUserGroup",
            "elasticache:DeleteUserGroup",
            *_ELASTICACHE_TAGS,
        ),
    ),
    "aws_iam_openid_connect_provider": Access(
        read=("iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviders"),
        write=(
            "iam:CreateOpenIDConnectProvider",
            "iam:DeleteOpenIDConnectProvider",
            "iam:UpdateOpenIDConnectProviderThumbprint",
            "iam:AddClientIDToOpenIDConnectProvider",
            "iam:RemoveClientIDFromOpenIDConnectProvider",
            "iam:TagOpenIDConnectProvider",
            "iam:UntagOpenIDConnectProvider",
        ),
    ),
    "aws_elasticache_replication_group": Access(
        read=(
            "elasticache:DescribeReplicationGroups",
            "elasticache:DescribeCacheClusters",
            "elasticache:ListTagsForResource",
        ),
        write=(
            "elasticache:CreateReplicationGroup",
            "elasticache:ModifyReplicationGroup",
            "elasticache:IncreaseReplicaCount",
            "elasticache:DecreaseReplicaCount",
            "elasticache:DeleteReplicationGroup",
            *_ELASTICACHE_TAGS,
        ),
        service_linked_role="elasticache.amazonaws.com",
        uses_customer_key=True,
    ),
    "aws_elasticache_subnet_group": Access(
        read=("elasticache:DescribeCacheSubnetGroups", "elasticache:ListTagsForResource"),
        write=(
            "elasticache:CreateCacheSubnetGroup",
            "elasticache:ModifyCacheSubnetGroup",
            "elasticache:DeleteCacheSubnetGroup",
            *_ELASTICACHE_TAGS,
        ),
    ),
}

DATA_SOURCES: Mapping[str, tuple[str, ...]] = {
    "aws_acm_certificate": ("acm:ListCertificates", "acm:DescribeCertificate", "acm:ListTagsForCertificate"),
    "aws_caller_identity": ("sts:GetCallerIdentity",),
    "aws_db_instance": _RDS_READ,
    "aws_ecr_repository": ("ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:ListTagsForResource"),
    "aws_ecs_cluster": ("ecs:DescribeClusters",),
    "aws_elb_service_account": (),
    "aws_kms_alias": ("kms:ListAliases", "kms:DescribeKey"),
    "aws_lb": _ELB_READ,
    "aws_lb_listener": _ELB_READ,
    "aws_s3_bucket": ("s3:ListBucket", "s3:GetBucketLocation"),
    "aws_secretsmanager_secret_version": ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"),
    "aws_security_group": _EC2_READ,
    "aws_sns_topic": ("sns:ListTopics", "sns:GetTopicAttributes"),
    "aws_subnets": _EC2_READ,
    "aws_vpc": _EC2_READ,
}

EPHEMERAL: Mapping[str, tuple[str, ...]] = {
    # Opened by every plan and apply, never stored: the stacks read RDS's master secret this way.
    "aws_secretsmanager_secret_version": ("secretsmanager:GetSecretValue",),
    "aws_secretsmanager_random_password": ("secretsmanager:GetRandomPassword",),
}

WITHOUT_RESOURCE = frozenset(
    {"secretsmanager:GetRandomPassword", "secretsmanager:ListSecrets", "sts:GetCallerIdentity"}
)
"""Actions IAM authorizes on ``*`` only (they name no resource), whatever their service."""

PROVIDER_READ = ("sts:GetCallerIdentity",)
"""What the AWS provider itself calls before any resource: the account it runs in (``allowed_account_ids``)."""


T = TypeVar("T")


def _entry(table: Mapping[str, T], name: str, type_name: str, where: str) -> T:
    """``table[type_name]``; a type the catalog lacks is refused, naming the stack using it."""
    if type_name not in table:
        raise ConfigError(
            f"{where} {name.lower().replace('_', ' ').rstrip('s')}",
            f"a type listed in infra/delivery/catalog.py {name} (add its actions)",
            type_name,
        )
    return table[type_name]


def resource(type_name: str, where: str) -> Access:
    return _entry(RESOURCES, "RESOURCES", type_name, where)


def data_source(type_name: str, where: str) -> tuple[str, ...]:
    return _entry(DATA_SOURCES, "DATA_SOURCES", type_name, where)


def ephemeral(type_name: str, where: str) -> tuple[str, ...]:
    return _entry(EPHEMERAL, "EPHEMERAL", type_name, where)
