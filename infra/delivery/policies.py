"""The deployer roles' policies, made from what the synthesized stacks create.

For each system: a plan role (read-only, plus its state and the locks) and an
apply role per environment (read and change what that environment's stacks
hold, plus their state). Every ``aws_*`` resource type and data source in
the stacks maps to IAM actions through infra.delivery.catalog; what the
stacks name scopes the actions that could reach further than the system:

- IAM roles and ``iam:PassRole``: the environment's role-name prefix (found
  from the roles its stacks create); managed policies attached: only those the
  stacks attach; service-linked roles: only for the services the types need;
- S3: the buckets the stacks create or read (``${...}`` parts become ``*``);
- Secrets Manager: the environment's secret-name prefix;
- state: the system's bucket, the environment's keys (the plan role reads all
  of the system's keys and writes only lock files), the lock table.

Everything else is on ``*`` at the action level: the resources do not exist
before the apply, and most EC2, RDS or ELB create actions cannot be scoped by
name. Each role's statements are packed into managed policies of at most
6,144 characters (IAM's limit), at most 10 per role.

The result is data (:func:`generate`) written to ``infra/delivery/policies.json``,
the one source of the ci stacks' roles, IAM_POLICIES.md and docs/delivery.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.delivery import catalog
from infra.delivery.settings import GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, DeliverySettings
from infra.registry import StackSpec
from infra.validation import ConfigError

POLICIES_FILE = Path(__file__).with_name("policies.json")
DEPLOYED_KINDS = ("platform", "tenant", "databases")
"""Kinds CI deploys. Bootstrap stacks (the state store) and ci stacks (these roles) are an operator's, with
administrator credentials: a role that could change its own policy would not be least privilege."""
MANAGED_POLICY_MAX_CHARS = 6144
MANAGED_POLICIES_PER_ROLE = 10
ROLE_PREFIX = "github-"
"""Deployer roles and their policies are named ``github-<system>-...``: outside every system's own names."""

_INTERPOLATION = re.compile(r"\$\{[^}]*\}")


def role_name(system: str, purpose: str, environment: str | None = None) -> str:
    return f"{ROLE_PREFIX}{system}-{purpose}" + (f"-{environment}" if environment else "")


@dataclass
class Footprint:
    """What one environment's stacks hold, as far as their deployer's permissions go."""

    resource_types: set[str] = field(default_factory=set)
    data_sources: set[str] = field(default_factory=set)
    ephemeral: set[str] = field(default_factory=set)
    role_names: set[str] = field(default_factory=set)
    attached_policies: set[str] = field(default_factory=set)
    buckets: set[str] = field(default_factory=set)
    """Buckets the stacks create or read (patterns: ``*`` for what is known at apply time only)."""
    code_objects: set[str] = field(default_factory=set)
    """``bucket/key`` of Lambda packages the stacks deploy (read at create time)."""
    secret_names: set[str] = field(default_factory=set)
    managed_secret_databases: set[str] = field(default_factory=set)
    """Databases whose master password RDS keeps in a secret of its own (``rds!db-...``)."""
    state_keys: set[str] = field(default_factory=set)

    def take(self, stack: Mapping[str, Any], where: str) -> None:
        resources: Mapping[str, Mapping[str, Any]] = stack.get("resource", {})
        for type_name, items in resources.items():
            if not type_name.startswith("aws_"):
                continue
            catalog.resource(type_name, where)
            self.resource_types.add(type_name)
            for item in items.values():
                self._names(type_name, item)
        for type_name, items in stack.get("data", {}).items():
            if not type_name.startswith("aws_"):
                continue
            catalog.data_source(type_name, where)
            self.data_sources.add(type_name)
            if type_name == "aws_s3_bucket":
                self.buckets.update(_pattern(str(item["bucket"])) for item in items.values())
        for type_name in stack.get("ephemeral", {}):
            if type_name.startswith("aws_"):
                catalog.ephemeral(type_name, where)
                self.ephemeral.add(type_name)

    def reads(self) -> set[str]:
        """Actions reading what the stacks hold and look up, the provider's own included."""
        found = {a for t in self.resource_types for a in catalog.RESOURCES[t].read}
        found |= {a for d in self.data_sources for a in catalog.DATA_SOURCES[d]}
        found |= {a for e in self.ephemeral for a in catalog.EPHEMERAL[e]}
        return found | (set(catalog.PROVIDER_READ) if found or self.resource_types else set())

    def writes(self) -> set[str]:
        return {a for t in self.resource_types for a in catalog.RESOURCES[t].write}

    def _names(self, type_name: str, item: Mapping[str, Any]) -> None:
        if type_name == "aws_iam_role":
            self.role_names.add(_pattern(str(item["name"])))
        elif type_name == "aws_iam_role_policy_attachment":
            self.attached_policies.add(str(item["policy_arn"]))
        elif type_name == "aws_s3_bucket":
            self.buckets.add(_pattern(str(item["bucket"])))
        elif type_name == "aws_secretsmanager_secret":
            self.secret_names.add(_pattern(str(item["name"])))
        elif type_name == "aws_db_instance" and item.get("manage_master_user_password"):
            self.managed_secret_databases.add(_pattern(str(item["identifier"])))
        elif type_name == "aws_lambda_function" and item.get("s3_bucket"):
            self.code_objects.add(f"{_pattern(str(item['s3_bucket']))}/{_pattern(str(item['s3_key']))}")


def common_prefix(items: Sequence[str]) -> str:
    """The characters every item starts with (not a path: ``a-b`` and ``a-c`` share ``a-``)."""
    if not items:
        return ""
    first, last = min(items), max(items)
    length = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    return first[:length]


def _pattern(name: str) -> str:
    """A name with its Terraform interpolations (known at apply time only) as ``*``."""
    return _INTERPOLATION.sub("*", name)


def name_prefix(names: Iterable[str], field: str, delimiters: str = "-/") -> str:
    """The longest common prefix of ``names`` up to and including its last delimiter, then ``*``.

    It must keep at least one delimiter and three characters before it: a
    shorter one (``*``, ``a-*``) would reach far beyond the environment.
    """
    items = sorted(names)
    common = common_prefix(items)
    cut = max(common.rfind(d) for d in delimiters)
    prefix = common[: cut + 1]
    if cut < 3 or "*" in prefix:
        raise ConfigError(field, "names sharing a prefix of 3 or more characters and a '-' or '/'", items)
    return prefix + "*"


def state_patterns(keys: Sequence[str], others: Sequence[str]) -> list[str]:
    """Object keys covering an environment's state: its common folder (new tenants' keys included) when
    that folder holds no other environment's key; else the keys themselves."""
    if len(keys) > 1:
        folder = common_prefix(keys)
        folder = folder[: folder.rfind("/") + 1]
        if folder and not any(other.startswith(folder) for other in others):
            return [folder + "*"]
    return sorted(keys)


def _statement(sid: str, actions: Iterable[str], resources: Sequence[str], **extra: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": extra.pop("effect", "Allow")}
    statement["Action"] = sorted(set(actions))
    statement["Resource"] = list(resources) if len(resources) > 1 else resources[0]
    if extra.get("condition"):
        statement["Condition"] = extra["condition"]
    return statement


def _service(action: str) -> str:
    return action.split(":", 1)[0]


@dataclass(frozen=True)
class SystemState:
    bucket: str
    region: str
    lock_table: str
    account: str


def _state_statements(state: SystemState, patterns: Sequence[str], *, write: bool) -> list[dict[str, Any]]:
    bucket = f"arn:aws:s3:::{state.bucket}"
    table = f"arn:aws:dynamodb:{state.region}:{state.account}:table/{state.lock_table}"
    objects = [f"{bucket}/{p}" for p in patterns]
    locks = [f"{o}.tflock" for o in objects]
    statements = [
        _statement("StateBucket", ["s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketVersioning"], [bucket]),
        _statement("StateRead", ["s3:GetObject"], objects),
        # S3's native lock file (use_lockfile): created, read and removed around every plan and apply.
        _statement("StateLockFile", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], sorted(set(locks))),
        _statement("StateLockTable", ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], [table]),
    ]
    if write:
        statements.insert(2, _statement("StateWrite", ["s3:PutObject"], objects))
    return statements


def _scoped_statements(
    footprints: Sequence[Footprint], account: str, *, write: bool, field: str
) -> list[dict[str, Any]]:
    """Statements on what can be named: IAM roles, buckets, secrets."""
    types = {t for f in footprints for t in f.resource_types}
    accesses = {t: catalog.RESOURCES[t] for t in types}
    statements: list[dict[str, Any]] = []

    def actions(service: str, *, with_write: bool) -> set[str]:
        found = {a for f in footprints for a in (f.reads() | (f.writes() if with_write else set()))}
        return {a for a in found if _service(a) == service and a not in catalog.WITHOUT_RESOURCE}

    role_names = {n for f in footprints for n in f.role_names}
    if role_names:
        prefixes = sorted({name_prefix(f.role_names, f"{field} IAM role names") for f in footprints if f.role_names})
        roles = [f"arn:aws:iam::{account}:role/{p}" for p in prefixes]
        role_actions = actions("iam", with_write=write) - {"iam:AttachRolePolicy", "iam:DetachRolePolicy"}
        statements.append(_statement("SystemRoles", role_actions, roles))
        if write:
            attached = sorted({p for f in footprints for p in f.attached_policies})
            if attached:
                statements.append(
                    _statement(
                        "AttachOnlyTheManagedPoliciesTheStacksAttach",
                        ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                        roles,
                        condition={"ArnEquals": {"iam:PolicyARN": attached}},
                    )
                )
            if any(access.passes_role for access in accesses.values()):
                statements.append(_statement("PassOnlyTheSystemsRoles", ["iam:PassRole"], roles))
            linked = sorted({a.service_linked_role for a in accesses.values() if a.service_linked_role})
            if linked:
                statements.append(
                    _statement(
                        "ServiceLinkedRolesOfTheServicesUsed",
                        ["iam:CreateServiceLinkedRole"],
                        [f"arn:aws:iam::{account}:role/aws-service-role/*"],
                        condition={"StringEquals": {"iam:AWSServiceName": linked}},
                    )
                )
    buckets = sorted({b for f in footprints for b in f.buckets})
    if buckets:
        arns = [f"arn:aws:s3:::{b}" for b in buckets] + [f"arn:aws:s3:::{b}/*" for b in buckets]
        statements.append(_statement("SystemBuckets", actions("s3", with_write=write), arns))
    code = sorted({c for f in footprints for c in f.code_objects})
    if write and code:
        statements.append(_statement("LambdaPackages", ["s3:GetObject"], [f"arn:aws:s3:::{c}" for c in code]))
    secrets = [f.secret_names for f in footprints if f.secret_names]
    if secrets:
        prefixes = sorted({name_prefix(names, f"{field} secret names") for names in secrets})
        arns = [f"arn:aws:secretsmanager:*:{account}:secret:{p}" for p in prefixes]
        statements.append(_statement("SystemSecrets", actions("secretsmanager", with_write=write), arns))
    databases = [f.managed_secret_databases for f in footprints if f.managed_secret_databases]
    if databases:
        # RDS names them rds!db-<id>; the tag it puts on each says whose they are.
        prefixes = sorted({name_prefix(names, f"{field} database identifiers") for names in databases})
        managed = ["secretsmanager:DescribeSecret"]
        if any("aws_secretsmanager_secret_version" in f.ephemeral for f in footprints):
            managed.append("secretsmanager:GetSecretValue")  # the stacks open it to build connection URLs
        if write and "aws_secretsmanager_secret_rotation" in types:
            managed += ["secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret"]
        statements.append(
            _statement(
                "TheSystemsDatabaseManagedSecrets",
                managed,
                [f"arn:aws:secretsmanager:*:{account}:secret:rds!*"],
                condition={
                    "StringLike": {
                        "aws:ResourceTag/aws:rds:primaryDBInstanceArn": [
                            f"arn:aws:rds:*:{account}:db:{p}" for p in prefixes
                        ]
                    }
                },
            )
        )
    return statements


SCOPED_SERVICES = ("iam", "s3", "secretsmanager")


def _open_statements(footprints: Sequence[Footprint], *, write: bool) -> list[dict[str, Any]]:
    """Statements on ``*``: every other action of the types and data sources, one statement per service."""
    by_service: dict[str, set[str]] = {}
    types = {t for f in footprints for t in f.resource_types}
    wanted = {a for f in footprints for a in (f.reads() | (f.writes() if write else set()))}
    for action in wanted:
        if _service(action) not in SCOPED_SERVICES or action in catalog.WITHOUT_RESOURCE:
            by_service.setdefault(_service(action), set()).add(action)
    statements = [
        _statement(f"{service.title().replace('-', '')}", actions, ["*"])
        for service, actions in sorted(by_service.items())
    ]
    if any(catalog.RESOURCES[t].uses_customer_key for t in types):
        key_actions = ["kms:Decrypt", "kms:DescribeKey"]
        if write:
            key_actions += ["kms:CreateGrant", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"]
        statements.append(
            _statement(
                "CustomerKeysThroughServices",
                key_actions,
                ["*"],
                condition={"StringLike": {"kms:ViaService": "*.amazonaws.com"}},
            )
        )
    return statements


def _deny_deployer_roles(account: str) -> dict[str, Any]:
    return _statement(
        "NeverTheDeployerRolesOrTheirTrust",
        ["iam:*"],
        [
            f"arn:aws:iam::{account}:role/{ROLE_PREFIX}*",
            f"arn:aws:iam::{account}:policy/{ROLE_PREFIX}*",
            f"arn:aws:iam::{account}:oidc-provider/*",
        ],
        effect="Deny",
    )


def pack(statements: Sequence[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """Statements packed into policy documents of at most 6,144 characters (IAM counts them without
    whitespace), in order; a statement too long for one is split by actions."""
    documents: list[list[dict[str, Any]]] = [[]]

    def size(items: Sequence[dict[str, Any]]) -> int:
        return len(json.dumps({"Version": "2012-10-17", "Statement": list(items)}, separators=(",", ":")))

    def split(statement: dict[str, Any]) -> list[dict[str, Any]]:
        actions = statement["Action"]
        if size([statement]) <= MANAGED_POLICY_MAX_CHARS or len(actions) < 2:
            return [statement]
        half = len(actions) // 2
        return split({**statement, "Sid": f"{statement['Sid']}A", "Action": actions[:half]}) + split(
            {**statement, "Sid": f"{statement['Sid']}B", "Action": actions[half:]}
        )

    for statement in statements:
        for piece in split(statement):
            if documents[-1] and size([*documents[-1], piece]) > MANAGED_POLICY_MAX_CHARS:
                documents.append([])
            documents[-1].append(piece)
    if len(documents) > MANAGED_POLICIES_PER_ROLE:
        raise ConfigError(field, f"at most {MANAGED_POLICIES_PER_ROLE} managed policies", len(documents))
    return [{"Version": "2012-10-17", "Statement": items} for items in documents]


def _trust(subjects: Sequence[str]) -> dict[str, Any]:
    """Who may assume a role: GitHub's tokens for these subjects (``sub``), for STS (``aud``)."""
    return {
        "audience": GITHUB_OIDC_AUDIENCE,
        "provider": GITHUB_OIDC_HOST,
        "subjects": list(subjects),
    }


def _footprints(
    specs: Sequence[StackSpec], synth_dir: Path, system: str
) -> tuple[dict[str, Footprint], SystemState | None, str]:
    mine = [s for s in specs if s.system == system and s.kind in DEPLOYED_KINDS]
    footprints: dict[str, Footprint] = {}
    states = {(s.state.bucket, s.state.region, s.state.lock_table) for s in mine if s.state}
    accounts = {s.account_id for s in specs if s.system == system}
    if len(states) > 1 or len(accounts) > 1:
        raise ConfigError(
            f"{system} stacks",
            "one state bucket, lock table and account for every environment",
            sorted(map(str, states | accounts)),
        )
    account = next(iter(accounts)) or "*"
    for spec in mine:
        (environment,) = spec.environments
        footprint = footprints.setdefault(environment, Footprint())
        path = synth_dir / "stacks" / spec.stack_id / "cdk.tf.json"
        footprint.take(json.loads(path.read_text()), spec.stack_id)
        if spec.state:
            footprint.state_keys.add(spec.state.key)
    if not states:
        return footprints, None, account
    bucket, region, table = next(iter(states))
    return footprints, SystemState(bucket, region, table, account), account


def system_roles(
    specs: Sequence[StackSpec], synth_dir: Path, system: str, environments: Sequence[str], settings: DeliverySettings
) -> dict[str, Any]:
    """The plan role and each environment's apply role of ``system``, as data."""
    footprints, state, account = _footprints(specs, synth_dir, system)
    field = f"{system} deployer roles"
    all_keys = {env: sorted(f.state_keys) for env, f in footprints.items()}
    patterns = {
        env: state_patterns(keys, [k for other, ks in all_keys.items() if other != env for k in ks])
        for env, keys in all_keys.items()
    }
    branches = sorted({settings.github_environment(system, env).branch for env in environments})
    roles = []
    plan_statements = _open_statements(list(footprints.values()), write=False)
    plan_statements += _scoped_statements(list(footprints.values()), account, write=False, field=field)
    if state:
        plan_statements += _state_statements(state, sorted({p for ps in patterns.values() for p in ps}), write=False)
    plan_subjects = [settings.subject("pull_request"), *(settings.subject(f"ref:refs/heads/{b}") for b in branches)]
    roles.append(
        {
            "name": role_name(system, "plan"),
            "purpose": "plan",
            "environments": list(environments),
            "trust": _trust(plan_subjects),
            "policies": pack(plan_statements, f"{field} plan"),
        }
    )
    for env in environments:
        footprint = footprints.get(env, Footprint())
        statements = _open_statements([footprint], write=True)
        statements += _scoped_statements([footprint], account, write=True, field=f"{field} {env}")
        if state:
            statements += _state_statements(state, patterns.get(env, []), write=True)
        statements.append(_deny_deployer_roles(account))
        github_env = settings.github_environment(system, env).name
        roles.append(
            {
                "name": role_name(system, "apply", env),
                "purpose": "apply",
                "environments": [env],
                "github_environment": github_env,
                "trust": _trust([settings.subject(f"environment:{github_env}")]),
                "policies": pack(statements, f"{field} apply {env}"),
            }
        )
    return {"account_id": None if account == "*" else account, "roles": roles}


def generate(
    specs: Sequence[StackSpec], synth_dir: Path, declared: Mapping[str, Sequence[str]], settings: DeliverySettings
) -> dict[str, Any]:
    """Every system's deployer roles from the synthesized stacks in ``synth_dir``."""
    return {
        "generated_by": "make policies (python -m infra.ci policies --write); edit delivery.toml or the catalog",
        "repository": settings.repository,
        "systems": {
            system: system_roles(specs, synth_dir, system, environments, settings)
            for system, environments in declared.items()
        },
    }


def render(data: Mapping[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"


def load(path: Path | None = None) -> dict[str, Any]:
    """The generated file (what the ci stacks build their roles from)."""
    source = path or POLICIES_FILE
    if not source.is_file():
        raise ConfigError(str(source), "a file made by `make policies`", "missing")
    data: dict[str, Any] = json.loads(source.read_text())
    return data
