"""One request at a time through moto's server.

moto keeps its backends in plain dicts and lists without locks (getmoto/moto#372),
while werkzeug's threaded server gives every request a thread of its own, and
Terraform sends up to ten at once. A request that reads a collection another is
changing can fail with HTTP 500 after its own change took effect; the SDK then
retries and meets its own resource (``CacheSubnetGroupAlreadyExists`` on a
create that did succeed). AWS applies each request atomically: serializing the
requests restores that. They take milliseconds each, so the cost is small.

A request's body is read before it waits its turn: a client interrupted halfway
through sending one (Ctrl-C in the middle of a call) must not hold every other
request up while the server waits for bytes that never come.
"""

from __future__ import annotations

import io
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
        environ["wsgi.input"] = io.BytesIO(_body(environ))
        with lock:
            return original(self, environ, start_response)

    serialized_call.serialized = True  # type: ignore[attr-defined]
    setattr(app_class, "__call__", serialized_call)  # noqa: B010 (assigning a method)


def _body(environ: dict[str, Any]) -> bytes:
    """The whole request body: by its Content-Length, or to the end of a chunked one."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if environ.get("wsgi.input_terminated"):
        body: bytes = stream.read()
        return body
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = stream.read(length) if length > 0 else b""
    return body
