"""Progress of a ``make up``/``make down`` run: a line per stack as it changes state, and an overall bar.

Every state change is one line (``queued``, ``planning``, ``applying 40/112
resources``, ``done in 95s``, ``failed``...), so a CI log reads top to bottom.
Resource counts are printed when a quarter more is done, not per resource.
On a terminal the bar stays on the last line, redrawn in place with the
running stacks' counts; elsewhere it is printed as a line after each stack
finishes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TextIO

FINAL = ("done", "failed", "blocked", "cancelled")
BAR_WIDTH = 24


def duration(seconds: float) -> str:
    """``42s``, ``3m05s``."""
    whole = round(seconds)
    return f"{whole}s" if whole < 60 else f"{whole // 60}m{whole % 60:02d}s"


class Progress:
    """Reports the stacks of one run to ``stream``."""

    def __init__(
        self,
        stream: TextIO,
        stacks: Sequence[str],
        *,
        live: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.stacks = list(stacks)
        self.live = stream.isatty() if live is None else live
        self.clock = clock
        self.started = clock()
        self.width = max((len(s) for s in self.stacks), default=10)
        self.outcomes: dict[str, str] = {}
        self.counts: dict[str, tuple[str, int, int]] = {}
        self._quarters: dict[str, int] = {}
        self._lock = threading.Lock()
        self._bar_shown = False

    def _write(self, line: str) -> None:
        if self.live and self._bar_shown:
            self.stream.write("\r\x1b[K")
        self.stream.write(line + "\n")
        if self.live:
            self.stream.write(self.bar())
            self._bar_shown = True
        self.stream.flush()

    def _line(self, stack: str, text: str) -> str:
        return f"{duration(self.clock() - self.started):>6}  {stack:<{self.width}}  {text}"

    def state(self, stack: str, text: str, *, outcome: str | None = None) -> None:
        """``stack`` is now ``text``; ``outcome`` (one of FINAL) when it has finished."""
        with self._lock:
            if outcome is not None:
                if outcome not in FINAL:
                    raise ValueError(f"outcome must be one of {FINAL}; got {outcome!r}")
                self.outcomes[stack] = outcome
                self.counts.pop(stack, None)
            self._write(self._line(stack, text))
            if outcome is not None and not self.live:
                self.stream.write(f"{'':>6}  {self.bar()}\n")
                self.stream.flush()

    def resources(self, stack: str, verb: str, done: int, total: int) -> None:
        """``done`` of ``total`` resources ``verb`` (applying, destroying): a line per quarter."""
        with self._lock:
            self.counts[stack] = (verb, done, total)
            quarter = 4 * done // total if total else 4
            if quarter > self._quarters.get(f"{stack}:{verb}", -1):
                self._quarters[f"{stack}:{verb}"] = quarter
                self._write(self._line(stack, f"{verb} {done}/{total} resources"))
            elif self.live:
                self.stream.write("\r\x1b[K" + self.bar())
                self.stream.flush()

    def bar(self) -> str:
        total = len(self.stacks)
        finished = len(self.outcomes)
        filled = BAR_WIDTH * finished // total if total else BAR_WIDTH
        tally = ", ".join(
            f"{sum(1 for o in self.outcomes.values() if o == kind)} {kind}"
            for kind in FINAL
            if any(o == kind for o in self.outcomes.values())
        )
        running = "; ".join(f"{s} {d}/{t}" for s, (_, d, t) in sorted(self.counts.items()))
        parts = [f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {finished}/{total} stacks"]
        if tally:
            parts.append(tally)
        if running and self.live:
            parts.append(running)
        parts.append(duration(self.clock() - self.started))
        return "  ".join(parts)

    def close(self) -> None:
        """End the bar's line (terminal) so what follows starts on a line of its own."""
        with self._lock:
            if self.live and self._bar_shown:
                self.stream.write("\r\x1b[K" + self.bar() + "\n")
                self.stream.flush()
                self._bar_shown = False
