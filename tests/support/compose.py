"""A stand-in for a Docker Compose project's network: its service names, its mounts, no Docker.

There is no Docker here. What the development files rely on inside Compose is
that each service is a host of its own, reached by its service name on the
project's network, and that a service sees what its volumes mount where they
say. :class:`ComposeNetwork` gives exactly that to ordinary processes: a
private network namespace (only a loopback interface, so nothing in it
reaches or is reached from any other network, and ``listen_addr = *`` binds
inside it alone) and a private mount namespace in which

- ``/etc/hosts`` maps each service name to an address of its own on that
  loopback (127.0.0.2, 127.0.0.3, ...), the way Compose's DNS maps names to
  container addresses: the test-local mapping;
- each volume is bind-mounted where the Compose file mounts it;
- ``/tmp`` is a fresh tmpfs, as in a container (PgBouncer's socket goes there).

Processes enter with ``nsenter`` (``run``, ``popen``): servers as their
service, clients with exactly a service's environment. Root is needed to make
the namespaces (``make test`` runs as root, as CI does); elsewhere it fails,
saying so.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Paths the namespace sees as the host does (its /tmp is its own).
SHARED_PARENT = "/var/tmp"


def _fresh_tmp(directory: Path) -> list[str]:
    """Steps giving the namespace a tmpfs /tmp, as a container has, that still shows the code and Python.

    A working copy (or its virtualenv) under /tmp would vanish under the tmpfs: each is
    held in ``directory`` first, then bound back to its own path.
    """
    repository = Path(__file__).resolve().parents[2]
    kept = sorted({path for path in (repository, Path(sys.prefix).resolve()) if path.is_relative_to("/tmp")})
    kept = [path for path in kept if not any(path != other and path.is_relative_to(other) for other in kept)]
    held = [directory / f"kept-{index}" for index in range(len(kept))]
    steps = [
        f"mkdir -p {shlex.quote(str(h))} && mount --bind {shlex.quote(str(p))} {shlex.quote(str(h))}"
        for p, h in zip(kept, held, strict=True)
    ]
    steps.append("mount -t tmpfs -o mode=1777 tmpfs /tmp")
    steps += [
        f"mkdir -p {shlex.quote(str(p))} && mount --bind {shlex.quote(str(h))} {shlex.quote(str(p))}"
        for p, h in zip(kept, held, strict=True)
    ]
    return steps


@dataclass
class ComposeNetwork:
    holder: subprocess.Popen[str]
    addresses: dict[str, str]
    """Service name -> its address in the namespace."""
    directory: Path

    directory_parent = SHARED_PARENT
    clients = "127.0.0.0/8"

    @classmethod
    def start(cls, services: Sequence[str]) -> ComposeNetwork:
        """A namespace where each of ``services`` resolves to an address of its own."""
        if os.geteuid() != 0:
            raise AssertionError("the Compose stand-in makes network and mount namespaces: run the tests as root")
        directory = Path(tempfile.mkdtemp(prefix="compose-", dir=SHARED_PARENT))
        addresses = {service: f"127.0.0.{index}" for index, service in enumerate(services, start=2)}
        hosts = directory / "hosts"
        hosts.write_text(
            "127.0.0.1 localhost\n" + "".join(f"{address} {name}\n" for name, address in addresses.items())
        )
        hosts.chmod(0o644)
        steps = ["ip link set dev lo up", f"mount --bind {hosts} /etc/hosts", *_fresh_tmp(directory)]
        script = " && ".join(steps) + " && echo ready && exec sleep infinity"
        holder = subprocess.Popen(
            ["unshare", "--net", "--mount", "--propagation", "private", "--", "sh", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "ready":
            holder.kill()
            _, error = holder.communicate(timeout=10)
            shutil.rmtree(directory, ignore_errors=True)
            raise AssertionError(f"could not make the Compose stand-in's namespaces: {error}")
        return cls(holder, addresses, directory)

    def mount(self, source: Path, target: str) -> None:
        """Mount ``source`` at ``target`` inside, read-only: a Compose volume ``source:target:ro``."""
        for step in (
            ["mkdir", "-p", target],
            ["mount", "--bind", str(source), target],
            ["mount", "-o", "remount,bind,ro", target],
        ):
            subprocess.run([*self.launcher(), *step], check=True, capture_output=True, text=True, timeout=30)

    def launcher(self, user: str | None = None) -> list[str]:
        """The prefix running a command inside, as ``user`` (None: root, as entered)."""
        prefix = ["nsenter", f"--target={self.holder.pid}", "--net", "--mount", "--"]
        if user is not None:
            prefix += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--"]
        return prefix

    def run(
        self, command: Sequence[str], *, env: Mapping[str, str], user: str | None = None, **kwargs: Any
    ) -> subprocess.CompletedProcess[str]:
        """``command`` inside with exactly ``env`` as its environment (what a container gets)."""
        return subprocess.run(
            [*self.launcher(user), "env", "-i", *(f"{k}={v}" for k, v in env.items()), *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **kwargs,
        )

    def popen(self, command: Sequence[str], *, user: str | None = None, **kwargs: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen([*self.launcher(user), *command], **kwargs)

    def stop(self) -> None:
        self.holder.kill()
        self.holder.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)
