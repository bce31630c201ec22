"""``make link-rotate``: one role's password version raised in the committed config file, and nothing else."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from infra import systems
from infra.systems.link import __main__ as link_cli
from infra.systems.link.settings import LinkSettings


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "link").mkdir()
    monkeypatch.setenv("INFRA_CONFIG_DIR", str(tmp_path))
    return tmp_path / "link" / "production.toml"


def _rotate(role: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = link_cli.main(["infra.systems.link", "rotate", "production", role])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _version(role: str, config: Path) -> int:
    settings = systems.load("link", "production", config.parent.parent)
    assert isinstance(settings, LinkSettings)
    return settings.databases.password_version(role)


def test_a_first_rotation_adds_the_table_and_says_what_to_do_next(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _rotate("link_users_user", capsys)
    assert code == 0
    assert config.read_text() == "[databases.password_versions]\nlink_users_user = 2\n"
    assert _version("link_users_user", config) == 2 and _version("link_chat_user", config) == 1
    assert out.startswith(f"link_users_user: password version 1 -> 2 in {config}. Commit it, then ")
    assert "make deploy STACK=link-production" in out and "make link-files ENV=production" in out


def test_rotations_keep_the_rest_of_the_file_as_it_was(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = (
        "# Production: reviewed by the platform team.\n"
        "[databases.role]\n"
        "connection_limit = 40  # the document's 50 is too many for our PgBouncer\n"
        "\n"
        "[databases.password_versions]\n"
        "link_chat_user = 4  # rotated after the March incident\n"
        "\n"
        "[files]\n"
        'kubernetes_namespace = "link"\n'
    )
    config.write_text(original)
    assert _rotate("link_chat_user", capsys)[0] == 0
    assert _rotate("link_users_user", capsys)[0] == 0
    text = config.read_text()
    assert text == original.replace(
        "link_chat_user = 4  # rotated after the March incident\n", "link_users_user = 2\nlink_chat_user = 5\n"
    )
    assert tomllib.loads(text)["databases"]["role"]["connection_limit"] == 40
    assert (_version("link_chat_user", config), _version("link_users_user", config)) == (5, 2)


def test_a_file_the_edit_cannot_be_proven_on_is_left_alone(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = "[databases]\npassword_versions = { link_chat_user = 2 }\n"
    config.write_text(original)
    code, _, err = _rotate("link_chat_user", capsys)
    assert code == 2
    assert f"set link_chat_user = 3 under [databases.password_versions] in {config} by hand" in err
    assert config.read_text() == original


def test_an_unknown_role_is_refused_and_nothing_written(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _rotate("link_user", capsys)
    assert code == 2
    assert err.startswith("error: ROLE must be one of ('link_users_user', ")
    assert not config.exists()
