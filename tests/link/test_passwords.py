"""The password store, the deploy hook that fills it, and the commands that read it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from infra import systems
from infra.paths import REPOSITORY_ROOT
from infra.systems.link import __main__ as link_cli
from infra.systems.link import terraform_environment
from infra.systems.link.passwords import (
    PASSWORD_LENGTH,
    PasswordStore,
    PasswordStoreError,
    variables,
)
from infra.validation import ConfigError

ROLES = ("link_users_user", "link_chat_user")
ALL_ROLES = {f"link_{s}_user" for s in ("users", "chat", "ai", "search", "discovery", "monitoring")}


def test_passwords_are_generated_once_into_a_private_file(tmp_path: Path) -> None:
    store = PasswordStore("link", "development", tmp_path / "store")
    first, created = store.ensure(ROLES)
    again, created_again = store.ensure(ROLES)
    assert created == list(ROLES) and created_again == []
    assert again == first
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    for credential in first.values():
        assert len(credential.password) == PASSWORD_LENGTH and credential.password.isalnum()
        assert len(credential.version) == 16
    assert first[ROLES[0]].password != first[ROLES[1]].password
    assert "password=<redacted>" in repr(first[ROLES[0]])


def test_a_new_role_gets_a_password_and_the_others_keep_theirs(tmp_path: Path) -> None:
    store = PasswordStore("link", "development", tmp_path)
    before, _ = store.ensure(ROLES[:1])
    after, created = store.ensure(ROLES)
    assert created == [ROLES[1]] and after[ROLES[0]] == before[ROLES[0]]


def test_rotation_changes_one_roles_password_and_version(tmp_path: Path) -> None:
    store = PasswordStore("link", "development", tmp_path)
    before, _ = store.ensure(ROLES)
    rotated = store.rotate(ROLES[0])
    after = store.read()
    assert rotated == after[ROLES[0]]
    assert rotated.password != before[ROLES[0]].password and rotated.version != before[ROLES[0]].version
    assert after[ROLES[1]] == before[ROLES[1]]
    with pytest.raises(PasswordStoreError, match="no role 'link_nobody' to rotate"):
        store.rotate("link_nobody")


def test_reading_needs_every_role_and_says_how_to_get_them(tmp_path: Path) -> None:
    store = PasswordStore("link", "staging", tmp_path)
    with pytest.raises(PasswordStoreError, match="has no password for link_users_user, link_chat_user: deploy"):
        store.require(ROLES)


def test_the_store_must_be_private_and_outside_the_repository(tmp_path: Path) -> None:
    with pytest.raises(PasswordStoreError, match="must be outside the repository"):
        PasswordStore("link", "development", REPOSITORY_ROOT / "secrets")
    store = PasswordStore("link", "development", tmp_path)
    store.ensure(ROLES)
    store.path.chmod(0o640)
    with pytest.raises(PasswordStoreError, match="readable by others"):
        store.read()


def test_terraform_gets_both_maps_as_json(tmp_path: Path) -> None:
    credentials, _ = PasswordStore("link", "development", tmp_path).ensure(ROLES)
    values = variables(credentials)
    assert json.loads(values["TF_VAR_role_passwords"]) == {r: c.password for r, c in credentials.items()}
    assert json.loads(values["TF_VAR_role_password_versions"]) == {r: c.version for r, c in credentials.items()}


def _link_spec(environment: str = "development"):  # type: ignore[no-untyped-def]
    return next(s for s in systems.stack_specs(Path("/nonexistent")) if s.stack_id == f"link-{environment}")


def test_the_deploy_hook_needs_the_admin_password_and_fills_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINK_PASSWORD_STORE", str(tmp_path))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with pytest.raises(ConfigError, match="PGPASSWORD must be set to the password of link_user"):
        terraform_environment(_link_spec())
    assert not list(tmp_path.iterdir()), "nothing generated before the admin password is there"
    monkeypatch.setenv("PGPASSWORD", "admin")
    added = terraform_environment(_link_spec())
    assert set(json.loads(added["TF_VAR_role_passwords"])) == ALL_ROLES
    assert terraform_environment(_link_spec()) == added, "generated once"
    assert (tmp_path / "link-development.json").exists()


def _run(args: list[str], store: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPOSITORY_ROOT,
        env={**os.environ, "LINK_PASSWORD_STORE": str(store), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def filled_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("store")
    PasswordStore("link", "development", directory).ensure(sorted(ALL_ROLES))
    return directory


def _output(
    store: Path, environment: str, name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """``make link-output ENV=… NAME=…`` (it runs ``python -m infra.systems.link output``), in this process."""
    monkeypatch.setenv("LINK_PASSWORD_STORE", str(store))
    code = link_cli.main(["infra.systems.link", "output", environment, name])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_documents_outputs_come_from_the_store(
    filled_store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = PasswordStore("link", "development", filled_store).read()
    code, out, _ = _output(filled_store, "development", "service_passwords", monkeypatch, capsys)
    assert code == 0
    assert json.loads(out) == {
        s: stored[f"link_{s}_user"].password for s in ("users", "chat", "ai", "search", "discovery")
    }
    code, out, _ = _output(filled_store, "development", "monitoring_user", monkeypatch, capsys)
    assert json.loads(out) == {"username": "link_monitoring_user", "password": stored["link_monitoring_user"].password}


def test_the_output_command_refuses_unknown_names_and_missing_stores(
    filled_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _output(filled_store, "development", "passwords", monkeypatch, capsys)
    assert (code, out) == (2, "")
    assert err.strip() == "error: NAME must be one of ('service_passwords', 'monitoring_user'); got 'passwords'"
    code, out, err = _output(tmp_path, "staging", "service_passwords", monkeypatch, capsys)
    assert (code, out) == (2, "") and "has no password for link_users_user" in err


def test_make_deploy_runs_terraform_with_the_role_passwords(filled_store: Path) -> None:
    """``make deploy`` wraps the cdktf CLI in ``python -m infra.cli exec``; the wrapped command reports what it got."""
    stored = PasswordStore("link", "development", filled_store).read()
    report = (
        "import hashlib, json, os; "
        "got = {k: json.loads(v) for k, v in os.environ.items() if k.startswith('TF_VAR_')}; "
        "print(hashlib.sha256(json.dumps(got, sort_keys=True).encode()).hexdigest())"
    )
    completed = _run(
        ["-m", "infra.cli", "exec", "link-development", "--", sys.executable, "-c", report],
        filled_store,
        PGPASSWORD="admin",
    )
    assert completed.returncode == 0, completed.stderr
    expected = json.dumps({k: json.loads(v) for k, v in variables(stored).items()}, sort_keys=True)
    assert completed.stdout.strip() == hashlib.sha256(expected.encode()).hexdigest()
    refused = _run(["-m", "infra.cli", "exec", "link-development", "--", "true"], filled_store, PGPASSWORD="")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: PGPASSWORD must be set to the password of link_user")


def test_stacks_of_other_systems_run_with_the_environment_unchanged(tmp_path: Path) -> None:
    completed = _run(
        [
            "-m",
            "infra.cli",
            "exec",
            "freeside-staging",
            "--",
            sys.executable,
            "-c",
            "import os; print(os.environ.get('TF_VAR_role_passwords'))",
        ],
        tmp_path,
    )
    assert completed.returncode == 0 and completed.stdout.strip() == "None"
    assert list(tmp_path.iterdir()) == []
