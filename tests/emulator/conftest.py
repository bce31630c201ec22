"""An emulator enforcing IAM (``python -m emulator --iam``), for the fills only it exercises."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.server import Emulator


@pytest.fixture(scope="session")
def iam_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    running = Emulator.start(tmp_path_factory.mktemp("iam-emulator") / "moto.log", iam=True)
    yield running
    running.stop()
