"""``terraform validate`` accepts every synthesized stack.

Stacks on AWS alone are always validated (the AWS provider is in the mirror).
A stack on another provider (Link's, on cyrilgdn/postgresql) is validated
where Terraform can install that provider, and otherwise reported as skipped
with the reason, under its own test name, so the skip is never mistaken for
a validation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import spec_of, stack_specs
from tests.support.terraform import REGISTRY_ENV, Terraform, unavailable_providers

AWS_ONLY = [s.stack_id for s in stack_specs() if set(s.providers) == {"aws"}]
OTHER_PROVIDERS = [s.stack_id for s in stack_specs() if set(s.providers) != {"aws"}]


def _validate(stack_id: str, synth_dir: Path, base_env: dict[str, str], workdir: Path) -> None:
    tf = Terraform.for_stack(synth_dir / "stacks" / stack_id, workdir / stack_id, base_env)
    tf.init(backend=False)
    report = json.loads(tf.run("validate", "-json", "-no-color", ok=(0, 1)).stdout)
    problems = [f"{d['severity']}: {d['summary']} {d.get('detail', '')}" for d in report["diagnostics"]]
    assert report["valid"], "\n".join(problems)
    assert not [p for p in problems if p.startswith("error")]


@pytest.mark.parametrize("stack_id", AWS_ONLY)
def test_terraform_validate(stack_id: str, synth_dir: Path, base_env: dict[str, str], tmp_path: Path) -> None:
    _validate(stack_id, synth_dir, base_env, tmp_path)


@pytest.mark.parametrize("stack_id", OTHER_PROVIDERS)
def test_terraform_validate_where_its_providers_install(
    stack_id: str, synth_dir: Path, base_env: dict[str, str], tmp_path: Path
) -> None:
    reason = unavailable_providers(spec_of(stack_id).providers)
    if reason:
        pytest.skip(f"not validated: {reason}")
    _validate(stack_id, synth_dir, base_env, tmp_path)


def test_link_stacks_are_validated_apart_from_the_aws_ones() -> None:
    assert {"link-development", "link-staging", "link-production"} <= set(OTHER_PROVIDERS)
    assert "bootstrap-link-terraform-state" in AWS_ONLY


def test_a_provider_counts_as_installable_from_the_mirror_or_an_allowed_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "registry.terraform.io" / "cyrilgdn" / "postgresql" / "1.26.0" / "linux_amd64").mkdir(parents=True)
    monkeypatch.setenv("TF_PROVIDER_MIRROR", str(tmp_path))
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    assert unavailable_providers(("postgresql",)) is None
    reason = unavailable_providers(("aws", "postgresql"))
    assert reason is not None and reason.startswith("registry.terraform.io/hashicorp/aws is not in the provider mirror")
    monkeypatch.setenv(REGISTRY_ENV, "1")
    assert unavailable_providers(("aws", "postgresql")) is None
