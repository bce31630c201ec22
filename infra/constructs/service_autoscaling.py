"""Target-tracking autoscaling of an ECS service's task count on CPU and memory."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
)
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from constructs import Construct

from infra.props.service_autoscaling import ServiceAutoscalingProps


class ServiceAutoscaling(Construct):
    """A scalable target for ``service/<cluster>/<service>`` and one tracking policy per metric.

    Scale-out happens when either metric is above its target; scale-in only
    when both allow it (how target tracking combines policies).
    """

    def __init__(
        self, scope: Construct, id_: str, *, cluster_name: str, service_name: str, props: ServiceAutoscalingProps
    ) -> None:
        super().__init__(scope, id_)
        self.target = AppautoscalingTarget(
            self,
            "Target",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=f"service/{cluster_name}/{service_name}",
            min_capacity=props.min_tasks,
            max_capacity=props.max_tasks,
            tags={"Name": service_name},
        )
        for metric, target in (
            ("ECSServiceAverageCPUUtilization", props.cpu_target_percent),
            ("ECSServiceAverageMemoryUtilization", props.memory_target_percent),
        ):
            short = "Cpu" if "CPU" in metric else "Memory"
            AppautoscalingPolicy(
                self,
                f"{short}Policy",
                name=f"{service_name}-{short.lower()}-target",
                policy_type="TargetTrackingScaling",
                service_namespace=self.target.service_namespace,
                scalable_dimension=self.target.scalable_dimension,
                resource_id=self.target.resource_id,
                target_tracking_scaling_policy_configuration=AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration(
                    target_value=target,
                    predefined_metric_specification=AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification(
                        predefined_metric_type=metric
                    ),
                    scale_in_cooldown=props.scale_in_cooldown_seconds,
                    scale_out_cooldown=props.scale_out_cooldown_seconds,
                ),
            )
