"""A client's retry of a request the emulator already served gets the first answer again, not a second run.

The AWS SDKs retry a call whose answer they did not receive (a reset or
dropped connection, a timeout) with the same ``amz-sdk-invocation-id``
header and ``amz-sdk-request: attempt=N``
(https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
On AWS such losses are rare. moto's development server, starved of CPU by a
suite of concurrent deploys, loses answers often enough that a retried
CreateSubnet or CreateDBInstance runs twice: the second run fails
(``InvalidSubnet.Conflict``, ``DBInstanceAlreadyExists``) while the first
left a resource Terraform never learns of, and the stack's VPC can no longer
be deleted. That is the emulator's fault, not the stack's.

So a changing request (any method but GET and HEAD) is answered once per
invocation: a later attempt of the same invocation waits for the first to
finish and gets its answer again, byte for byte, and the replay is logged.
Nothing is decided that the first run did not decide. An answer a retry is
meant to get anew is not kept: a server error (5xx) or a throttling error
(429, or a 400 whose code says throttling): the next attempt runs as the
first did. Requests without the header (browsers, curl) are untouched.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"
ATTEMPT_HEADER = "HTTP_AMZ_SDK_REQUEST"
SAFE_METHODS = ("GET", "HEAD")
THROTTLING = (b"Throttl", b"RequestLimitExceeded", b"TooManyRequests", b"SlowDown", b"RequestThrottled")
CAPACITY = 4096
"""Invocations remembered; the oldest is forgotten first. An SDK retries within seconds."""

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Answer = tuple[str, list[tuple[str, str]], bytes]


def retryable(status: str, body: bytes) -> bool:
    """Whether the SDK retries this answer on purpose (so the next attempt must run again)."""
    code = int(status.split(" ", 1)[0])
    if code >= 500 or code == 429:
        return True
    return code == 400 and any(marker in body for marker in THROTTLING)


@dataclass
class _Invocation:
    done: threading.Event = field(default_factory=threading.Event)
    answer: Answer | None = None


class RetryReplay:
    """WSGI middleware: one run per SDK invocation of a changing request."""

    def __init__(self, app: WsgiApp, *, capacity: int = CAPACITY, log: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.capacity = capacity
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._lock = threading.Lock()
        self._invocations: OrderedDict[str, _Invocation] = OrderedDict()
        self.replayed = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation_id = environ.get(INVOCATION_HEADER)
        if not invocation_id or environ.get("REQUEST_METHOD", "GET") in SAFE_METHODS:
            return self.app(environ, start_response)
        with self._lock:
            invocation = self._invocations.get(invocation_id)
            first = invocation is None
            if invocation is None:
                invocation = self._invocations[invocation_id] = _Invocation()
                while len(self._invocations) > self.capacity:
                    self._invocations.popitem(last=False)
        if not first:
            invocation.done.wait()
            if invocation.answer is not None:
                self.replayed += 1
                status, headers, body = invocation.answer
                self.log(
                    f"emulator: replayed the answer to {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} "
                    f"{environ.get('HTTP_X_AMZ_TARGET', '')} "
                    f"({environ.get(ATTEMPT_HEADER, 'attempt=?')}, invocation {invocation_id}): "
                    "the client had not received it"
                )
                start_response(status, headers)
                return [body]
            return self(environ, start_response)  # the first got an answer meant to be retried: run anew
        try:
            status, headers, body = self._run(environ)
        except BaseException:
            self._forget(invocation_id, invocation)
            raise
        if retryable(status, body):
            self._forget(invocation_id, invocation)
        else:
            invocation.answer = (status, headers, body)
            invocation.done.set()
        start_response(status, headers)
        return [body]

    def _run(self, environ: dict[str, Any]) -> Answer:
        captured: list[Any] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured[:] = [status, list(headers)]
            return lambda _chunk: None  # moto never writes through start_response's writer

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured
        return status, headers, body

    def _forget(self, invocation_id: str, invocation: _Invocation) -> None:
        """The next attempt runs afresh; one already waiting runs too."""
        with self._lock:
            if self._invocations.get(invocation_id) is invocation:
                del self._invocations[invocation_id]
        invocation.done.set()


def install() -> None:
    """Wrap the application moto's server runs (call before ``moto.server.main``)."""
    import moto.server

    original = moto.server.run_simple  # type: ignore[attr-defined]

    def run_simple(hostname: str, port: int, application: WsgiApp, *args: Any, **kwargs: Any) -> None:
        original(hostname, port, RetryReplay(application), *args, **kwargs)

    moto.server.run_simple = run_simple  # type: ignore[attr-defined]
