"""One request at a time through moto's server.

moto keeps its backends in plain dicts and lists without locks (getmoto/moto#372),
while werkzeug's threaded server gives every request a thread of its own, and
Terraform sends up to ten at once. A request that reads a collection another is
changing can fail with HTTP 500 after its own change took effect; the SDK then
retries and meets its own resource (``CacheSubnetGroupAlreadyExists`` on a
create that did succeed). AWS applies each request atomically: serializing the
requests restores that. They take milliseconds each, so the cost is small.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

WsgiCall = Callable[[Any, dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def serialize_calls(app_class: type) -> None:
    """Make ``app_class.__call__`` (a WSGI entry point) run one call at a time, across all instances."""
    original: WsgiCall = app_class.__call__
    if getattr(original, "serialized", False):
        return
    lock = threading.Lock()

    def serialized_call(self: Any, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with lock:
            return original(self, environ, start_response)

    serialized_call.serialized = True  # type: ignore[attr-defined]
    setattr(app_class, "__call__", serialized_call)  # noqa: B010 (assigning a method)
