"""Solobase: the platform of an environment, one stack per customer instance, one databases stack per shard.

- :class:`SolobasePlatformStack` (``solobase-<env>``): network, shared RDS
  shards, the management platform (Fargate service, its PostgreSQL, HTTPS
  ALB), the instances' image repository and keys, binaries bucket, CloudTrail,
  alarms and dashboard.
- :class:`SolobaseTenantStack` (``solobase-<env>-tenant-<subdomain>``): one
  customer instance, on Lambda (an HTTP API behind CloudFront) or on ECS
  (a Fargate service behind the platform's ALB), with a dedicated RDS
  instance for Business. It finds the platform's parts by name.
- :class:`SolobaseShardDatabasesStack` (``solobase-<env>-shard-<NN>-databases``):
  each instance's database ``instance_<id>`` and role ``user_<id>`` on one
  shard, through the PostgreSQL provider, and the secret with the role's
  credentials.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import Token
from cdktf_cdktf_provider_aws.data_aws_acm_certificate import DataAwsAcmCertificate
from cdktf_cdktf_provider_aws.data_aws_db_instance import DataAwsDbInstance
from cdktf_cdktf_provider_aws.data_aws_s3_bucket import DataAwsS3Bucket
from cdktf_cdktf_provider_aws.data_aws_sns_topic import DataAwsSnsTopic
from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordAlias
from constructs import Construct

from infra.constructs.audit_trail import AuditTrail
from infra.constructs.aws_context import account_id
from infra.constructs.cdn_distribution import CdnDistribution, CdnOrigin
from infra.constructs.container_platform import ContainerPlatform
from infra.constructs.container_registry import ContainerRegistry, ContainerRegistryLookup
from infra.constructs.dashboard import ServiceDashboard
from infra.constructs.database_set import DatabaseEntry, DatabaseSet
from infra.constructs.ecs_cluster import EcsClusterLookup
from infra.constructs.ephemeral_password import EphemeralPassword
from infra.constructs.fargate_service import FargateService
from infra.constructs.http_api import HttpApi
from infra.constructs.iam import Grantable
from infra.constructs.kms_key import KmsKey, KmsKeyLookup
from infra.constructs.lambda_function import FunctionCode, LambdaFunction
from infra.constructs.load_balancer import ListenerTarget, LoadBalancerLookup, Route
from infra.constructs.login_role import LoginRole, WriteOnlyPassword
from infra.constructs.monitoring import Monitoring
from infra.constructs.network import NetworkLookup
from infra.constructs.origin_verification import OriginVerification
from infra.constructs.outputs import output
from infra.constructs.postgres_instance import PostgresInstance, write_postgres_url
from infra.constructs.postgresql_connection import rds_postgresql_provider
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.secret import Secret, SecretByName
from infra.constructs.security_group import ANY_IPV4, SecurityGroup
from infra.constructs.service_database import ServiceDatabase, revoke_public
from infra.props.audit_trail import AuditTrailProps
from infra.props.cdn_distribution import CdnDistributionProps
from infra.props.container_platform import ContainerPlatformProps
from infra.props.container_registry import ContainerRegistryProps
from infra.props.fargate_service import FargateServiceProps
from infra.props.kms_key import KmsKeyProps
from infra.props.lambda_function import LambdaFunctionProps
from infra.props.login_role import LoginRoleProps
from infra.props.monitoring import MonitoringProps
from infra.props.postgres_instance import PostgresInstanceProps
from infra.props.private_bucket import PrivateBucketProps
from infra.props.secret import SecretProps
from infra.props.service_database import ServiceDatabaseProps
from infra.registry import StackSpec
from infra.stacks.base import AwsStack, ExternalProviderStack
from infra.systems.solobase.contracts import Names
from infra.systems.solobase.settings import SolobaseSettings
from infra.systems.solobase.tenants import Plan, PlansSettings, Runtime, Tenant

MANAGEMENT_PRIORITY = 1
"""The management host rule goes first on the shared listener (customers' rules start at 100)."""
CLIENTS_LABEL = "PostgreSQL from its clients"
"""The rule letting a database's client group in (shards and dedicated instances alike)."""
OPERATORS_LABEL = "PostgreSQL from the database operators"
"""The rule letting the operators' group in (shards and dedicated instances alike)."""


@dataclass(frozen=True, kw_only=True)
class SolobasePlatformProps:
    """Everything an environment's platform stack builds."""

    names: Names
    repository_name: str
    platform: ContainerPlatformProps
    topic_name: str
    management: FargateServiceProps
    management_host: str
    shards: tuple[tuple[str, str], ...]
    """(shard, identifier) in order."""
    shard_database: PostgresInstanceProps
    backup_region: str | None
    instance_registry: ContainerRegistryProps
    binaries_bucket: str
    """Looked up, never created here: the bootstrap stack creates it (or it exists already)."""
    trail: AuditTrailProps
    keys: KmsKeyProps
    dashboard_name: str | None
    concurrency_limit: int
    account_environments: tuple[str, ...]
    """Every environment in this one's account (empty: an account of its own)."""
    owns_account_resources: bool
    """Makes what the account holds once: the multi-region trail and the account's concurrency alarm."""
    dumps: PrivateBucketProps


class SolobasePlatformStack(AwsStack):
    """``solobase-<env>``: what every customer instance of the environment shares.

    - The network (``solobase-<env>-vpc``): public subnets for the ALB and NAT,
      private subnets for instances and the management service, isolated
      database subnets; interface endpoints for ECR, CloudWatch Logs and
      Secrets Manager, the S3 gateway endpoint.
    - Shards ``solobase-shared-<env>-NN``, one per shard of the registry:
      PostgreSQL encrypted with the platform's data key, TLS forced, master
      password managed by RDS in Secrets Manager under the secrets key and
      rotated every 90 days; in prod automated backups copied to the backup
      region (the management database's too, and Business instances'
      dedicated databases' from their own stacks, under the same key
      ``solobase-<env>-backups`` there). Each admits on 5432 two security
      groups and no address range: its clients' group
      ``solobase-shared-<env>-NN-clients`` (the instances placed on it join
      it) and ``solobase-<env>-database-operators`` (hosts running the shard
      stacks and tenant moves).
    - The management platform: ``solobase-<env>-management`` on Fargate at
      ``manage.<domain>`` (host rule 1 on the HTTPS ALB ``solobase-<env>-alb``,
      whose certificate also covers ``*.<domain>`` for the instances), its
      PostgreSQL ``solobase-<env>-postgres``; the database URL (without
      password) in ``solobase-<env>/management/database``, the password given
      to each task as ``PGPASSWORD`` from the RDS-managed secret when it starts
      (RDS rotates it every 90 days), with libpq's PGHOST, PGPORT, PGDATABASE,
      PGUSER and PGSSLMODE.
    - For the instances: the image repository ``solobase-<env>-instance`` (ECS
      runtime), the key ``solobase-<env>-instances`` encrypting their Lambda
      environments; the binaries bucket is looked up (the bootstrap stack makes it).
    - The bucket ``solobase-<env>-database-dumps-<account>`` (data key): a removed
      customer's final ``pg_dump`` (``make tenant-remove``), kept ``[dumps] expiration_days``.
    - CloudTrail ``solobase-<env>-trail`` with its alarms; alarms on every
      shard and on the account's Lambda functions, to
      the environment's alert topic (``solobase-infrastructure-alerts`` in
      prod); the dashboard in prod.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> SolobasePlatformProps:
        settings = spec.settings_of(SolobaseSettings)
        names = Names(settings.environment)
        shards: tuple[str, ...] = spec.arguments["shards"]
        # The ALB's certificate also covers every instance host (*.<domain>) when instances have custom domains.
        extra_names = (f"*.{settings.instances.domain}",) if settings.instances.enable_custom_domains else ()
        return SolobasePlatformProps(
            names=names,
            repository_name=settings.repository_name,
            platform=dataclasses.replace(
                settings,
                load_balancer=dataclasses.replace(settings.load_balancer, subject_alternative_names=extra_names),
            ),
            topic_name=settings.alert_topic_name,
            management=settings.management,
            management_host=str(settings.load_balancer.domain_name),
            shards=tuple((shard, names.shard_identifier(shard)) for shard in shards),
            shard_database=settings.shared_database,
            backup_region=settings.backup_region,
            instance_registry=settings.registry,
            binaries_bucket=settings.binaries.bucket_name,
            trail=settings.trail,
            keys=settings.keys,
            dashboard_name=settings.dashboard_name,
            concurrency_limit=settings.tenancy.account_concurrency_limit,
            account_environments=settings.account_environments,
            owns_account_resources=settings.owns_account_resources,
            dumps=settings.dumps,
        )

    def __init__(self, scope: Construct, spec: StackSpec, props: SolobasePlatformProps) -> None:
        super().__init__(scope, spec)
        names = props.names
        prefix = names.prefix
        platform = ContainerPlatform(
            self,
            "Platform",
            prefix=prefix,
            repository_name=props.repository_name,
            props=props.platform,
            topic_name=props.topic_name,
            names=names.platform,
        )
        network = platform.network
        monitoring = platform.monitoring

        backup_key = None
        backup_scope = None
        if props.backup_region is not None:
            backup_scope = self.region("backup", props.backup_region)
            backup_key = KmsKey(
                backup_scope,
                "BackupKey",
                alias=names.backup_key_alias,
                description=f"Copies of {prefix}'s automated database backups",
                props=props.keys,
            )
        operators = SecurityGroup(
            self,
            "DatabaseOperators",
            name=names.database_operators_group,
            description=f"Operators' hosts reaching {prefix}'s databases (shard stacks, tenant moves)",
            vpc_id=network.vpc_id,
        )
        self.shards: list[PostgresInstance] = []
        self.shard_clients: list[SecurityGroup] = []
        for shard, identifier in props.shards:
            database = PostgresInstance(
                self,
                f"Shard{shard}",
                identifier=identifier,
                vpc_id=network.vpc_id,
                subnet_ids=list(network.data_subnet_ids),
                storage_key=platform.data_key,
                secret_key=platform.secrets_key,
                props=props.shard_database,
            )
            clients = SecurityGroup(
                self,
                f"Shard{shard}Clients",
                name=names.shard_clients_group(shard),
                description=f"Customer instances on {identifier}",
                vpc_id=network.vpc_id,
            )
            database.allow_from(clients, label=CLIENTS_LABEL)
            database.allow_from(operators, label=OPERATORS_LABEL)
            self.shard_clients.append(clients)
            monitoring.watch_database(database, key=f"Shard{shard}")
            if backup_scope is not None and backup_key is not None:
                database.replicate_backups(backup_scope, f"Shard{shard}BackupReplication", kms_key=backup_key)
            self.shards.append(database)

        management_secret = platform.secret(
            "ManagementDatabaseSecret",
            name=f"{prefix}/management/database",
            description="Management database URL and parts (the password is in the RDS-managed secret)",
        )
        platform.database.write_connection_secret(management_secret)
        if backup_scope is not None and backup_key is not None:
            platform.database.replicate_backups(backup_scope, "ManagementBackupReplication", kms_key=backup_key)
        # RDS rotates the password every 90 days: tasks read it from the managed secret when they start.
        client = platform.database.client_settings()
        management = platform.add_service(
            "Management",
            container_name="management",
            log_group_name=f"/ecs/{prefix}/management",
            secrets={"DATABASE_URL": management_secret.key("url"), **client.secrets},
            environment=client.environment,
            props=props.management,
            route=Route(hosts=(props.management_host,), priority=MANAGEMENT_PRIORITY),
        )

        instance_registry = ContainerRegistry(
            self, "InstanceRegistry", name=names.instance_repository, props=props.instance_registry
        )
        instances_key = KmsKey(
            self,
            "InstancesKey",
            alias=names.instances_key_alias,
            description=f"Lambda environments of {prefix}'s customer instances",
            props=props.keys,
        )
        binaries = DataAwsS3Bucket(self, "ExistingBinaries", bucket=props.binaries_bucket).bucket
        dumps = PrivateBucket(
            self,
            "DumpsBucket",
            bucket_name=names.dumps_bucket(account_id(self)),
            props=dataclasses.replace(props.dumps, kms_key_arn=platform.data_key.arn),
        )
        # Customers' databases: every read of a dump is recorded (docs/systems/solobase.md).
        dumps.log_access_to(platform.access_log_bucket)

        trail = None
        if props.owns_account_resources:
            # Multi-region: one trail records the whole account, every environment in it included.
            trail = AuditTrail(self, "Audit", name=f"{prefix}-trail", props=props.trail, keys=props.keys)
            monitoring.watch_audit_trail(trail)
            # Account-wide Lambda metrics are this environment's only in an account of its own; where it
            # shares one, each function's alarms (by FunctionName, in its stack) cover its own, and the
            # account's quota, which every environment in it draws on, is alarmed once.
            monitoring.watch_account_functions(
                concurrency_limit=props.concurrency_limit, with_errors=not props.account_environments
            )

        dashboard = None
        if props.dashboard_name is not None:
            dashboard = ServiceDashboard(
                self, "Dashboard", name=props.dashboard_name, databases=self.shards, lambda_functions=True
            )

        platform.declare_outputs(data_prefix="management_")
        output(self, "management_service_name", management.service_name, "ECS service of the management platform")
        output(self, "management_url", f"https://{props.management_host}", "Where the management platform answers")
        output(
            self,
            "management_database_secret_arn",
            management_secret.arn,
            "Secret with the management database URL (key url)",
        )
        output(
            self,
            "database_operators_security_group_id",
            operators.id,
            "Security group every database admits on 5432: put the host running shard stacks and tenant moves in it",
        )
        for (shard, _), database, clients in zip(props.shards, self.shards, self.shard_clients, strict=True):
            output(self, f"shard_{shard}_endpoint", database.endpoint, f"Endpoint of {database.identifier} (private)")
            output(
                self,
                f"shard_{shard}_clients_security_group_id",
                clients.id,
                f"Security group {database.identifier} admits: its instances' functions and tasks join it",
            )
            output(
                self,
                f"shard_{shard}_master_secret_arn",
                database.master_secret_arn,
                f"Secret RDS manages with the master credentials of {database.identifier}",
            )
        output(self, "instance_repository_url", instance_registry.url, "Push the ECS runtime's instance images here")
        output(self, "instances_key_arn", instances_key.arn, "KMS key of the instances' Lambda environments")
        output(self, "binaries_bucket_name", binaries, "Upload instance packages (solobase-<version>.zip) here")
        output(
            self,
            "database_dumps_bucket_name",
            dumps.name,
            "Final pg_dump of each removed customer's database (make tenant-remove's runbook)",
        )
        if trail is not None:
            output(self, "cloudtrail_trail_arn", trail.arn, "The multi-region CloudTrail trail")
            output(self, "cloudtrail_bucket_name", trail.bucket.name, "Bucket holding the trail's log files")
        if dashboard is not None:
            output(self, "cloudwatch_dashboard_url", dashboard.url, "CloudWatch dashboard of the shards and instances")


@dataclass(frozen=True, kw_only=True)
class SolobaseTenantProps:
    """Everything one customer instance's stack builds."""

    names: Names
    tenant: Tenant
    host: str | None
    """``<subdomain>.<domain>``; None when custom domains are off (the distribution's own name serves)."""
    management_host: str
    topic_name: str
    code: FunctionCode
    function: LambdaFunctionProps
    container: FargateServiceProps
    cdn: CdnDistributionProps
    dedicated_database: PostgresInstanceProps | None
    backup_region: str | None
    """Where a dedicated database's automated backups are copied (the platform's backup region); None: nowhere."""
    monitoring: MonitoringProps
    secrets: SecretProps
    b2_bucket_name: str
    b2_endpoint: str
    hosted_zone_id: str | None
    origin_secret_version: int


class SolobaseTenantStack(AwsStack):
    """``solobase-<env>-tenant-<subdomain>``: one customer instance at ``https://<subdomain>.<domain>``.

    Lambda runtime: function ``solobase-<id8>`` (custom runtime, the package
    in the binaries bucket) in the VPC's private subnets, reserved concurrency
    by plan, log group ``/aws/lambda/solobase-<id8>``; in front of it the
    HTTP API ``solobase-<id8>`` (payload 2.0, the function URL's event), whose
    only route asks the check ``solobase-<id8>-origin`` first: it admits
    requests carrying ``x-origin-verify`` with the value of
    ``solobase-<env>/<instance id>/origin``, which only the CloudFront
    distribution sends (with the instance's host name and the platform's
    us-east-1 certificate); alarms on both functions' errors, throttles and
    duration. ECS runtime: service
    ``solobase-<id8>`` on the platform's cluster, behind the platform's ALB
    with a host rule at the registry's priority. Business: a dedicated RDS
    instance ``solobase-dedicated-<env>-<id8>``, whose automated backups are
    copied to the platform's backup region (prod), under its key there.

    The function or tasks reach PostgreSQL through one security group, their
    database's clients group, and no address range: the shard's
    ``solobase-shared-<env>-NN-clients`` (made by the platform, found by
    name), or for Business ``solobase-dedicated-<env>-<id8>-clients``, made
    here with the dedicated instance, which admits it and the platform's
    operators' group only.

    The role of either may write its logs and read its own secrets:
    ``solobase-<env>/<instance id>/database`` (its shard role's credentials,
    written by the shard's databases stack) or, for Business, the dedicated
    instance's RDS-managed secret; ``solobase-<env>/<instance id>/b2`` (made
    here, empty: operators put ``{"key_id": ..., "app_key": ...}`` in it). The
    instance gets their names, never their values, in its environment.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> SolobaseTenantProps:
        settings = spec.settings_of(SolobaseSettings)
        tenant: Tenant = spec.arguments["tenant"]
        instances = settings.instances
        plan = settings.tenancy.plans.of(tenant.plan)
        return SolobaseTenantProps(
            names=Names(settings.environment),
            tenant=tenant,
            host=f"{tenant.subdomain}.{instances.domain}" if instances.enable_custom_domains else None,
            management_host=str(settings.load_balancer.domain_name),
            topic_name=settings.alert_topic_name,
            code=FunctionCode(s3_bucket=settings.binaries.bucket_name, s3_key=settings.binaries.package_key),
            function=dataclasses.replace(instances.function, reserved_concurrency=plan.reserved_concurrency),
            container=instances.container,
            cdn=instances.cdn,
            dedicated_database=instances.dedicated_database if Plan(tenant.plan).dedicated_database else None,
            backup_region=settings.backup_region,
            monitoring=settings.monitoring,
            secrets=settings.secrets,
            b2_bucket_name=instances.b2.bucket_name(tenant.instance_id),
            b2_endpoint=instances.b2.endpoint,
            hosted_zone_id=instances.hosted_zone_id,
            origin_secret_version=instances.origin_secret_version,
        )

    def __init__(self, scope: Construct, spec: StackSpec, props: SolobaseTenantProps) -> None:
        super().__init__(scope, spec, tags={"Tenant": props.tenant.instance_id})
        tenant = props.tenant
        names = props.names
        name = tenant.function_name
        network = NetworkLookup(self, "Network", name=names.platform.network)
        secrets_key = KmsKeyLookup(self, "SecretsKey", alias=names.platform.secrets_key_alias)
        topic = DataAwsSnsTopic(self, "AlertTopic", name=props.topic_name)
        monitoring = Monitoring(
            self, "Monitoring", name=name, kms_key=None, props=props.monitoring, existing_topic_arn=topic.arn
        )

        b2 = Secret(
            self,
            "B2Secret",
            name=names.b2_secret(tenant.instance_id),
            description=f"Backblaze B2 key_id and app_key of {tenant.subdomain}, filled by operators",
            kms_key=secrets_key,
            props=props.secrets,
        )
        if props.dedicated_database is not None:
            database = PostgresInstance(
                self,
                "Database",
                identifier=names.dedicated_identifier(tenant),
                vpc_id=network.vpc_id,
                subnet_ids=network.database_subnet_ids,
                storage_key=KmsKeyLookup(self, "DataKey", alias=names.platform.data_key_alias),
                secret_key=secrets_key,
                props=props.dedicated_database,
            )
            clients = SecurityGroup(
                self,
                "DatabaseClients",
                name=names.dedicated_clients_group(tenant),
                description=f"Solobase instance {tenant.subdomain}, the only client of {database.identifier}",
                vpc_id=network.vpc_id,
            )
            database.allow_from(clients, label=CLIENTS_LABEL)
            operators = SecurityGroup.by_name(
                self, "DatabaseOperators", name=names.database_operators_group, vpc_id=network.vpc_id
            )
            database.allow_from(operators, label=OPERATORS_LABEL)
            monitoring.watch_database(database)
            if props.backup_region is not None:
                backups = self.region("backup", props.backup_region)
                database.replicate_backups(
                    backups,
                    "DatabaseBackupReplication",
                    kms_key=KmsKeyLookup(backups, "BackupKey", alias=names.backup_key_alias),
                )
            database_secret: str = database.master_secret_arn
            database_credentials: Grantable = database.master_secret
            host, port, database_name = (
                database.address,
                str(props.dedicated_database.port),
                props.dedicated_database.database_name,
            )
        else:
            shard = DataAwsDbInstance(self, "Shard", db_instance_identifier=names.shard_identifier(tenant.shard or ""))
            clients = SecurityGroup.by_name(
                self, "ShardClients", name=names.shard_clients_group(tenant.shard or ""), vpc_id=network.vpc_id
            )
            credentials = SecretByName(
                self,
                "DatabaseSecret",
                name=names.database_secret(tenant.instance_id),
                kms_key=secrets_key,
            )
            database_secret = credentials.name
            database_credentials = credentials
            host, port, database_name = shard.address, Token.as_string(shard.port), tenant.database_name
        environment = {
            "SOLOBASE_INSTANCE_ID": tenant.instance_id,
            "DATABASE_HOST": host,
            "DATABASE_PORT": port,
            "DATABASE_NAME": database_name,
            "DATABASE_SSLMODE": "require",
            "DATABASE_SECRET_ID": database_secret,
            "B2_SECRET_ID": b2.name,
            "B2_BUCKET_NAME": props.b2_bucket_name,
            "B2_ENDPOINT": props.b2_endpoint,
        }
        if props.host is not None:
            # Without a custom domain the URL is the distribution's, which depends on the function: not known here.
            environment["SOLOBASE_URL"] = f"https://{props.host}"
        # The instance's code reads both at run time.
        secrets = (database_credentials, b2)
        # Its function or tasks join its database's client group, and no other: the only way to 5432.
        if Runtime(tenant.runtime) is Runtime.LAMBDA:
            self._lambda(props, network, clients, environment, secrets, monitoring, secrets_key)
        else:
            self._ecs(props, network, clients, environment, secrets, monitoring)
        output(self, "database_secret_id", database_secret, "Secret with the instance's database credentials")
        output(self, "b2_secret_arn", b2.arn, "Secret operators fill with the instance's Backblaze B2 keys")

    def _lambda(
        self,
        props: SolobaseTenantProps,
        network: NetworkLookup,
        clients: SecurityGroup,
        environment: Mapping[str, str],
        secrets: Sequence[Grantable],
        monitoring: Monitoring,
        secrets_key: KmsKeyLookup,
    ) -> None:
        tenant = props.tenant
        instances_key = KmsKeyLookup(self, "InstancesKey", alias=props.names.instances_key_alias)
        function = LambdaFunction(
            self,
            "Function",
            name=tenant.function_name,
            description=f"Solobase instance {tenant.subdomain} ({tenant.instance_id}, {tenant.plan})",
            code=props.code,
            props=props.function,
            environment=environment,
            kms_key=instances_key,
            network=network,
            security_groups=(clients,),
        )
        group = function.security_group
        if group is None:  # a function in a network has one; this narrows the type
            raise LookupError(f"{tenant.function_name} has no security group")
        group.allow_egress_to_cidr(ANY_IPV4, 443, label="HTTPS to AWS APIs and Backblaze B2")
        for secret in secrets:
            secret.grant_read(function)
        # Ordinary clients' writes (POST with a body, Authorization: Bearer) reach the function unchanged
        # through an HTTP API, which only the distribution may call: docs/systems/solobase.md, "Requests".
        origin = OriginVerification(
            self,
            "Origin",
            name=f"{tenant.function_name}-origin",
            secret_name=props.names.origin_secret(tenant.instance_id),
            description=f"Solobase instance {tenant.subdomain}",
            version=props.origin_secret_version,
            secret_key=secrets_key,
            environment_key=instances_key,
            network=network,
            log_retention_days=props.function.log_retention_days,
            secret_props=props.secrets,
        )
        api = HttpApi(
            self,
            "Api",
            name=tenant.function_name,
            function=function,
            log_retention_days=props.function.log_retention_days,
            authorizer=origin.authorizer,
        )
        certificate_arn = None
        if props.host is not None:
            # The platform's certificate: manage.<domain>, with *.<domain> for every instance.
            certificate_arn = DataAwsAcmCertificate(
                self, "Certificate", domain=props.management_host, statuses=["ISSUED"], most_recent=True
            ).arn
        cdn = CdnDistribution(
            self,
            "Cdn",
            name=tenant.function_name,
            origin=CdnOrigin.https(
                origin_id="api", domain_name=api.domain_name, custom_headers={origin.header: origin.header_value}
            ),
            props=dataclasses.replace(props.cdn, domain_name=props.host),
            certificate_arn=certificate_arn,
        )
        monitoring.watch_function(function)
        monitoring.watch_function(origin.function, key="OriginCheck")
        if props.hosted_zone_id is not None:
            self._record(props, cdn.domain_name, cdn.hosted_zone_id)
        url_host = props.host or cdn.domain_name
        output(self, "instance_url", f"https://{url_host}", "Where the instance answers")
        output(self, "function_name", tenant.function_name, "Lambda function of the instance")
        output(self, "api_endpoint", api.endpoint, "HTTP API in front of the function (answers only the distribution)")
        output(self, "origin_secret_arn", origin.secret.arn, "Secret whose value the distribution sends the API")
        cdn.declare_outputs()

    def _ecs(
        self,
        props: SolobaseTenantProps,
        network: NetworkLookup,
        clients: SecurityGroup,
        environment: Mapping[str, str],
        secrets: Sequence[Grantable],
        monitoring: Monitoring,
    ) -> None:
        tenant = props.tenant
        names = props.names
        container = dataclasses.replace(props.container, environment={**props.container.environment, **environment})
        if container.container_port is None:
            raise ValueError("the ECS runtime needs instances.container.container_port")
        if props.host is None:  # the registry check refuses this first; this narrows the type
            raise ValueError(f"{tenant.subdomain}: the ECS runtime needs a custom domain")
        load_balancer = LoadBalancerLookup(
            self, "LoadBalancer", name=names.platform.load_balancer, vpc_id=network.vpc_id
        )
        target = ListenerTarget(
            self,
            "Target",
            listener=load_balancer.reference,
            name=tenant.function_name,
            port=container.container_port,
            health_check_path=container.health_check_path,
            route=Route(hosts=(props.host,), priority=tenant.listener_priority),
        )
        service = FargateService(
            self,
            "Service",
            name=tenant.function_name,
            container_name="solobase",
            cluster=EcsClusterLookup(self, "Cluster", name=names.platform.cluster),
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            repository=ContainerRegistryLookup(self, "Registry", name=names.instance_repository),
            log_group_name=f"/ecs/{tenant.function_name}",
            secrets={},
            props=container,
            target=target,
            security_groups=(clients,),
        )
        for secret in secrets:
            secret.grant_read(service.task_role)
        monitoring.watch_service(service, key="Service")
        monitoring.watch_target(target, key="Service")
        if props.hosted_zone_id is not None:
            self._record(props, load_balancer.dns_name, load_balancer.zone_id)
        output(self, "instance_url", f"https://{props.host}", "Where the instance answers")
        output(self, "ecs_service_name", service.service_name, "ECS service of the instance")

    def _record(self, props: SolobaseTenantProps, target: str, zone_id: str) -> None:
        Route53Record(
            self,
            "Record",
            zone_id=props.hosted_zone_id or "",
            name=props.host or "",
            type="A",
            alias=Route53RecordAlias(name=target, zone_id=zone_id, evaluate_target_health=False),
        )


@dataclass(frozen=True, kw_only=True)
class SolobaseShardProps:
    """One shard's tenants, how their roles are limited, and their databases' protection."""

    names: Names
    identifier: str
    admin_database: str
    tenants: tuple[Tenant, ...]
    plans: PlansSettings
    database: ServiceDatabaseProps
    secrets: SecretProps


class SolobaseShardDatabasesStack(ExternalProviderStack):
    """``solobase-<env>-shard-<NN>-databases``: every shared instance's database and role on one shard.

    The PostgreSQL provider connects to the shard as its master user, whose
    credentials come from the shard's RDS-managed secret through an ephemeral
    read: they are in no state and no file. Per instance: role ``user_<id>``
    (login, CONNECTION LIMIT by plan, password generated at apply time and
    sent write-only), database ``instance_<id>`` owned by it with the same
    limit and no CONNECT for PUBLIC (instances cannot reach each other's
    databases), and the secret ``solobase-<env>/<id>/database`` holding
    ``{url, host, port, username, password, dbname}``, written write-only from
    the same generated password. Raise the entry's ``password_version`` to
    give a role a new password. PUBLIC loses CONNECT on the shard's admin
    database too, so each role connects to its own database and nowhere else.
    The provider must reach the shard's private address: run this stack from a
    host in the security group ``solobase-<env>-database-operators``.

    The databases are one block keyed by instance id (:class:`DatabaseSet`),
    under ``prevent_destroy`` outside dev: an entry deleted from the registry
    by hand fails the plan naming its database; ``make tenant-remove`` is the
    way a customer goes.
    """

    @classmethod
    def configure(cls, spec: StackSpec) -> SolobaseShardProps:
        settings = spec.settings_of(SolobaseSettings)
        shard: str = spec.arguments["shard"]
        names = Names(settings.environment)
        return SolobaseShardProps(
            names=names,
            identifier=names.shard_identifier(shard),
            admin_database=settings.shared_database.database_name,
            tenants=tuple(spec.arguments["tenants"]),
            plans=settings.tenancy.plans,
            database=settings.instances.shard_database,
            secrets=settings.secrets,
        )

    def __init__(self, scope: Construct, spec: StackSpec, props: SolobaseShardProps) -> None:
        super().__init__(scope, spec)
        self.aws()
        shard = rds_postgresql_provider(
            self, "Postgresql", instance_identifier=props.identifier, database=props.admin_database
        )
        # The provider's own database: no instance's role may connect to it either.
        revoke_public(self, "AdminDatabaseRevokePublic", database=props.admin_database)
        secrets_key = KmsKeyLookup(self, "SecretsKey", alias=props.names.platform.secrets_key_alias)
        scopes = {tenant.instance_id: Construct(self, f"Instance{tenant.id8.upper()}") for tenant in props.tenants}
        roles = {
            tenant.instance_id: self._instance(scopes[tenant.instance_id], props, tenant, shard, secrets_key)
            for tenant in props.tenants
        }
        databases = DatabaseSet(
            self,
            "TenantDatabases",
            entries={
                tenant.instance_id: DatabaseEntry(
                    name=tenant.database_name,
                    owner=roles[tenant.instance_id],
                    connection_limit=self._limit(props, tenant),
                )
                for tenant in props.tenants
            },
            protected=props.database.deletion_protection,
        )
        for tenant in props.tenants:
            ServiceDatabase(
                scopes[tenant.instance_id],
                "Database",
                databases=databases,
                key=tenant.instance_id,
                props=props.database,
            )
        output(self, "shard_identifier", props.identifier, "The shared RDS instance these databases live on")
        output(
            self,
            "instance_databases",
            [tenant.database_name for tenant in props.tenants],
            "Databases of the instances on this shard",
        )

    @staticmethod
    def _limit(props: SolobaseShardProps, tenant: Tenant) -> int:
        return props.plans.of(tenant.plan).connection_limit or -1

    def _instance(
        self, scope: Construct, props: SolobaseShardProps, tenant: Tenant, shard: DataAwsDbInstance, key: KmsKeyLookup
    ) -> LoginRole:
        password = EphemeralPassword(scope, "Password")
        role = LoginRole(
            scope,
            "Role",
            name=tenant.role_name,
            password=WriteOnlyPassword(value=f"${{{password.value}}}", version=str(tenant.password_version)),
            props=LoginRoleProps(connection_limit=self._limit(props, tenant)),
        )
        secret = Secret(
            scope,
            "Secret",
            name=props.names.database_secret(tenant.instance_id),
            description=f"Database role of Solobase instance {tenant.subdomain}, written by Terraform",
            kms_key=key,
            props=props.secrets,
        )
        version = write_postgres_url(
            secret,
            username=json.dumps(tenant.role_name),
            password=password.value,
            host=shard.address,
            port=Token.as_string(shard.port),
            database_name=tenant.database_name,
            version_source=f'"{tenant.instance_id}:{tenant.password_version}"',
            with_password=True,
        )
        # A role made again gets a new password: the secret is written again with it. (An override:
        # cdktf renders replace_triggered_by as "${...}", which Terraform's JSON syntax refuses there.)
        version.add_override("lifecycle.replace_triggered_by", [role.address])
        return role
