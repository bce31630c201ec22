"""Tenant commands: ``python -m infra.systems.solobase.cli <command> ...`` (``make tenant-add|move|rotate``).

tenant-add places a new customer instance (see placement) and writes it into
the environment's registry, then says what to deploy. tenant-move prints the
runbook that moves a shared instance to its own RDS instance (Business):
the document's pg_dump, dedicated RDS, restore, switch and drop, as exact
commands for that instance; ``--write-registry`` makes the one registry change
the runbook asks for, at its step 3. tenant-rotate gives a shared instance's
database role a new password (the document rotates credentials every 90 days).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from infra import registry
from infra.systems.solobase import SYSTEM, tenants
from infra.systems.solobase.contracts import Names
from infra.systems.solobase.placement import Placement
from infra.systems.solobase.settings import ENVIRONMENTS, SolobaseSettings
from infra.systems.solobase.tenants import Plan, Runtime, Tenant, TenantRegistry
from infra.validation import ConfigError


def _settings(environment: str) -> SolobaseSettings:
    return registry.load(SYSTEM, environment)


def _registry(settings: SolobaseSettings) -> TenantRegistry:
    directory = tenants.tenants_dir()
    tenants.reject_stray_files(directory, ENVIRONMENTS)
    return tenants.load(settings.environment, directory)


def tenant_add(environment: str, subdomain: str, plan: str, runtime: str, instance_id: str | None) -> int:
    settings = _settings(environment)
    placement = Placement(_registry(settings), settings.tenancy, settings.max_connections)
    placed = placement.add(subdomain=subdomain, plan=plan, runtime=runtime, instance_id=instance_id)
    path = tenants.save(placement.registry)
    tenant = placed.tenant
    names = Names(environment)
    print(f"added {tenant.subdomain} ({tenant.instance_id}, {tenant.plan}, {tenant.runtime}) to {path}")
    steps = []
    if tenant.shard is None:
        print("  database: a dedicated RDS instance (business plan), made by its own stack")
    else:
        use = tenants.usage(placement.registry, settings.tenancy.plans)[tenant.shard]
        budget = settings.tenancy.connection_budget(settings.max_connections)
        print(
            f"  shard {tenant.shard} ({names.shard_identifier(tenant.shard)}): {use.databases}/"
            f"{settings.tenancy.max_databases_per_shard} databases, {use.connections}/{budget} connections"
        )
        if placed.opened_shard:
            print(f"  opened shard {placed.opened_shard}: every existing shard was full")
            steps.append(f"make deploy STACK={names.platform_stack_id}")
        steps.append(f"make deploy STACK={names.shard_stack_id(tenant.shard)}")
    if tenant.listener_priority is not None:
        print(f"  ALB host rule priority {tenant.listener_priority}")
    steps.append(f"make deploy STACK={names.tenant_stack_id(tenant.subdomain)}")
    print("commit the registry, then deploy in this order:")
    for step in steps:
        print(f"  {step}")
    return 0


def runbook(settings: SolobaseSettings, tenant: Tenant) -> str:
    """The exact commands that move ``tenant`` from its shard to a dedicated RDS instance."""
    env = settings.environment
    names = Names(env)
    region = settings.region
    shard = names.shard_identifier(tenant.shard or "")
    dedicated = names.dedicated_identifier(tenant)
    stack = names.tenant_stack_id(tenant.subdomain)
    shard_stack = names.shard_stack_id(tenant.shard or "")
    dump = f"{tenant.database_name}.dump"
    admin_db = settings.instances.dedicated_database.database_name or "solobase"
    admin_user = settings.instances.dedicated_database.master_username or "solobase_admin"
    secret = names.database_secret(tenant.instance_id)
    if Runtime(tenant.runtime) is Runtime.LAMBDA:
        freeze = (
            f"aws lambda put-function-concurrency --region {region} --function-name {tenant.function_name} "
            "--reserved-concurrent-executions 0"
        )
    else:
        freeze = (
            f"aws ecs update-service --region {region} --cluster {names.platform.cluster} "
            f"--service {tenant.function_name} --desired-count 0"
        )
    return f"""\
# Move {tenant.subdomain} ({tenant.instance_id}) from {shard} to its own RDS instance {dedicated}.
# Run from a machine that reaches the VPC's database subnets, with AWS credentials for {env}.
# The instance is down from step 1 until step 6.

# 1. Stop writes: the instance answers nothing until step 6.
{freeze}

# 2. Dump its database from the shard, as its own role (pg_dump custom format).
SHARD_HOST=$(aws rds describe-db-instances --region {region} --db-instance-identifier {shard} \\
  --query 'DBInstances[0].Endpoint.Address' --output text)
export PGPASSWORD=$(aws secretsmanager get-secret-value --region {region} --secret-id {secret} \\
  --query SecretString --output text | jq -r .password)
pg_dump "host=$SHARD_HOST port=5432 dbname={tenant.database_name} user={tenant.role_name} sslmode=require" \\
  --format=custom --no-owner --no-privileges --file={dump}
unset PGPASSWORD

# 3. Record the move: the registry entry becomes business (no shard). Commit it.
#    From here until step 8, do not deploy {shard_stack}: it would drop the database.
make tenant-move ENV={env} SUBDOMAIN={tenant.subdomain} WRITE=1

# 4. Create the dedicated RDS instance only (the rest of the instance's stack changes at step 6).
make synth STACKS={stack}
terraform -chdir=cdktf.out/stacks/{stack} init
terraform -chdir=cdktf.out/stacks/{stack} apply \\
  -target="aws_db_instance.$(jq -r '.resource.aws_db_instance | keys[0]' cdktf.out/stacks/{stack}/cdk.tf.json)"

# 5. Restore into it, as its master user (RDS-managed secret).
DEDICATED_HOST=$(aws rds describe-db-instances --region {region} --db-instance-identifier {dedicated} \\
  --query 'DBInstances[0].Endpoint.Address' --output text)
DEDICATED_SECRET=$(aws rds describe-db-instances --region {region} --db-instance-identifier {dedicated} \\
  --query 'DBInstances[0].MasterUserSecret.SecretArn' --output text)
export PGPASSWORD=$(aws secretsmanager get-secret-value --region {region} --secret-id "$DEDICATED_SECRET" \\
  --query SecretString --output text | jq -r .password)
pg_restore --no-owner --no-privileges --exit-on-error \\
  --dbname "host=$DEDICATED_HOST port=5432 dbname={admin_db} user={admin_user} sslmode=require" {dump}
unset PGPASSWORD

# 6. Switch: the instance now reads the dedicated database; its plan's concurrency is restored.
make deploy STACK={stack}

# 7. Check it answers.
curl -fsS https://{tenant.subdomain}.{settings.instances.domain}/ >/dev/null && echo ok

# 8. Drop it from the shared instance: its database, role and secret leave {shard_stack}.
make deploy STACK={shard_stack}
rm {dump}
"""


def tenant_move(environment: str, subdomain: str, write_registry: bool) -> int:
    settings = _settings(environment)
    registry = _registry(settings)
    tenants.check(registry, settings.tenancy, settings.max_connections)
    tenant = registry.find(subdomain)
    if Plan(tenant.plan).dedicated_database:
        raise ConfigError(
            f"{registry.where} {subdomain}.plan", "a shared plan to move to a dedicated instance", str(tenant.plan)
        )
    if not write_registry:
        print(runbook(settings, tenant), end="")
        return 0
    moved = replace(tenant, plan=Plan.BUSINESS, shard=None)
    updated = registry.with_tenants(moved if t is tenant else t for t in registry.tenants)
    tenants.check(updated, settings.tenancy, settings.max_connections)
    path = tenants.save(updated)
    print(f"{subdomain} is now business (dedicated database) in {path}; continue with step 4 of the runbook")
    return 0


def tenant_rotate(environment: str, subdomain: str) -> int:
    """Raise the instance's ``password_version`` in the registry and say what to deploy.

    The shard's databases stack then generates a new password and sends it to
    the role and to the instance's secret in one apply. A Business instance's
    database password is its RDS-managed master password: RDS rotates it.
    """
    settings = _settings(environment)
    registry = _registry(settings)
    tenants.check(registry, settings.tenancy, settings.max_connections)
    tenant = registry.find(subdomain)
    names = Names(environment)
    if tenant.shard is None:
        raise ConfigError(
            f"{registry.where} {subdomain}.shard",
            "a shard: a dedicated database's password is managed and rotated by RDS "
            f"(now: aws rds modify-db-instance --db-instance-identifier {names.dedicated_identifier(tenant)} "
            "--rotate-master-user-password --apply-immediately)",
            None,
        )
    rotated = replace(tenant, password_version=tenant.password_version + 1)
    path = tenants.save(registry.with_tenants(rotated if t is tenant else t for t in registry.tenants))
    restart = (
        f"aws ecs update-service --cluster {names.platform.cluster} --service {tenant.function_name} "
        "--force-new-deployment"
        if Runtime(tenant.runtime) is Runtime.ECS
        else f"aws lambda update-function-configuration --function-name {tenant.function_name} "
        f'--description "{subdomain}: database password {rotated.password_version}"'
    )
    print(f"{subdomain}: password_version {tenant.password_version} -> {rotated.password_version} in {path}")
    print("commit the registry, then:")
    print(f"  make deploy STACK={names.shard_stack_id(tenant.shard)}")
    print(f"    (role {tenant.role_name} and secret {names.database_secret(tenant.instance_id)} change in one run)")
    print(f"  {restart}")
    print("    (new connections then use the new password; open ones are not cut)")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m infra.systems.solobase.cli", description=__doc__.splitlines()[0] if __doc__ else ""
    )
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("tenant-add", help="place a new customer instance and write it into the registry")
    add.add_argument("--env", required=True, choices=ENVIRONMENTS)
    add.add_argument("--subdomain", required=True)
    add.add_argument("--plan", required=True, choices=[p.value for p in Plan])
    add.add_argument("--runtime", default=Runtime.LAMBDA.value, choices=[r.value for r in Runtime])
    add.add_argument("--instance-id", help="the instance's UUID (default: a new random one)")
    move = commands.add_parser("tenant-move", help="print the runbook moving a shared instance to its own RDS instance")
    move.add_argument("--env", required=True, choices=ENVIRONMENTS)
    move.add_argument("--subdomain", required=True)
    move.add_argument(
        "--write-registry", action="store_true", help="step 3: make the instance business in the registry"
    )
    rotate = commands.add_parser("tenant-rotate", help="give a shared instance's database role a new password")
    rotate.add_argument("--env", required=True, choices=ENVIRONMENTS)
    rotate.add_argument("--subdomain", required=True)
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "tenant-add":
            return tenant_add(args.env, args.subdomain, args.plan, args.runtime, args.instance_id)
        if args.command == "tenant-rotate":
            return tenant_rotate(args.env, args.subdomain)
        return tenant_move(args.env, args.subdomain, args.write_registry)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
