"""The manual: generated documents fresh, the README's layout the tree's, every local link resolving."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from emulator import fills
from emulator.allowlist import ALLOWLIST, EmulatorDrift
from tools import docs

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# Not the product's tree: environments, build and synth output, files `make link-files` renders (and tool caches).
UNTRACKED = {".git", "node_modules", "build", "cdktf.out", "generated"}


def untracked(name: str) -> bool:
    return name in UNTRACKED or name.startswith(".venv") or "cache" in name


def test_every_generated_document_is_fresh() -> None:
    stale = docs.stale(ROOT)
    assert not stale, f"stale generated documents, run `make docs`: {stale}"


def test_the_check_names_each_stale_or_missing_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert docs.main(["--check"], root=tmp_path) == 1
    assert capsys.readouterr().err.splitlines() == [f"stale: {path} (run `make docs`)" for path in docs.DOCUMENTS]

    assert docs.main([], root=tmp_path) == 0
    assert docs.main(["--check"], root=tmp_path) == 0
    capsys.readouterr()

    emulator_doc = tmp_path / docs.EMULATOR_DOC
    emulator_doc.write_text(emulator_doc.read_text().replace("moto", "localstack", 1))
    assert docs.main(["--check"], root=tmp_path) == 1
    assert capsys.readouterr().err.splitlines() == [f"stale: {docs.EMULATOR_DOC} (run `make docs`)"]


def test_the_emulator_document_shows_every_fill_with_its_docstring_and_every_allowlist_entry() -> None:
    drift = EmulatorDrift("aws_db_instance", "engine_version", "moto reports the major version | not the minor")
    text = docs.emulator_document(fills.registered(), [drift])
    for entry in fills.registered():
        assert f"#### `{entry.name}`" in text
        assert f"**AWS:** {entry.behaviour} <{entry.reference}>" in text
        assert docs.markdown(entry.installer.__doc__ or "") in text
        assert f"[`tests/emulator/fills/test_{entry.service}.py`]" in text
    assert "| `aws_db_instance` | `engine_version` | moto reports the major version \\| not the minor |" in text
    assert "The list is empty" not in text
    assert ("The list is empty" in docs.emulator()) == (not ALLOWLIST)


def test_docstrings_become_markdown() -> None:
    assert (
        docs.markdown("""Uses ``a``.

        Through :class:`~emulator.server.Emulator` and ``multi
        line``.
        """)
        == "Uses `a`.\n\nThrough `emulator.server.Emulator` and `multi\nline`."
    )


def test_a_fill_without_tests_stops_generation() -> None:
    orphan = fills.Fill("orphan_fill", "nosuchservice", "Does a thing.", fills.REFERENCE_PREFIX, lambda: None)
    with pytest.raises(ValueError, match=re.escape("tests/emulator/fills/test_nosuchservice.py is missing")):
        docs.emulator_document([orphan], [])


def test_generated_blocks_are_rewritten_and_a_missing_block_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs, "ROOT", tmp_path)
    (tmp_path / "page.md").write_text("# Page\n\n<!-- generated: figures -->\nold\n<!-- end: figures -->\n\nafter\n")
    rewritten = docs.spliced("page.md", {"figures": "| new |\n"})
    assert rewritten == "# Page\n\n<!-- generated: figures -->\n| new |\n<!-- end: figures -->\n\nafter\n"
    (tmp_path / "page.md").write_text(rewritten)
    assert docs.spliced("page.md", {"figures": "| new |\n"}) == rewritten
    with pytest.raises(ValueError, match=re.escape("page.md needs exactly one block <!-- generated: other -->")):
        docs.spliced("page.md", {"other": "x"})


def test_the_performance_figures_are_bench_results() -> None:
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    up = json.loads((ROOT / "bench" / "up.json").read_text())
    text = docs.performance()
    for run in results["figures"].values():
        assert f"| {docs.seconds(run['seconds'])} |" in text
    for stack, run in up["stacks"].items():
        assert f"| `{stack}` | {run['resources']} | {docs.seconds(run['seconds'], 0)} |" in text
    assert docs.rounded(4.505, 2) == "4.51" and docs.rounded(0.0998, 2) == "0.10"


def test_slugs_are_githubs() -> None:
    assert docs.slug("make up: every platform on the emulator") == "make-up-every-platform-on-the-emulator"
    assert docs.slug("CI/CD") == "cicd"
    assert docs.slug("`eks_access_entries`") == "eks_access_entries"
    assert (
        docs.slug("Allowed second-plan drift (`emulator/allowlist.py`)")
        == "allowed-second-plan-drift-emulatorallowlistpy"
    )


# The README -----------------------------------------------------------------------------------


def layout_entries() -> list[str]:
    """The first word of each line of the code block in the README's Layout section."""
    section = README.read_text().split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def tree_entries() -> set[str]:
    """Every top-level folder, and every package and module directly under infra/."""
    top = {f"{path.name}/" for path in ROOT.iterdir() if path.is_dir() and not untracked(path.name)}
    infra = {
        f"infra/{path.name}/" if path.is_dir() else f"infra/{path.name}"
        for path in (ROOT / "infra").iterdir()
        if not path.name.startswith("_") and (path.suffix == ".py" or (path / "__init__.py").is_file())
    }
    return top | infra


def test_the_readme_is_a_front_door() -> None:
    assert len(README.read_text().splitlines()) < 250


def test_the_readme_layout_names_every_folder_and_every_module_of_infra() -> None:
    missing = sorted(tree_entries() - set(layout_entries()))
    assert not missing, f"the README's layout does not name: {missing}"


def test_everything_the_readme_layout_names_exists() -> None:
    absent = []
    for entry in layout_entries():
        path = ROOT / entry.split("<", 1)[0]  # infra/systems/<name>/: its parent must exist
        if not (path.is_dir() if entry.endswith("/") else path.is_file()):
            absent.append(entry)
    assert not absent, f"the README's layout names what is not there: {absent}"


# Links ----------------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def prose(text: str) -> str:
    """Markdown without fenced code blocks and code spans, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    return re.sub(r"`[^`]*`", "", text)


def anchors(text: str) -> set[str]:
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} (.+)$", re.sub(r"^```.*?^```", "", text, flags=re.M | re.S), flags=re.M):
        anchor = base = docs.slug(heading)
        count = 0
        while anchor in found:  # GitHub numbers repeated headings
            count += 1
            anchor = f"{base}-{count}"
        found.add(anchor)
    return found


def broken_links(document: Path) -> list[str]:
    broken = []
    for target in LINK.findall(prose(document.read_text())):
        if re.match(r"[a-z]+:", target):
            continue
        path_part, _, anchor = target.partition("#")
        path = (document.parent / path_part).resolve() if path_part else document
        if not path.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path.read_text()):
            broken.append(f"{target} (no such heading)")
    return broken


def manual() -> list[Path]:
    return [README, *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("document", manual(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_local_link_resolves(document: Path) -> None:
    assert not broken_links(document), broken_links(document)


def test_a_broken_link_or_anchor_is_found(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("# Other\n\n## A heading\n\n## A heading\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n[ok](other.md#a-heading-1) [ok](#page) [web](https://example.com) `[code](missing.md)`\n"
        "[gone](missing.md) [bad](other.md#nowhere) [self](#nowhere)\n\n```\n[fenced](missing.md)\n```\n"
    )
    assert broken_links(page) == [
        "missing.md (no such file)",
        "other.md#nowhere (no such heading)",
        "#nowhere (no such heading)",
    ]


def test_the_manual_is_linked_from_the_readme_and_indexes_every_document() -> None:
    index = (ROOT / docs.INDEX).read_text()
    assert "(docs/README.md)" in README.read_text()
    for document in manual()[1:]:
        if document != ROOT / docs.INDEX:
            assert f"({document.relative_to(ROOT / 'docs')})" in index, document
