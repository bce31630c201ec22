"""Synth speed and memory against the floor, written to bench/results.json.

The floor is a process that only starts Python, imports cdktf and has jsii
load the AWS provider library: no app can synthesize faster. Then one stack
(the path of ``make diff``/``make deploy``) and every stack (``make synth``)
are timed the same way.

Solobase at scale: a registry of --tenants customer instances (500) is
generated for prod by placement itself into a temporary directory (never the
committed one), with the account's Lambda concurrency quota raised to fit
them (a config override in the same directory). With it, one customer stack
(what ``make deploy STACK=solobase-prod-tenant-x`` pays) is timed against the
floor, and all the customer stacks together, which gives the growth per
customer; placing all of them is timed in process.

Each figure is the median of --runs runs after one warm-up run; all are
measured in the same session, interleaved, and run with the interpreter flags
of cdktf.json's app command (``python -O``: see docs/performance.md, "The optimized run").

    pipenv run python tools/bench.py [--runs 5] [--stack freeside-production] [--tenants 500]
    pipenv run python tools/bench.py --up [--jobs 2]      # make bench UP=1; writes bench/up.json

``--up`` measures ``make up`` instead (minutes, hence an option): every AWS
stack of every system from a fresh emulator, once, with the per-stack time
and apply time from its records, against the goal of 10 minutes on 2 cores
(met with ``--jobs 4``: the stacks mostly wait on the AWS provider's fixed
timers, so two at a time, make up's default, need about 17 minutes; see
docs/performance.md); then ``make down``, timed too. It never runs
in a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from infra.app_command import interpreter_flags  # light: imports no cdktf

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.json"
UP_RESULTS = ROOT / "bench" / "up.json"
UP_GOAL_SECONDS = 600
TARGETS = {"one_stack": 1.5, "all_stacks": 3.0, "one_tenant": 1.5}
MEMORY_LIMITS_MIB = {"python": 150, "node": 800}
TENANT_MEMORY_LIMITS_MIB = {"python": 300, "node": 1536}
PLACEMENT_LIMIT_SECONDS = 1.0
# Plans of the generated instances, in proportion (some Professional and Business run on ECS).
PLAN_MIX = ("hobby",) * 70 + ("starter",) * 20 + ("professional",) * 8 + ("business",) * 2


def generated_registry(directory: Path, count: int, seed: int = 10) -> tuple[list[str], float]:
    """Place ``count`` instances in prod with the product's placement; write the registry under ``directory``.

    Returns the placed subdomains and the seconds placing them took (median of 5, in process).
    """
    sys.path.insert(0, str(ROOT))
    from infra import systems
    from infra.systems.solobase import tenants
    from infra.systems.solobase.placement import Placement
    from infra.systems.solobase.settings import SolobaseSettings
    from infra.systems.solobase.tenants import TenantRegistry

    # The quota AWS raises on request: 500 instances reserve more than the default 1000.
    (directory / "config" / "solobase").mkdir(parents=True, exist_ok=True)
    (directory / "config" / "solobase" / "prod.toml").write_text("[tenancy]\naccount_concurrency_limit = 10000\n")
    settings = systems.load("solobase", "prod", directory / "config")
    assert isinstance(settings, SolobaseSettings)

    def place() -> Placement:
        rng = random.Random(seed)
        placement = Placement(TenantRegistry("prod"), settings.tenancy, settings.max_connections)
        for number in range(count):
            plan = rng.choice(PLAN_MIX)
            runtime = "ecs" if plan in ("professional", "business") and rng.random() < 0.25 else "lambda"
            instance_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            placement.add(subdomain=f"t{number:04d}", plan=plan, runtime=runtime, instance_id=instance_id)
        return placement

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        placement = place()
        timings.append(time.perf_counter() - started)
    tenants.save(placement.registry, directory / "tenants")
    for environment in systems.environments("solobase"):  # every environment needs its registry
        if environment != "prod":
            tenants.save(TenantRegistry(environment), directory / "tenants")
    return [t.subdomain for t in placement.registry.tenants], statistics.median(timings)


def measure(mode: str, stacks: str, extra_env: dict[str, str] | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        result = Path(scratch) / "probe.json"
        env = {**os.environ, "CDKTF_OUTDIR": str(Path(scratch) / "out"), "INFRA_STACKS": stacks, **(extra_env or {})}
        env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, *interpreter_flags(), str(ROOT / "tools" / "bench_probe.py"), str(result), mode],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        peaks = json.loads(result.read_text())
        resources = sum(
            sum(len(items) for items in json.loads(p.read_text()).get("resource", {}).values())
            for p in (Path(scratch) / "out").glob("stacks/*/cdk.tf.json")
        )
        stack_count = len(list((Path(scratch) / "out").glob("stacks/*/cdk.tf.json")))
    return {
        "seconds": elapsed,
        "python_mib": peaks["python_peak_kib"] / 1024,
        "node_mib": peaks["node_peak_kib"] / 1024,
        "stacks": stack_count,
        "resources": resources,
    }


def median(samples: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def bench_up(jobs: int, output: Path) -> int:
    """``make up`` of everything on a fresh emulator, then ``make down``; per-stack figures from its records."""
    with tempfile.TemporaryDirectory(prefix="bench-up-") as scratch:
        up_dir = Path(scratch) / "up"
        command = [sys.executable, "-m", "infra.up"]
        env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
        started = time.perf_counter()
        up = subprocess.run([*command, "up", "--jobs", str(jobs), "--dir", str(up_dir)], cwd=ROOT, env=env, check=False)
        up_seconds = time.perf_counter() - started
        records = (
            json.loads((up_dir / "status.json").read_text())["stacks"] if (up_dir / "status.json").is_file() else {}
        )
        started = time.perf_counter()
        down = subprocess.run(
            [*command, "down", "--jobs", str(jobs), "--dir", str(up_dir)], cwd=ROOT, env=env, check=False
        )
        down_seconds = time.perf_counter() - started
        subprocess.run([*command, "stop", "--dir", str(up_dir)], cwd=ROOT, env=env, check=False, capture_output=True)
    stacks = {
        stack: {
            "state": record["state"],
            "seconds": round(record["seconds"], 1),
            "apply_seconds": round(record["apply_seconds"], 1),
            "resources": record["resources"],
        }
        for stack, record in sorted(records.items(), key=lambda item: -item[1]["seconds"])
    }
    met = up.returncode == 0 and up_seconds <= UP_GOAL_SECONDS
    report = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)},
        "jobs": jobs,
        "up_seconds": round(up_seconds, 1),
        "up_exit_status": up.returncode,
        "down_seconds": round(down_seconds, 1),
        "down_exit_status": down.returncode,
        "goal_seconds": UP_GOAL_SECONDS,
        "met": met,
        "stacks": stacks,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\nmake up: {up_seconds:.0f} s for {len(stacks)} stacks with JOBS={jobs} (goal <= {UP_GOAL_SECONDS} s: "
        f"{'met' if met else 'MISSED'}); make down: {down_seconds:.0f} s"
    )
    for stack, figures in stacks.items():
        print(
            f"  {stack:<40} {figures['seconds']:>6.1f} s, apply {figures['apply_seconds']:>6.1f} s, "
            f"{figures['resources']} resources"
        )
    print(f"written to {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0 if met and down.returncode == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stack", default="freeside-production", help="the stack of the one-stack figure")
    parser.add_argument("--tenants", type=int, default=500, help="customer instances in the generated registry")
    parser.add_argument("--output", type=Path)
    parser.add_argument("--up", action="store_true", help="measure make up and make down instead (minutes)")
    parser.add_argument("--jobs", type=int, default=2, help="--up: stacks at once (make up's JOBS)")
    args = parser.parse_args()
    if args.up:
        return bench_up(args.jobs, args.output or UP_RESULTS)
    args.output = args.output or RESULTS
    if args.runs < 5:
        parser.error("--runs must be at least 5 (medians of fewer runs are noise)")
    if args.tenants < 2:
        parser.error("--tenants must be at least 2 (growth per customer needs two points)")

    scratch = Path(tempfile.mkdtemp(prefix="bench-tenants-"))
    try:
        subdomains, placement_seconds = generated_registry(scratch, args.tenants)
        generated = {"INFRA_TENANTS_DIR": str(scratch / "tenants"), "INFRA_CONFIG_DIR": str(scratch / "config")}
        cases: dict[str, tuple[str, str, dict[str, str] | None]] = {
            "floor": ("floor", "", None),
            "one_stack": ("app", args.stack, None),
            "all_stacks": ("app", "", None),
            "one_tenant": ("app", f"solobase-prod-tenant-{subdomains[0]}", generated),
            "all_tenants": ("app", "solobase-prod-tenant-*", generated),
        }
        for mode, stacks, env in cases.values():
            measure(mode, stacks, env)  # warm-up: page cache, __pycache__, jsii's package cache
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, (mode, stacks, env) in cases.items():
                samples[name].append(measure(mode, stacks, env))
    finally:
        shutil.rmtree(scratch)
    figures = {name: median(values) for name, values in samples.items()}

    floor = figures["floor"]["seconds"]
    one, every = figures["one_stack"], figures["all_stacks"]
    extra_stacks = every["stacks"] - one["stacks"]
    per_stack = (every["seconds"] - one["seconds"]) / extra_stacks if extra_stacks else 0.0
    extra_resources = every["resources"] - one["resources"]
    per_resource = (every["seconds"] - one["seconds"]) / extra_resources if extra_resources else 0.0
    verdicts: dict[str, Any] = {}
    for name, limit in TARGETS.items():
        ratio = figures[name]["seconds"] / floor
        verdicts[name] = {"ratio_to_floor": round(ratio, 2), "target": limit, "met": ratio <= limit}
    for name in ("one_stack", "all_stacks"):
        for process, limit in MEMORY_LIMITS_MIB.items():
            peak = figures[name][f"{process}_mib"]
            verdicts[f"{name}_{process}_memory"] = {"peak_mib": round(peak, 1), "limit_mib": limit, "met": peak < limit}
    for name in ("one_tenant", "all_tenants"):
        for process, limit in TENANT_MEMORY_LIMITS_MIB.items():
            peak = figures[name][f"{process}_mib"]
            verdicts[f"{name}_{process}_memory"] = {"peak_mib": round(peak, 1), "limit_mib": limit, "met": peak < limit}
    verdicts["placement"] = {
        "seconds": round(placement_seconds, 4),
        "limit_seconds": PLACEMENT_LIMIT_SECONDS,
        "met": placement_seconds < PLACEMENT_LIMIT_SECONDS,
    }
    one_tenant, all_tenants = figures["one_tenant"], figures["all_tenants"]
    per_tenant = (all_tenants["seconds"] - one_tenant["seconds"]) / (args.tenants - 1)

    report = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": args.runs,
        "one_stack_id": args.stack,
        "figures": {name: {k: round(v, 3) for k, v in values.items()} for name, values in figures.items()},
        "marginal": {
            "seconds_per_extra_stack": round(per_stack, 3),
            "seconds_per_extra_resource": round(per_resource, 5),
        },
        "tenants": {
            "registry": args.tenants,
            "one_tenant_stack": cases["one_tenant"][1],
            "all_seconds": round(all_tenants["seconds"], 3),
            "seconds_per_extra_tenant": round(per_tenant, 4),
            "placement_seconds": round(placement_seconds, 4),
        },
        "verdicts": verdicts,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")

    print(f"floor (python + cdktf + provider library): {floor:.2f} s")
    for name in ("one_stack", "all_stacks", "one_tenant"):
        f = figures[name]
        v = verdicts[name]
        print(
            f"{name:<11} {f['seconds']:.2f} s = {v['ratio_to_floor']:.2f}x floor (target <= {v['target']}x: "
            f"{'met' if v['met'] else 'MISSED'}); {int(f['stacks'])} stacks, {int(f['resources'])} resources; "
            f"peak python {f['python_mib']:.0f} MiB, node {f['node_mib']:.0f} MiB"
        )
    print(f"marginal: {per_stack:.3f} s per extra stack, {per_resource * 1000:.2f} ms per extra resource")
    memory = all(verdicts[f"all_tenants_{p}_memory"]["met"] for p in TENANT_MEMORY_LIMITS_MIB)
    print(
        f"all_tenants {all_tenants['seconds']:.2f} s for {int(all_tenants['stacks'])} customer stacks "
        f"({int(all_tenants['resources'])} resources) of a {args.tenants}-instance registry; "
        f"{per_tenant:.3f} s per extra customer; peak python {all_tenants['python_mib']:.0f} MiB, "
        f"node {all_tenants['node_mib']:.0f} MiB (limits {TENANT_MEMORY_LIMITS_MIB['python']} / "
        f"{TENANT_MEMORY_LIMITS_MIB['node']} MiB: {'met' if memory else 'MISSED'})"
    )
    print(
        f"placement   {args.tenants} instances in {placement_seconds * 1000:.1f} ms "
        f"(limit {PLACEMENT_LIMIT_SECONDS:.0f} s: {'met' if verdicts['placement']['met'] else 'MISSED'})"
    )
    print(f"written to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")
    return 0 if all(v["met"] for v in verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
