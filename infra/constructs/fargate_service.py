"""A Fargate service: task definition, roles, logs, security group, capacity mix and deployment safety."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ecs_service import (
    EcsService,
    EcsServiceCapacityProviderStrategy,
    EcsServiceDeploymentCircuitBreaker,
    EcsServiceDeploymentController,
    EcsServiceLoadBalancer,
    EcsServiceNetworkConfiguration,
)
from cdktf_cdktf_provider_aws.ecs_task_definition import (
    EcsTaskDefinition,
    EcsTaskDefinitionRuntimePlatform,
    EcsTaskDefinitionVolume,
)
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, region_name
from infra.constructs.container_registry import RegistryLike
from infra.constructs.ecs_cluster import ClusterLike
from infra.constructs.iam import ServiceRole, Statement
from infra.constructs.load_balancer import ListenerTarget
from infra.constructs.secret import ContainerSecretSource
from infra.constructs.security_group import ANY_IPV4, SecurityGroup
from infra.constructs.service_autoscaling import ServiceAutoscaling, ServiceAutoscalingProps
from infra.validation import ConfigError

# Memory (MiB) Fargate accepts for each CPU size (CPU units).
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, kw_only=True)
class FargateServiceProps:
    """What runs and how much of it."""

    cpu: int
    """CPU units per task (256 = 1/4 vCPU); with memory, one of the pairs Fargate accepts."""
    memory: int
    """MiB per task."""
    desired_count: int
    """Tasks to run (the starting point when autoscaling is on)."""
    image_tag: str
    """Tag of the image in the service's repository; deploying a new version is changing this."""
    container_port: int | None = None
    """Port the container listens on; needed behind a load balancer."""
    health_check_path: str = "/health"
    """Load balancer health check path."""
    command: tuple[str, ...] = ()
    """Overrides the image's command (e.g. the worker entry point); empty keeps the image's."""
    environment: Mapping[str, str] = field(default_factory=dict)
    """Plain, non-secret environment variables. Secrets come from Secrets Manager, never from here."""
    log_retention_days: int = 30
    """Container logs are kept this long."""
    on_demand_weight: int = 1
    """Share of tasks on regular Fargate."""
    on_demand_base: int = 0
    """Tasks always on regular Fargate before weights apply."""
    spot_weight: int = 0
    """Share of tasks on Fargate Spot (about 70% cheaper, can be interrupted); 0 keeps the service off Spot."""
    enable_execute_command: bool = False
    """ECS Exec (``aws ecs execute-command``) into running tasks; the task role gets the SSM channel rights."""
    autoscaling: ServiceAutoscalingProps | None = None
    """Target tracking on CPU and memory; None keeps desired_count fixed."""
    cpu_architecture: str = "X86_64"
    """X86_64 or ARM64 (about 20% cheaper; the image must be built for it)."""
    readonly_root_filesystem: bool = True
    """The container cannot change its image; /tmp is a writable scratch volume."""
    health_check_grace_period_seconds: int = 60
    """Time a new task has before load balancer health checks count."""

    def __post_init__(self) -> None:
        validation.one_of("cpu", self.cpu, tuple(FARGATE_MEMORY))
        if self.memory not in FARGATE_MEMORY[self.cpu]:
            raise ConfigError(
                "memory",
                f"one of {FARGATE_MEMORY[self.cpu]} MiB for {self.cpu} CPU units (Fargate's pairs)",
                self.memory,
            )
        validation.int_between("desired_count", self.desired_count, 0, 1000)
        if not _IMAGE_TAG.match(str(self.image_tag)):
            raise ConfigError("image_tag", "a Docker tag (letters, digits, _ . -, at most 128)", self.image_tag)
        if self.container_port is not None:
            validation.int_between("container_port", self.container_port, 1, 65535)
        for name in self.environment:
            if not _ENV_NAME.match(name):
                raise ConfigError("environment", "variable names of letters, digits and _", name)
        validation.log_retention("log_retention_days", self.log_retention_days)
        validation.int_between("on_demand_weight", self.on_demand_weight, 0, 1000)
        validation.int_between("on_demand_base", self.on_demand_base, 0, 100000)
        validation.int_between("spot_weight", self.spot_weight, 0, 1000)
        if self.on_demand_weight + self.spot_weight == 0:
            raise ConfigError("spot_weight", "positive when on_demand_weight is 0 (some capacity must be used)", 0)
        validation.one_of("cpu_architecture", self.cpu_architecture, ("X86_64", "ARM64"))
        validation.int_between(
            "health_check_grace_period_seconds", self.health_check_grace_period_seconds, 0, 2147483647
        )
        scaling = self.autoscaling
        if scaling and not scaling.min_tasks <= self.desired_count <= scaling.max_tasks:
            raise ConfigError(
                "desired_count",
                f"between autoscaling min_tasks and max_tasks ({scaling.min_tasks}-{scaling.max_tasks})",
                self.desired_count,
            )


class FargateService(Construct):
    """``name`` on ``cluster``, in private subnets, with its own security group.

    - Image ``<repository>:<image_tag>``; logs to ``log_group_name`` via awslogs.
    - ``secrets`` (env var -> Secrets Manager reference) are injected by ECS at
      start; the execution role may pull from the repository, write to the log
      group and read exactly those secrets. The task role is separate and holds
      only what the code (and ECS Exec, when on) needs.
    - Deployment circuit breaker with rollback: a release that cannot become
      healthy is rolled back, not left half-deployed.
    - With ``target``, tasks register with the load balancer and accept traffic
      only from its security group.
    - The service depends on the cluster's capacity-provider association (and
      on its listener rule): ECS refuses a strategy naming a provider the
      cluster does not have yet, and refuses removing one a service uses.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        container_name: str,
        cluster: ClusterLike,
        vpc_id: str,
        subnet_ids: list[str],
        repository: RegistryLike,
        log_group_name: str,
        secrets: Mapping[str, ContainerSecretSource],
        props: FargateServiceProps,
        target: ListenerTarget | None = None,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("service name", name, max_length=255)
        validation.resource_name("container name", container_name, max_length=255)
        for variable in secrets:
            if not _ENV_NAME.match(variable) or variable in props.environment:
                raise ConfigError("secrets", "variable names not also set as plain environment", variable)
        if target is not None and props.container_port is None:
            raise ConfigError("container_port", "set for a service behind a load balancer", None)
        self.name = name
        self.cluster = cluster
        self.props = props
        self.target = target

        self.log_group = CloudwatchLogGroup(
            self, "LogGroup", name=log_group_name, retention_in_days=props.log_retention_days
        )
        self.security_group = SecurityGroup(
            self, "SecurityGroup", name=f"{name}-tasks", description=f"Tasks of {name}", vpc_id=vpc_id
        )
        # AWS APIs (through endpoints or NAT) and outbound HTTPS integrations.
        self.security_group.allow_egress_to_cidr(ANY_IPV4, 443, label="HTTPS to AWS APIs and integrations")
        self.execution_role = self._execution_role(repository, secrets)
        self.task_role = ServiceRole(
            self,
            "TaskRole",
            name=f"{name}-task",
            service="ecs-tasks.amazonaws.com",
            description=f"What the code of {name} may do",
            source_account=account_id(self),
        )
        if props.enable_execute_command:
            self._allow_execute_command()

        self.task_definition = EcsTaskDefinition(
            self,
            "TaskDefinition",
            family=name,
            requires_compatibilities=["FARGATE"],
            network_mode="awsvpc",
            cpu=str(props.cpu),
            memory=str(props.memory),
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            runtime_platform=EcsTaskDefinitionRuntimePlatform(
                operating_system_family="LINUX", cpu_architecture=props.cpu_architecture
            ),
            volume=[EcsTaskDefinitionVolume(name="tmp")] if props.readonly_root_filesystem else None,
            container_definitions=json.dumps([self._container(container_name, repository, secrets)]),
            tags={"Name": name},
        )

        strategy = []
        if props.on_demand_weight or props.on_demand_base:
            strategy.append(
                EcsServiceCapacityProviderStrategy(
                    capacity_provider="FARGATE", weight=props.on_demand_weight, base=props.on_demand_base
                )
            )
        if props.spot_weight:
            strategy.append(
                EcsServiceCapacityProviderStrategy(capacity_provider="FARGATE_SPOT", weight=props.spot_weight)
            )

        load_balancer = None
        depends_on: list[ITerraformDependable] = [cluster.capacity_providers] if cluster.capacity_providers else []
        if target is not None and props.container_port is not None:
            target.listener.security_group.allow_to(self.security_group, props.container_port, label=f"To {name}")
            self.security_group.allow_from(
                target.listener.security_group, props.container_port, label="From the load balancer"
            )
            depends_on += target.dependencies
            load_balancer = [
                EcsServiceLoadBalancer(
                    container_name=container_name,
                    container_port=props.container_port,
                    target_group_arn=target.target_group.arn,
                )
            ]

        self.service = EcsService(
            self,
            "Service",
            name=name,
            cluster=cluster.arn,
            task_definition=self.task_definition.arn,
            desired_count=props.desired_count,
            capacity_provider_strategy=strategy,
            network_configuration=EcsServiceNetworkConfiguration(
                subnets=subnet_ids, security_groups=[self.security_group.id], assign_public_ip=False
            ),
            deployment_controller=EcsServiceDeploymentController(type="ECS"),
            deployment_circuit_breaker=EcsServiceDeploymentCircuitBreaker(enable=True, rollback=True),
            deployment_minimum_healthy_percent=100,
            deployment_maximum_percent=200,
            load_balancer=load_balancer,
            health_check_grace_period_seconds=props.health_check_grace_period_seconds if target else None,
            enable_execute_command=props.enable_execute_command,
            enable_ecs_managed_tags=True,
            propagate_tags="SERVICE",
            wait_for_steady_state=False,
            # The autoscaler owns the task count once it exists.
            lifecycle={"ignore_changes": ["desired_count"]} if props.autoscaling else None,
            depends_on=depends_on,
            tags={"Name": name},
        )
        self.service_name = self.service.name
        if props.autoscaling:
            ServiceAutoscaling(
                self, "Autoscaling", cluster_name=cluster.name, service_name=self.service.name, props=props.autoscaling
            )

    def _execution_role(self, repository: RegistryLike, secrets: Mapping[str, ContainerSecretSource]) -> ServiceRole:
        role = ServiceRole(
            self,
            "ExecutionRole",
            name=f"{self.name}-execution",
            service="ecs-tasks.amazonaws.com",
            description=f"Lets ECS start {self.name}: pull its image, write its logs, read its secrets",
            source_account=account_id(self),
            # Several variables often read one secret, and several secrets share a key.
            distinct_statements=True,
        )
        repository.grant_read(role)
        role.add_policy(
            "WriteLogs",
            Statement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{self.log_group.arn}:*"]),
        )
        for source in secrets.values():
            source.grant_read(role)
        return role

    def _allow_execute_command(self) -> None:
        self.task_role.add_policy(
            "ExecuteCommand",
            # The SSM message channels have no resource-level permissions.
            Statement(
                actions=[
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ],
                resources=["*"],
            ),
            Statement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[f"{self.log_group.arn}:*"],
            ),
        )

    def _container(
        self, container_name: str, repository: RegistryLike, secrets: Mapping[str, ContainerSecretSource]
    ) -> dict[str, Any]:
        props = self.props
        container: dict[str, Any] = {
            "name": container_name,
            "image": f"{repository.url}:{props.image_tag}",
            "essential": True,
            "readonlyRootFilesystem": props.readonly_root_filesystem,
            "environment": [{"name": k, "value": v} for k, v in sorted(props.environment.items())],
            "secrets": [{"name": k, "valueFrom": ref.value_from} for k, ref in sorted(secrets.items())],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": self.log_group.name,
                    "awslogs-region": region_name(self),
                    "awslogs-stream-prefix": container_name,
                },
            },
            "linuxParameters": {"initProcessEnabled": True},
        }
        if props.readonly_root_filesystem:
            container["mountPoints"] = [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}]
        if props.container_port is not None:
            container["portMappings"] = [
                {"containerPort": props.container_port, "hostPort": props.container_port, "protocol": "tcp"}
            ]
        if props.command:
            container["command"] = list(props.command)
        return container
