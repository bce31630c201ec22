"""``terraform validate`` accepts every synthesized AWS stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import stack_ids
from tests.support.terraform import Terraform


@pytest.mark.parametrize("stack_id", stack_ids())
def test_terraform_validate(stack_id: str, synth_dir: Path, base_env: dict[str, str], tmp_path: Path) -> None:
    tf = Terraform.for_stack(synth_dir / "stacks" / stack_id, tmp_path / stack_id, base_env)
    tf.init(backend=False)
    report = json.loads(tf.run("validate", "-json", "-no-color", ok=(0, 1)).stdout)
    problems = [f"{d['severity']}: {d['summary']} {d.get('detail', '')}" for d in report["diagnostics"]]
    assert report["valid"], "\n".join(problems)
    assert not [p for p in problems if p.startswith("error")]
