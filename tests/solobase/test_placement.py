"""Placement units: shard capacity, the connection budget, stable assignments, the concurrency budget."""

from __future__ import annotations

from dataclasses import replace

import pytest

from infra.systems.solobase.placement import Placement
from infra.systems.solobase.tenants import PlanSettings, PlansSettings, TenancySettings, Tenant, TenantRegistry
from infra.validation import ConfigError

MAX_CONNECTIONS = 300
# Lambda reservations are not what these tests are about: an account with room for all of them.
ROOMY = TenancySettings(account_concurrency_limit=100_000)


def uuid_of(number: int) -> str:
    return f"{number:08x}-0000-4000-8000-{number:012x}"


def place(placement: Placement, count: int, plan: str, *, start: int = 1, runtime: str = "lambda") -> list[Tenant]:
    return [
        placement.add(subdomain=f"{plan}-{n}", plan=plan, runtime=runtime, instance_id=uuid_of(n)).tenant
        for n in range(start, start + count)
    ]


def empty(tenancy: TenancySettings = ROOMY) -> Placement:
    return Placement(TenantRegistry("dev"), tenancy, MAX_CONNECTIONS)


def test_the_121st_database_opens_shard_02() -> None:
    placement = empty()
    first = place(placement, 120, "hobby")
    assert {t.shard for t in first} == {"01"}
    placed = placement.add(subdomain="one-more", plan="hobby", instance_id=uuid_of(121))
    assert (placed.tenant.shard, placed.opened_shard) == ("02", "02")
    assert placement.registry.shards == ("01", "02")
    # 120 Hobby databases hold 240 connections: the database cap, not the budget, opened shard 02.
    assert sum(2 for t in placement.registry.on_shard("01")) == 240 <= 250


def test_the_connection_budget_is_enforced() -> None:
    placement = empty()
    # Professional roles may hold 5 connections: 50 fill the 250 left of 300 after the admin reserve.
    place(placement, 50, "professional")
    placed = placement.add(subdomain="fifty-one", plan="professional", instance_id=uuid_of(51))
    assert (placed.tenant.shard, placed.opened_shard) == ("02", "02")
    assert len(placement.registry.on_shard("01")) == 50


def test_a_smaller_plan_still_fits_where_a_larger_one_does_not() -> None:
    placement = empty()
    place(placement, 49, "professional")  # 245 of 250
    hobby = placement.add(subdomain="small", plan="hobby", instance_id=uuid_of(100))  # 247
    assert hobby.tenant.shard == "01"
    starter = placement.add(subdomain="medium", plan="starter", instance_id=uuid_of(101))  # 250: exactly the budget
    assert starter.tenant.shard == "01"
    again = placement.add(subdomain="over", plan="hobby", instance_id=uuid_of(102))
    assert again.tenant.shard == "02"


def test_the_reserve_and_limits_are_settings() -> None:
    tenancy = replace(
        ROOMY,
        reserved_admin_connections=290,
        plans=replace(PlansSettings(), hobby=PlanSettings(reserved_concurrency=5, connection_limit=4)),
    )
    placement = empty(tenancy)
    assert [t.shard for t in place(placement, 3, "hobby")] == ["01", "01", "02"]


def test_business_gets_no_shard_and_ecs_gets_a_listener_priority() -> None:
    placement = empty()
    business = placement.add(subdomain="big", plan="business", instance_id=uuid_of(1)).tenant
    assert business.shard is None
    first = placement.add(subdomain="pro", plan="professional", runtime="ecs", instance_id=uuid_of(2)).tenant
    second = placement.add(subdomain="pro2", plan="business", runtime="ecs", instance_id=uuid_of(3)).tenant
    assert (first.listener_priority, second.listener_priority) == (100, 101)
    assert placement.registry.tenants[0].listener_priority is None


def test_assignments_are_stable() -> None:
    placement = empty()
    place(placement, 120, "hobby")
    before = placement.registry
    place(placement, 30, "starter", start=200)
    after = placement.registry
    # Placement only appends: every existing entry is unchanged, in place.
    assert after.tenants[: len(before.tenants)] == before.tenants
    # A shard that frees up is filled again, but nobody moves to it or from it.
    freed = before.with_tenants(before.tenants[1:])
    refilled = Placement(freed, ROOMY, MAX_CONNECTIONS)
    placed = refilled.add(subdomain="late", plan="hobby", instance_id=uuid_of(999)).tenant
    assert placed.shard == "01" and refilled.registry.tenants[:-1] == freed.tenants


def test_placement_is_deterministic() -> None:
    def run() -> TenantRegistry:
        placement = empty()
        place(placement, 130, "hobby")
        place(placement, 10, "professional", start=500, runtime="ecs")
        return placement.registry

    assert run() == run()


def test_the_concurrency_budget_is_enforced_with_the_totals() -> None:
    placement = empty(TenancySettings())  # AWS's 1000, 100 of which stay unreserved: 900 reservable
    place(placement, 36, "professional")  # 900
    with pytest.raises(ConfigError) as refused:
        placement.add(subdomain="too-many", plan="hobby", instance_id=uuid_of(999))
    message = str(refused.value)
    assert "reserved concurrency must be at most 900 in total" in message
    assert "leaving 100 of the account limit 1000 unreserved (reserved now: 900); got 905" in message
    # An ECS instance reserves no Lambda concurrency: it still fits.
    assert placement.add(subdomain="on-ecs", plan="professional", runtime="ecs", instance_id=uuid_of(998))


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        ({"subdomain": "hobby-1", "plan": "hobby"}, "subdomain must be unique in the environment"),
        ({"subdomain": "new", "plan": "hobby", "instance_id": uuid_of(1)}, "instance_id must be unique"),
        (
            {"subdomain": "new", "plan": "hobby", "instance_id": uuid_of(1)[:8] + "-1111-4111-8111-111111111111"},
            "instance_id must be an id whose first 8 characters no other entry has",
        ),
        ({"subdomain": "new", "plan": "hobby", "instance_id": "not-a-uuid"}, "instance_id must be a lower-case UUID"),
        ({"subdomain": "new", "plan": "starter", "runtime": "ecs"}, "runtime must be lambda for the starter plan"),
        ({"subdomain": "Bad_Name", "plan": "hobby"}, "subdomain must be a DNS label"),
        ({"subdomain": "manage", "plan": "hobby"}, "subdomain must be a label other than 'manage'"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(request_: dict[str, str], message: str) -> None:
    placement = empty()
    place(placement, 2, "hobby")
    before = placement.registry
    with pytest.raises(ConfigError, match=message):
        placement.add(**request_)
    assert placement.registry == before
    assert placement.add(subdomain="after", plan="hobby", instance_id=uuid_of(50)).tenant.shard == "01"
