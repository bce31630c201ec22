"""``[backend] kind = "cloud"``: HCP Terraform, one workspace per stack named by its id and tagged by system,
environment and kind; it validates offline and stays off the emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import app, systems
from infra.paths import REPOSITORY_ROOT
from infra.terraform import Terraform, clean_environment, cli_config
from infra.up.selection import not_on_emulator
from infra.validation import ConfigError

CLOUD = '[backend]\nkind = "cloud"\norganization = "acme-platform"\nproject = "freeside"\n'


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cloud-config")
    (directory / "freeside").mkdir()
    (directory / "freeside" / "staging.toml").write_text(CLOUD)
    return directory


@pytest.fixture(scope="module")
def synthesized(config_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("cloud-synth")
    app.synth(outdir=str(outdir), requested="freeside-*", config_dir=config_dir)
    return outdir


def stack(outdir: Path, stack_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((outdir / "stacks" / stack_id / "cdk.tf.json").read_text())
    return data


def test_the_stack_uses_the_cloud_block_with_its_workspace_tags_and_no_s3_backend(synthesized: Path) -> None:
    terraform = stack(synthesized, "freeside-staging")["terraform"]
    assert "backend" not in terraform
    assert terraform["cloud"] == {
        "organization": "acme-platform",
        "hostname": "app.terraform.io",
        "workspaces": {
            "project": "freeside",
            "tags": ["system:freeside", "environment:staging", "kind:platform"],
        },
    }
    # The other environment keeps the S3 backend: the setting is per environment.
    assert "s3" in stack(synthesized, "freeside-production")["terraform"]["backend"]


def test_the_spec_names_its_workspace_and_stays_off_the_emulator(config_dir: Path) -> None:
    spec = next(s for s in systems.stack_specs(config_dir) if s.stack_id == "freeside-staging")
    assert spec.backend == "cloud://app.terraform.io/acme-platform/freeside-staging"
    assert not spec.deploys_on_emulator and spec.aws_only
    assert "HCP Terraform" in str(not_on_emulator(spec))


def test_the_make_targets_select_the_stacks_workspace(config_dir: Path) -> None:
    env = {**os.environ, "INFRA_CONFIG_DIR": str(config_dir)}
    printed = subprocess.run(
        [sys.executable, "-m", "infra.cli", "exec", "freeside-staging", "--", "env"],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "TF_WORKSPACE=freeside-staging" in printed
    other = subprocess.run(
        [sys.executable, "-m", "infra.cli", "exec", "freeside-production", "--", "env"],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TF_WORKSPACE=" not in other


def test_it_validates_offline(synthesized: Path, tmp_path: Path) -> None:
    workdir = tmp_path / "freeside-staging"
    workdir.mkdir()
    (workdir / "cdk.tf.json").write_text((synthesized / "stacks" / "freeside-staging" / "cdk.tf.json").read_text())
    terraform = Terraform(workdir=workdir, env=clean_environment(cli_config()))
    terraform.run("init", "-backend=false", "-input=false", "-no-color")
    report = json.loads(terraform.run("validate", "-json", "-no-color", ok=(0, 1)).stdout)
    assert report["valid"], report["diagnostics"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[backend]\nkind = "cloud"\n', "freeside.staging.backend.organization must be an HCP Terraform organization"),
        ('[backend]\nkind = "remote"\n', "freeside.staging.backend.kind must be one of ('s3', 'cloud')"),
        (
            '[backend]\norganization = "acme"\n',
            "freeside.staging.backend.organization must be unset unless kind is cloud",
        ),
    ],
)
def test_a_bad_backend_is_refused_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "freeside").mkdir()
    (tmp_path / "freeside" / "staging.toml").write_text(text)
    with pytest.raises(ConfigError) as raised:
        systems.load("freeside", "staging", tmp_path)
    assert str(raised.value).startswith(message), str(raised.value)
