"""One stack up, or down, on the emulator: what ``make up`` and ``make down`` run per stack.

Up: copy the synthesized stack into its working directory, put in what an
operator uploads first (stand-ins for its ``uploads``, infra.up.uploads),
``init``, ``plan -detailed-exitcode`` (no change: reported as such; a change to
a stack that was up: reported as drift, then applied), ``apply`` of that saved
plan with a count of resources done, then its notable outputs.

Down, as an operator tears a protected environment down (README): apply the
stack with every deletion protection turned off through config
(infra.config.teardown), destroy it, then remove on the emulator what a
destroy leaves on purpose (final database snapshots, secrets in their
recovery window) and the stand-ins of its uploads, so the next ``make up``
can create them again. A state bucket is emptied (every version) just before
its bootstrap stack goes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from emulator.server import Emulator
from infra.registry import StackSpec
from infra.terraform import Event, Interrupted, PlanSummary, Processes, Terraform, outputs_of
from infra.up import outputs, uploads
from infra.up.progress import Progress
from infra.up.schedule import Stopped
from infra.up.session import Session, StackRecord, account_of

LOCK_TIMEOUT = "-lock-timeout=60s"


@dataclass
class Run:
    """What every stack of one run shares."""

    session: Session
    emulator: Emulator
    processes: Processes
    progress: Progress
    base_env: Mapping[str, str]
    synth_dir: Path
    specs: Mapping[str, StackSpec]
    previous: Mapping[str, StackRecord] = field(default_factory=dict)
    """The records before this run started (to tell drift from a first deploy)."""


def stack_json(synth_dir: Path, stack_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text())
    return data


def weight(synth_dir: Path, stack_id: str) -> float:
    """Roughly how long a stack takes: its resources, plus init and plan (about 20 resources' worth)."""
    resources = stack_json(synth_dir, stack_id).get("resource", {})
    return 20.0 + sum(len(items) for items in resources.values())


def regions_of(spec: StackSpec, synthesized: Mapping[str, Any]) -> list[str]:
    """Every region the stack touches: its providers' and its state bucket's."""
    backend = synthesized.get("terraform", {}).get("backend", {}).get("s3", {})
    return sorted({*spec.regions, *([backend["region"]] if backend.get("region") else [])})


def _prepare(run: Run, spec: StackSpec, *, fresh_log: bool) -> Terraform:
    source = run.synth_dir / "stacks" / spec.stack_id
    workdir = run.session.layout.work(spec.stack_id)
    workdir.mkdir(parents=True, exist_ok=True)
    for item in source.iterdir():  # the working directory keeps .terraform between runs
        target = workdir / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target)
    (workdir / "plan.bin").unlink(missing_ok=True)
    log = run.session.layout.log(spec.stack_id)
    log.parent.mkdir(parents=True, exist_ok=True)
    if fresh_log:
        log.write_text("")
    env = {**run.base_env, **run.session.environment(account_of(spec), spec.region)}
    return Terraform(workdir, env, log, run.processes)


INIT_MARK = "infra-init.sha256"
"""Written into ``.terraform`` after an init: what that init was for (see :func:`_init`)."""


def _init(tf: Terraform) -> None:
    """``terraform init``, unless the working directory was initialized for the same backend and providers
    with the same CLI configuration (make down after make up, make up again): an init costs a Terraform start
    and a checksum of the provider, and changes nothing then."""
    settings = json.loads((tf.workdir / "cdk.tf.json").read_text()).get("terraform", {})
    cli_config = tf.env.get("TF_CLI_CONFIG_FILE", "")
    wanted = hashlib.sha256(
        json.dumps(
            [settings, cli_config, Path(cli_config).read_text() if cli_config and Path(cli_config).is_file() else ""],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    mark = tf.workdir / ".terraform" / INIT_MARK
    if mark.is_file() and mark.read_text() == wanted and (tf.workdir / ".terraform.lock.hcl").is_file():
        return
    mark.unlink(missing_ok=True)
    tf.init()
    mark.write_text(wanted)


def _counting(run: Run, stack_id: str, verb: str, plan: PlanSummary) -> Any:
    done = 0

    def on_event(event: Event) -> None:
        nonlocal done
        plan.observe(event)  # destroy plans first, in the same stream
        # Data sources are read ("read" hooks) while planning: only changes count.
        if event.get("type") == "apply_complete" and event.get("hook", {}).get("action") != "read":
            done += 1
            run.progress.resources(stack_id, verb, min(done, plan.total), plan.total)

    return on_event


def _plan(tf: Terraform, summary: PlanSummary, *extra: str) -> int:
    """``plan -detailed-exitcode`` saved to plan.bin: 0 no change, 2 changes (counted in ``summary``)."""
    args = ("-input=false", "-detailed-exitcode", LOCK_TIMEOUT, "-out=plan.bin", *extra)
    return tf.stream("plan", *args, on_event=summary.observe, ok=(0, 2))


def _managed(state: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [r for r in state.get("resources", []) if r.get("mode") == "managed"]


def deploy(run: Run, stack_id: str) -> str:
    """Bring one stack up to date; returns what was done (``applied``, ``no changes``, ``drift: ...``)."""
    spec = run.specs[stack_id]
    started = time.monotonic()
    tf = _prepare(run, spec, fresh_log=True)
    try:
        placed = uploads.place(run.emulator, account_of(spec), spec.region, spec.uploads)
        if placed:
            run.progress.state(stack_id, f"operator's uploads stood in for: {', '.join(placed)}")
        run.progress.state(stack_id, "planning")
        _init(tf)
        plan = PlanSummary()
        code = _plan(tf, plan)
        previous = run.previous.get(stack_id)
        apply_seconds = 0.0
        if code == 0:
            result = "no changes"
        else:
            was_up = previous is not None and previous.state == "up"
            result = f"drift: {plan.describe()}" if was_up else "applied"
            if was_up:
                changed = ", ".join(f"{address} ({action})" for address, action in plan.changes[:5])
                more = f" and {len(plan.changes) - 5} more" if len(plan.changes) > 5 else ""
                run.progress.state(stack_id, f"drift: {plan.describe()}: {changed}{more}; applying")
            run.progress.resources(stack_id, "applying", 0, plan.total)
            applying = time.monotonic()
            tf.stream(
                "apply",
                "-input=false",
                LOCK_TIMEOUT,
                "plan.bin",
                on_event=_counting(run, stack_id, "applying", PlanSummary(plan.add, plan.change, plan.remove)),
            )
            apply_seconds = time.monotonic() - applying
        state = tf.state()
        notable = outputs.select(stack_id, outputs_of(state), _descriptions(tf.workdir))
    except Interrupted as interrupted:
        _record(run, spec, "interrupted", str(interrupted), started)
        raise Stopped("interrupted; Terraform saved its state") from None
    except Exception as error:
        _record(run, spec, "failed", str(error), started)
        raise
    run.session.put(
        stack_id,
        StackRecord(
            state="up",
            account=account_of(spec),
            regions=list(spec.regions),
            last=result,
            at=time.time(),
            seconds=time.monotonic() - started,
            apply_seconds=apply_seconds,
            resources=len(_managed(state)),
            log=str(tf.log_path),
            outputs=[row.as_json() for row in notable],
            applied=_digest(tf.workdir),
        ),
    )
    return result


def _digest(workdir: Path) -> str:
    return hashlib.sha256((workdir / "cdk.tf.json").read_bytes()).hexdigest()


def _record(run: Run, spec: StackSpec, state: str, last: str, started: float) -> None:
    run.session.put(
        spec.stack_id,
        StackRecord(
            state=state,
            account=account_of(spec),
            regions=list(spec.regions),
            last=last,
            at=time.time(),
            seconds=time.monotonic() - started,
            log=str(run.session.layout.log(spec.stack_id)),
        ),
    )


def _descriptions(workdir: Path) -> dict[str, str]:
    declared = json.loads((workdir / "cdk.tf.json").read_text()).get("output", {})
    return {name: str(block.get("description", "")) for name, block in declared.items()}


def destroy(run: Run, stack_id: str) -> str:
    """Take one stack down (protections off first); returns what was done."""
    spec = run.specs[stack_id]
    started = time.monotonic()

    def release() -> list[str]:
        return run.session.drop_and_release(
            spec,
            lambda other: run.specs[other].uploads if other in run.specs else (),
            lambda mine: uploads.remove(run.emulator, account_of(spec), spec.region, mine),
        )

    def nothing_deployed() -> str:
        # A deploy that failed before creating anything may still have put its uploads in.
        removed = release()
        return "nothing deployed" + (f"; removed {', '.join(removed)}" if removed else "")

    if not (run.session.layout.work(stack_id) / ".terraform").is_dir():
        return nothing_deployed()
    record = run.session.stacks().get(stack_id)
    tf = _prepare(run, spec, fresh_log=False)
    # Up to date with a configuration that protects nothing (staging, customer stacks): nothing to turn off.
    unprotected = record is not None and record.state == "up" and record.applied == _digest(tf.workdir)
    try:
        run.progress.state(stack_id, "planning the teardown")
        _init(tf)
        state = tf.state()
        if not _managed(state):
            return nothing_deployed()
        relax = PlanSummary()
        # Which protections are on, from state alone: the destroy below refreshes everything anyway.
        if not unprotected and _plan(tf, relax, "-refresh=false") == 2:
            # Deletion protections on: turn them off first, as the README says. Only updates of what
            # exists: after a failed apply the plan may also create what never was.
            updates = [f"-target={address}" for address, action in relax.changes if action == "update"]
            if updates:
                run.progress.state(stack_id, f"turning protections off ({len(updates)} resources)")
                tf.stream("apply", "-input=false", "-auto-approve", LOCK_TIMEOUT, *updates, on_event=lambda e: None)
                state = tf.state()
        leftovers = remnants(state)
        if spec.kind == "bootstrap":
            for bucket in _buckets(state):
                empty_bucket(run.emulator, account_of(spec), bucket)
        plan = PlanSummary()
        tf.stream(
            "destroy",
            "-input=false",
            "-auto-approve",
            LOCK_TIMEOUT,
            on_event=_counting(run, stack_id, "destroying", plan),
        )
        removed = remove_remnants(run.emulator, account_of(spec), leftovers)
    except Interrupted as interrupted:
        _record(run, spec, "interrupted", str(interrupted), started)
        raise Stopped("interrupted; Terraform saved its state") from None
    except Exception as error:
        _record(run, spec, "failed", f"destroy: {error}", started)
        raise
    if spec.state is None:
        for local in run.session.layout.state.glob(f"terraform.{stack_id}.tfstate*"):
            local.unlink()
    removed += release()
    return f"destroyed {plan.remove} resources" + (f"; then removed {', '.join(removed)}" if removed else "")


# What a destroy leaves behind on purpose: (kind, region, id).
Remnant = tuple[str, str, str]


def remnants(state: Mapping[str, Any]) -> list[Remnant]:
    """Final snapshots (databases, caches) and secrets in their recovery window that destroying ``state`` leaves."""
    found: list[Remnant] = []
    for resource in _managed(state):
        for instance in resource.get("instances", []):
            attributes = instance.get("attributes", {})
            # A resource whose create failed half-way (tainted) may hold no ARN: nothing of it can remain.
            arn = str(attributes.get("arn") or "").split(":")
            if len(arn) < 6:
                continue
            region = arn[3]
            if resource["type"] == "aws_db_instance" and not attributes.get("skip_final_snapshot"):
                if attributes.get("final_snapshot_identifier"):
                    found.append(("db-snapshot", region, str(attributes["final_snapshot_identifier"])))
            elif resource["type"] == "aws_elasticache_replication_group" and attributes.get(
                "final_snapshot_identifier"
            ):
                found.append(("cache-snapshot", region, str(attributes["final_snapshot_identifier"])))
            elif resource["type"] == "aws_secretsmanager_secret" and attributes.get("recovery_window_in_days") != 0:
                found.append(("secret", region, str(attributes["arn"])))
    return found


def remove_remnants(emulator: Emulator, account: str, found: list[Remnant]) -> list[str]:
    """Delete remnants for good (on the emulator only: on AWS they are the way back)."""
    counts = {"db-snapshot": 0, "cache-snapshot": 0, "secret": 0}
    for kind, region, identifier in found:
        try:
            if kind == "db-snapshot":
                emulator.client("rds", account, region).delete_db_snapshot(DBSnapshotIdentifier=identifier)
            elif kind == "cache-snapshot":
                emulator.client("elasticache", account, region).delete_snapshot(SnapshotName=identifier)
            else:
                secrets = emulator.client("secretsmanager", account, region)
                secrets.delete_secret(SecretId=identifier, ForceDeleteWithoutRecovery=True)
            counts[kind] += 1
        except ClientError as error:
            if error.response["Error"]["Code"] not in (
                "DBSnapshotNotFound",
                "SnapshotNotFoundFault",
                "ResourceNotFoundException",
            ):
                raise
    names = {
        "db-snapshot": "final snapshot(s)",
        "cache-snapshot": "final cache snapshot(s)",
        "secret": "secret(s) in their recovery window",
    }
    return [f"{count} {names[kind]}" for kind, count in counts.items() if count]


def _buckets(state: Mapping[str, Any]) -> list[str]:
    return [
        str(instance["attributes"]["bucket"])
        for resource in _managed(state)
        if resource["type"] == "aws_s3_bucket"
        for instance in resource.get("instances", [])
    ]


def empty_bucket(emulator: Emulator, account: str, bucket: str) -> None:
    """Delete every object version and delete marker, as the README's teardown says."""
    s3 = emulator.client("s3", account)
    region = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    s3 = emulator.client("s3", account, region)
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])


def held_lock(emulator: Emulator, account: str, synthesized: Mapping[str, Any]) -> dict[str, Any] | None:
    """The lock on the stack's state (DynamoDB item or S3 lock file), or None when it is free."""
    backend = synthesized.get("terraform", {}).get("backend", {}).get("s3")
    if not backend:
        return None  # local state: its lock is a file lock, gone with the process
    lock_id = f"{backend['bucket']}/{backend['key']}"
    if backend.get("dynamodb_table"):
        table = emulator.client("dynamodb", account, backend["region"])
        item = table.get_item(TableName=backend["dynamodb_table"], Key={"LockID": {"S": lock_id}}).get("Item")
        if item and "Info" in item:
            info: dict[str, Any] = json.loads(item["Info"]["S"])
            return info
    s3 = emulator.client("s3", account, backend["region"])
    try:
        body = s3.get_object(Bucket=backend["bucket"], Key=f"{backend['key']}.tflock")["Body"].read()
    except ClientError:
        return None
    info = json.loads(body)
    return info


def release_stale_lock(run: Run, stack_id: str) -> str | None:
    """After an interrupt, with no Terraform of ours running: free a lock one of ours left, if any."""
    spec = run.specs[stack_id]
    synthesized = stack_json(run.synth_dir, stack_id)
    info = held_lock(run.emulator, account_of(spec), synthesized)
    if info is None:
        return None
    env = {**run.base_env, **run.session.environment(account_of(spec), spec.region)}
    tf = Terraform(run.session.layout.work(stack_id), env, run.session.layout.log(stack_id), Processes())
    tf.run("force-unlock", "-force", str(info["ID"]))
    return str(info["ID"])
