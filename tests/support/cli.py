"""The cdktf CLI (pinned in package.json, run through npx) as users run it."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.support.terraform import Terraform, TerraformError

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CdktfCli:
    """``npx cdktf`` with synth output in ``outdir`` and the app limited to one stack."""

    outdir: Path

    def _env(self, env: dict[str, str], stack_id: str) -> dict[str, str]:
        tools = ROOT / ".venv-tools" / "bin"
        path = f"{tools}{os.pathsep}{env.get('PATH', '')}" if tools.is_dir() else env.get("PATH", "")
        return {
            **env,
            "PATH": path,
            "INFRA_STACKS": stack_id,
            "PIPENV_VENV_IN_PROJECT": "1",
            "PIPENV_VERBOSITY": "-1",
            "PIPENV_IGNORE_VIRTUALENVS": "1",
            "CDKTF_DISABLE_PLUGIN_CACHE_ENV": "1",
            "CI": "1",
        }

    def run(self, env: dict[str, str], stack_id: str, *args: str, timeout: float = 1500) -> str:
        # Offline, `terraform providers lock` would ask the registry after init: skip it.
        command = [
            "npx",
            "--no-install",
            "cdktf",
            *args,
            stack_id,
            "--output",
            str(self.outdir),
            "--skip-provider-lock",
        ]
        completed = subprocess.run(
            command,
            cwd=ROOT,
            env=self._env(env, stack_id),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        output = completed.stdout + completed.stderr
        if completed.returncode != 0:
            raise TerraformError(
                f"{' '.join(command)} exited {completed.returncode}:\n" + "\n".join(output.splitlines()[-60:])
            )
        return output

    def deploy(self, env: dict[str, str], stack_id: str) -> Terraform:
        """``cdktf deploy --auto-approve``; returns Terraform bound to the CLI's working directory."""
        self.run(env, stack_id, "deploy", "--auto-approve")
        return Terraform(self.outdir / "stacks" / stack_id, dict(env))

    def diff(self, env: dict[str, str], stack_id: str) -> str:
        return self.run(env, stack_id, "diff")
