"""A Link environment on a test server and the emulator: its config, its stack applied, its secrets, its files.

Everything goes through the product's own paths: settings from a config
override file, ``app.synth`` for the stack, Terraform applying it (its
PostgreSQL half through stand-ins running the provider double on the server,
tests/support/terraform_standin.py; its AWS half, the key and the secrets, on
the emulator), ``python -m infra.systems.link files|output`` reading the
passwords from Secrets Manager. Each working copy (:class:`LinkEnvironment`)
has its own directories: nothing but the server, the emulator account and,
with ``backend="s3"``, the state bucket is shared between two of them, as
between two operators' checkouts. Every command output is kept in ``outputs``
so the tests can prove no password reached one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.server import Emulator
from infra import app
from infra.systems.link import credentials
from infra.systems.link.credentials import Credential
from tests.support.servers import PostgresServer
from tests.support.terraform import Terraform
from tests.support.terraform_standin import StandInTerraform

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
STATE_BUCKET = "link-terraform-state"
LOCK_TABLE = "link-terraform-locks"


def toml(table: Mapping[str, Any], prefix: str = "") -> str:
    """A TOML document of scalars and nested tables (all the overrides here need)."""
    scalars = [f"{k} = {json.dumps(v)}" for k, v in table.items() if not isinstance(v, Mapping)]
    text = (f"[{prefix}]\n" if prefix and scalars else "") + "".join(f"{line}\n" for line in scalars)
    for name, values in table.items():
        if isinstance(values, Mapping):
            text += "\n" + toml(values, f"{prefix}.{name}" if prefix else name)
    return text


def make_state_store(emulator: Emulator, account: str) -> None:
    """The bucket and lock table ``make bootstrap SYSTEM=link`` would make, in ``account`` on the emulator."""
    emulator.client("s3", account, REGION).create_bucket(Bucket=STATE_BUCKET)
    emulator.client("dynamodb", account, REGION).create_table(
        TableName=LOCK_TABLE,
        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )


@dataclass
class LinkEnvironment:
    """One working copy of ``link-<environment>`` configured for ``server``, its AWS half in ``account``."""

    root: Path
    server: PostgresServer
    overrides: dict[str, Any]
    emulator: Emulator
    account: str
    base_env: Mapping[str, str]
    environment: str = "development"
    backend: str = "local"
    """``local``: state in this working copy; ``s3``: the stack's own S3 backend, on the emulator (shared)."""
    connection: Mapping[str, Any] | None = None
    """Where the double connects; None: the stack's provider block."""
    unavailable_extensions: tuple[str, ...] = ()
    outputs: list[str] = field(default_factory=list)
    _synths: int = 0
    _terraform: StandInTerraform | None = None

    @property
    def stack_id(self) -> str:
        return f"link-{self.environment}"

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    def aws(self) -> dict[str, str]:
        return self.emulator.environment(self.account, REGION)

    def environ(self) -> dict[str, str]:
        return {"INFRA_CONFIG_DIR": str(self.config_dir), **self.aws()}

    def write_config(self) -> None:
        path = self.config_dir / "link" / f"{self.environment}.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(toml(self.overrides))

    def synthesize(self) -> dict[str, Any]:
        """A fresh synth of the stack from this copy's config (each in a directory of its own)."""
        self._synths += 1
        outdir = self.root / f"cdktf.out-{self._synths}"
        app.synth(outdir=str(outdir), requested=self.stack_id, config_dir=self.config_dir)
        stack: dict[str, Any] = json.loads((outdir / "stacks" / self.stack_id / "cdk.tf.json").read_text())
        return stack

    @property
    def synth_dirs(self) -> list[Path]:
        return sorted(self.root.glob("cdktf.out-*"))

    def standin(self) -> StandInTerraform:
        if self._terraform is None:
            workdir = self.root / "terraform"
            self._terraform = StandInTerraform(
                workdir=workdir,
                env={
                    **self.base_env,
                    **self.aws(),
                    "DOUBLE_UNAVAILABLE_EXTENSIONS": ",".join(self.unavailable_extensions),
                },
                connection=self.connection or {},
                admin_password=self.server.password,
                backend={"local": {"path": str(workdir / "terraform.tfstate")}} if self.backend == "local" else None,
            )
        return self._terraform

    def terraform(self) -> Terraform:
        """Terraform on the configuration last written (:meth:`write_stack`)."""
        return self.standin().terraform()

    def write_stack(self) -> dict[str, Any]:
        """Synthesize and give Terraform the result; returns the synthesized stack."""
        stack = self.synthesize()
        standin = self.standin()
        if self.connection is None:
            (provider,) = stack["provider"]["postgresql"]
            standin.connection = provider
        standin.write(stack, aws=True)
        return stack

    def deploy(self) -> dict[str, Any]:
        """What ``make deploy`` does: synthesize, then plan and apply."""
        stack = self.write_stack()
        self.terraform().apply()
        return stack

    def credentials(self) -> dict[str, Credential]:
        """Every role's credential, as ``make link-files`` reads them (Secrets Manager, on the emulator)."""
        from infra import systems

        roles = systems.load("link", self.environment, self.config_dir).databases.login_roles  # type: ignore[attr-defined]
        client = self.emulator.client("secretsmanager", self.account, REGION)
        return credentials.read(self.environment, REGION, roles, client=client)

    def run(
        self, command: list[str], *, env: Mapping[str, str] | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """A command with this copy's settings and AWS; its output is kept for the password check."""
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

    def link(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        """``python -m infra.systems.link ARGS`` (what the make link-* targets run)."""
        return self.run([sys.executable, "-m", "infra.systems.link", *args], ok=ok)

    def render_files(self) -> Path:
        self.link("files", self.environment, str(self.files_dir))
        return self.files_dir

    def dotenv(self, service: str) -> dict[str, str]:
        lines = (self.files_dir / f".env.{service}").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    def secrets(self) -> list[str]:
        """Every password this environment knows: its roles' and the admin's."""
        return [c.password for c in self.credentials().values()] + [self.server.password]


def leaked(texts: Mapping[str, str], secrets: list[str]) -> list[str]:
    """Names of the texts holding any of ``secrets``."""
    return [name for name, text in texts.items() if any(secret in text for secret in secrets)]
