"""The destroy trap: every resource with deletion protection on stops `terraform destroy` before anything is touched.

AWS refuses to delete a protected database or load balancer only when the
destroy reaches it, after deleting the rest. ``lifecycle.prevent_destroy``
(infra.constructs.protection) makes the plan fail first. These checks run over
every stack the app defines, so a new construct with a protection of its own
is held to the same rule.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import load_stack, stack_ids

# Terraform's names for a deletion protection switch: RDS, ELB, DynamoDB, and the like.
_PROTECTION = re.compile(r"^(enable_)?deletion_protection(_enabled)?$")
# Resources with no switch of their own whose prevent_destroy follows a setting named deletion_protection
# (the teardown check below proves the setting turns it off): PostgreSQL databases (ServiceDatabaseProps).
GUARDED_BY_SETTING = ("postgresql_database",)
PROTECTED_ENVIRONMENTS = {"dev": False, "development": False, "staging": True, "prod": True, "production": True}


def protections(stack: dict[str, Any]) -> list[tuple[str, bool, bool]]:
    """(address, protection on, prevent_destroy set) for every resource with a protection switch."""
    found = []
    for resource_type, items in stack.get("resource", {}).items():
        for name, resource in items.items():
            switches = [value for key, value in resource.items() if _PROTECTION.match(key)]
            if switches:
                guarded = bool((resource.get("lifecycle") or {}).get("prevent_destroy"))
                found.append((f"{resource_type}.{name}", any(v is True for v in switches), guarded))
    return found


@pytest.mark.parametrize("stack_id", stack_ids())
def test_protected_resources_prevent_destroy_and_only_they_do(synth_dir: Path, stack_id: str) -> None:
    stack = load_stack(synth_dir, stack_id)
    wrong = [(address, on, guarded) for address, on, guarded in protections(stack) if on != guarded]
    assert not wrong, f"protection and prevent_destroy disagree (address, protection, prevent_destroy): {wrong}"
    unexplained = [
        f"{t}.{n}"
        for t, items in stack.get("resource", {}).items()
        for n, r in items.items()
        if (r.get("lifecycle") or {}).get("prevent_destroy")
        and not any(_PROTECTION.match(k) for k in r)
        and t not in GUARDED_BY_SETTING
    ]
    assert not unexplained, f"prevent_destroy without a deletion protection setting to turn it off: {unexplained}"


def test_protected_environments_have_guarded_resources(synth_dir: Path) -> None:
    """The check above is not vacuous: production databases, load balancers and lock tables are guarded."""
    guarded = {
        address.split(".")[0]
        for stack_id in ("freeside-production", "replaydash-production", "bootstrap-arrakis-tfstate-891376933289")
        for address, on, is_guarded in protections(load_stack(synth_dir, stack_id))
        if on and is_guarded
    }
    assert guarded == {"aws_db_instance", "aws_lb", "aws_dynamodb_table"}


@pytest.mark.parametrize("stack_id", stack_ids())
def test_with_protections_turned_off_nothing_prevents_destroy(teardown_synth_dir: Path, stack_id: str) -> None:
    """The manual's teardown (docs/operations.md: protections off in config, deploy, destroy) still works."""
    stack = load_stack(teardown_synth_dir, stack_id)
    assert [p for p in protections(stack) if p[1] or p[2]] == []
    guarded = [
        f"{t}.{n}"
        for t, items in stack.get("resource", {}).items()
        for n, r in items.items()
        if (r.get("lifecycle") or {}).get("prevent_destroy")
    ]
    assert guarded == []


@pytest.mark.parametrize(
    "stack_id", [s for s in stack_ids() if s.startswith("link-") or (s.startswith("solobase-") and "-shard-" in s)]
)
def test_customer_and_service_databases_outside_dev_are_one_protected_block(synth_dir: Path, stack_id: str) -> None:
    """A removed registry entry or service is a removed for_each key, which prevent_destroy refuses (a removed
    resource block would not be: Terraform drops its lifecycle with it)."""
    stack = load_stack(synth_dir, stack_id)
    environment = stack_id.split("-")[1]
    (block,) = stack["resource"]["postgresql_database"].values()
    assert "for_each" in block
    assert bool((block.get("lifecycle") or {}).get("prevent_destroy")) is PROTECTED_ENVIRONMENTS[environment]


def test_luneo_aurora_global_mode_guards_its_clusters(tmp_path: Path) -> None:
    """The variant no environment synthesizes by default is held to the same rule."""
    from infra import app

    (tmp_path / "config" / "luneo").mkdir(parents=True)
    (tmp_path / "config" / "luneo" / "prod.toml").write_text("enable_aurora_global = true\n")
    app.synth(outdir=str(tmp_path / "out"), requested="luneo-prod", config_dir=tmp_path / "config")
    stack = json.loads((tmp_path / "out" / "stacks" / "luneo-prod" / "cdk.tf.json").read_text())
    found = protections(stack)
    assert [item for item in found if item[1] != item[2]] == []
    assert {"aws_rds_global_cluster", "aws_rds_cluster"} <= {address.split(".")[0] for address, on, _ in found if on}
