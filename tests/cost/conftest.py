"""One full make cost run for the suite (synthesis as configured, with the document presets, Solobase samples)."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.cost.run import Result, run


@pytest.fixture(scope="session")
def cost_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    outdir = tmp_path_factory.mktemp("cost")
    return run(outdir), outdir
