"""Target-tracking autoscaling of an ECS service's task count on CPU and memory."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.appautoscaling_policy import (
    AppautoscalingPolicy,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration,
    AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification,
)
from cdktf_cdktf_provider_aws.appautoscaling_target import AppautoscalingTarget
from constructs import Construct

from infra import validation
from infra.validation import ConfigError


@dataclass(frozen=True, kw_only=True)
class ServiceAutoscalingProps:
    """Bounds and targets of the task count."""

    min_tasks: int = 1
    """Never fewer tasks than this."""
    max_tasks: int = 4
    """Never more tasks than this: the cost ceiling."""
    cpu_target_percent: float = 70
    """Average CPU the service is scaled to hold."""
    memory_target_percent: float = 80
    """Average memory the service is scaled to hold."""
    scale_out_cooldown_seconds: int = 60
    """Add capacity quickly."""
    scale_in_cooldown_seconds: int = 300
    """Remove it slowly, so a short lull does not cause flapping."""

    def __post_init__(self) -> None:
        validation.int_between("max_tasks", self.max_tasks, 1, 1000)
        validation.int_between("min_tasks", self.min_tasks, 0, 1000)
        if self.min_tasks > self.max_tasks:
            raise ConfigError("min_tasks", f"at most max_tasks ({self.max_tasks})", self.min_tasks)
        validation.number_between("cpu_target_percent", self.cpu_target_percent, 10, 95)
        validation.number_between("memory_target_percent", self.memory_target_percent, 10, 95)
        validation.int_between("scale_out_cooldown_seconds", self.scale_out_cooldown_seconds, 0, 3600)
        validation.int_between("scale_in_cooldown_seconds", self.scale_in_cooldown_seconds, 0, 3600)


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
