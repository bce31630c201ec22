"""Tenant commands: ``python -m infra.systems.solobase.cli tenant-add|tenant-move|tenant-remove|tenant-rotate ...``
(``make tenant-*``).

tenant-add places a new customer instance (see placement) and writes it into
the environment's registry, then says what to deploy. tenant-move prints the
runbook that moves a shared instance to its own RDS instance (Business):
the document's pg_dump, dedicated RDS, restore, switch and drop, as exact
commands for that instance; ``--write-registry`` makes the one registry change
the runbook asks for, at its step 3. tenant-remove is the one way a customer
goes: it lists what will go, prints the runbook (stop writes, a final pg_dump
to the environment's dumps bucket, destroy the instance's stack), asks, then
takes the entry out of the registry and prints how its database leaves the
shard (the teardown path lifting ``prevent_destroy`` for one deploy). Deleting
the entry by hand fails the shard's plan instead (infra.constructs.database_set).
tenant-rotate gives a shared instance's database role a new password (the
document rotates credentials every 90 days).
"""

from __future__ import annotations

import argparse
import shlex
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
    """The environment's settings, loaded with the others (so that it knows which share its account)."""
    found = next(s for s in registry.load_all([SYSTEM]) if s.environment == environment)
    if not isinstance(found, SolobaseSettings):  # the system's defaults make them: this narrows the type
        raise TypeError(f"solobase.{environment}: not SolobaseSettings")
    return found


def _registry(settings: SolobaseSettings) -> TenantRegistry:
    directory = tenants.tenants_dir()
    tenants.reject_stray_files(directory, ENVIRONMENTS)
    return tenants.load(settings.environment, directory)


def tenant_add(environment: str, subdomain: str, plan: str, runtime: str, instance_id: str | None) -> int:
    settings = _settings(environment)
    # Other environments in the account draw on its Lambda quota and hold instance names in it.
    elsewhere = [tenants.load(env) for env in settings.account_environments if env != environment]
    placement = Placement(_registry(settings), settings.tenancy, settings.max_connections, elsewhere=elsewhere)
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


DEDICATED_TARGETS = shlex.quote(
    ".resource as $r | ($r.aws_db_instance | to_entries[0]) as $db | $db.value.vpc_security_group_ids[0] as $group"
    ' | "aws_db_instance.\\($db.key)", (["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"][]'
    " as $type | ($r[$type] // {}) | to_entries[]"
    " | select(.value.security_group_id == $group or .value.referenced_security_group_id == $group)"
    ' | "\\($type).\\(.key)")'
)
"""jq over a tenant stack's cdk.tf.json: the addresses of its RDS instance and of every rule into or out of
that instance's security group (its clients' and the operators' ways in)."""


def _freeze(settings: SolobaseSettings, tenant: Tenant) -> str:
    """The command that stops ``tenant`` serving (and so writing): no concurrency, or no tasks."""
    region = settings.region
    if Runtime(tenant.runtime) is Runtime.LAMBDA:
        return (
            f"aws lambda put-function-concurrency --region {region} --function-name {tenant.function_name} "
            "--reserved-concurrent-executions 0"
        )
    return (
        f"aws ecs update-service --region {region} --cluster {Names(settings.environment).platform.cluster} "
        f"--service {tenant.function_name} --desired-count 0"
    )


def _master_secret(variable: str, region: str, identifier: str) -> str:
    """Shell setting ``variable`` to the ARN of the master-user secret RDS manages for ``identifier``."""
    return (
        f"{variable}=$(aws rds describe-db-instances --region {region} --db-instance-identifier {identifier} \\\n"
        "  --query 'DBInstances[0].MasterUserSecret.SecretArn' --output text)"
    )


def _host(variable: str, region: str, identifier: str) -> str:
    """Shell setting ``variable`` to the address of RDS instance ``identifier``."""
    return (
        f"{variable}=$(aws rds describe-db-instances --region {region} --db-instance-identifier {identifier} \\\n"
        "  --query 'DBInstances[0].Endpoint.Address' --output text)"
    )


def _password(region: str, secret: str) -> str:
    """Shell exporting ``PGPASSWORD`` from the ``password`` of secret ``secret`` (a name, ARN or ``"$VAR"``)."""
    return (
        f"export PGPASSWORD=$(aws secretsmanager get-secret-value --region {region} --secret-id {secret} \\\n"
        "  --query SecretString --output text | jq -r .password)"
    )


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
    shard_clients = names.shard_clients_group(tenant.shard or "")
    dedicated_clients = names.dedicated_clients_group(tenant)
    freeze = _freeze(settings, tenant)
    if Runtime(tenant.runtime) is Runtime.LAMBDA:
        groups_of = (
            f"aws lambda get-function-configuration --region {region} --function-name {tenant.function_name} "
            "--query 'VpcConfig.SecurityGroupIds' --output text"
        )
    else:
        groups_of = (
            f"aws ecs describe-services --region {region} --cluster {names.platform.cluster} "
            f"--services {tenant.function_name} "
            "--query 'services[0].networkConfiguration.awsvpcConfiguration.securityGroups' --output text"
        )
    return f"""\
# Move {tenant.subdomain} ({tenant.instance_id}) from {shard} to its own RDS instance {dedicated}.
# Run from a host in the security group {names.database_operators_group} (every database of {env}
# admits it on 5432, and no address range), with AWS credentials for {env}.
# The instance is down from step 1 until step 6.

# 1. Stop writes: the instance answers nothing until step 6.
{freeze}

# 2. Dump its database from the shard, as its own role (pg_dump custom format).
{_host("SHARD_HOST", region, shard)}
{_password(region, secret)}
pg_dump "host=$SHARD_HOST port=5432 dbname={tenant.database_name} user={tenant.role_name} sslmode=require" \\
  --format=custom --no-owner --no-privileges --file={dump}
unset PGPASSWORD

# 3. Record the move: the registry entry becomes business (no shard). Commit it.
#    From here until step 8, do not deploy {shard_stack}: it would drop the database.
make tenant-move ENV={env} SUBDOMAIN={tenant.subdomain} WRITE=1

# 4. Create the dedicated RDS instance only, with its security group rules: it admits its clients' group
#    {dedicated_clients} and the operators' group (step 5 restores through it). The rest of the
#    instance's stack changes at step 6.
make synth STACKS={stack}
terraform -chdir=cdktf.out/stacks/{stack} init
TARGETS=$(jq -r {DEDICATED_TARGETS} cdktf.out/stacks/{stack}/cdk.tf.json)
terraform -chdir=cdktf.out/stacks/{stack} apply $(printf -- '-target=%s ' $TARGETS)

# 5. Restore into it, as its master user (RDS-managed secret).
{_host("DEDICATED_HOST", region, dedicated)}
{_master_secret("DEDICATED_SECRET", region, dedicated)}
{_password(region, '"$DEDICATED_SECRET"')}
pg_restore --no-owner --no-privileges --exit-on-error \\
  --dbname "host=$DEDICATED_HOST port=5432 dbname={admin_db} user={admin_user} sslmode=require" {dump}
unset PGPASSWORD

# 6. Switch: the instance now reads the dedicated database; its plan's concurrency is restored; its
#    function or tasks leave {shard_clients} for {dedicated_clients}, so the shard
#    no longer admits them. The check prints "groups switched" only when they did.
make deploy STACK={stack}
JOINED=$(aws ec2 describe-security-groups --region {region} --group-ids $({groups_of}) \\
  --query 'SecurityGroups[].GroupName' --output text | tr -s '[:space:]' '\\n')
grep -qx {dedicated_clients} <<<"$JOINED" && ! grep -qx {shard_clients} <<<"$JOINED" && echo "groups switched"

# 7. Check it answers.
curl -fsS https://{tenant.subdomain}.{settings.instances.domain}/ >/dev/null && echo ok

{_drop_from_shard(settings, tenant, step=8)}
rm {dump}
"""


def _drop_from_shard(settings: SolobaseSettings, tenant: Tenant, *, step: int) -> str:
    """The step taking ``tenant``'s database, role and secret off its shard, once the registry says so."""
    env = settings.environment
    names = Names(env)
    shard_stack = names.shard_stack_id(tenant.shard or "")
    head = f"# {step}. Drop it from the shared instance: its database, role and secret leave {shard_stack}."
    if not settings.instances.shard_database.deletion_protection:
        return f"{head}\nmake deploy STACK={shard_stack}"
    return f"""{head}
#    The database is protected (prevent_destroy): lift that for this one deploy, the teardown path.
#    In config/solobase/{env}.toml (not committed) set
#      [instances.shard_database]
#      deletion_protection = false
#    The plan must destroy {tenant.database_name} (["{tenant.instance_id}"]), role {tenant.role_name},
#    its grant and its secret, and nothing else:
make diff STACK={shard_stack}
make deploy STACK={shard_stack}
#    Then take the setting out again: protection is back for every later deploy."""


def _what_goes(settings: SolobaseSettings, registry: TenantRegistry, tenant: Tenant) -> list[str]:
    names = Names(settings.environment)
    stack = names.tenant_stack_id(tenant.subdomain)
    runs_on = (
        f"Lambda function {tenant.function_name} and its CloudFront distribution"
        if Runtime(tenant.runtime) is Runtime.LAMBDA
        else f"ECS service {tenant.function_name} and its host rule on {names.platform.load_balancer}"
    )
    lines = [
        f"the entry {tenant.subdomain} ({tenant.instance_id}, {tenant.plan}) in {registry.where}",
        f"stack {stack}: {runs_on}, secret {names.b2_secret(tenant.instance_id)}",
    ]
    if tenant.shard is None:
        lines.append(
            f"stack {stack}: RDS instance {names.dedicated_identifier(tenant)} with its data (a final snapshot stays)"
        )
    else:
        lines.append(
            f"stack {names.shard_stack_id(tenant.shard)}: database {tenant.database_name} with its data, "
            f"role {tenant.role_name}, secret {names.database_secret(tenant.instance_id)}"
        )
    return lines


def removal_runbook(settings: SolobaseSettings, tenant: Tenant) -> str:
    """Steps 1 to 3: stop the instance, dump its database to the dumps bucket, destroy its stack."""
    env = settings.environment
    names = Names(env)
    region = settings.region
    stack = names.tenant_stack_id(tenant.subdomain)
    dump = f"{tenant.database_name}.dump"
    if tenant.shard is None:
        database = settings.instances.dedicated_database
        dedicated = names.dedicated_identifier(tenant)
        secret = '"$DB_SECRET"'
        connect = (
            f"{_host('DB_HOST', region, dedicated)}\n{_master_secret('DB_SECRET', region, dedicated)}\n"
            f"{_password(region, secret)}"
        )
        target = f"dbname={database.database_name} user={database.master_username}"
        port = database.port
    else:
        connect = (
            f"{_host('DB_HOST', region, names.shard_identifier(tenant.shard))}\n"
            f"{_password(region, names.database_secret(tenant.instance_id))}"
        )
        target = f"dbname={tenant.database_name} user={tenant.role_name}"
        port = settings.shared_database.port
    destroy = f"make destroy STACK={stack}"
    if tenant.shard is None and settings.instances.dedicated_database.deletion_protection:
        destroy = f"""#    Its RDS instance is protected: lift that for this one stack, the teardown path. In
#    config/solobase/{env}.toml (not committed) set
#      [instances.dedicated_database]
#      deletion_protection = false
make deploy STACK={stack}
{destroy}
#    Then take the setting out again."""
    return f"""\
# Remove {tenant.subdomain} ({tenant.instance_id}) from {env}. Run from a machine that reaches the VPC's
# database subnets, with AWS credentials for {env}. Nothing is gone until step 3.

# 1. Stop writes: the instance answers nothing from here on.
{_freeze(settings, tenant)}

# 2. Final dump of its database into the dumps bucket; check it reads back before anything goes.
BUCKET=$(make -s output STACK={names.platform_stack_id} NAME=database_dumps_bucket_name)
{connect}
pg_dump "host=$DB_HOST port={port} {target} sslmode=require" --format=custom --file={dump}
unset PGPASSWORD
pg_restore --list {dump} >/dev/null
KEY="{env}/{tenant.instance_id}/final-$(date -u +%Y%m%dT%H%M%SZ).dump"
aws s3 cp {dump} "s3://$BUCKET/$KEY" --region {region}
aws s3api head-object --region {region} --bucket "$BUCKET" --key "$KEY" >/dev/null \\
  && echo "kept at s3://$BUCKET/$KEY" && rm {dump}

# 3. Destroy the instance's own stack (it still is in the registry, so it still synthesizes).
{destroy}

# 4. Take it out of the registry: answer this command's question (or run it with AUTO_APPROVE=1).
"""


def tenant_remove(environment: str, subdomain: str, approved: bool) -> int:
    settings = _settings(environment)
    registry = _registry(settings)
    tenants.check(registry, settings.tenancy, settings.max_connections)
    tenant = registry.find(subdomain)
    print(f"make tenant-remove ENV={environment} SUBDOMAIN={subdomain} removes:")
    for line in _what_goes(settings, registry, tenant):
        print(f"  - {line}")
    print()
    print(removal_runbook(settings, tenant), end="")
    if not approved:
        if not sys.stdin.isatty():
            raise ConfigError("AUTO_APPROVE", "1 to remove without a terminal to ask on", "unset")
        answer = input(f"Steps 1 to 3 done, the final dump kept? Type {subdomain} to take it out of the registry: ")
        if answer.strip() != subdomain:
            print(f"not removed: {registry.where} is unchanged")
            return 1
    remaining = registry.with_tenants(t for t in registry.tenants if t is not tenant)
    tenants.check(remaining, settings.tenancy, settings.max_connections)
    path = tenants.save(remaining)
    print(f"removed {subdomain} ({tenant.instance_id}) from {path}; commit it.")
    if tenant.shard is not None:
        print()
        print(_drop_from_shard(settings, tenant, step=5))
    return 0


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
    remove = commands.add_parser(
        "tenant-remove", help="list what goes, print the runbook, ask, then take the instance out of the registry"
    )
    remove.add_argument("--env", required=True, choices=ENVIRONMENTS)
    remove.add_argument("--subdomain", required=True)
    remove.add_argument("--yes", action="store_true", help="do not ask (AUTO_APPROVE=1)")
    rotate = commands.add_parser("tenant-rotate", help="give a shared instance's database role a new password")
    rotate.add_argument("--env", required=True, choices=ENVIRONMENTS)
    rotate.add_argument("--subdomain", required=True)
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "tenant-add":
            return tenant_add(args.env, args.subdomain, args.plan, args.runtime, args.instance_id)
        if args.command == "tenant-remove":
            return tenant_remove(args.env, args.subdomain, args.yes)
        if args.command == "tenant-rotate":
            return tenant_rotate(args.env, args.subdomain)
        return tenant_move(args.env, args.subdomain, args.write_registry)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
