"""Alerts: an encrypted SNS topic and CloudWatch alarms on the resources that matter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdktf import Token
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import (
    CloudwatchMetricAlarm,
    CloudwatchMetricAlarmMetricQuery,
    CloudwatchMetricAlarmMetricQueryMetric,
)
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import region_name
from infra.constructs.kms_key import KeyLike
from infra.constructs.private_bucket import REPLICATION_RULE_ID, PrivateBucket
from infra.props.monitoring import MonitoringProps
from infra.validation import ConfigError

if TYPE_CHECKING:
    from infra.constructs.audit_trail import AuditTrail
    from infra.constructs.fargate_service import FargateService
    from infra.constructs.lambda_function import LambdaFunction
    from infra.constructs.load_balancer import ListenerReference, ListenerTarget
    from infra.constructs.postgres_instance import PostgresInstance
    from infra.constructs.redis_replication_group import RedisReplicationGroup

GIB = 1024**3


class Monitoring(Construct):
    """Topic ``<name>-alerts`` or ``topic_name`` (KMS-encrypted; CloudWatch may use the key) and ``watch_*`` methods.

    Every alarm notifies the topic when it fires and when it recovers.
    Missing data is not treated as breaching: a service scaled to zero or a
    quiet load balancer is not an incident. With ``existing_topic_arn`` the
    alarms notify a topic made elsewhere (another stack's) and no topic,
    subscription or key is made here.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        kms_key: KeyLike | None,
        props: MonitoringProps,
        topic_name: str | None = None,
        existing_topic_arn: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("monitoring name", name, max_length=200)
        self.name = name
        self.props = props
        self.alarms: list[CloudwatchMetricAlarm] = []
        self.topic: SnsTopic | None = None
        if existing_topic_arn is not None:
            if kms_key is not None or topic_name is not None:
                raise ValueError("an existing topic takes neither a key nor a topic name")
            self.topic_arn = existing_topic_arn
            return
        if kms_key is None:
            raise ValueError(f"{name}: a new alert topic needs a KMS key")
        topic_name = topic_name or f"{name}-alerts"
        validation.resource_name("topic name", topic_name, max_length=256)
        self.topic = SnsTopic(self, "Topic", name=topic_name, kms_master_key_id=kms_key.arn, tags={"Name": topic_name})
        self.topic_arn = self.topic.arn
        if props.alert_email:
            SnsTopicSubscription(
                self, "EmailSubscription", topic_arn=self.topic.arn, protocol="email", endpoint=props.alert_email
            )

    def _alarm(
        self,
        id_: str,
        alarm_name: str,
        description: str,
        *,
        threshold: float,
        comparison: str = "GreaterThanThreshold",
        namespace: str | None = None,
        metric_name: str | None = None,
        dimensions: dict[str, str] | None = None,
        statistic: str = "Average",
        metric_query: list[CloudwatchMetricAlarmMetricQuery] | None = None,
        evaluation_periods: int | None = None,
    ) -> CloudwatchMetricAlarm:
        alarm = CloudwatchMetricAlarm(
            self,
            id_,
            alarm_name=alarm_name,
            alarm_description=description,
            comparison_operator=comparison,
            threshold=threshold,
            evaluation_periods=evaluation_periods or self.props.evaluation_periods,
            namespace=namespace,
            metric_name=metric_name,
            dimensions=dimensions,
            statistic=statistic if metric_query is None else None,
            period=self.props.period_seconds if metric_query is None else None,
            metric_query=metric_query,
            treat_missing_data="notBreaching",
            alarm_actions=[self.topic_arn],
            ok_actions=[self.topic_arn],
            tags={"Name": alarm_name},
        )
        self.alarms.append(alarm)
        return alarm

    def watch_service(self, service: FargateService, *, key: str) -> None:
        """CPU and memory of an ECS service (``key`` names the alarms' ids, e.g. Api)."""
        dimensions = {"ClusterName": service.cluster.name, "ServiceName": service.service_name}
        for metric, threshold, short in (
            ("CPUUtilization", self.props.service_cpu_percent, "cpu"),
            ("MemoryUtilization", self.props.service_memory_percent, "memory"),
        ):
            self._alarm(
                f"{key}{short.title()}High",
                f"{service.name}-{short}-high",
                f"{service.name} average {short} above {threshold}%",
                threshold=threshold,
                namespace="AWS/ECS",
                metric_name=metric,
                dimensions=dimensions,
            )

    def watch_load_balancer(self, load_balancer: ListenerReference, *, key: str = "Alb") -> None:
        """5xx error rate of a load balancer (answers from its targets and from itself)."""
        elb = {"LoadBalancer": load_balancer.arn_suffix}
        period = self.props.period_seconds

        def count(query_id: str, metric: str) -> CloudwatchMetricAlarmMetricQuery:
            return CloudwatchMetricAlarmMetricQuery(
                id=query_id,
                return_data=False,
                metric=CloudwatchMetricAlarmMetricQueryMetric(
                    namespace="AWS/ApplicationELB", metric_name=metric, dimensions=elb, period=period, stat="Sum"
                ),
            )

        self._alarm(
            f"{key}5xxRate",
            f"{load_balancer.name}-5xx-rate",
            f"More than {self.props.alb_5xx_percent}% of requests to {load_balancer.name} answered 5xx",
            threshold=self.props.alb_5xx_percent,
            metric_query=[
                CloudwatchMetricAlarmMetricQuery(
                    id="rate",
                    expression="IF(requests > 0, 100 * (target5xx + elb5xx) / requests, 0)",
                    label="5xx rate (%)",
                    return_data=True,
                ),
                count("requests", "RequestCount"),
                count("target5xx", "HTTPCode_Target_5XX_Count"),
                count("elb5xx", "HTTPCode_ELB_5XX_Count"),
            ],
        )

    def watch_target(self, target: ListenerTarget, *, key: str) -> None:
        """Targets of one target group failing their health checks (``key`` names the alarm id, e.g. Api)."""
        name = target.name
        self._alarm(
            f"{key}UnhealthyTargets",
            f"{name}-unhealthy-targets",
            f"Targets of {name} behind {target.listener.name} failing health checks",
            threshold=0,
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            dimensions={"LoadBalancer": target.listener.arn_suffix, "TargetGroup": target.target_group.arn_suffix},
            statistic="Maximum",
        )

    def watch_database(self, database: PostgresInstance, *, key: str = "Database") -> None:
        """CPU, free storage and connections of an RDS instance (``key`` starts the alarms' ids)."""
        props = self.props
        name = database.identifier
        for id_, suffix, description, metric, threshold, comparison, statistic in (
            (
                f"{key}CpuHigh",
                "cpu-high",
                f"CPU above {props.database_cpu_percent}%",
                "CPUUtilization",
                props.database_cpu_percent,
                "GreaterThanThreshold",
                "Average",
            ),
            (
                f"{key}FreeStorageLow",
                "free-storage-low",
                f"less than {props.database_free_storage_gb} GB free",
                "FreeStorageSpace",
                props.database_free_storage_gb * GIB,
                "LessThanThreshold",
                "Minimum",
            ),
            (
                f"{key}ConnectionsHigh",
                "connections-high",
                f"more than {props.database_connections} connections",
                "DatabaseConnections",
                props.database_connections,
                "GreaterThanThreshold",
                "Maximum",
            ),
        ):
            self._alarm(
                id_,
                f"{name}-{suffix}",
                f"{name}: {description}",
                threshold=threshold,
                comparison=comparison,
                namespace="AWS/RDS",
                metric_name=metric,
                dimensions={"DBInstanceIdentifier": name},
                statistic=statistic,
            )
        for short, metric, latency in (
            ("Read", "ReadLatency", props.database_read_latency_seconds),
            ("Write", "WriteLatency", props.database_write_latency_seconds),
        ):
            if latency is not None:
                self._alarm(
                    f"{key}{short}LatencyHigh",
                    f"{name}-{short.lower()}-latency-high",
                    f"{name}: average {short.lower()} latency above {latency * 1000:g} ms",
                    threshold=latency,
                    namespace="AWS/RDS",
                    metric_name=metric,
                    dimensions={"DBInstanceIdentifier": name},
                )

    def watch_replica_lag(self, identifier: str, *, cluster: bool = False, key: str = "Replica") -> None:
        """How far a cross-region copy of a database is behind its source.

        An RDS read replica reports ``ReplicaLag`` (seconds) per DB instance; an
        Aurora global secondary ``AuroraGlobalDBReplicationLag`` (milliseconds)
        per DB cluster. Either is published in the copy's region: create this
        Monitoring there.
        """
        seconds = self.props.replica_lag_seconds
        metric, dimension, threshold = (
            ("AuroraGlobalDBReplicationLag", "DBClusterIdentifier", seconds * 1000)
            if cluster
            else ("ReplicaLag", "DBInstanceIdentifier", seconds)
        )
        self._alarm(
            f"{key}LagHigh",
            f"{identifier}-replica-lag-high",
            f"{identifier} more than {seconds} s behind its source",
            threshold=threshold,
            namespace="AWS/RDS",
            metric_name=metric,
            dimensions={dimension: identifier},
            statistic="Maximum",
        )

    def watch_bucket_replication(self, bucket: PrivateBucket, *, key: str = "Replication") -> None:
        """``ReplicationLatency`` of a bucket's replication rule (published in the source bucket's region)."""
        if bucket.replica is None:
            raise ConfigError(f"{bucket.node.id} replication", "configured (PrivateBucket.replicate_to) first", None)
        seconds = self.props.replication_latency_seconds
        self._alarm(
            f"{key}LatencyHigh",
            f"{self.name}-{bucket.node.id.lower()}-replication-latency-high",
            f"Objects of {bucket.node.id} take more than {seconds} s to reach its replica",
            threshold=seconds,
            namespace="AWS/S3",
            metric_name="ReplicationLatency",
            dimensions={
                "SourceBucket": bucket.name,
                "DestinationBucket": bucket.replica.name,
                "RuleId": REPLICATION_RULE_ID,
            },
            statistic="Maximum",
        )

    def watch_health_check(self, health_check_id: str, *, name: str, key: str) -> None:
        """A Route 53 health check reporting its endpoint down (its metrics exist in us-east-1 only)."""
        region = region_name(self)
        if not Token.is_unresolved(region) and region != "us-east-1":
            raise ConfigError(f"{name} health check alarm region", "us-east-1 (Route 53 metrics live there)", region)
        self._alarm(
            f"{key}Unhealthy",
            f"{name}-unhealthy",
            f"Route 53 health check of {name} reports the endpoint down",
            threshold=1,
            comparison="LessThanThreshold",
            namespace="AWS/Route53",
            metric_name="HealthCheckStatus",
            dimensions={"HealthCheckId": health_check_id},
            statistic="Minimum",
        )

    def watch_redis(self, redis: RedisReplicationGroup, *, key: str = "Redis") -> None:
        """Engine CPU and memory of every node of a replication group (``key`` starts the alarms' ids)."""
        props = self.props
        for index, node in enumerate(redis.member_cluster_ids, start=1):
            for short, description, metric, threshold in (
                (
                    "Cpu",
                    f"engine CPU above {props.redis_cpu_percent}%",
                    "EngineCPUUtilization",
                    props.redis_cpu_percent,
                ),
                (
                    "Memory",
                    f"memory above {props.redis_memory_percent}%",
                    "DatabaseMemoryUsagePercentage",
                    props.redis_memory_percent,
                ),
            ):
                self._alarm(
                    f"{key}{short}High{index}",
                    f"{node}-{short.lower()}-high",
                    f"{node}: {description}",
                    threshold=threshold,
                    namespace="AWS/ElastiCache",
                    metric_name=metric,
                    dimensions={"CacheClusterId": node},
                )

    def watch_function(self, function: LambdaFunction, *, key: str = "Function") -> None:
        """Errors, throttles and duration of one Lambda function (``key`` starts the alarms' ids)."""
        props = self.props
        name = function.name
        dimensions = {"FunctionName": name}
        duration_ms = function.props.timeout_seconds * 1000 * props.function_duration_percent / 100
        for short, metric, threshold, statistic, description in (
            ("Errors", "Errors", props.function_errors, "Sum", f"more than {props.function_errors} errors"),
            (
                "Throttles",
                "Throttles",
                props.function_throttles,
                "Sum",
                f"more than {props.function_throttles} throttles",
            ),
            (
                "Duration",
                "Duration",
                duration_ms,
                "Average",
                f"average duration above {props.function_duration_percent:g}% of its "
                f"{function.props.timeout_seconds} s timeout",
            ),
        ):
            self._alarm(
                f"{key}{short}",
                f"{name}-{short.lower()}",
                f"{name}: {description}",
                threshold=threshold,
                namespace="AWS/Lambda",
                metric_name=metric,
                dimensions=dimensions,
                statistic=statistic,
            )

    def watch_account_functions(self, *, concurrency_limit: int, with_errors: bool = True, key: str = "Lambda") -> None:
        """Concurrent executions (and, ``with_errors``, errors and throttles) of every Lambda function of the
        account, in this region.

        Lambda publishes these without dimensions for the whole account;
        ``concurrency_limit`` is the account's quota the concurrency alarm is
        a share of. Leave ``with_errors`` off where the account runs functions
        that are not this stack's (another environment's): alarm those by
        function (:meth:`watch_function`).
        """
        props = self.props
        threshold = concurrency_limit * props.account_concurrency_percent / 100
        measures: list[tuple[str, str, float, str, str]] = [
            (
                "Errors",
                "Errors",
                props.account_function_errors,
                "Sum",
                f"more than {props.account_function_errors} errors",
            ),
            (
                "Throttles",
                "Throttles",
                props.account_function_throttles,
                "Sum",
                f"more than {props.account_function_throttles} throttles",
            ),
        ]
        measures = measures if with_errors else []
        measures.append(
            (
                "ConcurrentExecutions",
                "ConcurrentExecutions",
                threshold,
                "Maximum",
                f"more than {threshold:g} concurrent executions "
                f"({props.account_concurrency_percent:g}% of {concurrency_limit})",
            )
        )
        for short, metric, value, statistic, description in measures:
            self._alarm(
                f"{key}{short}",
                f"{self.name}-lambda-{short.lower()}"
                if short != "ConcurrentExecutions"
                else f"{self.name}-lambda-concurrency",
                f"Lambda functions of {self.name}: {description}",
                threshold=value,
                namespace="AWS/Lambda",
                metric_name=metric,
                statistic=statistic,
            )

    def watch_audit_trail(self, trail: AuditTrail, *, key: str = "Audit") -> None:
        """One alarm per suspicious-activity metric of the trail: any occurrence in a period raises it."""
        for finding in trail.findings:
            self._alarm(
                f"{key}{finding.key}",
                f"{trail.name}-{finding.slug}",
                f"{trail.name}: {finding.description}",
                threshold=1,
                comparison="GreaterThanOrEqualToThreshold",
                namespace=trail.metric_namespace,
                metric_name=finding.metric_name,
                statistic="Sum",
                evaluation_periods=1,
            )
