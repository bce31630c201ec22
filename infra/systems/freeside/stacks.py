"""Freeside: ECS API and worker, PostgreSQL, Redis, ALB, ECR, secrets and alarms (``arrakis-<env>-*``)."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.container_platform import ContainerPlatform
from infra.constructs.load_balancer import DEFAULT_ROUTE
from infra.constructs.outputs import output
from infra.registry import StackSpec
from infra.stacks.base import AwsStack
from infra.systems.freeside.settings import FreesideSettings

# The document's secrets: (construct id, name under arrakis-<env>/, description).
SECRETS = (
    ("AppConfigSecret", "app-config", "Application secrets (JSON), filled by operators"),
    ("DbCredentialsSecret", "db-credentials", "Database URL (the password is in the RDS-managed secret), by Terraform"),
    ("RedisCredentialsSecret", "redis-credentials", "Redis URL, written by Terraform"),
    ("VaultTokenSecret", "vault-token", "HashiCorp Vault token, filled by operators"),
)


class FreesideStack(AwsStack):
    """One Freeside environment, named ``arrakis-<environment>-*`` as in the document.

    Secrets ``arrakis-<env>/db-credentials`` and ``/redis-credentials`` are
    written by the stack (URLs, through write-only arguments); ``/app-config``
    and ``/vault-token`` are created empty and filled by operators (README).
    Both services get all four, by ARN, as DATABASE_URL, REDIS_URL,
    APP_CONFIG and VAULT_TOKEN. RDS rotates the database password (every 7
    days): DATABASE_URL carries none, and ECS gives each task ``PGPASSWORD``
    from the RDS-managed secret's current version when it starts (libpq-based
    clients use it for a URL without password), with PGHOST, PGPORT,
    PGDATABASE, PGUSER and PGSSLMODE as plain environment. The API takes the
    load balancer's default route. Each service connects to Redis as its own
    IAM-authenticated user (``REDIS_USER``, ``arrakis-<env>-api`` /
    ``-worker``): the secret holds no credential. The dashboard
    ``arrakis-<env>`` (document 003's monitoring.tf: alarms and dashboards)
    shows both services, the load balancer, the database and every Redis node.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> FreesideSettings:
        """The environment's settings are the stack's props (the platform's, the services')."""
        return spec.settings_of(FreesideSettings)

    def __init__(self, scope: Construct, spec: StackSpec, props: FreesideSettings) -> None:
        super().__init__(scope, spec)
        prefix = props.name_prefix
        platform = ContainerPlatform(
            self, "Platform", prefix=prefix, repository_name=props.repository_name, props=props
        )
        secrets = {
            name: platform.secret(key, name=f"{prefix}/{name}", description=description)
            for key, name, description in SECRETS
        }
        platform.database.write_connection_secret(secrets["db-credentials"])
        platform.cache.write_connection_secret(secrets["redis-credentials"])
        database = platform.database.client_settings()
        environment = {
            "DATABASE_URL": secrets["db-credentials"].key("url"),
            **database.secrets,
            "REDIS_URL": secrets["redis-credentials"].key("url"),
            "APP_CONFIG": secrets["app-config"].key(),
            "VAULT_TOKEN": secrets["vault-token"].key(),
        }
        api = platform.add_service(
            "Api",
            container_name="api",
            log_group_name=f"/ecs/{prefix}/api",
            secrets=environment,
            environment=database.environment,
            props=props.api,
            route=DEFAULT_ROUTE,
        )
        worker = platform.add_service(
            "Worker",
            container_name="worker",
            log_group_name=f"/ecs/{prefix}/worker",
            secrets=environment,
            environment=database.environment,
            props=props.worker,
        )
        dashboard = platform.dashboard(self, "Dashboard", name=prefix)

        platform.declare_outputs()
        output(self, "cloudwatch_dashboard_url", dashboard.url, "CloudWatch dashboard of this environment")
        output(self, "api_service_name", api.service_name, "ECS service of the API")
        output(self, "worker_service_name", worker.service_name, "ECS service of the worker")
        output(
            self,
            "database_master_secret_arn",
            platform.database.master_secret_arn,
            "Secrets Manager secret RDS manages with the master credentials",
        )
        for name, secret in secrets.items():
            output(self, f"{name.replace('-', '_')}_secret_arn", secret.arn, f"ARN of the secret {secret.name}")
