"""Issue 21.2 on the synthesized JSON: PostgreSQL is reached through security groups the registry implies, never
from an address range.

Each database admits on 5432 exactly its clients' group and the operators' group; each customer instance's
function or tasks join their own database's clients group and no other; no Solobase stack opens 5432 to or from
a CIDR. The expected pairs are derived from tenants/solobase/<env>.toml and the contract's names, so a tenant
placed on a shard, moved to Business or a new shard changes them, and any rule the stacks add beyond them fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from infra.systems.solobase import tenants
from infra.systems.solobase.contracts import Names
from infra.systems.solobase.tenants import Plan, Runtime
from tests.conftest import stack_specs
from tests.support.stack import SynthesizedStack

ENVIRONMENTS = ("dev", "staging", "prod")
POSTGRESQL = 5432
_REFERENCE = re.compile(r"^\$\{(data\.)?aws_security_group\.(\w+)\.id\}$")


@pytest.fixture(scope="module")
def stacks(synth_dir: Path) -> dict[str, SynthesizedStack]:
    ids = [s.stack_id for s in stack_specs() if s.system == "solobase" and not s.stack_id.startswith("bootstrap-")]
    return {stack_id: SynthesizedStack(synth_dir, stack_id) for stack_id in ids}


def of_environment(stacks: dict[str, SynthesizedStack], environment: str) -> dict[str, SynthesizedStack]:
    prefix = f"solobase-{environment}"
    return {k: v for k, v in stacks.items() if k == prefix or k.startswith(f"{prefix}-")}


def covers(rule: dict[str, Any], port: int) -> bool:
    """Whether a rule's protocol and port range let ``port`` through (protocol -1 is every port)."""
    if str(rule.get("ip_protocol", rule.get("protocol"))) in ("-1", "all"):
        return True
    return int(rule.get("from_port", -1)) <= port <= int(rule.get("to_port", -1))


def group_names(stack: SynthesizedStack) -> dict[str, str]:
    """``${aws_security_group.X.id}`` / ``${data.aws_security_group.X.id}`` -> the group's name; a database's
    own group -> ``db:<identifier>``, so pairs name the database whatever its group is called."""
    names: dict[str, str] = {}
    for logical, group in stack.json.get("resource", {}).get("aws_security_group", {}).items():
        names[f"${{aws_security_group.{logical}.id}}"] = group["name"]
    for logical, group in stack.json.get("data", {}).get("aws_security_group", {}).items():
        names[f"${{data.aws_security_group.{logical}.id}}"] = group["name"]
    for database in stack.all("aws_db_instance"):
        for reference in database["vpc_security_group_ids"]:
            names[reference] = f"db:{database['identifier']}"
    return names


def rules(stack: SynthesizedStack) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every security group rule of the stack, standalone or inline, as (ingress|egress, rule)."""
    resources = stack.json.get("resource", {})
    for direction in ("ingress", "egress"):
        for rule in resources.get(f"aws_vpc_security_group_{direction}_rule", {}).values():
            yield direction, rule
    for rule in resources.get("aws_security_group_rule", {}).values():
        yield rule["type"], rule
    for group in resources.get("aws_security_group", {}).values():
        for direction in ("ingress", "egress"):
            for rule in group.get(direction) or []:
                yield direction, rule


def postgresql_pairs(stack: SynthesizedStack) -> set[tuple[str, str, str]]:
    """(direction, from, to) of every rule letting 5432 through from one group to another, by name."""
    names = group_names(stack)
    pairs = set()
    for direction, rule in rules(stack):
        if not covers(rule, POSTGRESQL) or "referenced_security_group_id" not in rule:
            continue
        own, other = names[rule["security_group_id"]], names[rule["referenced_security_group_id"]]
        pairs.add((direction, other, own) if direction == "ingress" else (direction, own, other))
    return pairs


def expected_pairs(environment: str) -> set[tuple[str, str, str]]:
    """What the registry implies: each shard admits its clients and the operators, each Business instance's own
    database admits its clients and the operators; the management platform's database admits its service."""
    names = Names(environment)
    registry = tenants.load(environment)
    admitted = {(f"{names.prefix}-management-tasks", f"db:{names.prefix}-postgres")}
    for shard in registry.shards:
        database = f"db:{names.shard_identifier(shard)}"
        admitted |= {(names.shard_clients_group(shard), database), (names.database_operators_group, database)}
    for tenant in registry.tenants:
        if Plan(tenant.plan).dedicated_database:
            database = f"db:{names.dedicated_identifier(tenant)}"
            admitted |= {(names.dedicated_clients_group(tenant), database), (names.database_operators_group, database)}
    return {(direction, *pair) for pair in admitted for direction in ("ingress", "egress")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_address_range_reaches_postgresql(stacks: dict[str, SynthesizedStack], environment: str) -> None:
    for stack_id, stack in of_environment(stacks, environment).items():
        for direction, rule in rules(stack):
            ranges = {k: rule[k] for k in ("cidr_ipv4", "cidr_ipv6", "cidr_blocks", "prefix_list_id") if rule.get(k)}
            assert not (ranges and covers(rule, POSTGRESQL)), f"{stack_id}: {direction} 5432 by address: {ranges}"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_postgresql_rule_pair_is_one_the_registry_implies(
    stacks: dict[str, SynthesizedStack], environment: str
) -> None:
    found: set[tuple[str, str, str]] = set()
    for stack in of_environment(stacks, environment).values():
        found |= postgresql_pairs(stack)
    assert found == expected_pairs(environment)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_instance_joins_its_own_database_clients_group_and_no_other(
    stacks: dict[str, SynthesizedStack], environment: str
) -> None:
    names = Names(environment)
    for tenant in tenants.load(environment).tenants:
        stack = stacks[names.tenant_stack_id(tenant.subdomain)]
        if Runtime(tenant.runtime) is Runtime.LAMBDA:
            own = f"{tenant.function_name}-function"
            joined = stack.one("aws_lambda_function", function_name=tenant.function_name)["vpc_config"][
                "security_group_ids"
            ]
        else:
            own = f"{tenant.function_name}-tasks"
            joined = stack.one("aws_ecs_service")["network_configuration"]["security_groups"]
        clients = (
            names.dedicated_clients_group(tenant)
            if Plan(tenant.plan).dedicated_database
            else names.shard_clients_group(tenant.shard or "")
        )
        resolved = group_names(stack)
        assert sorted(resolved[reference] for reference in joined) == sorted([own, clients]), tenant.subdomain
        # Its own group opens no database port: the clients group is its only way to PostgreSQL.
        assert not any(pair[1] == own or pair[2] == own for pair in postgresql_pairs(stack)), tenant.subdomain
