"""The project's entry points stay what the README and the manual promise."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_targets(makefile: Path) -> set[str]:
    """The targets a user can name: rules with a ``## `` help comment, .PHONY ones, and every plain-named rule."""
    text = makefile.read_text()
    helped = re.findall(r"^([\w.-]+):[^=].*## ", text, flags=re.MULTILINE)
    phony = [
        word for line in re.findall(r"^\.PHONY:((?:.*\\\n)*.*)", text, flags=re.MULTILINE) for word in line.split()
    ]
    plain = re.findall(r"^([a-z][a-z0-9-]*):", text, flags=re.MULTILINE)
    return {target for target in (*helped, *phony, *plain) if target != "\\"}


def missing_from_help(makefile: Path) -> list[str]:
    """The targets of ``makefile`` that ``make help`` does not list, as a user runs it."""
    completed = subprocess.run(
        ["make", "-s", "-f", str(makefile), "help"], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    listed = {line.split()[0] for line in completed.stdout.splitlines() if line.strip()}
    return sorted(make_targets(makefile) - listed)


def test_make_help_lists_every_make_target() -> None:
    assert len(make_targets(ROOT / "Makefile")) > 20
    assert not missing_from_help(ROOT / "Makefile"), "give these targets a `## ` help comment"


def test_a_target_without_a_help_comment_is_found(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    text = (ROOT / "Makefile").read_text()
    makefile.write_text(
        text + "\n.PHONY: hidden\nhidden:\n\t@true\n\nnot-phony: ; @true\nhelped9: ## with a digit\n\t@true\n"
    )
    assert missing_from_help(makefile) == ["helped9", "hidden", "not-phony"]


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_nothing_disables_or_wipes_the_jsii_package_cache() -> None:
    for path in (ROOT / "Makefile", ROOT / ".ci" / "run", ROOT / "tools" / "bench.py", ROOT / "tests" / "conftest.py"):
        text = path.read_text()
        assert "JSII_RUNTIME_PACKAGE_CACHE=disabled" not in text, path
        assert "package-cache" not in text, path


def test_terraform_cli_config_uses_a_given_mirror_and_nothing_without_one(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / "linux_amd64"
    mirror.mkdir(parents=True)
    target = tmp_path / "terraformrc"
    script = str(ROOT / "tools" / "terraform_cli_config.py")
    env = {"TF_PROVIDER_MIRROR": str(tmp_path / "mirror"), "PATH": "/usr/bin:/bin"}
    written = subprocess.run([sys.executable, script, str(target)], env=env, capture_output=True, text=True, check=True)
    assert written.stdout.strip() == str(target.resolve())
    text = target.read_text()
    assert f'path    = "{tmp_path / "mirror"}"' in text
    assert 'include = ["registry.terraform.io/hashicorp/aws"]' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/aws"]' in text

    empty = tmp_path / "empty"
    empty.mkdir()
    refused = subprocess.run(
        [sys.executable, script, str(target)],
        env={**env, "TF_PROVIDER_MIRROR": str(empty)},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "holds no provider" in refused.stderr


def test_without_a_mirror_terraform_uses_the_registry(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("terraform_cli_config", ROOT / "tools" / "terraform_cli_config.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("TF_PROVIDER_MIRROR", raising=False)
    monkeypatch.setattr(module, "KNOWN_MIRRORS", (str(tmp_path / "absent"),))
    target = tmp_path / "terraformrc"
    target.write_text("stale")
    assert module.main(["terraform_cli_config.py", str(target)]) == 0
    assert not target.exists(), "a stale mirror config would keep Terraform off the registry"


def test_make_stacks_starts_with_its_header_and_nothing_else() -> None:
    """As a new user types it: the first line is the column header, not make's or pipenv's chatter."""
    completed = subprocess.run(
        ["make", "-s", "stacks", "PATTERN=freeside-*"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    lines = completed.stdout.splitlines()
    assert lines[0].split() == ["STACK", "KIND", "SYSTEM", "ENVIRONMENTS", "REGIONS", "PROVIDERS", "BACKEND"]
    assert [line.split()[0] for line in lines[1:]] == ["freeside-production", "freeside-staging"]


def test_make_test_installs_the_servers_first() -> None:
    makefile = (ROOT / "Makefile").read_text()
    # make test installs side by side first (a sub-make with -j): the servers, the packages, the CLI, checkov.
    installs = re.search(
        r"^test:.*\n\t@\$\(MAKE\) -j \d+ --output-sync=target ([^\n]+)\n\t\$\(RUN\) pytest", makefile, re.M
    )
    assert installs, "make test's first step installs what the suite needs"
    assert set(installs.group(1).split()) == {
        ".venv/.synced",
        "node_modules/.synced",
        "$(CHECKOV_VENV)/.synced",
        "servers",
    }
    assert re.search(r"^servers: .*\n\t@tools/install-servers\.sh$", makefile, flags=re.MULTILINE)


def test_the_server_installer_passes_shellcheck() -> None:
    assert shutil.which("shellcheck"), "shellcheck is not installed: make test installs it (tools/install-servers.sh)"
    checked = subprocess.run(
        [
            "shellcheck",
            "--enable=quote-safe-variables,require-variable-braces",
            str(ROOT / "tools" / "install-servers.sh"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


def test_without_root_a_missing_server_stops_with_one_line_saying_what_to_install(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    completed = subprocess.run(
        ["/bin/bash", str(ROOT / "tools" / "install-servers.sh")],
        env={"PATH": str(bin_dir)},  # no shellcheck, no apt-get, and not root
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: missing shellcheck")
    assert "apt-get install shellcheck" in lines[0]
