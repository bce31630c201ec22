"""Running work over a dependency graph: bounded parallelism, failures isolated, stoppable.

A node starts once every node it needs has succeeded, in the order given
among those ready, with at most ``jobs`` running at once. A failed node
blocks what needs it (directly or not) and nothing else: the others go on.
Once ``cancel`` is set nothing new starts; running work is left to finish
(the caller tells it to stop), and what never started is reported cancelled.
``reverse`` turns the graph around for tearing down: a node goes once every
node that needs it has gone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    BLOCKED = "blocked"
    """Not started: something it needs failed, was blocked or was cancelled."""
    CANCELLED = "cancelled"
    """Not started, or stopped part-way, because the run was interrupted."""


@dataclass(frozen=True)
class Result:
    node: str
    outcome: Outcome
    detail: str
    """What the work returned (done), its error (failed), or why it did not run."""
    seconds: float = 0.0


class Stopped(Exception):
    """Raised by work that was stopped part-way by the cancel event (reported as cancelled, not failed)."""


def reverse(order: Sequence[str], needs: Mapping[str, Collection[str]]) -> tuple[list[str], dict[str, set[str]]]:
    """The teardown graph: reversed order, and each node needing the nodes that needed it."""
    turned: dict[str, set[str]] = {node: set() for node in order}
    for node in order:
        for needed in needs.get(node, ()):
            if needed in turned:
                turned[needed].add(node)
    return list(reversed(order)), turned


def critical_paths(
    order: Sequence[str], needs: Mapping[str, Collection[str]], weights: Mapping[str, float]
) -> dict[str, float]:
    """For each node, its weight plus the heaviest chain of nodes that need it (1 per node by default)."""
    needed_by: dict[str, list[str]] = {node: [] for node in order}
    for node in order:
        for needed in needs.get(node, ()):
            if needed in needed_by:
                needed_by[needed].append(node)
    chain: dict[str, float] = {}

    def length(node: str, seen: tuple[str, ...] = ()) -> float:
        if node not in chain:
            if node in seen:
                raise ValueError(f"dependency cycle: {' -> '.join([*seen, node])}")
            after = [length(n, (*seen, node)) for n in needed_by[node]]
            chain[node] = weights.get(node, 1.0) + max(after, default=0.0)
        return chain[node]

    for node in order:
        length(node)
    return chain


def run(
    order: Sequence[str],
    needs: Mapping[str, Collection[str]],
    work: Callable[[str], str],
    *,
    jobs: int,
    cancel: threading.Event | None = None,
    on_start: Callable[[str], None] | None = None,
    on_result: Callable[[Result], None] | None = None,
    weights: Mapping[str, float] | None = None,
) -> dict[str, Result]:
    """Run ``work(node)`` for every node of ``order``; returns each node's result, in ``order``.

    ``needs[node]``: nodes that must be done first (nodes outside ``order`` are taken as done).
    ``weights``: how long each node takes, roughly; among ready nodes the one heading the
    longest chain of work starts first (critical path), ties in ``order``.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1; got {jobs}")
    cancel = cancel or threading.Event()
    known = set(order)
    chain = critical_paths(order, needs, weights or {})
    pending = sorted(order, key=lambda node: -chain[node])  # stable: ties keep ``order``
    results: dict[str, Result] = {}
    running: set[str] = set()
    changed = threading.Condition()

    def finish(result: Result) -> None:
        with changed:
            results[result.node] = result
            running.discard(result.node)
            changed.notify_all()
        if on_result is not None:
            on_result(result)

    def worker(node: str) -> None:
        started = time.monotonic()
        try:
            detail = work(node)
        except Stopped as stopped:
            finish(Result(node, Outcome.CANCELLED, str(stopped) or "stopped", time.monotonic() - started))
        except Exception as error:  # one node's failure is reported, never the run's
            finish(Result(node, Outcome.FAILED, str(error) or type(error).__name__, time.monotonic() - started))
        else:
            finish(Result(node, Outcome.DONE, detail, time.monotonic() - started))

    def prerequisites(node: str) -> list[str]:
        return [n for n in needs.get(node, ()) if n in known]

    while True:
        immediate: list[Result] = []
        starting: list[str] = []
        with changed:
            for node in list(pending):
                unmet = [n for n in prerequisites(node) if n not in results]
                broken = [n for n in prerequisites(node) if n in results and results[n].outcome != Outcome.DONE]
                if broken:
                    why = ", ".join(f"{n} ({results[n].outcome})" for n in broken)
                    result = Result(node, Outcome.BLOCKED, f"needs {why}")
                elif cancel.is_set():
                    result = Result(node, Outcome.CANCELLED, "not started: interrupted")
                elif not unmet and len(running) + len(starting) < jobs:
                    pending.remove(node)
                    starting.append(node)
                    continue
                else:
                    continue
                pending.remove(node)
                results[node] = result
                immediate.append(result)
            running.update(starting)
            if not (pending or running or immediate):
                break
            if not (immediate or starting):
                changed.wait(timeout=0.5)
                continue
        for result in immediate:
            if on_result is not None:
                on_result(result)
        for node in starting:
            if on_start is not None:
                on_start(node)
            threading.Thread(target=worker, args=(node,), name=f"stack-{node}", daemon=True).start()
    return {node: results[node] for node in order}
