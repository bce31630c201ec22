"""Import rules (pyproject's [tool.importlinter]): no cycles, layers top to bottom, systems independent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [LINT_IMPORTS, str(config), "--no-cache"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_projects_import_contracts_hold() -> None:
    result = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_cycle_contract_fails_on_a_cycle_and_names_it(tmp_path: Path) -> None:
    """The same contract on a package whose two modules import each other (a function-level import too)."""
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text("def stacks():\n    from cyclic import stacks\n\n    return stacks\n")
    (package / "stacks.py").write_text("from cyclic import settings\n")
    config = tmp_path / "importlinter.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["cyclic"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "acyclic"\ntype = "acyclic_siblings"\nancestors = ["cyclic"]\n'
    )
    result = lint_imports(config, tmp_path)
    assert result.returncode != 0
    assert "1 broken" in result.stdout and ".stacks -> .settings" in result.stdout


def test_the_layers_contract_covers_every_module_of_infra() -> None:
    """A new top-level module of infra/ must be placed in a layer, or nothing would check its imports."""
    text = (ROOT / "pyproject.toml").read_text()
    layered = text.split('type = "layers"', 1)[1].split("]", 1)[0]
    for path in sorted((ROOT / "infra").iterdir()):
        name = path.stem if path.suffix == ".py" else path.name
        if name.startswith("_") or not (path.suffix == ".py" or (path / "__init__.py").exists()):
            continue
        assert f"infra.{name}" in layered, f"infra.{name} is in no layer of [tool.importlinter]"
