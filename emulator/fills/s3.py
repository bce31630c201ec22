"""S3: bucket policies."""

from __future__ import annotations

from emulator.fills import fill

# What the emulator knows about every S3 request it serves: the launcher serves HTTPS only.
REQUEST_CONTEXT = {"aws:securetransport": "true"}
# Condition operators the emulator evaluates; anything else in a statement that applies is refused.
EVALUATED_OPERATORS = ("Bool",)


class ConditionNotEvaluable(Exception):
    """A policy statement that applies to a request has a condition the emulator cannot decide."""

    def __init__(self, operator: str, key: str) -> None:
        self.operator, self.key = operator, key
        super().__init__(
            f"The emulator cannot evaluate condition key {key} (operator {operator}) of this bucket policy, "
            "so it refuses the request instead of guessing what AWS would decide. "
            f"It evaluates only {', '.join(EVALUATED_OPERATORS)} on {', '.join(sorted(REQUEST_CONTEXT))}."
        )


def conditions_hold(conditions: dict[str, dict[str, object]]) -> bool:
    """Whether every condition of a statement holds for an emulator request; refuses what it cannot evaluate.

    Follows the IAM condition rules: every operator block must hold, every key in
    a block must hold, and a key holds when the request's value matches any of
    the values listed. ``Bool`` compares case-insensitively, as AWS does.
    """
    verdict = True
    for operator, block in conditions.items():
        for key, expected in block.items():
            if operator not in EVALUATED_OPERATORS or key.lower() not in REQUEST_CONTEXT:
                raise ConditionNotEvaluable(operator, key)
            options = expected if isinstance(expected, list) else [expected]
            actual = REQUEST_CONTEXT[key.lower()]
            verdict = verdict and actual in [str(option).lower() for option in options]
    return verdict


@fill(
    behaviour="A bucket policy statement applies only when its conditions hold (aws:SecureTransport is "
    "true over TLS); a condition the emulator cannot evaluate is refused with AccessDenied.",
    reference="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport",
)
def bucket_policy_secure_transport_condition() -> None:
    """Bucket policies conditioned on ``aws:SecureTransport`` decide as on AWS; other conditions are refused.

    moto 5.2.5 skips condition operators it does not know (``Bool`` among
    them), treating the condition as met, and answers DENIED for a statement
    whose condition is not met. Together, a policy that denies requests
    *without* TLS denied every request. Here S3 requests carry
    ``aws:SecureTransport = true`` (the launcher serves HTTPS only), ``Bool`` is
    evaluated, and a statement whose condition is not met does not apply.

    Fail closed: the emulator knows nothing else about a request (source IP,
    VPC endpoint, principal's organisation, object ACL headers, ...). A
    statement that applies to the request (its action, resource and principal
    match) and has a condition on any other key, or with any other operator
    (``StringEquals``, ``IpAddress``, ``...IfExists``, ``ForAnyValue:``, ``Null``,
    ...), makes the request fail with AccessDenied naming the key, rather than
    be treated as met or not met. Statements that do not apply are not
    evaluated, as on AWS.
    """
    import json
    from typing import Any

    from moto.iam.access_control import IAMPolicyStatement, PermissionResult
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import FakeBucket

    class ConditionNotEvaluableError(S3ClientError):
        code = "AccessDenied"

    def applies(statement: IAMPolicyStatement, action: str, resource: str) -> bool:
        """Whether moto would let this statement decide the request if it had no condition."""
        unconditional = {k: v for k, v in statement._statement.items() if k != "Condition"}
        return IAMPolicyStatement(unconditional).is_action_permitted(action, resource) != PermissionResult.NEUTRAL

    def decide(raw: dict[str, Any], action: str, resource: str) -> PermissionResult:
        statement = IAMPolicyStatement(raw)
        conditions = raw.get("Condition")
        if not conditions:
            result: PermissionResult = statement.is_action_permitted(action, resource)
            return result
        if not applies(statement, action, resource):
            return PermissionResult.NEUTRAL
        try:
            holds = conditions_hold(conditions)
        except ConditionNotEvaluable as refused:
            raise ConditionNotEvaluableError("AccessDenied", str(refused)) from refused
        if not holds:
            return PermissionResult.NEUTRAL
        unconditional = {k: v for k, v in raw.items() if k != "Condition"}
        decided: PermissionResult = IAMPolicyStatement(unconditional).is_action_permitted(action, resource)
        return decided

    def get_permission(self: FakeBucket, action: str, resource: str) -> PermissionResult:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        statements = json.loads(self.policy.decode())["Statement"]
        permitted = False
        for raw in statements if isinstance(statements, list) else [statements]:
            result = decide(raw, action, resource)
            if result == PermissionResult.DENIED:
                return result
            permitted = permitted or result == PermissionResult.PERMITTED
        return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


@fill(
    behaviour="GetBucketReplication reports each rule as it was put (delete marker replication, filter, "
    "source selection); PutBucketReplication needs a versioned destination and a replica key for SSE-KMS objects.",
    reference="https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html",
)
def bucket_replication_configuration_as_given() -> None:
    """A bucket's replication rules come back as they were put, and are checked as S3 checks them.

    moto 5.2.5 answers GetBucketReplication with ``DeleteMarkerReplication``
    always Disabled, ``Filter`` always an empty prefix and no
    ``SourceSelectionCriteria`` or ``ExistingObjectReplication``, whatever was
    put, so the provider plans to change every rule after each apply; and it
    accepts any destination. Here each rule is reported as put (an empty
    filter prefix as ""), and PutBucketReplication is refused with
    InvalidRequest, as on AWS, when a destination bucket does not exist in
    the emulator or is not versioned, when a rule replicates SSE-KMS objects
    without ``EncryptionConfiguration.ReplicaKmsKeyID``, or when Replication
    Time Control is on without metrics.
    """
    from typing import Any

    from moto.s3.exceptions import MissingBucket, S3ClientError
    from moto.s3.models import S3Backend
    from moto.s3.responses import S3Response

    class InvalidReplicationRequest(S3ClientError):
        code = "InvalidRequest"

        def __init__(self, message: str) -> None:
            super().__init__("InvalidRequest", message)

    def enabled(block: Any) -> bool:
        return isinstance(block, dict) and block.get("Status") == "Enabled"

    original_put = S3Backend.put_bucket_replication

    def put_bucket_replication(self: S3Backend, bucket_name: str, replication: dict[str, Any]) -> None:
        rules = replication["Rule"] if isinstance(replication["Rule"], list) else [replication["Rule"]]
        for rule in rules:
            destination = rule.get("Destination") or {}
            target = str(destination.get("Bucket") or "").removeprefix("arn:aws:s3:::")
            try:
                bucket = self.get_bucket(target)
            except MissingBucket:
                raise InvalidReplicationRequest(f"Destination bucket must exist: {target}") from None
            if bucket.versioning_status != "Enabled":
                raise InvalidReplicationRequest("Destination bucket must have versioning enabled.")
            selection = rule.get("SourceSelectionCriteria") or {}
            replica_key = (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")
            if enabled(selection.get("SseKmsEncryptedObjects")) and not replica_key:
                raise InvalidReplicationRequest(
                    "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
                )
            if enabled(destination.get("ReplicationTime")) and not enabled(destination.get("Metrics")):
                raise InvalidReplicationRequest("Replication Time Control must be used with Metrics enabled.")
        original_put(self, bucket_name, replication)

    def as_put(rule: dict[str, Any]) -> dict[str, Any]:
        reported = {
            "ID": rule["ID"],
            "Priority": rule["Priority"],
            "Status": rule["Status"],
            "DeleteMarkerReplication": rule.get("DeleteMarkerReplication") or {"Status": "Disabled"},
            "Destination": rule["Destination"],
        }
        if "Filter" in rule:
            given = rule["Filter"] or {}
            # An empty <Prefix/> parses as None; S3 reports it as "".
            reported["Filter"] = {"Prefix": given.get("Prefix") or ""} if set(given) <= {"Prefix"} else given
        elif "Prefix" in rule:
            reported["Prefix"] = rule["Prefix"] or ""
        for optional in ("SourceSelectionCriteria", "ExistingObjectReplication"):
            if rule.get(optional):
                reported[optional] = rule[optional]
        return reported

    original_get = S3Response.get_bucket_replication

    def get_bucket_replication(self: S3Response) -> Any:
        from moto.core.responses import ActionResult

        replication = self.backend.get_bucket_replication(self.bucket_name)
        if not replication:
            return original_get(self)
        self.data["Action"] = "GetBucketReplication"
        return self.serialized(
            ActionResult(
                {
                    "ReplicationConfiguration": {
                        "Role": replication["Role"],
                        "Rules": [as_put(rule) for rule in replication["Rule"]],
                    }
                }
            )
        )

    S3Backend.put_bucket_replication = put_bucket_replication  # type: ignore[method-assign]
    S3Response.get_bucket_replication = get_bucket_replication  # type: ignore[method-assign]


@fill(
    behaviour="Each S3 request is authorized as the IAM action AWS checks for it (HeadBucket as s3:ListBucket, "
    "PutBucketEncryption as s3:PutEncryptionConfiguration, ...).",
    reference="https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html",
)
def requests_authorized_as_their_iam_action() -> None:
    """With IAM enforced, S3 bucket requests are checked as the actions IAM policies name.

    moto 5.2.5 checks HeadBucket as ``s3:HeadBucket`` (no such IAM action: a
    policy could never allow it, and Terraform's S3 backend and bucket resources
    retried until they timed out); and the subresources it does not list
    (``publicAccessBlock``, ``ownershipControls``, ``encryption``,
    ``replication``, ``requestPayment``, ``object-lock``) as plain
    ``s3:ListBucket`` (GET) or ``s3:CreateBucket`` (PUT), so a policy without
    the real action passed. Here each is checked as the action AWS documents;
    deleting a configuration is checked as the Put action, as on AWS.
    """
    from moto.s3.responses import ACTION_MAP

    bucket = ACTION_MAP["BUCKET"]
    bucket["HEAD"]["DEFAULT"] = "ListBucket"
    configurations = {
        "publicAccessBlock": "BucketPublicAccessBlock",
        "ownershipControls": "BucketOwnershipControls",
        "encryption": "EncryptionConfiguration",
        "replication": "ReplicationConfiguration",
        "requestPayment": "BucketRequestPayment",
        "object-lock": "BucketObjectLockConfiguration",
    }
    for subresource, name in configurations.items():
        bucket["GET"][subresource] = f"Get{name}"
        bucket["PUT"][subresource] = f"Put{name}"
        if subresource not in ("requestPayment", "object-lock"):
            bucket["DELETE"][subresource] = f"Put{name}"
