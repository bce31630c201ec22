"""``make up``, ``make down``, ``make status``, ``make emulator-env``: every platform on the local emulator.

    python -m infra.up up     [--systems P] [--envs P] [--stacks P] [--jobs N] [--dir D]
    python -m infra.up down   [--systems P] [--envs P] [--stacks P] [--jobs N] [--dir D] [--keep-emulator]
    python -m infra.up status [--dir D]
    python -m infra.up env    [--account A] [--unset] [--dir D]
    python -m infra.up stop   [--dir D]        (the emulator, without destroying: its state is in memory only)

Exit status: 0 when every stack asked for is up (or down), 1 when one failed
(the others go on; the summary names each with its log), 2 for bad input
(nothing started), 130 when interrupted (Terraform stopped cleanly, no stack
left locked).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType
from typing import TextIO

from emulator.accounts import DEFAULT_ACCOUNT
from emulator.dns_validator import DnsValidator
from emulator.server import Emulator
from infra import systems
from infra.config.teardown import teardown_overlays
from infra.registry import StackSpec
from infra.terraform import Processes, clean_environment, cli_config
from infra.up import outputs, schedule, stacks
from infra.up.progress import Progress, duration
from infra.up.schedule import Outcome, Result
from infra.up.selection import Selection, choose, not_on_emulator, requirements
from infra.up.session import Session, access_keys, account_of, default_root
from infra.validation import ConfigError

MAX_JOBS = 16


@dataclass
class Options:
    systems: str | None
    envs: str | None
    stacks: str | None
    jobs: int

    @property
    def filtered(self) -> bool:
        return bool(self.systems or self.envs or self.stacks)


class Interrupts:
    """Ctrl-C (or SIGTERM) during a run: stop starting stacks, let running Terraform stop cleanly."""

    def __init__(self, processes: Processes, out: TextIO) -> None:
        self.processes = processes
        self.out = out
        self.cancel = threading.Event()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.cancel.is_set():
            self.cancel.set()
            running = self.processes.interrupt()
            print(
                f"\ninterrupted: starting no other stack; {running} Terraform run(s) finishing the operations in "
                "flight, then saving state and releasing their locks (this can take a minute)",
                file=self.out,
                flush=True,
            )
        else:
            print("still stopping cleanly: Terraform is saving state and releasing locks", file=self.out, flush=True)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _jobs(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_JOBS:
        raise ConfigError("JOBS", f"an integer from 1 to {MAX_JOBS}", value)
    return int(value)


def _accounts(specs: Sequence[StackSpec], synth_dir: Path) -> dict[str, list[str]]:
    regions: dict[str, set[str]] = {}
    for spec in specs:
        synthesized = stacks.stack_json(synth_dir, spec.stack_id)
        regions.setdefault(account_of(spec), set()).update(stacks.regions_of(spec, synthesized))
    return {account: sorted(found) for account, found in regions.items()}


def _final_line(result: Result) -> tuple[str, str]:
    if result.outcome == Outcome.DONE:
        return f"done in {duration(result.seconds)}: {result.detail}", "done"
    if result.outcome == Outcome.FAILED:
        return f"failed after {duration(result.seconds)}: {result.detail}", "failed"
    return f"{result.outcome}: {result.detail}", str(result.outcome)


def _run_graph(
    run: stacks.Run,
    order: list[str],
    needs: Mapping[str, Collection[str]],
    work: Callable[[stacks.Run, str], str],
    jobs: int,
    out: TextIO,
) -> tuple[dict[str, Result], bool]:
    interrupts = Interrupts(run.processes, out)

    def report(result: Result) -> None:
        text, outcome = _final_line(result)
        run.progress.state(result.node, text, outcome=outcome)

    with interrupts.installed():
        results = schedule.run(
            order,
            needs,
            lambda node: work(run, node),
            jobs=jobs,
            cancel=interrupts.cancel,
            on_result=report,
            weights={node: stacks.weight(run.synth_dir, node) for node in order},
        )
    run.progress.close()
    if interrupts.cancel.is_set():
        for node, result in results.items():
            if result.outcome in (Outcome.CANCELLED, Outcome.FAILED):
                try:
                    released = stacks.release_stale_lock(run, node)
                except Exception as error:  # report, and let the user see make status
                    print(f"{node}: could not check its state lock: {error}", file=out)
                    continue
                if released:
                    print(f"{node}: released the state lock {released} an interrupted run left", file=out)
    return results, interrupts.cancel.is_set()


@dataclass(frozen=True)
class Report:
    """How one ``up`` or ``down`` went: its exit status, each stack's result, what ``down`` found left over."""

    status: int
    results: dict[str, Result] = field(default_factory=dict)
    leftovers: dict[str, set[str]] = field(default_factory=dict)
    """``account/region`` to what the emulator holds there beyond its baseline (``down`` only)."""


def _summary(results: dict[str, Result], session: Session, out: TextIO) -> int:
    failed = [r for r in results.values() if r.outcome in (Outcome.FAILED, Outcome.BLOCKED)]
    drift = [r for r in results.values() if r.outcome == Outcome.DONE and r.detail.startswith("drift")]
    for result in drift:
        print(f"drift in {result.node}: {result.detail} (applied; see {session.layout.log(result.node)})", file=out)
    if failed:
        print(f"\n{len(failed)} stack(s) did not make it:", file=out)
        for result in failed:
            log = session.layout.log(result.node)
            where = f"; log: {log}" if result.outcome == Outcome.FAILED else ""
            print(f"  {result.node}: {result.outcome}: {result.detail}{where}", file=out)
    return 1 if failed else 0


def _app() -> ModuleType:
    """The app, imported only by the commands that synthesize: importing cdktf starts its Node.js runtime,
    seconds that ``make status``, ``make emulator-env`` and the test suite's runs need not pay."""
    from infra import app

    return app


def up(options: Options, session: Session, out: TextIO, *, synthesized: Path | None = None) -> Report:
    """Deploy the chosen stacks. ``synthesized``: the app already synthesized (with every chosen stack, and
    bootstrap stacks keeping local state where the caller wants it), used as it is instead of a synth of its own
    (the test suite synthesizes once for all its runs)."""
    specs = systems.stack_specs()
    selection = choose(specs, systems=options.systems, envs=options.envs, stacks=options.stacks)
    by_id = {spec.stack_id: spec for spec in specs}
    ids = selection.ids
    layout = session.layout
    if not ids:
        for stack_id, reason in selection.not_deployed.items():
            print(f"not deployed: {stack_id}: {reason}", file=out)
        print("nothing chosen runs on the emulator", file=out)
        return Report(0)
    synth_dir = synthesized or layout.synth
    missing = [i for i in ids if synthesized and not (synthesized / "stacks" / i / "cdk.tf.json").is_file()]
    if missing:
        raise ConfigError("the synthesized app", f"holding every chosen stack, in {synthesized}", missing)
    with session.local_state_dir():
        if synthesized is None:
            _app().configure(selection.stacks)  # every value checked before the emulator starts
        record, emulator, fresh = session.ensure_emulator()
        print(
            f"emulator {'started' if fresh else 'running'} at {record.endpoint} (pid {record.pid}; log {record.log})",
            file=out,
        )
        if synthesized is None:
            _app().synth(outdir=str(layout.synth), requested=",".join(ids))
    for stack_id, needed_by in selection.added.items():
        print(f"{stack_id}: added, {needed_by} needs it", file=out)
    accounts = _accounts(selection.stacks, synth_dir)
    for account, regions in accounts.items():
        for region in regions:
            session.baseline(emulator, account, region)

    processes = Processes()
    progress = Progress(out, ids)
    for stack_id in ids:
        progress.state(stack_id, "queued")
    run = stacks.Run(
        session=session,
        emulator=emulator,
        processes=processes,
        progress=progress,
        base_env=clean_environment(cli_config()),
        synth_dir=synth_dir,
        specs=by_id,
        previous=session.stacks(),
    )
    # The README's operator: creates the DNS records certificates without a hosted zone wait for.
    validators = [DnsValidator(emulator, account, regions) for account, regions in accounts.items()]
    for validator in validators:
        validator.start()
    try:
        results, interrupted = _run_graph(run, ids, selection.needs, stacks.deploy, options.jobs, out)
    finally:
        for validator in validators:
            validator.stop()

    status = _summary(results, session, out)
    _print_outputs(session, selection, out)
    _print_environment(session, out)
    return Report(130 if interrupted else status, results)


def _print_outputs(session: Session, selection: Selection, out: TextIO) -> None:
    rows = [
        outputs.Notable(stack_id, row["kind"], row["name"], row["value"], row.get("description", ""))
        for stack_id, record in session.stacks().items()
        if record.state == "up"
        for row in record.outputs
    ]
    record = session.record()
    document = outputs.document(
        rows,
        emulator={"endpoint": record.endpoint, "ca_bundle": record.ca_bundle} if record else None,
        not_deployed=selection.not_deployed,
    )
    session.layout.outputs.write_text(json.dumps(document, indent=2) + "\n")
    print(
        f"\n{outputs.table(rows)}" if rows else "\nno output of a stack up is something to open or connect to", file=out
    )
    for stack_id, reason in selection.not_deployed.items():
        print(f"not deployed: {stack_id}: {reason}", file=out)
    print(f"(also in {session.layout.outputs})", file=out)


def _dir_argument(session: Session) -> str:
    """`` UP_DIR=...`` when the directory is not the default one, for commands printed to copy."""
    default = Path(default_root()).resolve()
    return "" if session.layout.root == default else f" UP_DIR={session.layout.root}"


def _default_account(session: Session) -> str:
    accounts = sorted({r.account for r in session.stacks().values() if r.state == "up"})
    return accounts[0] if len(accounts) == 1 else DEFAULT_ACCOUNT


def _print_environment(session: Session, out: TextIO) -> None:
    account = _default_account(session)
    path = session.write_env_file(account)
    others = sorted({r.account for r in session.stacks().values()} - {account})
    print("\nTo use the emulator from another shell (its CA and credentials):", file=out)
    print(session.exports(account), end="", file=out)
    if others:
        print(f"Other accounts (make emulator-env ACCOUNT=...):\n{access_keys(others)}", file=out)
    print(f'Load them with: eval "$(make -s emulator-env{_dir_argument(session)})"  or  source {path}', file=out)


def _down_targets(options: Options, session: Session, by_id: dict[str, StackSpec]) -> list[str]:
    """Stacks on the emulator to take down: those chosen, what needs them, and state stores no one else uses."""
    deployed = [stack_id for stack_id, record in session.stacks().items() if record.state != "destroyed"]
    unknown = [s for s in deployed if s not in by_id]
    if unknown:
        raise ConfigError("make down", "stacks the app still defines (restore them, then make down)", unknown)
    if not options.filtered:
        chosen = set(deployed)
    else:
        selection = choose(list(by_id.values()), systems=options.systems, envs=options.envs, stacks=options.stacks)
        chosen = {s for s in deployed if s in set(selection.ids) and by_id[s].kind != "bootstrap"}
        chosen |= {s for s in deployed if by_id[s].kind == "bootstrap" and s in set(selection.ids)}
        grown = True
        while grown:  # whatever needs a chosen stack goes first
            more = {s for s in deployed if s not in chosen and set(requirements(by_id[s])) & chosen}
            chosen |= more
            grown = bool(more)
        staying = [s for s in deployed if s not in chosen]
        needed = {n for s in staying for n in requirements(by_id[s])}
        chosen -= needed
    order = [spec.stack_id for spec in by_id.values() if spec.stack_id in chosen]
    return order


def down(
    options: Options, session: Session, out: TextIO, *, keep_emulator: bool, synthesized: Path | None = None
) -> Report:
    """Destroy what is up. ``synthesized``: the app already synthesized with the teardown overlays (protections
    off), used instead of a synth of its own (see ``up``)."""
    running = session.attach()
    if running is None:
        had = session.stacks()
        session.stop_emulator()
        session.forget_stacks()
        if had:
            print(f"the emulator is not running: {len(had)} stack(s) went with it; nothing to destroy", file=out)
        else:
            print("nothing is up", file=out)
        return Report(0)
    record, emulator = running
    specs = systems.stack_specs()
    by_id = {spec.stack_id: spec for spec in specs}
    targets = _down_targets(options, session, by_id)
    layout = session.layout
    results: dict[str, Result] = {}
    interrupted = False
    if targets:
        synth_dir = synthesized or layout.teardown_synth
        if synthesized is None:
            with session.local_state_dir():
                _app().synth(
                    outdir=str(layout.teardown_synth),
                    requested=",".join(targets),
                    overlays=teardown_overlays(systems.load_all()),
                )
        order, needs = schedule.reverse(targets, {t: requirements(by_id[t]) for t in targets})
        progress = Progress(out, order)
        for stack_id in order:
            progress.state(stack_id, "queued")
        run = stacks.Run(
            session=session,
            emulator=emulator,
            processes=Processes(),
            progress=progress,
            base_env=clean_environment(cli_config()),
            synth_dir=synth_dir,
            specs=by_id,
        )
        results, interrupted = _run_graph(run, order, needs, stacks.destroy, options.jobs, out)
    status = _summary(results, session, out)
    remaining = {s: r for s, r in session.stacks().items() if r.state != "destroyed"}
    if interrupted:
        return Report(130, results)
    if remaining:
        print(f"still up: {', '.join(sorted(remaining))}; the emulator keeps running", file=out)
        return Report(status, results)
    leftovers = _leftovers(session, emulator)
    for key, items in leftovers.items():
        print(f"left on the emulator in {key}: {', '.join(sorted(items))}", file=out)
    if not leftovers:
        print("the emulator holds nothing the stacks created", file=out)
    if keep_emulator:
        print(f"emulator kept running at {record.endpoint} (pid {record.pid})", file=out)
    else:
        session.stop_emulator()
        session.forget_stacks()
        print(f"emulator stopped (pid {record.pid})", file=out)
    return Report(1 if leftovers or status else 0, results, leftovers)


def _leftovers(session: Session, emulator: Emulator) -> dict[str, set[str]]:
    record = session.record()
    found: dict[str, set[str]] = {}
    for key, before in (record.baselines if record else {}).items():
        account, region = key.split("/")
        extra = emulator.inventory(account, region) - set(before)
        if extra:
            found[key] = extra
    return found


def status(session: Session, out: TextIO) -> int:
    running = session.attach()
    records = session.stacks()
    if running is None:
        print("emulator: not running (make up starts it)", file=out)
        if records:
            print(f"{len(records)} stack record(s) are stale: what was deployed went with the emulator", file=out)
    else:
        record, _ = running
        print(
            f"emulator: running at {record.endpoint} (pid {record.pid}, up {duration(time.time() - record.started_at)}"
            f"; log {record.log})",
            file=out,
        )
        print(
            f'  eval "$(make -s emulator-env{_dir_argument(session)})"  or  source {session.layout.env_file}', file=out
        )
        if records:
            rows = [("STACK", "STATE", "LAST", "WHEN", "RESOURCES", "LOG")]
            for stack_id, stack in records.items():
                rows.append(
                    (
                        stack_id,
                        stack.state,
                        stack.last if len(stack.last) <= 60 else stack.last[:57] + "...",
                        f"{duration(time.time() - stack.at)} ago",
                        str(stack.resources),
                        stack.log,
                    )
                )
            widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
            for row in rows:
                print("  ".join([*(row[i].ljust(widths[i]) for i in range(len(widths))), row[-1]]).rstrip(), file=out)
        else:
            print("no stack is up", file=out)
    for spec in systems.stack_specs():
        reason = not_on_emulator(spec)
        if reason:
            print(f"not deployed: {spec.stack_id}: {reason}", file=out)
    return 0


def env(session: Session, out: TextIO, *, account: str | None, unset: bool) -> int:
    if unset:
        print(Session.unsets(), end="", file=out)
        return 0
    if session.attach() is None:
        print("error: make up's emulator is not running (make up starts it)", file=sys.stderr)
        return 1
    print(session.exports(account or _default_account(session)), end="", file=out)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.up", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "down"):
        command = commands.add_parser(name)
        command.add_argument("--systems", help="systems (comma-separated names or patterns)")
        command.add_argument("--envs", help="environments (names or patterns)")
        command.add_argument("--stacks", help="stack ids or patterns")
        command.add_argument("--jobs", default="2", help=f"stacks at once (1 to {MAX_JOBS}; default 2)")
        command.add_argument("--dir", help="the make up directory (default build/up)")
        if name == "down":
            command.add_argument("--keep-emulator", action="store_true", help="leave the emulator running")
    for name in ("status", "stop"):
        commands.add_parser(name).add_argument("--dir")
    env_command = commands.add_parser("env")
    env_command.add_argument("--account", help="account the exports act as")
    env_command.add_argument("--unset", action="store_true", help="print the unset line instead")
    env_command.add_argument("--dir")
    return parser


def main(argv: list[str], out: TextIO = sys.stdout) -> int:
    args = _parser().parse_args(argv)
    session = Session(Path(args.dir) if args.dir else None)
    try:
        if args.command == "status":
            return status(session, out)
        if args.command == "stop":
            stopped = session.stop_emulator()
            session.forget_stacks()
            print("emulator stopped; what was on it is gone" if stopped else "no emulator was running", file=out)
            return 0
        if args.command == "env":
            return env(session, out, account=args.account, unset=args.unset)
        options = Options(args.systems or None, args.envs or None, args.stacks or None, _jobs(str(args.jobs)))
        if args.command == "up":
            return up(options, session, out).status
        return down(options, session, out, keep_emulator=args.keep_emulator).status
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted before any stack started", file=sys.stderr)
        return 130
