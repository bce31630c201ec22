"""A multi-region CloudTrail trail to a private, encrypted bucket, with metrics for suspicious activity."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudtrail import Cloudtrail
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, partition, region_name
from infra.constructs.iam import ServiceRole, Statement
from infra.constructs.kms_key import KmsKey
from infra.constructs.private_bucket import PrivateBucket
from infra.props.audit_trail import AuditTrailProps
from infra.props.kms_key import KmsKeyProps
from infra.props.private_bucket import PrivateBucketProps
from infra.validation import ConfigError


@dataclass(frozen=True)
class Finding:
    """Something in the trail worth an alarm: a metric counting the events a filter pattern matches."""

    key: str
    """PascalCase, for construct ids."""
    slug: str
    """kebab-case, for names."""
    metric_name: str
    pattern: str
    description: str


# The CIS AWS Foundations Benchmark's filters for these three.
FINDINGS = (
    Finding(
        "RootUse",
        "root-use",
        "RootAccountUsage",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        "the root user made a call",
    ),
    Finding(
        "IamPolicyChanges",
        "iam-policy-changes",
        "IamPolicyChanges",
        "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy)"
        " || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy)"
        " || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion)"
        " || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy)"
        " || ($.eventName = DetachRolePolicy)"
        " || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy)"
        " || ($.eventName = DetachGroupPolicy) }",
        "an IAM policy was created, changed, attached or removed",
    ),
    Finding(
        "UnauthorizedCalls",
        "unauthorized-calls",
        "UnauthorizedApiCalls",
        '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
        "API calls were refused as unauthorized",
    ),
)


class AuditTrail(Construct):
    """Trail ``name`` over every region, with log file validation, to bucket ``<name>-<account>``.

    The bucket is private and versioned, encrypted with a key of the trail's
    own (``<name>``), which CloudTrail may use only for this account; the
    bucket policy lets CloudTrail write only this trail's files. Events are
    also delivered to the log group ``/aws/cloudtrail/<name>``, where a metric
    filter per :data:`FINDINGS` entry counts them in namespace
    ``Audit/<name>`` (alarms: Monitoring.watch_audit_trail).
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, props: AuditTrailProps, keys: KmsKeyProps) -> None:
        super().__init__(scope, id_)
        validation.resource_name("trail name", name, max_length=64)
        if not props.include_global_service_events:
            # Root use and IAM changes are global-service events: the alarms would never fire.
            raise ConfigError(
                "include_global_service_events", "true (root use and IAM changes are global events)", False
            )
        self.name = name
        self.props = props
        self.findings = FINDINGS
        self.metric_namespace = f"Audit/{name}"
        account = account_id(self)
        trail_arn = f"arn:{partition(self)}:cloudtrail:{region_name(self)}:{account}:trail/{name}"
        self.key = KmsKey(
            self,
            "Key",
            alias=name,
            description=f"CloudTrail log files of {name}",
            allowed_services=("cloudtrail.amazonaws.com",),
            props=keys,
        )
        bucket_name = f"{name}-{account}"
        cloudtrail = {"Service": "cloudtrail.amazonaws.com"}
        only_this_trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
        self.bucket = PrivateBucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            props=PrivateBucketProps(kms_key_arn=self.key.arn, expiration_days=props.object_expiration_days),
            policy_statements=[
                Statement(
                    sid="CloudTrailReadsTheAcl",
                    principals=cloudtrail,
                    actions=["s3:GetBucketAcl"],
                    resources=[f"arn:{partition(self)}:s3:::{bucket_name}"],
                    conditions=only_this_trail,
                ),
                Statement(
                    sid="CloudTrailWritesItsLogFiles",
                    principals=cloudtrail,
                    actions=["s3:PutObject"],
                    resources=[f"arn:{partition(self)}:s3:::{bucket_name}/AWSLogs/{account}/*"],
                    conditions={
                        "StringEquals": {"aws:SourceArn": trail_arn, "s3:x-amz-acl": "bucket-owner-full-control"}
                    },
                ),
            ],
        )
        self.log_group = CloudwatchLogGroup(
            self, "LogGroup", name=f"/aws/cloudtrail/{name}", retention_in_days=props.log_retention_days
        )
        role = ServiceRole(
            self,
            "LogsRole",
            name=f"{name}-logs",
            service="cloudtrail.amazonaws.com",
            description=f"Lets CloudTrail deliver {name}'s events to its log group",
            source_account=account,
        )
        role.add_policy(
            "WriteLogs",
            Statement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{self.log_group.arn}:*"]),
        )
        self.trail = Cloudtrail(
            self,
            "Trail",
            name=name,
            s3_bucket_name=self.bucket.name,
            kms_key_id=self.key.arn,
            is_multi_region_trail=True,
            include_global_service_events=props.include_global_service_events,
            enable_log_file_validation=True,
            enable_logging=True,
            cloud_watch_logs_group_arn=f"{self.log_group.arn}:*",
            cloud_watch_logs_role_arn=role.arn,
            tags={"Name": name},
            depends_on=[self.bucket.policy, *role.ready],
        )
        for finding in FINDINGS:
            CloudwatchLogMetricFilter(
                self,
                f"{finding.key}Filter",
                name=f"{name}-{finding.slug}",
                log_group_name=self.log_group.name,
                pattern=finding.pattern,
                metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                    name=finding.metric_name, namespace=self.metric_namespace, value="1"
                ),
            )
        self.arn = self.trail.arn
