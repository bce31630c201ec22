"""make up's progress (infra/up/progress.py): a line per stack state change, resource counts per quarter, a bar."""

from __future__ import annotations

import io

import pytest

from infra.up.progress import Progress, duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_each_state_change_is_one_line_with_elapsed_time_and_the_stack() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, ["bootstrap-arrakis-tfstate-891376933289", "freeside-staging"], live=False, clock=clock)
    progress.state("freeside-staging", "queued")
    clock.now += 75
    progress.state("freeside-staging", "planning")
    assert lines(stream) == [
        "    0s  freeside-staging                        queued",
        " 1m15s  freeside-staging                        planning",
    ]


def test_resource_counts_are_printed_per_quarter_not_per_resource() -> None:
    stream = io.StringIO()
    progress = Progress(stream, ["freeside-staging"], live=False, clock=Clock())
    for done in range(0, 115):
        progress.resources("freeside-staging", "applying", done, 114)
    counts = [line.split("applying ")[1] for line in lines(stream)]
    assert counts == [
        "0/114 resources",
        "29/114 resources",
        "57/114 resources",
        "86/114 resources",
        "114/114 resources",
    ]


def test_a_finished_stack_is_followed_by_the_overall_bar_off_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, ["a", "b", "c", "d"], live=False, clock=clock)
    clock.now += 42
    progress.state("a", "done in 42s: applied", outcome="done")
    progress.state("b", "failed after 3s: terraform apply exited 1", outcome="failed")
    assert lines(stream)[1] == "        [######------------------] 1/4 stacks  1 done  42s"
    assert lines(stream)[3] == "        [############------------] 2/4 stacks  1 done, 1 failed  42s"
    with pytest.raises(ValueError, match="outcome must be one of"):
        progress.state("c", "?", outcome="finished")


def test_on_a_terminal_the_bar_stays_on_the_last_line_with_the_running_counts() -> None:
    stream = io.StringIO()
    progress = Progress(stream, ["a", "b"], live=True, clock=Clock())
    progress.state("a", "planning")
    progress.resources("a", "applying", 0, 10)
    progress.resources("a", "applying", 1, 10)
    text = stream.getvalue()
    assert text.startswith("    0s  a  planning\n[------------------------] 0/2 stacks  0s")
    assert text.endswith("\r\x1b[K[------------------------] 0/2 stacks  a 1/10  0s")
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K[------------------------] 0/2 stacks  a 1/10  0s\n")


def test_durations_read_like_a_person_would_write_them() -> None:
    assert [duration(s) for s in (0, 9.6, 59.4, 60, 125, 3600)] == ["0s", "10s", "59s", "1m00s", "2m05s", "60m00s"]
