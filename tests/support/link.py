"""A Link environment pointed at a test server: its config overrides, synthesized stack, password store and files.

Everything goes through the product's own paths: settings from a config
override file, ``app.synth`` for the stack, the deploy hook
(``infra.systems.link.terraform_environment``) for the store and the
``TF_VAR_*`` values, and ``python -m infra.systems.link files`` for the files. Every
command output is kept in ``outputs`` so the tests can prove no password
reached one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra import app, systems
from infra.systems.link import terraform_environment
from infra.systems.link.passwords import Credential, PasswordStore
from infra.systems.link.settings import LinkSettings as LinkProps
from infra.systems.link.stacks import LinkStack
from tests.support.servers import PostgresServer

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = "development"
STACK_ID = f"link-{ENVIRONMENT}"


def toml(table: Mapping[str, Any], prefix: str = "") -> str:
    """A TOML document of scalars and nested tables (all the overrides here need)."""
    scalars = [f"{k} = {json.dumps(v)}" for k, v in table.items() if not isinstance(v, Mapping)]
    text = (f"[{prefix}]\n" if prefix and scalars else "") + "".join(f"{line}\n" for line in scalars)
    for name, values in table.items():
        if isinstance(values, Mapping):
            text += "\n" + toml(values, f"{prefix}.{name}" if prefix else name)
    return text


@dataclass
class LinkEnvironment:
    """``link-development`` configured for ``server``, with its own store and output directories under ``root``."""

    root: Path
    server: PostgresServer
    overrides: dict[str, Any]
    outputs: list[str] = field(default_factory=list)

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def store_dir(self) -> Path:
        return self.root / "store"

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    @property
    def synth_dir(self) -> Path:
        return self.root / "synth"

    def environ(self) -> dict[str, str]:
        return {"INFRA_CONFIG_DIR": str(self.config_dir), "LINK_PASSWORD_STORE": str(self.store_dir)}

    @contextmanager
    def active(self) -> Iterator[None]:
        """This environment's config directory, store and admin password in os.environ."""
        saved = {k: os.environ.get(k) for k in [*self.environ(), "PGPASSWORD"]}
        os.environ.update({**self.environ(), "PGPASSWORD": self.server.password})
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def write_config(self) -> None:
        path = self.config_dir / "link" / f"{ENVIRONMENT}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(toml(self.overrides))

    def synthesize(self) -> dict[str, Any]:
        app.synth(outdir=str(self.synth_dir), requested=STACK_ID, config_dir=self.config_dir)
        stack: dict[str, Any] = json.loads((self.synth_dir / "stacks" / STACK_ID / "cdk.tf.json").read_text())
        return stack

    def props(self) -> LinkProps:
        spec = next(s for s in systems.stack_specs(self.config_dir) if s.stack_id == STACK_ID)
        return LinkStack.configure(spec)

    def deploy_variables(self) -> dict[str, str]:
        """What ``make deploy`` adds to Terraform's environment (the store is made on first use)."""
        with self.active():
            spec = next(s for s in systems.stack_specs() if s.stack_id == STACK_ID)
            return terraform_environment(spec)

    def variable_values(self) -> dict[str, dict[str, str]]:
        """The Terraform variables as Terraform reads them from ``TF_VAR_*`` (JSON is valid HCL)."""
        return {name.removeprefix("TF_VAR_"): json.loads(value) for name, value in self.deploy_variables().items()}

    def credentials(self) -> dict[str, Credential]:
        with self.active():
            return PasswordStore("link", ENVIRONMENT).read()

    def run(
        self, command: list[str], *, env: Mapping[str, str] | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """A command with this environment's settings; its output is kept for the password check."""
        completed = subprocess.run(
            command,
            env={**os.environ, **self.environ(), **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=ROOT,
        )
        self.outputs.append(f"$ {' '.join(command)}\n{completed.stdout}{completed.stderr}")
        if ok:
            assert completed.returncode == 0, f"{command} exited {completed.returncode}:\n{completed.stderr}"
        return completed

    def render_files(self) -> Path:
        self.run([sys.executable, "-m", "infra.systems.link", "files", ENVIRONMENT, str(self.files_dir)])
        return self.files_dir

    def dotenv(self, service: str) -> dict[str, str]:
        lines = (self.files_dir / f".env.{service}").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    def secrets(self) -> list[str]:
        """Every password this environment knows: the store's and the admin's."""
        return [c.password for c in self.credentials().values()] + [self.server.password]


def leaked(texts: Mapping[str, str], secrets: list[str]) -> list[str]:
    """Names of the texts holding any of ``secrets``."""
    return [name for name, text in texts.items() if any(secret in text for secret in secrets)]
