"""A Fargate service: task definition, roles, logs, security group, capacity mix and deployment safety."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
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
from infra.constructs.service_autoscaling import ServiceAutoscaling
from infra.props.fargate_service import _ENV_NAME, FargateServiceProps
from infra.validation import ConfigError


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
    - Tasks also join ``security_groups`` (a database's client group, whose
      rules another stack owns).
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
        security_groups: Sequence[SecurityGroup] = (),
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
                subnets=subnet_ids,
                security_groups=[self.security_group.id, *(g.id for g in security_groups)],
                assign_public_ip=False,
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
