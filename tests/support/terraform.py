"""Terraform for the tests that run it outside make up's engine: ``validate``, a fill's own configuration,
the real PostgreSQL provider, the cdktf CLI's working directory. The runner is infra.terraform's (the engine's);
this adds the verbs those tests use, and whether a provider can be installed here."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from infra import terraform
from infra.terraform import clean_environment

ROOT = Path(__file__).resolve().parents[2]

# Where Terraform finds each provider the stacks use.
PROVIDER_ADDRESSES = {
    "aws": "registry.terraform.io/hashicorp/aws",
    "postgresql": "registry.terraform.io/cyrilgdn/postgresql",
}
# Set to 1 on a machine that may reach registry.terraform.io: providers missing from the mirror come from there.
REGISTRY_ENV = "INFRA_TEST_PROVIDER_REGISTRY"


def cli_config(build_dir: Path) -> str | None:
    """Path of a CLI config using the local provider mirror, or None to use the registry."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "terraform_cli_config.py"), str(build_dir / "terraformrc")],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip() or None


def _mirror() -> tuple[Path, list[str]] | None:
    loaded = importlib.util.spec_from_file_location("terraform_cli_config", ROOT / "tools" / "terraform_cli_config.py")
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    found: tuple[Path, list[str]] | None = module.find_mirror()
    return found


def unavailable_providers(providers: tuple[str, ...]) -> str | None:
    """Why Terraform cannot install ``providers`` here (the reason for a skip), or None when it can.

    A provider is available from the filesystem mirror, or from the registry
    when ``INFRA_TEST_PROVIDER_REGISTRY=1`` says this machine may reach it
    (the tests never try the network on their own).
    """
    if os.environ.get(REGISTRY_ENV) == "1":
        return None
    mirror = _mirror()
    held = set(mirror[1]) if mirror else set()
    missing = [PROVIDER_ADDRESSES[p] for p in providers if PROVIDER_ADDRESSES[p] not in held]
    if not missing:
        return None
    where = f"the provider mirror {mirror[0]}" if mirror else "any provider mirror"
    return (
        f"{', '.join(missing)} is not in {where} and {REGISTRY_ENV} is not set: add it to the mirror "
        f"(terraform providers mirror) or set {REGISTRY_ENV}=1 on a machine that reaches registry.terraform.io"
    )


def base_environment(cli_config_file: str | None) -> dict[str, str]:
    """The process environment without any AWS or Terraform settings, plus ours (as make up runs it)."""
    return clean_environment(cli_config_file)


class TerraformError(AssertionError):
    """A Terraform command failed; the message carries the end of its output."""


class Terraform(terraform.Terraform):
    """The engine's Terraform, raising with the end of the output (a test's failure shows it whole)."""

    @classmethod
    def for_stack(cls, synthesized: Path, workdir: Path, env: dict[str, str]) -> Terraform:
        """Copy a synthesized stack directory (cdk.tf.json and any assets) into ``workdir``."""
        if workdir.exists():
            shutil.rmtree(workdir)
        shutil.copytree(synthesized, workdir, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*", "plan*"))
        return cls(workdir, dict(env))

    def __post_init__(self) -> None:
        if self.log_path is None:  # the output of every command, for the error and for leak checks
            self.log_path = self.workdir / "terraform.log"

    def run(self, *args: str, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
        try:
            return super().run(*args, ok=ok)
        except terraform.TerraformFailed as failed:
            tail = "\n".join(self.log_text().splitlines()[-60:])
            raise TerraformError(f"{failed}\n{tail}") from None

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path and self.log_path.is_file() else ""

    def init(self, *backend_config: str, backend: bool = True) -> None:  # type: ignore[override]
        args = ["init", "-input=false", "-no-color", *(f"-backend-config={item}" for item in backend_config)]
        self.run(*args, *([] if backend else ["-backend=false"]))

    def apply(self, *extra: str) -> None:
        self.run("apply", "-input=false", "-no-color", "-auto-approve", *extra)

    def destroy(self) -> None:
        self.run("destroy", "-input=false", "-no-color", "-auto-approve")

    def plan_changes(self, *extra: str) -> tuple[int, dict[str, Any]]:
        """``plan -detailed-exitcode``: (0 no changes | 2 changes, the plan as JSON); ``extra``: more options."""
        completed = self.run(
            "plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=plan.bin", *extra, ok=(0, 2)
        )
        shown = self.run("show", "-json", "plan.bin")
        plan: dict[str, Any] = json.loads(shown.stdout)
        return completed.returncode, plan

    def state_resources(self) -> list[str]:
        completed = self.run("state", "list", ok=(0, 1))
        return [line for line in completed.stdout.splitlines() if line.strip()]

    def pulled_state(self) -> str:
        return self.run("state", "pull").stdout
