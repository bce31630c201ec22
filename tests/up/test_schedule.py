"""make up's scheduling (infra/up/schedule.py): dependency order, bounded parallelism, failures isolated,
interrupts, reverse order for make down, critical path first."""

from __future__ import annotations

import threading
import time

import pytest

from infra.up.schedule import Outcome, Stopped, critical_paths, reverse, run


class Recorder:
    """Work that takes ``seconds``, noting when each node started and finished and how many ran at once."""

    def __init__(self, seconds: float = 0.05, fail: tuple[str, ...] = ()) -> None:
        self.seconds = seconds
        self.fail = fail
        self.events: list[tuple[str, str]] = []
        self.running = 0
        self.peak = 0
        self.lock = threading.Lock()

    def __call__(self, node: str) -> str:
        with self.lock:
            self.events.append(("start", node))
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(self.seconds)
        with self.lock:
            self.running -= 1
            self.events.append(("end", node))
        if node in self.fail:
            raise RuntimeError(f"{node} broke")
        return f"{node} ok"

    def index(self, kind: str, node: str) -> int:
        return self.events.index((kind, node))


def test_a_node_starts_only_after_everything_it_needs_is_done() -> None:
    work = Recorder()
    needs = {"app": ("network", "state"), "tenant": ("app",)}
    results = run(["state", "network", "app", "tenant"], needs, work, jobs=4)
    assert all(r.outcome == Outcome.DONE for r in results.values())
    assert work.index("end", "network") < work.index("start", "app")
    assert work.index("end", "state") < work.index("start", "app")
    assert work.index("end", "app") < work.index("start", "tenant")
    assert list(results) == ["state", "network", "app", "tenant"]
    assert results["app"].detail == "app ok"


def test_independent_nodes_run_in_parallel_but_never_more_than_jobs() -> None:
    work = Recorder(seconds=0.2)
    nodes = [f"stack-{i}" for i in range(6)]
    started = time.monotonic()
    run(nodes, {}, work, jobs=2)
    assert work.peak == 2
    assert time.monotonic() - started < 6 * 0.2, "two at a time must beat one at a time"
    work = Recorder(seconds=0.05)
    run(nodes, {}, work, jobs=1)
    assert work.peak == 1


def test_a_failure_blocks_what_needs_it_and_nothing_else() -> None:
    work = Recorder(fail=("replaydash-bootstrap",))
    needs = {
        "replaydash": ("replaydash-bootstrap",),
        "replaydash-tenant": ("replaydash",),
        "freeside": ("freeside-bootstrap",),
    }
    order = ["replaydash-bootstrap", "freeside-bootstrap", "replaydash", "freeside", "replaydash-tenant"]
    results = run(order, needs, work, jobs=2)
    assert results["replaydash-bootstrap"].outcome == Outcome.FAILED
    assert results["replaydash-bootstrap"].detail == "replaydash-bootstrap broke"
    assert results["replaydash"].outcome == Outcome.BLOCKED
    assert results["replaydash"].detail == "needs replaydash-bootstrap (failed)"
    assert results["replaydash-tenant"].outcome == Outcome.BLOCKED
    assert results["replaydash-tenant"].detail == "needs replaydash (blocked)"
    assert results["freeside"].outcome == Outcome.DONE
    assert ("start", "replaydash") not in work.events


def test_once_cancelled_nothing_new_starts_and_running_work_may_stop_part_way() -> None:
    cancel = threading.Event()
    seen: list[str] = []

    def work(node: str) -> str:
        seen.append(node)
        cancel.set()  # the user presses Ctrl-C while the first node runs
        raise Stopped("interrupted; Terraform saved its state")

    results = run(["a", "b", "c"], {"c": ("a",)}, work, jobs=1, cancel=cancel)
    assert seen == ["a"]
    assert results["a"].outcome == Outcome.CANCELLED
    assert results["a"].detail == "interrupted; Terraform saved its state"
    assert results["b"].outcome == Outcome.CANCELLED and results["b"].detail == "not started: interrupted"
    assert results["c"].outcome in (Outcome.CANCELLED, Outcome.BLOCKED)


def test_results_are_reported_as_they_come() -> None:
    reported: list[tuple[str, Outcome]] = []
    run(
        ["a", "b"],
        {"b": ("a",)},
        Recorder(fail=("a",)),
        jobs=1,
        on_result=lambda r: reported.append((r.node, r.outcome)),
    )
    assert reported == [("a", Outcome.FAILED), ("b", Outcome.BLOCKED)]


def test_reverse_tears_down_what_needs_a_node_before_the_node() -> None:
    order = ["bootstrap", "platform", "tenant-a", "tenant-b"]
    needs = {"platform": ("bootstrap",), "tenant-a": ("platform",), "tenant-b": ("platform",)}
    turned_order, turned_needs = reverse(order, needs)
    assert turned_order == ["tenant-b", "tenant-a", "platform", "bootstrap"]
    assert turned_needs == {
        "bootstrap": {"platform"},
        "platform": {"tenant-a", "tenant-b"},
        "tenant-a": set(),
        "tenant-b": set(),
    }
    work = Recorder()
    run(turned_order, turned_needs, work, jobs=3)
    assert work.index("end", "tenant-a") < work.index("start", "platform")
    assert work.index("end", "tenant-b") < work.index("start", "platform")
    assert work.index("end", "platform") < work.index("start", "bootstrap")


def test_a_failed_teardown_keeps_what_it_needs_up() -> None:
    order, needs = reverse(["bootstrap", "platform"], {"platform": ("bootstrap",)})
    results = run(order, needs, Recorder(fail=("platform",)), jobs=2)
    assert results["bootstrap"].outcome == Outcome.BLOCKED


def test_the_head_of_the_longest_chain_starts_first() -> None:
    work = Recorder(seconds=0.01)
    order = ["small-bootstrap", "big-bootstrap", "big-platform"]
    needs = {"big-platform": ("big-bootstrap",)}
    weights = {"small-bootstrap": 28.0, "big-bootstrap": 28.0, "big-platform": 134.0}
    assert critical_paths(order, needs, weights) == {
        "small-bootstrap": 28.0,
        "big-bootstrap": 162.0,
        "big-platform": 134.0,
    }
    run(order, needs, work, jobs=1, weights=weights)
    assert [node for kind, node in work.events if kind == "start"] == [
        "big-bootstrap",
        "big-platform",
        "small-bootstrap",
    ]


def test_without_weights_the_given_order_is_kept() -> None:
    work = Recorder(seconds=0.01)
    run(["c", "a", "b"], {}, work, jobs=1)
    assert [node for kind, node in work.events if kind == "start"] == ["c", "a", "b"]


def test_bad_graphs_and_job_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="dependency cycle"):
        critical_paths(["a", "b"], {"a": ("b",), "b": ("a",)}, {})
    with pytest.raises(ValueError, match="jobs must be at least 1"):
        run(["a"], {}, Recorder(), jobs=0)
