"""Progress while the deploys run: ``make test`` prints what is still running, every 30 s.

pytest prints a dot per finished test; the emulator deploys take minutes each,
and under xdist nothing shows while they run. The xdist controller (it runs
no test, so its output is never captured) knows which tests started (``pytest_runtest_logstart``) and finished; a
heartbeat thread prints one line per interval naming the running tests, how
long each has run and the phase a deploy test reported (``phase()``, written
to a shared directory, read here). ``--progress-every=0`` turns it off.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from pathlib import Path

import pytest

PHASES_ENV = "INFRA_TEST_PHASES"


def _file_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", nodeid) + ".txt"


def phase(text: str) -> None:
    """Report what the running test is doing now (shown in the heartbeat line); a no-op outside pytest."""
    directory = os.environ.get(PHASES_ENV)
    current = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
    if directory and current:
        (Path(directory) / _file_name(current)).write_text(text)


def _duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m{whole % 60:02d}s"


class Heartbeat:
    def __init__(self, config: pytest.Config, every: float) -> None:
        self.config = config
        self.every = every
        self.started = time.monotonic()
        self.running: dict[str, float] = {}
        self.finished = 0
        self.failed = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.phases = Path(os.environ.setdefault(PHASES_ENV, tempfile.mkdtemp(prefix="test-phases-")))
        self.thread = threading.Thread(target=self._beat, name="progress-heartbeat", daemon=True)

    @pytest.hookimpl
    def pytest_runtest_logstart(self, nodeid: str) -> None:
        with self.lock:
            self.running[nodeid] = time.monotonic()

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown" or (report.when == "setup" and not report.passed):
            with self.lock:
                if self.running.pop(report.nodeid, None) is not None:
                    self.finished += 1
        if report.failed:
            with self.lock:
                self.failed += 1

    @pytest.hookimpl
    def pytest_sessionstart(self) -> None:
        self.thread.start()

    @pytest.hookimpl
    def pytest_sessionfinish(self) -> None:
        self.stop.set()

    def line(self) -> str | None:
        with self.lock:
            running = sorted(self.running.items(), key=lambda item: item[1])
            finished, failed = self.finished, self.failed
        if not running:
            return None
        now = time.monotonic()
        long_running = [(nodeid, now - since) for nodeid, since in running if now - since >= self.every]
        described = []
        for nodeid, seconds in long_running[:6]:
            name = nodeid.rsplit("::", 1)[-1]
            reported = self.phases / _file_name(nodeid)
            detail = f": {reported.read_text()}" if reported.is_file() else ""
            described.append(f"{name} {_duration(seconds)}{detail}")
        more = f" and {len(long_running) - 6} more" if len(long_running) > 6 else ""
        tally = f"{finished} done" + (f", {failed} failed" if failed else "") + f", {len(running)} running"
        still = f"; still running: {'; '.join(described)}{more}" if described else ""
        return f"[{_duration(now - self.started)}] {tally}{still}"

    def _beat(self) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        while not self.stop.wait(self.every):
            text = self.line()
            if text and reporter is not None:
                # Under xdist the dots do not tell the reporter a line is open: end it first.
                writer = getattr(reporter, "_tw", None)
                if getattr(writer, "width_of_current_line", 0):
                    reporter.write("\n")
                reporter.write_line(text)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--progress-every",
        type=float,
        default=30.0,
        help="seconds between lines naming the tests still running (0: none)",
    )


def pytest_configure(config: pytest.Config) -> None:
    every = float(config.getoption("--progress-every"))
    # Only the xdist controller: in a single process, output during a test is captured (make test uses -n 4).
    distributed = config.pluginmanager.hasplugin("xdist") and bool(getattr(config.option, "numprocesses", None))
    if every > 0 and distributed and not hasattr(config, "workerinput"):
        config.pluginmanager.register(Heartbeat(config, every), "progress-heartbeat")
