"""ReplayDash: the API on Fargate behind an HTTPS ALB, PostgreSQL, Redis, session storage, dashboard and alerts."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.aws_context import account_id
from infra.constructs.container_platform import ContainerPlatform
from infra.constructs.load_balancer import DEFAULT_ROUTE
from infra.constructs.outputs import output
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.ssm_parameters import SsmParameters
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from infra.systems.replaydash.settings import ReplayDashSettings


class ReplayDashStack(AwsStack):
    """One ReplayDash environment (``replaydash-<environment>-*``).

    The database URL is in the secret ``replaydash-<env>/database`` (JSON with
    ``url``, host, port, username, dbname; the migration step reads ``.url``),
    written through write-only arguments from the password generated at apply
    time, so neither ``cdktf.out/`` nor the state holds it. Non-secret settings
    (Redis URL, session bucket) are SSM parameters under ``/replaydash/<env>/``.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> ReplayDashSettings:
        """The environment's settings are the stack's props (the platform's, the API's, the bucket's)."""
        return spec.settings_of(ReplayDashSettings)

    def __init__(self, scope: Construct, spec: StackSpec, props: ReplayDashSettings) -> None:
        super().__init__(scope, spec)
        prefix = props.name_prefix
        platform = ContainerPlatform(
            self, "Platform", prefix=prefix, repository_name=props.repository_name, props=props
        )
        sessions = PrivateBucket(
            self, "Sessions", bucket_name=f"{prefix}-sessions-{account_id(self)}", props=props.sessions
        )
        # User session data: who read or changed which object is recorded (docs/systems/replaydash.md).
        sessions.log_access_to(platform.access_log_bucket)
        database_secret = platform.secret(
            "DatabaseSecret", name=f"{prefix}/database", description="Database URL and parts, written by Terraform"
        )
        platform.database.write_connection_secret(database_secret)
        parameters = SsmParameters(
            self,
            "Parameters",
            path=f"/{props.system}/{props.environment}",
            description=f"{prefix} settings",
            values={"redis-url": platform.cache.url, "sessions-bucket": sessions.name},
        )
        api = platform.add_service(
            "Api",
            container_name="api",
            log_group_name=f"/ecs/{prefix}-api",
            secrets={
                "DATABASE_URL": database_secret.key("url"),
                "REDIS_URL": parameters.reference("redis-url"),
                "SESSION_BUCKET": parameters.reference("sessions-bucket"),
            },
            props=props.api,
            route=DEFAULT_ROUTE,
        )
        sessions.grant_read_write(api.task_role)
        dashboard = platform.dashboard(self, "Dashboard", name=prefix)

        platform.declare_outputs()
        output(self, "database_secret_arn", database_secret.arn, "Secret with the database URL (key url)")
        output(self, "cloudwatch_dashboard_url", dashboard.url, "CloudWatch dashboard of this environment")
        output(self, "ecs_service_name", api.service_name, "ECS service of the API")
        output(self, "sessions_bucket_name", sessions.name, "S3 bucket for session data")
