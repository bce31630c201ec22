"""Make ``--dist loadgroup`` group again under pytest 9.2 with pytest-xdist 3.8.

xdist's worker marks a grouped test by rewriting ``item._nodeid`` to
``<id>@<group>``; pytest 9.2 computes ``nodeid`` from ``item._id`` instead, so
the suffix is lost and every group is scheduled like plain ``load`` (the deploy
tests, meant to go one to a worker, then queue behind each other). Running after
xdist's hook, this carries the suffix into ``_id``. It does nothing once xdist
and pytest agree again (no ``_nodeid`` differing from ``nodeid``).

It also schedules the long groups apart (LongPolesApart, below).
"""

from __future__ import annotations

from typing import Any

import pytest
from _pytest.nodes import coerce_node_id
from xdist.scheduler import LoadGroupScheduling
from xdist.workermanage import WorkerController


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        grouped = item.__dict__.get("_nodeid")
        if isinstance(grouped, str) and grouped != item.nodeid:
            item._id = coerce_node_id(grouped)


LONG_GROUP_PREFIXES = ("deploy-", "link-", "solobase-")
"""Groups that take minutes: emulator deploys and the real-server groups (tests/conftest.py names them)."""


def _long(scope: str) -> bool:
    return scope.startswith(LONG_GROUP_PREFIXES)


class LongPolesApart(LoadGroupScheduling):
    """``--dist loadgroup`` that never queues a long group behind another on one worker.

    xdist hands a worker its next unit before the current one ends (a worker runs a
    test only once it knows the next). Handed in queue order, a worker busy with one
    emulator deploy was given the next deploy too, which then waited minutes while
    other workers ran out of work (a family started 11 minutes into a run). Here a
    worker already holding an unfinished long group takes the first short unit in the
    queue instead; the long ones go to workers without one, in queue order.
    """

    def _assign_work_unit(self, node: WorkerController) -> None:
        held = self.assigned_work.get(node, {})
        busy = any(_long(scope) and not all(unit.values()) for scope, unit in held.items())
        short = next((scope for scope in self.workqueue if not _long(scope)), None) if busy else None
        if short is not None:
            self.workqueue.move_to_end(short, last=False)
        super()._assign_work_unit(node)


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> LoadGroupScheduling | None:
    if config.getvalue("dist") == "loadgroup":
        # Collection order is the order to start in (tests/conftest.py puts the longest first), not group size.
        config.option.loadscopereorder = False
        return LongPolesApart(config, log)
    return None
