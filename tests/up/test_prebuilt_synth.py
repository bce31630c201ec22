"""make up's engine given a synth made beforehand (the test session's): it must hold every chosen stack."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from infra.up import cli
from infra.up.session import Session
from infra.validation import ConfigError


def test_a_prebuilt_synth_missing_a_chosen_stack_is_refused_before_the_emulator_starts(tmp_path: Path) -> None:
    synthesized = tmp_path / "cdktf.out"
    (synthesized / "stacks" / "freeside-staging").mkdir(parents=True)
    (synthesized / "stacks" / "freeside-staging" / "cdk.tf.json").write_text("{}")
    session = Session(tmp_path / "up")
    options = cli.Options(None, None, "freeside-staging", 1)
    with pytest.raises(ConfigError, match=r"bootstrap-arrakis-tfstate-891376933289"):
        cli.up(options, session, io.StringIO(), synthesized=synthesized)
    assert session.record() is None, "no emulator was started"
