"""The command cdktf runs to synthesize (cdktf.json ``app``), for the tools that must run it the same way.

``make synth`` and every cdktf command run ``python -O main.py``. ``-O`` turns
off jsii's Python-side argument checks (typeguard, behind ``if __debug__`` in
the generated bindings, aws/jsii#3660): they cost about a fifth of a full synth
and repeat what is checked elsewhere: mypy --strict checks the same types
statically, node's jsii kernel checks every value it receives, and the test
suite synthesizes every stack with the checks on. Nothing on the synth path
uses ``assert`` (tests/test_app_command.py), so ``-O`` changes no behaviour.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def interpreter_flags(root: Path = ROOT) -> list[str]:
    """The Python flags between ``python`` and ``main.py`` in cdktf.json's app command."""
    command: str = json.loads((root / "cdktf.json").read_text())["app"]
    words = command.split()
    return words[words.index("python") + 1 : words.index("main.py")]
