"""What may be synthesized and run on the emulator but never reach an AWS account: ``make diff`` and
``make deploy`` stop first (``python -m infra.cli deploy-exec``), exit status 2, naming the field.

- A domain under a name reserved for examples and tests (RFC 2606, RFC 6761: ``luneo.example.com``,
  ``api.arrakis.example.com``) is a placeholder: ACM could never validate a certificate for it, nor Route 53
  answer for it. Luneo's prod and Freeside's production defaults are such placeholders.
- Luneo's prod alert topics need a subscriber (``monitoring.alert_email``): alarms nobody receives are none.

The defaults stay loadable and deployable on the emulator, where the placeholders are harmless.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INFRA_CONFIG_DIR": str(config)}
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _config(tmp_path: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("stack", "field", "placeholder"),
    [
        ("luneo-prod", "luneo.prod.dns.zone_name", "luneo.example.com"),
        ("freeside-production", "freeside.production.load_balancer.domain_name", "api.arrakis.example.com"),
    ],
)
def test_production_placeholders_stop_diff_and_deploy(tmp_path: Path, stack: str, field: str, placeholder: str) -> None:
    done = _run(tmp_path, "deploy-exec", stack, "--", "echo", "planned")
    assert done.returncode == 2 and "planned" not in done.stdout
    assert done.stderr.startswith(f"error: {field} must be your own domain, not a placeholder under example.com")
    assert done.stderr.rstrip().endswith(f"got {placeholder!r}")
    # Not a deploy: destroy, output and the emulator go on with the defaults.
    assert _run(tmp_path, "exec", stack, "--", "echo", "destroyed").stdout == "destroyed\n"


@pytest.mark.parametrize("stack", ["luneo-staging", "freeside-staging", "replaydash-production", "solobase-prod"])
def test_other_environments_deploy_as_they_are(tmp_path: Path, stack: str) -> None:
    done = _run(tmp_path, "deploy-exec", stack, "--", "echo", "planned")
    assert (done.returncode, done.stdout) == (0, "planned\n"), done.stderr


def test_luneo_prod_needs_someone_to_receive_its_alarms(tmp_path: Path) -> None:
    dns = (
        '[dns]\nzone_name = "luneo.io"\nrecord_name = "app.luneo.io"\n'
        'primary_hostname = "ingress-eu-west-1.luneo.io"\nsecondary_hostname = "ingress-us-east-1.luneo.io"\n'
    )
    config = _config(tmp_path, {"luneo/prod.toml": dns})
    done = _run(config, "deploy-exec", "luneo-prod", "--", "echo", "planned")
    assert done.returncode == 2
    assert done.stderr.startswith("error: luneo.prod.monitoring.alert_email must be the address every prod alert")
    (config / "luneo" / "prod.toml").write_text(dns + '[monitoring]\nalert_email = "oncall@luneo.io"\n')
    done = _run(config, "deploy-exec", "luneo-prod", "--", "echo", "planned")
    assert (done.returncode, done.stdout) == (0, "planned\n"), done.stderr


def test_make_diff_and_deploy_go_through_the_check_and_destroy_does_not() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipes = {
        target: makefile.split(f"\n{target}: ", 1)[1].split("\n\n", 1)[0] for target in ("diff", "deploy", "destroy")
    }
    assert "$(DEPLOY_WITH_STACK_ENV) $(CDKTF) diff" in recipes["diff"]
    assert "$(DEPLOY_WITH_STACK_ENV) $(CDKTF) deploy" in recipes["deploy"]
    assert "$(WITH_STACK_ENV) $(CDKTF) destroy" in recipes["destroy"]
    assert 'DEPLOY_WITH_STACK_ENV = $(RUN) python -m infra.cli deploy-exec "$(STACK)" --' in makefile
