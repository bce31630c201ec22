"""The fast provider import (infra/provider_import.py) changes nothing but speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from infra import provider_import
from infra.app_command import interpreter_flags

ROOT = Path(__file__).resolve().parents[1]


def synthesize(outdir: Path, *, plain: bool) -> dict[str, bytes]:
    """``plain``: the reference (every module imported, jsii's argument checks on); else as ``make synth`` runs."""
    env = {**os.environ, "CDKTF_OUTDIR": str(outdir), provider_import.PLAIN_IMPORT_ENV: "1" if plain else "0"}
    env.pop("INFRA_STACKS", None)
    flags = [] if plain else interpreter_flags()
    completed = subprocess.run(
        [sys.executable, *flags, "main.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    return {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("cdk.tf.json"))}


def test_the_production_synth_and_the_checked_plain_one_give_identical_stacks(tmp_path: Path) -> None:
    fast = synthesize(tmp_path / "fast", plain=False)
    plain = synthesize(tmp_path / "plain", plain=True)
    assert fast, "no stack synthesized"
    assert sorted(fast) == sorted(plain)
    different = [name for name in fast if fast[name] != plain[name]]
    assert not different, f"stacks differ between make synth's run and the checked plain import: {different}"


def test_fast_path_skips_the_package_root_and_plain_path_runs_it() -> None:
    probe = (
        "import sys, infra; from cdktf_cdktf_provider_aws.vpc import Vpc; "
        "print(sum(1 for m in sys.modules if m.startswith('cdktf_cdktf_provider_aws.')))"
    )
    counts = {}
    for plain in (False, True):
        env = {**os.environ, provider_import.PLAIN_IMPORT_ENV: "1" if plain else "0"}
        completed = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert completed.returncode == 0, completed.stderr
        counts[plain] = int(completed.stdout.strip().splitlines()[-1])
    assert counts[False] < 10, "fast path imported more than the module asked for"
    assert counts[True] > 2000, "plain path should import every submodule"


def test_other_versions_fall_back_to_the_plain_import_once(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(provider_import, "VERIFIED_PACKAGES", {"json": ("pytest", "0.0.0")})
    monkeypatch.setattr(provider_import, "_warned", set())
    monkeypatch.delitem(sys.modules, "json", raising=False)
    monkeypatch.delenv(provider_import.PLAIN_IMPORT_ENV, raising=False)
    assert provider_import.install() == []
    assert provider_import.install() == []
    err = capsys.readouterr().err
    assert err.count("is not the verified 0.0.0") == 1
