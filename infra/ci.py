"""What the delivery workflows run (docs/delivery.md), each behind a make target.

    python -m infra.ci plan   --stacks IDS --out DIR [--jobs N]     make plan-stacks STACKS=… OUT=…
    python -m infra.ci apply  --stacks IDS --plans DIR [--jobs N]   make apply-plans STACKS=… PLANS=…
    python -m infra.ci summary --plans DIR [--title T]              make plan-summary PLANS=…
    python -m infra.ci matrix --changed FILE (--branch B | --pull-request) [--stacks P] [--repository R]
                                                                    make matrix …
    python -m infra.ci policies [--check]                           make policies
    python -m infra.ci rollout --tenants N --runners R [--system S --environment E] [--full]
                                                                    make rollout-plan TENANTS=… RUNNERS=…

Plans and applies run Terraform with the process's environment (the
credentials of the role the job assumed), in each stack's synthesized
directory ``cdktf.out/stacks/<id>``. Exit status: 0 done; 1 a stack failed;
2 bad input (nothing ran); 3 a plan was refused (stale, altered, or from
another commit): nothing of it was applied.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from infra import app, systems
from infra.delivery import docs, policies, rollout
from infra.delivery.plans import PlanRecord, PlanRefused, apply_plan, make_plan
from infra.delivery.settings import DeliverySettings, Rollout
from infra.paths import REPOSITORY_ROOT
from infra.registry import StackSpec, select
from infra.terraform import Processes, Terraform, cli_config
from infra.up import schedule
from infra.up.schedule import Outcome, Result
from infra.validation import ConfigError, OperatorError

SYNTH_DIR = REPOSITORY_ROOT / "cdktf.out"
BENCH_FILE = REPOSITORY_ROOT / "bench" / "up.json"
EXIT_REFUSED = 3
SUMMARY_LIMIT = 60_000
"""Characters of plan text a summary carries (a pull request comment holds 65,536)."""


def _commit() -> str | None:
    completed = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPOSITORY_ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        return None  # not a git checkout: the plan records no commit, and the apply checks none
    return completed.stdout.strip() or None


def _environment(spec: StackSpec) -> dict[str, str]:
    """The job's environment (its role's credentials), unattended, plus what the stack's system adds."""
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
    mirror = cli_config()
    if mirror:
        env["TF_CLI_CONFIG_FILE"] = mirror
    systems.check_deployable(spec)
    return {**env, **systems.terraform_environment(spec)}


def _deployed(requested: str) -> list[StackSpec]:
    chosen = select(systems.stack_specs(), requested)
    for spec in chosen:
        if spec.kind not in rollout.DEPLOYED_KINDS:
            raise ConfigError(
                "STACKS",
                f"stacks CI deploys ({', '.join(rollout.DEPLOYED_KINDS)}; {spec.kind} is an operator's)",
                spec.stack_id,
            )
    return chosen


def _run(
    specs: Sequence[StackSpec], jobs: int, work: Callable[[StackSpec, Terraform], str], logs: Path, out: TextIO
) -> dict[str, Result]:
    """``work`` on each stack's synthesized directory, ``jobs`` at once (infra.up's scheduler)."""
    processes = Processes()
    by_id = {spec.stack_id: spec for spec in specs}
    lock = threading.Lock()

    def one(stack_id: str) -> str:
        spec = by_id[stack_id]
        tf = Terraform(
            SYNTH_DIR / "stacks" / stack_id, _environment(spec), logs / stack_id / "terraform.log", processes
        )
        return work(spec, tf)

    def report(result: Result) -> None:
        with lock:
            print(f"{result.node}: {result.outcome}: {result.detail} ({result.seconds:.0f} s)", file=out, flush=True)

    return schedule.run(list(by_id), {}, one, jobs=jobs, on_result=report)


def _exit(results: dict[str, Result], refused: set[str], out: TextIO) -> int:
    failed = [r for r in results.values() if r.outcome != Outcome.DONE]
    for result in failed:
        print(f"::error title={result.node}::{result.detail}", file=out)
    if refused & {r.node for r in failed}:
        return EXIT_REFUSED
    return 1 if failed else 0


def plan(args: argparse.Namespace, out: TextIO) -> int:
    specs = _deployed(args.stacks)
    app.synth(outdir=str(SYNTH_DIR), requested=",".join(s.stack_id for s in specs))
    commit = _commit()

    def work(spec: StackSpec, tf: Terraform) -> str:
        return make_plan(tf, args.out, spec.stack_id, commit=commit).describe()

    return _exit(_run(specs, args.jobs, work, args.out, out), set(), out)


def apply(args: argparse.Namespace, out: TextIO) -> int:
    specs = _deployed(args.stacks)
    records = {s.stack_id: PlanRecord.read(args.plans / s.stack_id) for s in specs}
    app.synth(outdir=str(SYNTH_DIR), requested=",".join(s.stack_id for s in specs))
    commit = _commit()
    refused: set[str] = set()

    def work(spec: StackSpec, tf: Terraform) -> str:
        if not records[spec.stack_id].has_changes:
            return "no changes in the reviewed plan: nothing applied"
        try:
            record = apply_plan(tf, args.plans / spec.stack_id, spec.stack_id, commit=commit)
        except PlanRefused:
            refused.add(spec.stack_id)
            raise
        return f"applied the reviewed plan {record.sha256[:12]}: {record.describe()}"

    return _exit(_run(specs, args.jobs, work, args.plans, out), refused, out)


def summary(args: argparse.Namespace, out: TextIO) -> int:
    """Markdown for the job summary and the pull request: counts, the SHA-256 applied, each plan's text."""
    records = sorted((PlanRecord.read(p.parent) for p in args.plans.glob("**/plan.json")), key=lambda r: r.stack_id)
    lines = [f"### {args.title}", ""]
    if not records:
        lines.append("No stack plans in this run.")
    else:
        lines += ["| stack | add | change | destroy | plan SHA-256 |", "| --- | --- | --- | --- | --- |"]
        lines += [f"| `{r.stack_id}` | {r.add} | {r.change} | {r.remove} | `{r.sha256[:16]}` |" for r in records]
        budget = SUMMARY_LIMIT
        for record in (r for r in records if r.has_changes):
            found = next(args.plans.glob(f"**/{record.stack_id}/plan.txt"), None)
            text = found.read_text() if found else "(no rendered plan: see the job's log)"
            shown = (
                text if len(text) <= budget else text[:budget] + "\n… (truncated: the whole plan is in the artifact)"
            )
            budget -= len(shown)
            lines += [
                "",
                f"<details><summary>{record.stack_id}: {record.describe()}</summary>",
                "",
                "```",
                shown,
                "```",
                "</details>",
            ]
            if budget <= 0:
                break
    print("\n".join(lines), file=out)
    return 0


def matrix(args: argparse.Namespace, out: TextIO) -> int:
    """GitHub step outputs: the waves' batches (JSON), max-parallel, and what CI does not apply."""
    delivery = systems.delivery()
    if args.repository and check_repository(args, sys.stderr):
        return 2
    specs = systems.stack_specs()
    changed = [line.strip() for line in args.changed.read_text().splitlines() if line.strip()]
    if args.stacks:
        changed = [s.stack_id for s in select(specs, args.stacks)]
    by_id = {spec.stack_id: spec for spec in specs}
    unknown = [stack_id for stack_id in changed if stack_id not in by_id]
    if unknown:
        raise ConfigError("changed stacks", "ids of stacks (see make stacks)", unknown)
    chosen = [by_id[s] for s in changed]
    operators = [s.stack_id for s in chosen if s.kind not in rollout.DEPLOYED_KINDS]
    chosen = [s for s in chosen if s.kind in rollout.DEPLOYED_KINDS]
    if args.branch:
        wanted = set(delivery.environments_of_branch(args.branch))
        chosen = [s for s in chosen if delivery.github_environment(s.system, s.environments[0]).name in wanted]
    cost = rollout.times(specs, rollout.measured_times(BENCH_FILE))
    groups = rollout.waves(chosen) if not args.pull_request else ([chosen] if chosen else [])
    waves = [
        _entries(rollout.batches(n, wave, cost, delivery.rollout), by_id, delivery) for n, wave in enumerate(groups, 1)
    ]
    waves += [[]] * (rollout.MAX_WAVES - len(waves))
    for number, entries in enumerate(waves, start=1):
        print(f"wave{number}={json.dumps(entries, separators=(',', ':'))}", file=out)
    print(f"max_parallel={delivery.rollout.runners}", file=out)
    print(f"jobs_per_runner={delivery.rollout.stacks_per_runner}", file=out)
    print(f"operator_stacks={','.join(operators)}", file=out)
    return 0


def _entries(
    batches: list[rollout.Batch], by_id: dict[str, StackSpec], delivery: DeliverySettings
) -> list[dict[str, object]]:
    result = []
    for batch in batches:
        spec = by_id[batch.stacks[0]]
        result.append(
            rollout.matrix_entry(
                batch,
                spec,
                github_environment=delivery.github_environment(batch.system, batch.environment).name,
                plan_role=policies.role_name(batch.system, "plan"),
                apply_role=policies.role_name(batch.system, "apply", batch.environment),
            )
        )
    return result


def policies_command(args: argparse.Namespace, out: TextIO) -> int:
    """Regenerate (or with --check, compare) policies.json, IAM_POLICIES.md and docs/delivery.md's table."""
    specs = systems.stack_specs()
    deployed = [s.stack_id for s in specs if s.kind in policies.DEPLOYED_KINDS]
    declared = systems.declared_environments()
    with tempfile.TemporaryDirectory(prefix="policies-synth-") as scratch:
        app.synth(outdir=scratch, requested=",".join(deployed))
        data = policies.generate(specs, Path(scratch), declared, systems.delivery())
    expected = docs.expected_files(data, policies.render(data), policies.POLICIES_FILE)
    stale = [path for path, text in expected.items() if not path.is_file() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(REPOSITORY_ROOT)} (run make policies)", file=out)
        return 1 if stale else 0
    for path in stale:
        path.write_text(expected[path])
        print(f"wrote {path.relative_to(REPOSITORY_ROOT)}", file=out)
    return 0


def simulated_specs(specs: Sequence[StackSpec], system: str, environment: str, tenants: int) -> list[StackSpec]:
    """One system environment's stacks with its tenant stacks replaced by ``tenants`` synthetic ones."""
    mine = [
        s for s in specs if s.system == system and s.environments == (environment,) and s.kind in rollout.DEPLOYED_KINDS
    ]
    if not mine:
        raise ConfigError("SYSTEM/ENV", "a system environment with stacks CI deploys", f"{system}/{environment}")
    templates = [s for s in mine if s.kind == "tenant"]
    if tenants and not templates:
        raise ConfigError("TENANTS", f"0 ({system}/{environment} has no tenant stacks to model them on)", tenants)
    others = [s for s in mine if s.kind != "tenant"]
    made = [
        dataclasses.replace(templates[i % len(templates)], stack_id=f"{system}-{environment}-tenant-sim-{i + 1:04d}")
        for i in range(tenants)
    ]
    return others + made


def simulation(
    system: str, environment: str, tenants: int, runners: int | None = None, bench: Path = BENCH_FILE
) -> tuple[rollout.Simulation, Rollout]:
    """The rollout of one system environment with ``tenants`` synthetic tenant stacks, from measured times."""
    delivery = systems.delivery()
    settings = dataclasses.replace(delivery.rollout, runners=runners) if runners else delivery.rollout
    specs = systems.stack_specs()
    by_id = {spec.stack_id: spec for spec in specs}
    measured = rollout.measured_times(bench)
    chosen = simulated_specs(specs, system, environment, tenants)
    # Synthetic tenants take, in turn, the measured times of the system's tenant stacks: the measured mix.
    models = sorted(s for s in measured if s in by_id and by_id[s].kind == "tenant" and by_id[s].system == system)
    if tenants and not models:
        raise ConfigError(str(bench), f"measured tenant stacks of {system} (make bench UP=1)", sorted(measured))
    known = rollout.times(specs, measured)
    cost = {s.stack_id: known[s.stack_id] for s in chosen if s.stack_id in known}
    synthetic = [s.stack_id for s in chosen if s.stack_id not in known]
    cost.update({stack_id: measured[models[i % len(models)]] for i, stack_id in enumerate(synthetic)})
    return rollout.simulate(chosen, cost, settings), settings


def rollout_command(args: argparse.Namespace, out: TextIO) -> int:
    result, settings = simulation(args.system, args.environment, args.tenants, args.runners, args.bench)
    _print_simulation(result, settings, args, out)
    return 0


def _shown(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPOSITORY_ROOT)) if resolved.is_relative_to(REPOSITORY_ROOT) else str(path)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min"


def _print_simulation(result: rollout.Simulation, settings: Rollout, args: argparse.Namespace, out: TextIO) -> None:
    tenants = sum(1 for w in result.waves for b in w.batches for s in b.stacks if "-tenant-" in s)
    print(
        f"rollout of {args.system}/{args.environment}: {result.stacks} stacks ({tenants} tenants) on "
        f"{settings.runners} runners, {settings.stacks_per_runner} Terraform runs per runner, "
        f"{settings.job_overhead_seconds:.0f} s per job before its first stack (estimate); per-stack times "
        f"from {_shown(args.bench)}",
        file=out,
    )
    for wave in result.waves:
        count = sum(len(b.stacks) for b in wave.batches)
        print(
            f"wave {wave.wave}: {count} stacks in {len(wave.batches)} jobs: plan {_minutes(wave.plan_seconds)}, "
            f"then apply {_minutes(wave.apply_seconds)}",
            file=out,
        )
        for batch in wave.batches:
            stacks = (
                batch.stacks
                if args.full or len(batch.stacks) <= 4
                else [*batch.stacks[:3], f"… {len(batch.stacks) - 3} more"]
            )
            print(
                f"  {batch.name}: {len(batch.stacks)} stacks, {_minutes(batch.load)} of Terraform: {', '.join(stacks)}",
                file=out,
            )
    if result.estimated:
        print(f"not measured, estimated from measured stacks: {', '.join(result.estimated)}", file=out)
    print(
        f"wall time: {_minutes(result.seconds)} (applies {_minutes(result.apply_seconds)}), plus the reviewers' time "
        "before each production wave",
        file=out,
    )


def check_repository(args: argparse.Namespace, out: TextIO) -> int:
    """The deployer roles trust one repository: a run elsewhere would only meet AccessDenied; say why."""
    expected = systems.delivery().repository
    if args.repository != expected:
        print(
            f"error: delivery.toml's github.repository is {expected!r}, this run is in {args.repository!r}: the "
            "deployer roles trust only the repository named there. Set it to this repository and deploy the "
            "ci-<system> stacks (docs/delivery.md).",
            file=out,
        )
        return 2
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.ci", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, verb in (("plan", "plan to files"), ("apply", "apply the reviewed plan files")):
        sub = commands.add_parser(name, help=f"{verb} of stacks (comma-separated ids or patterns)")
        sub.add_argument("--stacks", required=True)
        sub.add_argument("--jobs", type=int, default=systems.delivery().rollout.stacks_per_runner)
        sub.add_argument(
            "--out" if name == "plan" else "--plans",
            type=Path,
            required=True,
            dest="out" if name == "plan" else "plans",
        )
    sub = commands.add_parser("summary", help="markdown summary of the plans under a directory")
    sub.add_argument("--plans", type=Path, required=True)
    sub.add_argument("--title", default="Terraform plans")
    sub = commands.add_parser("matrix", help="the workflows' matrix of the changed stacks")
    sub.add_argument("--changed", type=Path, required=True)
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--branch")
    which.add_argument("--pull-request", action="store_true")
    sub.add_argument("--stacks", help="ids or patterns instead of the changed stacks (a manual run)")
    sub.add_argument("--repository", help="owner/name of the repository the run is in: must be delivery.toml's")
    sub = commands.add_parser("policies", help="regenerate the deployer roles' policies and their documents")
    sub.add_argument("--check", action="store_true", help="only say which generated file is stale")
    sub = commands.add_parser("rollout", help="simulate a rollout with N tenants on R runners")
    sub.add_argument("--tenants", type=int, default=500)
    sub.add_argument("--runners", type=int)
    sub.add_argument("--system", default="solobase")
    sub.add_argument("--environment", default="prod")
    sub.add_argument("--bench", type=Path, default=BENCH_FILE)
    sub.add_argument("--full", action="store_true", help="list every stack of every job")
    return parser


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "plan": plan,
    "apply": apply,
    "summary": summary,
    "matrix": matrix,
    "policies": policies_command,
    "rollout": rollout_command,
}


def main(argv: Sequence[str], out: TextIO = sys.stdout) -> int:
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "jobs", 1) < 1:
            raise ConfigError("JOBS", "an integer of 1 or more", args.jobs)
        if args.command == "rollout" and (args.tenants < 0 or (args.runners is not None and args.runners < 1)):
            raise ConfigError(
                "TENANTS/RUNNERS", "TENANTS of 0 or more and RUNNERS of 1 or more", (args.tenants, args.runners)
            )
        return COMMANDS[args.command](args, out)
    except (ConfigError, OperatorError, PlanRefused) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_REFUSED if isinstance(error, PlanRefused) else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
