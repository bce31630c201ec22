"""An S3 bucket that is private, versioned, encrypted, TLS-only, with lifecycle rules."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Token
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
    S3BucketReplicationConfigurationRule,
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication,
    S3BucketReplicationConfigurationRuleDestination,
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration,
    S3BucketReplicationConfigurationRuleDestinationMetrics,
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold,
    S3BucketReplicationConfigurationRuleDestinationReplicationTime,
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime,
    S3BucketReplicationConfigurationRuleFilter,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria,
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, region_name
from infra.constructs.iam import Principal, ServiceRole, Statement, growing_policy_document
from infra.constructs.kms_key import key_use_statement
from infra.props.private_bucket import PrivateBucketProps
from infra.validation import ConfigError

REPLICATION_RULE_ID = "replicate-everything"
"""The replication rule's id: the RuleId dimension of its CloudWatch metrics."""
RTC_MINUTES = 15
"""S3 Replication Time Control replicates 99.99% of objects within 15 minutes (the only value S3 accepts)."""


class PrivateBucket(Construct):
    """A bucket nobody outside the account can read, that refuses plain HTTP.

    Versioned; default encryption with SSE-KMS; every public access block on;
    object ownership enforced (ACLs off); a bucket policy denying any request
    without TLS; lifecycle rules from ``props``. ``force_destroy`` stays off:
    a bucket holding data must be emptied on purpose before it can go
    (``force_destroy=True`` only for expendable logs whose owner is unprotected).
    ``policy_statements`` are added to the bucket policy (e.g. log delivery);
    :meth:`allow_service_read` adds one later, for a reader made after the
    bucket. :meth:`replicate_to` copies every object to a bucket in another region;
    :meth:`log_access_to` records every request to it in an access-log bucket.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket_name: str,
        props: PrivateBucketProps,
        policy_statements: Sequence[Statement] = (),
        force_destroy: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        if not Token.is_unresolved(bucket_name):
            validation.bucket_name("bucket_name", bucket_name)
        self.bucket = S3Bucket(
            self, "Bucket", bucket=bucket_name, force_destroy=force_destroy, tags={"Name": bucket_name}
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.regional_domain_name = self.bucket.bucket_regional_domain_name
        self.kms_key_arn = props.kms_key_arn
        self.sse_algorithm = props.sse_algorithm
        self.access_logging: S3BucketLoggingA | None = None
        self.replication: S3BucketReplicationConfigurationA | None = None
        self.replica: PrivateBucket | None = None
        """Where :meth:`replicate_to` copies objects."""
        S3BucketOwnershipControls(
            self,
            "OwnershipControls",
            bucket=self.bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
        )
        S3BucketPublicAccessBlock(
            self,
            "PublicAccessBlock",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        self.versioning = S3BucketVersioningA(
            self,
            "Versioning",
            bucket=self.bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        encryption_default = S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm=props.sse_algorithm, kms_master_key_id=props.kms_key_arn
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "Encryption",
            bucket=self.bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=encryption_default,
                    bucket_key_enabled=props.sse_algorithm == "aws:kms",
                )
            ],
        )
        self._statements = [
            Statement(
                sid="DenyInsecureTransport",
                effect="Deny",
                principals={"AWS": "*"},
                actions=["s3:*"],
                resources=[self.bucket.arn, f"{self.bucket.arn}/*"],
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            ),
            *policy_statements,
        ]
        self.policy = S3BucketPolicy(
            self, "Policy", bucket=self.bucket.id, policy=growing_policy_document(self._statements)
        )
        rules = [
            S3BucketLifecycleConfigurationRule(
                id="expire-noncurrent-versions",
                status="Enabled",
                filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                noncurrent_version_expiration=[
                    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                        noncurrent_days=props.noncurrent_version_expiration_days
                    )
                ],
                abort_incomplete_multipart_upload=[
                    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                        days_after_initiation=props.abort_incomplete_multipart_upload_days
                    )
                ],
            )
        ]
        if props.expiration_days is not None:
            rules.append(
                S3BucketLifecycleConfigurationRule(
                    id="expire-current-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=props.expiration_days)],
                )
            )
        if props.transitions:
            rules.append(
                S3BucketLifecycleConfigurationRule(
                    id="transition-current-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    transition=[
                        S3BucketLifecycleConfigurationRuleTransition(days=t.days, storage_class=t.storage_class)
                        for t in props.transitions
                    ],
                )
            )
        S3BucketLifecycleConfiguration(self, "Lifecycle", bucket=self.bucket.id, rule=rules)

    def _add_statement(self, statement: Statement) -> None:
        if any(existing.sid == statement.sid for existing in self._statements):
            raise ConfigError(f"{self.node.id} bucket policy statement", "a sid not used before", statement.sid)
        self._statements.append(statement)

    def allow_service_read(self, service: str, *, sid: str, source_arn: str) -> None:
        """Let ``service`` read objects only while acting for ``source_arn`` (CloudFront for one distribution)."""
        self._add_statement(
            Statement(
                sid=sid,
                principals={"Service": service},
                actions=["s3:GetObject"],
                resources=[f"{self.arn}/*"],
                conditions={"StringEquals": {"AWS:SourceArn": source_arn}},
            )
        )

    def log_access_to(self, target: PrivateBucket) -> S3BucketLoggingA:
        """S3 server access logs of this bucket (each request: who, which object, what, when) into ``target``,
        under ``s3/<this bucket>/``, kept as long as ``target``'s lifecycle keeps objects.

        ``target`` must use SSE-S3: S3 delivers no server access logs to a bucket whose default encryption is
        SSE-KMS (it accepts the configuration and drops the logs, so this refuses it here). With ACLs off,
        delivery is allowed by ``target``'s bucket policy: ``logging.s3.amazonaws.com`` may put objects under
        the prefix, for this bucket of this account only. ``target`` must be in this bucket's account and
        region (S3 refuses another region). AWS: "Enabling Amazon S3 server access logging",
        https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
        """
        if self.access_logging is not None:
            raise ConfigError(f"{self.node.id} access logging", "configured once per bucket", target.node.id)
        if target.sse_algorithm != "AES256":
            raise ConfigError(
                f"{target.node.id} as the access-log target of {self.node.id}",
                "a bucket with SSE-S3 (AES256) default encryption",
                target.sse_algorithm,
            )
        prefix = f"s3/{self.name}/"
        target._add_statement(
            Statement(
                sid=f"S3ServerAccessLogsOf{self.node.id}",
                principals={"Service": "logging.s3.amazonaws.com"},
                actions=["s3:PutObject"],
                resources=[f"{target.arn}/{prefix}*"],
                conditions={
                    "ArnLike": {"aws:SourceArn": self.arn},
                    "StringEquals": {"aws:SourceAccount": account_id(self)},
                },
            )
        )
        self.access_logging = S3BucketLoggingA(
            self,
            "AccessLogging",
            bucket=self.bucket.id,
            target_bucket=target.name,
            target_prefix=prefix,
            # S3 checks the target's policy lets it deliver before it accepts the configuration.
            depends_on=[target.policy],
        )
        return self.access_logging

    def replicate_to(self, destination: PrivateBucket, *, role_name: str) -> S3BucketReplicationConfigurationA:
        """Replicate every object, delete marker and tag to ``destination`` (another region), as S3 allows once.

        Replication Time Control (15 minutes) and its metrics are on, so the
        ReplicationLatency metric exists (Monitoring.watch_bucket_replication).
        Objects encrypted with this bucket's key are replicated and re-encrypted
        with the destination's key; the role ``role_name`` may decrypt the one
        and encrypt with the other only through S3 in their regions.
        """
        if self.replication is not None:
            raise ConfigError(f"{self.node.id} replication", "configured once per bucket", destination.node.id)
        if self.kms_key_arn is None or destination.kms_key_arn is None:
            raise ConfigError(
                f"{self.node.id} replication", "both buckets encrypted with customer keys (kms_key_arn)", None
            )
        role = ServiceRole(
            self,
            "ReplicationRole",
            name=role_name,
            service="s3.amazonaws.com",
            description=f"S3 replicates {self.node.id} to {destination.node.id}",
            source_account=account_id(self),
        )

        def through_s3(bucket: PrivateBucket) -> dict[str, dict[str, object]]:
            # With bucket keys on, the encryption context is the bucket's ARN; without, the object's.
            return {
                "StringEquals": {"kms:ViaService": f"s3.{region_name(bucket)}.amazonaws.com"},
                "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket.arn, f"{bucket.arn}/*"]},
            }

        role.add_policy(
            "Replicate",
            Statement(actions=["s3:GetReplicationConfiguration", "s3:ListBucket"], resources=[self.arn]),
            Statement(
                actions=[
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                ],
                resources=[f"{self.arn}/*"],
            ),
            Statement(
                actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                resources=[f"{destination.arn}/*"],
            ),
            Statement(actions=["kms:Decrypt"], resources=[self.kms_key_arn], conditions=through_s3(self)),
            Statement(
                actions=["kms:Encrypt", "kms:GenerateDataKey"],
                resources=[destination.kms_key_arn],
                conditions=through_s3(destination),
            ),
        )
        minutes = RTC_MINUTES
        self.replication = S3BucketReplicationConfigurationA(
            self,
            "Replication",
            bucket=self.bucket.id,
            role=role.arn,
            rule=[
                S3BucketReplicationConfigurationRule(
                    id=REPLICATION_RULE_ID,
                    status="Enabled",
                    priority=1,
                    filter=S3BucketReplicationConfigurationRuleFilter(prefix=""),
                    delete_marker_replication=S3BucketReplicationConfigurationRuleDeleteMarkerReplication(
                        status="Enabled"
                    ),
                    source_selection_criteria=S3BucketReplicationConfigurationRuleSourceSelectionCriteria(
                        sse_kms_encrypted_objects=(
                            S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects(
                                status="Enabled"
                            )
                        )
                    ),
                    destination=S3BucketReplicationConfigurationRuleDestination(
                        bucket=destination.arn,
                        storage_class="STANDARD",
                        encryption_configuration=(
                            S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration(
                                replica_kms_key_id=destination.kms_key_arn
                            )
                        ),
                        replication_time=S3BucketReplicationConfigurationRuleDestinationReplicationTime(
                            status="Enabled",
                            time=S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime(minutes=minutes),
                        ),
                        metrics=S3BucketReplicationConfigurationRuleDestinationMetrics(
                            status="Enabled",
                            event_threshold=S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold(
                                minutes=minutes
                            ),
                        ),
                    ),
                )
            ],
            # S3 refuses replication until versioning is on at both ends.
            depends_on=[self.versioning, destination.versioning],
        )
        self.replica = destination
        return self.replication

    def grant_read(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` list the bucket and read its objects (policy ``Read<id>``)."""
        return self._grant(principal, "Read", ("s3:GetObject",), ("kms:Decrypt",))

    def grant_read_write(self, principal: Principal) -> list[Statement]:
        """Let ``principal`` list the bucket and read, write and delete its objects (policy ``ReadWrite<id>``)."""
        return self._grant(
            principal,
            "ReadWrite",
            ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
            # Uploads ask for a data key; multipart uploads decrypt it again for each part.
            ("kms:Decrypt", "kms:GenerateDataKey"),
        )

    def _grant(
        self, principal: Principal, access: str, object_actions: Sequence[str], key_actions: Sequence[str]
    ) -> list[Statement]:
        statements = [
            Statement(actions=["s3:ListBucket"], resources=[self.arn]),
            Statement(actions=list(object_actions), resources=[f"{self.arn}/*"]),
        ]
        if self.kms_key_arn is not None:
            # A customer key must be usable for the objects it encrypts; the AWS-managed aws/s3 key needs nothing.
            statements.append(key_use_statement(self.kms_key_arn, "s3", key_actions))
        return principal.grant_role.grant(f"{access}{self.node.id}", *statements)
