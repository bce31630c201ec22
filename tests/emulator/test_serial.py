"""Requests through the emulator run one at a time: moto's backends have no locks of their own."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from emulator import launcher
from emulator.serial import serialize_calls


def overlapping_app() -> type:
    """A WSGI app class recording the most calls it saw running at once."""

    class App:
        running = 0
        most = 0
        guard = threading.Lock()

        def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            with App.guard:
                App.running += 1
                App.most = max(App.most, App.running)
            time.sleep(0.02)
            with App.guard:
                App.running -= 1
            return [environ["body"] + environ["wsgi.input"].read()]

    return App


def hammer(app: Any, calls: int = 8) -> list[bytes]:
    results: list[bytes] = []

    def call(n: int) -> None:
        environ = {"body": str(n).encode(), "wsgi.input": io.BytesIO(b"!"), "CONTENT_LENGTH": "1"}
        results.extend(app(environ, lambda *args: None))

    threads = [threading.Thread(target=call, args=(n,)) for n in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_unserialized_calls_overlap() -> None:
    """The control: without serialize_calls the same load runs calls side by side."""
    app_class = overlapping_app()
    hammer(app_class())
    assert app_class.most > 1  # type: ignore[attr-defined]


def test_serialized_calls_run_one_at_a_time_across_instances_and_keep_their_results() -> None:
    app_class = overlapping_app()
    serialize_calls(app_class)
    serialize_calls(app_class)  # a second install keeps one lock, it does not nest
    results = hammer(app_class(), 4) + hammer(app_class(), 4)
    assert app_class.most == 1  # type: ignore[attr-defined]
    assert sorted(results) == sorted(f"{n}!".encode() for n in [*range(4), *range(4)])


def test_a_stalled_upload_does_not_hold_up_other_requests() -> None:
    """The body is read before the request waits its turn, so a client that stops halfway blocks only itself."""
    app_class = overlapping_app()
    serialize_calls(app_class)
    stalled = threading.Event()

    class StalledInput(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            stalled.wait(5)
            return b""

    blocked = threading.Thread(
        target=app_class(), args=({"body": b"x", "wsgi.input": StalledInput(), "CONTENT_LENGTH": "10"}, print)
    )
    blocked.start()
    started = time.monotonic()
    assert hammer(app_class(), 2)
    assert time.monotonic() - started < 2
    stalled.set()
    blocked.join()


def test_chunked_bodies_are_read_to_their_end() -> None:
    app_class = overlapping_app()
    serialize_calls(app_class)
    environ = {"body": b"", "wsgi.input": io.BytesIO(b"chunked"), "wsgi.input_terminated": True}
    assert app_class()(environ, print) == [b"chunked"]


def test_the_launcher_serves_moto_serialized_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    seen: list[list[str]] = []
    monkeypatch.setattr("moto.server.main", seen.append)
    monkeypatch.setattr(DomainDispatcherApplication, "__call__", DomainDispatcherApplication.__call__)
    launcher.serve(4566, Path("/tmp/cert.pem"), Path("/tmp/key.pem"))
    assert getattr(DomainDispatcherApplication.__call__, "serialized", False)
    (argv,) = seen
    assert argv == ["--host", "127.0.0.1", "--port", "4566", "--ssl-cert", "/tmp/cert.pem", "--ssl-key", "/tmp/key.pem"]
