"""What ``make up`` keeps between runs, under ``build/up/`` (``UP_DIR``): the emulator and the stacks on it.

    build/up/
      emulator.json        pid, port, endpoint, CA bundle, log of the running emulator; account baselines
      emulator.env         the exports for another shell (``source`` it, or ``eval "$(make -s emulator-env)"``)
      tls/                 the emulator's throwaway CA and certificate
      logs/<stack>.log     each stack's full Terraform output; logs/emulator.log the emulator's
      status.json          per stack: up, failed or interrupted, when, how long, its notable outputs
      outputs.json         what to open or connect to (the table ``make up`` prints)
      cdktf.out/           the synthesized stacks of the last run (cdktf.out.teardown/ for ``make down``)
      stacks/<stack>/      Terraform's working directory of each stack (no other command rewrites it)
      state/               local state of the bootstrap stacks (``INFRA_LOCAL_STATE_DIR``)

The emulator keeps everything in memory. When its process is gone, so is
everything deployed on it: the next ``make up`` starts a new one and forgets
the old records and local state.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from emulator.accounts import DEFAULT_ACCOUNT, access_key_for
from emulator.launcher import client_environment
from emulator.server import Emulator
from infra.paths import LOCAL_STATE_DIR_ENV, REPOSITORY_ROOT
from infra.registry import StackSpec, Upload

UP_DIR_ENV = "INFRA_UP_DIR"


def default_root() -> Path:
    return Path(os.environ.get(UP_DIR_ENV) or REPOSITORY_ROOT / "build" / "up")


def account_of(spec: StackSpec) -> str:
    """The emulator account a stack deploys into: the one it is pinned to, else the emulator's default."""
    return spec.account_id or DEFAULT_ACCOUNT


@dataclass(frozen=True)
class Layout:
    """Where each file of a ``make up`` directory lives."""

    root: Path

    @property
    def record(self) -> Path:
        return self.root / "emulator.json"

    @property
    def env_file(self) -> Path:
        return self.root / "emulator.env"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def log(self, stack_id: str) -> Path:
        return self.logs / f"{stack_id}.log"

    @property
    def emulator_log(self) -> Path:
        return self.logs / "emulator.log"

    @property
    def status(self) -> Path:
        return self.root / "status.json"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs.json"

    @property
    def synth(self) -> Path:
        return self.root / "cdktf.out"

    @property
    def teardown_synth(self) -> Path:
        return self.root / "cdktf.out.teardown"

    def work(self, stack_id: str) -> Path:
        return self.root / "stacks" / stack_id

    @property
    def state(self) -> Path:
        return self.root / "state"


@dataclass
class EmulatorRecord:
    """The emulator ``make up`` started."""

    pid: int
    endpoint: str
    ca_bundle: str
    log: str
    started_at: float
    baselines: dict[str, list[str]] = field(default_factory=dict)
    """``<account>/<region>`` to what the emulator held there before the first deploy (see Emulator.inventory)."""


@dataclass
class StackRecord:
    """What the last run did to one stack."""

    state: str
    """``up``, ``failed`` (may hold resources), ``interrupted`` or ``destroyed``."""
    account: str
    regions: list[str]
    last: str
    """``applied``, ``no changes``, ``drift: ...``, ``destroyed``, or the error."""
    at: float
    seconds: float = 0.0
    apply_seconds: float = 0.0
    """Time spent in ``terraform apply`` (the per-stack figure ``make bench`` reports)."""
    resources: int = 0
    log: str = ""
    outputs: list[dict[str, str]] = field(default_factory=list)
    applied: str = ""
    """SHA-256 of the cdk.tf.json the stack is up to date with (state ``up`` only): make down skips turning
    protections off when the teardown's is the same, as nothing is protected."""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (our own exited child) is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class Session:
    """One ``make up`` directory: its emulator and its stack records (safe to update from several threads)."""

    def __init__(self, root: Path | None = None) -> None:
        self.layout = Layout((root or default_root()).resolve())
        self._lock = threading.Lock()

    # The emulator.

    def record(self) -> EmulatorRecord | None:
        path = self.layout.record
        if not path.is_file():
            return None
        return EmulatorRecord(**json.loads(path.read_text()))

    def _write_record(self, record: EmulatorRecord) -> None:
        _write_json(self.layout.record, asdict(record))

    def attach(self) -> tuple[EmulatorRecord, Emulator] | None:
        """The running emulator of this directory, or None (never started, stopped, or its process died)."""
        record = self.record()
        if record is None or not alive(record.pid):
            return None
        try:
            return record, Emulator.attach(record.endpoint, record.ca_bundle)
        except (RuntimeError, ValueError):
            return None

    def ensure_emulator(self) -> tuple[EmulatorRecord, Emulator, bool]:
        """The running emulator, or a new one (then True, and the records of a dead one are dropped)."""
        running = self.attach()
        if running is not None:
            return running[0], running[1], False
        self.stop_emulator()  # recorded but unreachable: not to be left running unseen
        self.forget_stacks()
        emulator = Emulator.start_detached(self.layout.root, self.layout.emulator_log)
        if emulator.process is None:
            raise RuntimeError("the emulator started without a process")
        record = EmulatorRecord(
            pid=emulator.process.pid,
            endpoint=emulator.endpoint,
            ca_bundle=emulator.ca_bundle,
            log=str(self.layout.emulator_log),
            started_at=time.time(),
        )
        self._write_record(record)
        return record, emulator, True

    def stop_emulator(self, timeout: float = 20) -> bool:
        """Stop the recorded emulator; True when one was running."""
        record = self.record()
        stopped = False
        if record is not None and alive(record.pid):
            os.kill(record.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while alive(record.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if alive(record.pid):
                os.kill(record.pid, signal.SIGKILL)
            stopped = True
        self.layout.record.unlink(missing_ok=True)
        self.layout.env_file.unlink(missing_ok=True)
        return stopped

    def baseline(self, emulator: Emulator, account: str, region: str) -> set[str]:
        """What the account held in the region before anything was deployed there (taken on first use)."""
        key = f"{account}/{region}"
        with self._lock:
            record = self.record()
            if record is None:
                raise RuntimeError("no emulator record")
            if key not in record.baselines:
                emulator.warm_up(account, region)
                record.baselines[key] = sorted(emulator.inventory(account, region))
                self._write_record(record)
            return set(record.baselines[key])

    def environment(self, account: str, region: str = "us-east-1") -> dict[str, str]:
        """What a shell (or Terraform) needs to use the emulator as ``account``, and nothing else."""
        record = self.record()
        if record is None:
            raise RuntimeError("no emulator record")
        return {
            **client_environment(record.endpoint, record.ca_bundle, account, region),
            LOCAL_STATE_DIR_ENV: str(self.layout.state),
        }

    def exports(self, account: str) -> str:
        """``export`` lines for another shell, as ``make emulator`` prints them."""
        lines = [f"# make up's emulator, as account {account} (the access key selects the account)"]
        lines += [f"export {name}={value}" for name, value in self.environment(account).items()]
        lines.append("unset AWS_PROFILE AWS_SESSION_TOKEN")
        lines.append('# undo: eval "$(make -s emulator-env UNSET=1)" (or open a new shell)')
        return "\n".join(lines) + "\n"

    @staticmethod
    def unsets() -> str:
        names = [*client_environment("https://127.0.0.1:0", "", DEFAULT_ACCOUNT), LOCAL_STATE_DIR_ENV]
        return f"unset {' '.join(names)}\n"

    def write_env_file(self, account: str) -> Path:
        self.layout.env_file.write_text(self.exports(account))
        return self.layout.env_file

    # The stacks.

    def stacks(self) -> dict[str, StackRecord]:
        path = self.layout.status
        if not path.is_file():
            return {}
        return {k: StackRecord(**v) for k, v in json.loads(path.read_text()).get("stacks", {}).items()}

    def put(self, stack_id: str, record: StackRecord) -> None:
        with self._lock:
            stacks = self.stacks()
            stacks[stack_id] = record
            _write_json(self.layout.status, {"stacks": {k: asdict(v) for k, v in stacks.items()}})

    def drop(self, stack_id: str) -> None:
        with self._lock:
            self._drop(stack_id)

    def _drop(self, stack_id: str) -> dict[str, StackRecord]:
        stacks = self.stacks()
        stacks.pop(stack_id, None)
        _write_json(self.layout.status, {"stacks": {k: asdict(v) for k, v in stacks.items()}})
        return stacks

    def drop_and_release(
        self,
        spec: StackSpec,
        uploads_of: Callable[[str], Sequence[Upload]],
        remove: Callable[[Sequence[Upload]], list[str]],
    ) -> list[str]:
        """Forget ``spec``'s stack, then ``remove`` those of its uploads no other stack recorded in its
        account declares (``uploads_of``): environments share a release package, which goes with the last
        of them. One step under the lock, so of two such stacks going down at once the later removes it."""
        with self._lock:
            others = self._drop(spec.stack_id)
            account = account_of(spec)
            shared = {u for other, r in others.items() if r.account == account for u in uploads_of(other)}
            return remove([u for u in spec.uploads if u not in shared])

    def forget_stacks(self) -> None:
        """Everything on a dead emulator is gone: drop the records, local state and saved plans."""
        self.layout.status.unlink(missing_ok=True)
        self.layout.outputs.unlink(missing_ok=True)
        shutil.rmtree(self.layout.state, ignore_errors=True)
        for plan in self.layout.root.glob("stacks/*/plan.bin"):
            plan.unlink()

    @contextmanager
    def local_state_dir(self) -> Iterator[None]:
        """Bootstrap stacks synthesized meanwhile keep their local state here, never next to real state."""
        previous = os.environ.get(LOCAL_STATE_DIR_ENV)
        self.layout.state.mkdir(parents=True, exist_ok=True)
        os.environ[LOCAL_STATE_DIR_ENV] = str(self.layout.state)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(LOCAL_STATE_DIR_ENV, None)
            else:
                os.environ[LOCAL_STATE_DIR_ENV] = previous


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(data, indent=2) + "\n")
    scratch.replace(path)


def access_keys(accounts: list[str]) -> str:
    """One line per account: the access key that selects it."""
    return "\n".join(f"  account {a}: AWS_ACCESS_KEY_ID={access_key_for(a)}" for a in accounts)
