"""Make ``--dist loadgroup`` group again under pytest 9.2 with pytest-xdist 3.8.

xdist's worker marks a grouped test by rewriting ``item._nodeid`` to
``<id>@<group>``; pytest 9.2 computes ``nodeid`` from ``item._id`` instead, so
the suffix is lost and every group is scheduled like plain ``load`` (the deploy
tests, meant to go one to a worker, then queue behind each other). Running after
xdist's hook, this carries the suffix into ``_id``. It does nothing once xdist
and pytest agree again (no ``_nodeid`` differing from ``nodeid``).
"""

from __future__ import annotations

import pytest
from _pytest.nodes import coerce_node_id


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        grouped = item.__dict__.get("_nodeid")
        if isinstance(grouped, str) and grouped != item.nodeid:
            item._id = coerce_node_id(grouped)
