"""The deploy check every stack goes through on the emulator.

1. bootstrap: the stack's bootstrap stack is applied on local state;
2. uploads: what an operator puts into S3 before the stack deploys (its
   ``uploads``: a release package, a bucket no stack makes) is put there, as
   ``make up`` does (infra.up.uploads);
3. apply: the stack is applied on the S3 backend (DynamoDB + S3 lock file) inside the emulator;
4. the state object is in the bucket;
5. a second ``plan -detailed-exitcode`` shows no change but allowlisted emulator drift;
6. dependents: stacks deployed on top of it (customer stacks on their platform)
   go through steps 2 to 5 in order, and are destroyed before it (step 7);
7. teardown, last deployed first: protections (deletion protection and the
   like) are switched off through config overrides and applied, as an operator
   would, then destroy; the emulator then holds exactly what it held before that
   stack's apply, apart from the leftovers a destroy is meant to leave (final
   database snapshots), which are checked and removed, and its uploads are taken away;
8. the bootstrap stack is emptied and destroyed the same way, and the emulator
   holds what it held before the cycle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.allowlist import EmulatorDrift, allowed
from emulator.dns_validator import DnsValidator
from emulator.launcher import DEFAULT_ACCOUNT
from emulator.server import Emulator
from infra.paths import LOCAL_STATE_DIR_ENV
from infra.registry import StackSpec
from infra.up import uploads
from infra.up.stacks import Remnant, empty_bucket, remnants, remove_remnants
from tests.support.cli import CdktfCli
from tests.support.progress import phase
from tests.support.terraform import Terraform


@dataclass(frozen=True)
class Change:
    """One attribute a plan would change (``*`` for creates, deletes and replacements)."""

    address: str
    resource_type: str
    attribute: str
    actions: tuple[str, ...]


@dataclass
class DeployResult:
    stack_id: str
    resource_types: set[str]
    observed_drift: set[EmulatorDrift] = field(default_factory=set)
    outputs: dict[str, Any] = field(default_factory=dict)
    state_text: str = ""


def plan_changes(plan: dict[str, Any]) -> list[Change]:
    """Every attribute a saved plan would change."""
    changes = []
    for rc in plan.get("resource_changes", []):
        actions = tuple(rc["change"]["actions"])
        if actions in (("no-op",), ("read",)):
            continue
        if actions != ("update",):
            # Which attributes force a replacement says what to fix.
            paths = ",".join(".".join(str(p) for p in path) for path in rc["change"].get("replace_paths") or [])
            changes.append(
                Change(rc["address"], rc["type"], f"*{f' (replaced for {paths})' if paths else ''}", actions)
            )
            continue
        before = rc["change"].get("before") or {}
        after = rc["change"].get("after") or {}
        unknown = rc["change"].get("after_unknown") or {}
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key) or unknown.get(key):
                changes.append(Change(rc["address"], rc["type"], key, actions))
    for name, change in (plan.get("output_changes") or {}).items():
        if tuple(change["actions"]) != ("no-op",):
            changes.append(Change(f"output.{name}", "output", name, tuple(change["actions"])))
    return changes


def account_of(plan: StackSpec) -> str:
    return plan.account_id or DEFAULT_ACCOUNT


def _stack_json(synth_dir: Path, stack_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text())
    return data


@dataclass
class DeployCycle:
    """Everything one stack's deploy check needs."""

    plan: StackSpec
    bootstrap: StackSpec
    synth_dir: Path
    teardown_synth_dir: Path
    emulator: Emulator
    workroot: Path
    base_env: dict[str, str]
    after_apply: Sequence[Callable[[DeployCycle, Terraform, DeployResult], None]] = ()
    """Stack-specific checks on the applied stack (outputs, state contents, lock contest)."""
    cli: CdktfCli | None = None
    """Deploy through ``cdktf deploy`` (then ``cdktf diff``) instead of raw Terraform."""
    dependents: Sequence[StackSpec] = ()
    """Stacks deployed on top of ``plan`` (they look its resources up), in order, each checked like it and
    destroyed before it. They share its account and state bucket."""
    dependent_results: dict[str, DeployResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, spec in enumerate(self.dependents):
            assert self.plan.stack_id in spec.depends_on, f"{spec.stack_id} does not depend on {self.plan.stack_id}"
            later = {s.stack_id for s in self.dependents[index + 1 :]}
            assert not later & {*spec.depends_on, *spec.run_time_needs}, (
                f"{spec.stack_id} needs a stack deployed after it"
            )
            assert account_of(spec) == self.account, f"{spec.stack_id} is in another account"
            assert spec.state and self.plan.state and spec.state.bucket == self.plan.state.bucket

    @property
    def account(self) -> str:
        return account_of(self.plan)

    @property
    def stacks(self) -> list[StackSpec]:
        return [self.plan, *self.dependents]

    def run(self) -> DeployResult:
        # The manual's operator (docs/local.md): DNS records for certificates without a hosted zone.
        with DnsValidator(self.emulator, self.account, self._regions()) as operator:
            self._operator = operator
            return self._run()

    def _regions(self) -> list[str]:
        regions = set()
        for spec in self.stacks:
            backend = _stack_json(self.synth_dir, spec.stack_id)["terraform"]["backend"]["s3"]
            regions |= {*spec.regions, backend["region"]}
        return sorted(regions)

    def _operator_objects(self) -> set[str]:
        """What the DNS-validation operator made (it removes them when it stops): not the stack's to destroy."""
        operator = getattr(self, "_operator", None)
        if operator is None:
            return set()
        zones = {f"route53-zone:{zone_id}" for zone_id in operator.created_zones}
        records = {
            f"route53-record:{record.zone_id}/{record.name.rstrip('.')}./CNAME/" for record in operator.created_records
        }
        return zones | records

    def _run(self) -> DeployResult:
        account = self.account
        region = self.plan.region
        env = {**self.base_env, **self.emulator.environment(account, region)}
        stack_json = _stack_json(self.synth_dir, self.plan.stack_id)
        backend = stack_json["terraform"]["backend"]["s3"]
        regions = self._regions()
        for name in regions:
            self.emulator.warm_up(account, name)

        def inventory() -> set[str]:
            found = set().union(*(self.emulator.inventory(account, name) for name in regions))
            return found - self._operator_objects()

        clean = inventory()
        phase(f"bootstrap {self.bootstrap.stack_id}")
        boot = self._bootstrap(env)
        self._uploads(self.plan, place=True)
        before_stack = inventory()

        result = DeployResult(self.plan.stack_id, set(stack_json.get("resource", {})))
        phase(f"apply {self.plan.stack_id}" + (" (cdktf deploy)" if self.cli else ""))
        if self.cli:
            tf = self.cli.deploy(env, self.plan.stack_id)
            diff = self.cli.diff(env, self.plan.stack_id)
            assert "No changes" in diff, f"cdktf diff after deploy is not empty:\n{diff[-3000:]}"
            written = (tf.workdir / "cdk.tf.json").read_text()
            assert written == (self.synth_dir / "stacks" / self.plan.stack_id / "cdk.tf.json").read_text()
        else:
            tf = Terraform.for_stack(
                self.synth_dir / "stacks" / self.plan.stack_id, self.workroot / self.plan.stack_id, env
            )
            tf.init()
            tf.apply()

        self._check_applied(self.plan, tf, result)
        deployed: list[tuple[StackSpec, Terraform, set[str]]] = [(self.plan, tf, before_stack)]
        for spec in self.dependents:
            self._uploads(spec, place=True)
            before = inventory()
            phase(f"apply {spec.stack_id}")
            on_top = Terraform.for_stack(self.synth_dir / "stacks" / spec.stack_id, self.workroot / spec.stack_id, env)
            on_top.init()
            on_top.apply()
            self.dependent_results[spec.stack_id] = self._check_applied(spec, on_top)
            deployed.append((spec, on_top, before))

        for spec, applied, before in reversed(deployed):
            phase(f"teardown {spec.stack_id}")
            snapshots = self._teardown(applied, spec.stack_id)
            assert applied.state_resources() == [], f"destroy of {spec.stack_id} left resources in state"
            self._remove_final_snapshots(snapshots, account)
            leftovers = inventory() - before
            assert not leftovers, f"destroy of {spec.stack_id} left objects in the emulator: {sorted(leftovers)}"
            self._uploads(spec, place=False)
        for other in self.dependent_results.values():
            result.observed_drift |= other.observed_drift

        empty_bucket(self.emulator, account, backend["bucket"])
        self._teardown(boot, self.bootstrap.stack_id)
        remaining = inventory() - clean
        assert not remaining, f"bootstrap destroy left objects in the emulator: {sorted(remaining)}"
        print("\n".join([*boot.log, *(line for _, applied, _ in deployed for line in applied.log)]))
        return result

    def _uploads(self, spec: StackSpec, *, place: bool) -> None:
        """Put in (or take away) what an operator uploads before ``spec`` deploys, as make up does."""
        (uploads.place if place else uploads.remove)(self.emulator, self.account, spec.region, spec.uploads)

    def _check_applied(self, spec: StackSpec, tf: Terraform, result: DeployResult | None = None) -> DeployResult:
        """Steps 4 and 5, then the stack-specific checks, on an applied stack."""
        stack_json = _stack_json(self.synth_dir, spec.stack_id)
        backend = stack_json["terraform"]["backend"]["s3"]
        result = result or DeployResult(spec.stack_id, set(stack_json.get("resource", {})))
        s3 = self.emulator.client("s3", self.account, backend["region"])
        assert s3.head_object(Bucket=backend["bucket"], Key=backend["key"])["ContentLength"] > 0, (
            f"state object of {spec.stack_id} missing"
        )
        phase(f"second plan {spec.stack_id}")
        self._assert_clean_second_plan(tf, result)
        result.outputs = tf.outputs()
        result.state_text = tf.pulled_state()
        for check in self.after_apply:
            check(self, tf, result)
        return result

    def _bootstrap(self, env: dict[str, str]) -> Terraform:
        if self.cli:
            # As a user would: `cdktf deploy` of the bootstrap stack, its local state kept in the work dir.
            local_state = {**env, LOCAL_STATE_DIR_ENV: str(self.workroot / "local-state")}
            boot = CdktfCli(self.workroot / "cdktf.out.bootstrap").deploy(local_state, self.bootstrap.stack_id)
        else:
            boot = Terraform.for_stack(
                self.synth_dir / "stacks" / self.bootstrap.stack_id, self.workroot / self.bootstrap.stack_id, env
            )
            boot.init(f"path={boot.workdir / 'bootstrap.tfstate'}")
            boot.apply()
        code, plan = boot.plan_changes()
        assert code == 0, f"bootstrap second plan not empty: {plan_changes(plan)}"
        return boot

    def _assert_clean_second_plan(self, tf: Terraform, result: DeployResult) -> None:
        code, plan = tf.plan_changes()
        if code == 0:
            return
        unexpected = []
        for change in plan_changes(plan):
            entry = allowed(change.resource_type, change.attribute) if change.actions == ("update",) else None
            if entry:
                result.observed_drift.add(entry)
            else:
                unexpected.append(change)
        assert not unexpected, "second plan is not empty:\n" + "\n".join(
            f"  {c.address}: {c.attribute} ({'/'.join(c.actions)})" for c in unexpected
        )

    def _teardown(self, tf: Terraform, stack_id: str) -> list[Remnant]:
        """Apply the protections-off variant when it differs, then destroy; return the final snapshots it leaves.

        The working directory keeps its own backend block (local state may live elsewhere). Final
        snapshot names are read from state: each resource's is fixed when it is created.
        """
        relaxed = json.loads((self.teardown_synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text())
        current_path = tf.workdir / "cdk.tf.json"
        current = json.loads(current_path.read_text())
        relaxed["terraform"]["backend"] = current["terraform"]["backend"]
        if relaxed != current:
            current_path.write_text(json.dumps(relaxed, indent=2))
            tf.apply()
        snapshots = [r for r in remnants(json.loads(tf.pulled_state())) if r[0] != "secret"]
        tf.destroy()
        return snapshots

    def _remove_final_snapshots(self, snapshots: list[Remnant], account: str) -> None:
        """A destroy must leave each final snapshot behind: check it is there, then clean it up."""
        for kind, region, name in snapshots:
            if kind == "db-snapshot":
                found = self.emulator.client("rds", account, region).describe_db_snapshots(DBSnapshotIdentifier=name)
                assert found["DBSnapshots"], f"destroy did not leave the final snapshot {name}"
            else:
                found = self.emulator.client("elasticache", account, region).describe_snapshots(SnapshotName=name)
                assert found["Snapshots"], f"destroy did not leave the final cache snapshot {name}"
        remove_remnants(self.emulator, account, snapshots)
