"""The app command cdktf runs (``python -O main.py``) and what running optimized relies on.

The byte identity of that synth with the checked, plain-import one is in tests/test_provider_import.py.
"""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path

from infra.app_command import ROOT, interpreter_flags


def test_cdktf_runs_the_app_optimized_and_the_bench_measures_that_command(tmp_path: Path) -> None:
    assert interpreter_flags() == ["-O"]
    bench = (ROOT / "tools" / "bench.py").read_text()
    assert "*interpreter_flags()" in bench, "the bench must run the app as cdktf.json does"
    (tmp_path / "cdktf.json").write_text(json.dumps({"app": "pipenv run python main.py"}))
    assert interpreter_flags(tmp_path) == []


def test_nothing_the_app_or_its_tools_run_relies_on_assert() -> None:
    """``-O`` strips ``assert``: code that checks with it would stop checking in make synth."""
    paths = [ROOT / "main.py", *sorted((ROOT / "infra").rglob("*.py")), *sorted((ROOT / "emulator").rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in paths
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assert)
    ]
    assert found == [], f"assert in product code (raise a named error instead): {found}"


def test_make_deps_compiled_the_optimized_bytecode_of_the_provider_bindings() -> None:
    """Without it, under PYTHONDONTWRITEBYTECODE every ``-O`` synth recompiles the bindings it imports."""
    spec = importlib.util.find_spec("cdktf_cdktf_provider_aws")
    assert spec is not None and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    for module in (package / "vpc" / "__init__.py", package / "db_instance" / "__init__.py"):
        compiled = Path(importlib.util.cache_from_source(str(module), optimization=1))
        assert compiled.is_file(), f"no optimized bytecode for {module}: run make deps (see the Makefile)"
