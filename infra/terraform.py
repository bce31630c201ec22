"""Terraform on a synthesized stack, in a working directory of its own, for the commands users run.

``make up``/``down`` (infra.up) and ``make output`` (infra.deployed) drive the
``terraform`` binary on ``cdk.tf.json`` directly rather than through the cdktf
CLI: the app is synthesized once, in-process, for every stack a run needs;
each stack keeps a working directory no other command rewrites (the CLI's
``cdktf.out/stacks/<id>`` is replaced by every selective synth); and
Terraform's machine-readable output (``-json``) gives exact progress per
resource. The JSON is the one ``cdktf deploy`` applies.

Processes run in a session of their own, so a Ctrl-C at the terminal reaches
this program only; :class:`Processes` then sends each running Terraform one
SIGINT, which makes it finish the resource operations in flight, write state
and release its lock (a second one would make it stop at once, lock held).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]

# Variables that could point Terraform or the AWS SDK at a real account, or change how Terraform runs.
_SCRUBBED_PREFIXES = ("AWS_", "TF_")

Event = dict[str, Any]
"""One line of Terraform's machine-readable UI (``-json``): ``type``, ``@level``, ``@message``, ..."""


def cli_config() -> str | None:
    """Terraform's CLI config: the local provider mirror's (as the Makefile writes it), else the user's, else None."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "terraform_cli_config.py"), str(ROOT / "build" / "terraformrc")],
        capture_output=True,
        text=True,
        check=True,
    )
    mirror = completed.stdout.strip()
    if mirror:
        return mirror
    configured = os.environ.get("TF_CLI_CONFIG_FILE")
    return configured if configured and Path(configured).is_file() else None


def clean_environment(cli_config_file: str | None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (the process environment) without AWS or Terraform settings, plus Terraform's unattended ones.

    Nothing from the user's AWS profile or credentials files can reach a run: callers add
    exactly the variables of the account they mean (the emulator's, say).
    """
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    env.update(
        {
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    if cli_config_file:
        env["TF_CLI_CONFIG_FILE"] = cli_config_file
    return env


class TerraformFailed(RuntimeError):
    """A Terraform command failed: its first error, and where the whole output is."""

    def __init__(self, command: str, returncode: int, error: str, log: Path | None) -> None:
        self.command = command
        self.returncode = returncode
        self.error = error
        where = f"; see {log}" if log else ""
        super().__init__(f"terraform {command} exited {returncode}: {error}{where}")


class Interrupted(RuntimeError):
    """The run was interrupted (Ctrl-C): Terraform stopped cleanly, or was never started."""


@dataclass
class Processes:
    """The Terraform processes running now, so that an interrupt reaches each exactly once."""

    _running: set[subprocess.Popen[str]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    interrupted: threading.Event = field(default_factory=threading.Event)

    def start(self, command: list[str], **kwargs: Any) -> subprocess.Popen[str]:
        with self._lock:
            if self.interrupted.is_set():
                raise Interrupted("interrupted before terraform started")
            # A session of its own: the terminal's Ctrl-C reaches us, and we forward exactly one SIGINT.
            process = subprocess.Popen(command, start_new_session=True, text=True, **kwargs)
            self._running.add(process)
            return process

    def finished(self, process: subprocess.Popen[str]) -> None:
        with self._lock:
            self._running.discard(process)

    def interrupt(self) -> int:
        """Ask every running Terraform to stop cleanly (once); start no other. Returns how many were asked."""
        with self._lock:
            if self.interrupted.is_set():
                return len(self._running)
            self.interrupted.set()
            for process in self._running:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGINT)
            return len(self._running)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._running)


def _first_error(events: Iterable[Event]) -> str:
    for event in events:
        if event.get("type") == "diagnostic" and event.get("@level") == "error":
            diagnostic = event.get("diagnostic", {})
            summary = str(diagnostic.get("summary") or event.get("@message", ""))
            address = diagnostic.get("address")
            return f"{summary} ({address})" if address else summary
    return "no error message (see the log)"


@dataclass
class Terraform:
    """``terraform`` in ``workdir`` with a fixed environment, its output appended to ``log``."""

    workdir: Path
    env: Mapping[str, str]
    log_path: Path | None = None
    processes: Processes = field(default_factory=Processes)

    def _log(self) -> IO[str] | None:
        if self.log_path is None:
            return None
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        return self.log_path.open("a", encoding="utf-8")

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        """Run quietly; the output goes to the log (and into the error when it fails)."""
        started = time.monotonic()
        process = self.processes.start(
            ["terraform", *args], cwd=self.workdir, env=dict(self.env), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            stdout, stderr = process.communicate()
        finally:
            self.processes.finished(process)
        log = self._log()
        if log is not None:
            with log:
                log.write(
                    f"$ terraform {' '.join(args)}  [{_clock()}]\n{stdout}{stderr}"
                    f"-> exit {process.returncode} in {time.monotonic() - started:.1f}s\n"
                )
        if self.processes.interrupted.is_set() and process.returncode not in ok:
            raise Interrupted(f"terraform {args[0]} stopped by an interrupt")
        if process.returncode not in ok:
            lines = [line for line in (stderr or stdout).splitlines() if line.strip()]
            error = next((line.strip("│ ") for line in lines if "Error:" in line), lines[-1] if lines else "")
            raise TerraformFailed(args[0], process.returncode, error, self.log_path)
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def stream(self, *args: str, on_event: Callable[[Event], None], ok: tuple[int, ...] = (0,)) -> int:
        """Run with ``-json``, calling ``on_event`` for each event; the log gets each event's message."""
        started = time.monotonic()
        process = self.processes.start(
            ["terraform", args[0], "-json", *args[1:]],
            cwd=self.workdir,
            env=dict(self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        events: list[Event] = []
        log = self._log()
        try:
            if log is not None:
                log.write(f"$ terraform {args[0]} -json {' '.join(args[1:])}  [{_clock()}]\n")
            if process.stdout is None:
                raise RuntimeError("terraform started without a stdout pipe")
            for line in process.stdout:
                try:
                    event: Event = json.loads(line)
                except ValueError:
                    event = {"type": "text", "@message": line.rstrip("\n")}
                if not isinstance(event, dict):
                    continue
                if event.get("type") == "diagnostic":
                    events.append(event)
                if log is not None:
                    log.write(_log_line(event))
                    log.flush()
                on_event(event)
            process.wait()
            if log is not None:
                log.write(f"-> exit {process.returncode} in {time.monotonic() - started:.1f}s\n")
        finally:
            self.processes.finished(process)
            if log is not None:
                log.close()
        if self.processes.interrupted.is_set() and process.returncode not in ok:
            raise Interrupted(f"terraform {args[0]} stopped by an interrupt")
        if process.returncode not in ok:
            raise TerraformFailed(args[0], process.returncode, _first_error(events), self.log_path)
        return process.returncode

    def init(self) -> None:
        self.run("init", "-input=false", "-no-color")

    def outputs(self) -> dict[str, Any]:
        """``terraform output -json``: name to ``{"value", "type", "sensitive"}`` (with the state at hand:
        :func:`outputs_of`, one Terraform start fewer)."""
        result: dict[str, Any] = json.loads(self.run("output", "-json", "-no-color").stdout or "{}")
        return result

    def state(self) -> dict[str, Any]:
        """The current state (``terraform state pull``), empty when there is none."""
        text = self.run("state", "pull").stdout
        result: dict[str, Any] = json.loads(text) if text.strip() else {}
        return result


def outputs_of(state: Mapping[str, Any]) -> dict[str, Any]:
    """What ``terraform output -json`` prints, read from a pulled state: the same root outputs, each with
    ``value``, ``type`` and ``sensitive`` (which the state file leaves out when false)."""
    return {
        name: {
            "sensitive": bool(output.get("sensitive", False)),
            "type": output.get("type"),
            "value": output.get("value"),
        }
        for name, output in (state.get("outputs") or {}).items()
    }


def _clock() -> str:
    return time.strftime("%H:%M:%S")


def _log_line(event: Event) -> str:
    # Each line keeps Terraform's own time of day (to the second): which resource waited on what.
    stamp = str(event.get("@timestamp", ""))
    message = (f"{stamp[11:19]} " if len(stamp) >= 19 else "") + str(event.get("@message", ""))
    if event.get("type") == "diagnostic":
        detail = str(event.get("diagnostic", {}).get("detail") or "")
        if detail:
            message += "\n  " + detail.replace("\n", "\n  ")
    return message + "\n"


@dataclass
class PlanSummary:
    """What a plan would do: counts and the changed addresses with their actions."""

    add: int = 0
    change: int = 0
    remove: int = 0
    changes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.add + self.change + self.remove

    def describe(self) -> str:
        return f"{self.add} to add, {self.change} to change, {self.remove} to destroy"

    def observe(self, event: Event) -> None:
        """Take in one event of a plan (or of the plan phase of an apply or destroy)."""
        kind = event.get("type")
        if kind == "planned_change":
            change = event.get("change", {})
            self.changes.append((str(change.get("resource", {}).get("addr", "")), str(change.get("action", ""))))
        elif kind == "change_summary":
            counts = event.get("changes", {})
            if counts.get("operation") in ("plan", None):
                self.add, self.change, self.remove = (int(counts.get(k, 0)) for k in ("add", "change", "remove"))
