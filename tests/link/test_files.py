"""The rendered files, for the documented settings of each environment: names, modes, contents, linters, schemas."""

from __future__ import annotations

import dataclasses
import json
import secrets
import shutil
import string
import subprocess
import sys
import uuid
from pathlib import Path

import jsonschema
import pytest
import yaml

from infra import systems
from infra.paths import REPOSITORY_ROOT
from infra.systems.link import files
from infra.systems.link.credentials import Credential
from infra.systems.link.files import GENERATED_DIR, LinkSite
from infra.systems.link.settings import LinkSettings as LinkProps
from infra.systems.link.stacks import LinkStack
from infra.validation import ConfigError

NONE = Path("/nonexistent")
SERVICES = ("users", "chat", "ai", "search", "discovery")
SCHEMAS = Path(__file__).parent / "schemas"
# Beyond shellcheck's defaults: every expansion quoted and braced, a default case in every case.
SHELLCHECK = ["shellcheck", "--enable=quote-safe-variables,require-variable-braces,add-default-case"]
KEYS = ["DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "DB_SSLMODE", "DATABASE_URL"]
POOLED_KEYS = ["PGBOUNCER_HOST", "PGBOUNCER_PORT", "PGBOUNCER_URL"]


def new_credential() -> Credential:
    """A password like the stack's (32 letters and digits: aws_secretsmanager_random_password, no punctuation)."""
    return Credential("".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32)))


def props_of(environment: str) -> LinkProps:
    spec = next(s for s in systems.stack_specs(NONE) if s.stack_id == f"link-{environment}")
    return LinkStack.configure(spec)


def site_of(environment: str = "development", props: LinkProps | None = None) -> LinkSite:
    props = props or props_of(environment)
    return LinkSite(
        title=f"Link ({environment})",
        environment=environment,
        connection=props.connection,
        databases=props.databases,
        files=props.files,
        credentials={role: new_credential() for role in props.databases.login_roles},
    )


@pytest.fixture(scope="module")
def site() -> LinkSite:
    return site_of()


@pytest.fixture(scope="module")
def rendered(site: LinkSite) -> dict[str, files.GeneratedFile]:
    return {item.path: item for item in files.render(site)}


@pytest.fixture(scope="module")
def written(site: LinkSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("link-files") / "development"
    files.write(files.render(site), out)
    return out


def test_the_documents_files_with_their_exact_names(rendered: dict[str, files.GeneratedFile]) -> None:
    assert set(rendered) == {
        *(f".env.{s}" for s in SERVICES),
        *(f"k8s-secrets/{s}-db-credentials.yaml" for s in SERVICES),
        "docker-compose.db-isolation.yml",
        "pgbouncer/pgbouncer.ini",
        "pgbouncer/userlist.txt",
        "scripts/backup-databases.sh",
        "scripts/restore-database.sh",
        *(f"scripts/migrate-{s}-database.sh" for s in SERVICES),
        "IMPLEMENTATION_GUIDE.md",
    }


def test_only_files_holding_credentials_hold_them_and_they_are_0600_in_0700_directories(
    site: LinkSite, written: Path
) -> None:
    passwords = [c.password for c in site.credentials.values()]
    for path in written.rglob("*"):
        mode = path.stat().st_mode & 0o777
        if path.is_dir():
            assert mode == 0o700, path
            continue
        holds = any(p in path.read_text() for p in passwords)
        expected = 0o600 if holds else (0o755 if path.suffix == ".sh" else 0o644)
        assert mode == expected, f"{path.relative_to(written)}: {mode:o}"
    assert (written.stat().st_mode & 0o777) == 0o700
    secret_files = {p.relative_to(written).as_posix() for p in written.rglob("*") if p.stat().st_mode & 0o777 == 0o600}
    assert secret_files == {
        *(f".env.{s}" for s in SERVICES),
        *(f"k8s-secrets/{s}-db-credentials.yaml" for s in SERVICES),
        "pgbouncer/userlist.txt",
    }


def test_pgbouncer_ini_has_the_documents_lines_and_an_auth_file(
    site: LinkSite, rendered: dict[str, files.GeneratedFile]
) -> None:
    ini = rendered["pgbouncer/pgbouncer.ini"].content.splitlines()
    databases = ini[ini.index("[databases]") + 1 : ini.index("[pgbouncer]")]
    assert [line for line in databases if line] == [
        f"link_{s} = host=postgres port=5432 dbname=link_{s}" for s in SERVICES
    ]
    for line in ("pool_mode = session", "default_pool_size = 10", "max_client_conn = 100", "listen_port = 6432"):
        assert line in ini
    assert "auth_file = /etc/pgbouncer/userlist.txt" in ini
    assert "server_tls_sslmode = require" in ini
    userlist = rendered["pgbouncer/userlist.txt"].content.splitlines()
    assert userlist == [f'"{role}" "{site.password(role)}"' for role in site.databases.login_roles]
    assert len(userlist) == 6


@pytest.mark.parametrize("service", SERVICES)
def test_env_file_and_kubernetes_secret_carry_the_same_credentials(
    site: LinkSite, rendered: dict[str, files.GeneratedFile], service: str
) -> None:
    env_lines = rendered[f".env.{service}"].content.splitlines()
    env = dict(line.split("=", 1) for line in env_lines if not line.startswith("#"))
    assert list(env) == KEYS + POOLED_KEYS
    role = f"link_{service}_user"
    password = site.password(role)
    # Development's files go into Compose containers: the hosts are Compose services, never localhost.
    assert env["DATABASE_URL"] == f"postgresql://{role}:{password}@postgres:5432/link_{service}?sslmode=require"
    assert env["PGBOUNCER_URL"] == f"postgresql://{role}:{password}@pgbouncer:6432/link_{service}?sslmode=prefer"
    assert (env["DB_HOST"], env["PGBOUNCER_HOST"]) == ("postgres", "pgbouncer")
    secret = yaml.safe_load(rendered[f"k8s-secrets/{service}-db-credentials.yaml"].content)
    jsonschema.validate(secret, json.loads((SCHEMAS / "secret-v1.json").read_text()))
    assert (secret["apiVersion"], secret["kind"], secret["type"]) == ("v1", "Secret", "Opaque")
    assert secret["metadata"]["name"] == f"{service}-db-credentials"
    assert secret["metadata"]["namespace"] == "default"
    assert secret["stringData"] == env


def test_the_secret_schema_refuses_what_kubernetes_refuses() -> None:
    schema = json.loads((SCHEMAS / "secret-v1.json").read_text())
    good = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "a-db-credentials"}, "stringData": {"K": "v"}}
    jsonschema.validate(good, schema)
    for bad in (
        {**good, "kind": "ConfigMap"},
        {**good, "metadata": {"name": "Users_DB"}},
        {**good, "stringData": {"bad key": "v"}},
        {**good, "stringData": {"K": 5}},
        {**good, "spec": {}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


def _check_compose(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_compose_override_validates_against_the_compose_specification(written: Path, tmp_path: Path) -> None:
    compose = written / "docker-compose.db-isolation.yml"
    checked = _check_compose(compose)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    services = yaml.safe_load(compose.read_text())["services"]
    names = ["user-svc", "chat-svc", "ai-svc", "search-svc", "discovery-svc"]
    assert list(services) == [*names, "pgbouncer"]
    for service, name in zip(SERVICES, names, strict=True):
        assert services[name]["env_file"] == [f".env.{service}"]
    assert services["pgbouncer"]["ports"] == ["6432:6432"]
    # The validator refuses what Compose refuses.
    broken = tmp_path / "broken.yml"
    broken.write_text("services:\n  user-svc:\n    env_file: 5\n")
    assert _check_compose(broken).returncode != 0


def test_scripts_pass_shellcheck_with_every_variable_quoted(written: Path, tmp_path: Path) -> None:
    assert shutil.which("shellcheck"), "shellcheck is not installed: make test installs it (tools/install-servers.sh)"
    scripts = sorted(str(p) for p in (written / "scripts").glob("*.sh"))
    assert len(scripts) == 7
    checked = subprocess.run([*SHELLCHECK, *scripts], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout
    # The same check refuses an unquoted variable.
    sloppy = tmp_path / "sloppy.sh"
    sloppy.write_text('#!/usr/bin/env bash\nfile="$1"\nrm -f $file\n')
    assert subprocess.run([*SHELLCHECK, str(sloppy)], capture_output=True, check=False).returncode != 0


def test_the_backup_script_names_and_prunes_as_the_document_says(rendered: dict[str, files.GeneratedFile]) -> None:
    script = rendered["scripts/backup-databases.sh"].content
    assert 'BACKUP_DIR="${BACKUP_DIR:-/var/backups/postgresql}"' in script
    assert 'RETENTION_DAYS="${RETENTION_DAYS:-30}"' in script
    assert "readonly DATABASES=(link_users link_chat link_ai link_search link_discovery)" in script
    assert '"${BACKUP_DIR}/${database}_backup_${stamp}.sql.gz"' in script
    assert "stamp=\"$(date '+%Y%m%d')\"" in script


def test_restore_takes_a_service_and_a_file(rendered: dict[str, files.GeneratedFile]) -> None:
    script = rendered["scripts/restore-database.sh"].content
    for service in SERVICES:
        assert f'  {service})\n    database="link_{service}"\n' in script


def test_each_migration_copies_its_own_services_tables(rendered: dict[str, files.GeneratedFile]) -> None:
    for service in SERVICES:
        script = rendered[f"scripts/migrate-{service}-database.sh"].content
        assert 'readonly SOURCE_DATABASE="link_app"' in script
        assert f'readonly TARGET_DATABASE="link_{service}"' in script
        assert f'readonly TARGET_ROLE="link_{service}_user"' in script
        assert f'readonly TABLE_PATTERNS="{service}\\_%"' in script


def test_no_password_outside_the_credential_files(site: LinkSite, rendered: dict[str, files.GeneratedFile]) -> None:
    passwords = [c.password for c in site.credentials.values()]
    for item in rendered.values():
        if not item.holds_credentials:
            assert not any(p in item.content for p in passwords), item.path


def test_the_guide_covers_the_environment(rendered: dict[str, files.GeneratedFile]) -> None:
    guide = rendered["IMPLEMENTATION_GUIDE.md"].content
    assert "| user-svc | `link_users` | `link_users_user` | `uuid-ossp` |" in guide
    assert "| search-svc | `link_search` | `link_search_user` | `uuid-ossp`, `vector` |" in guide
    assert "make -s link-output ENV=development NAME=service_passwords" in guide
    assert "0 2 * * * /path/to/scripts/backup-databases.sh" in guide
    assert "./scripts/restore-database.sh users /var/backups/postgresql/link_users_backup_20250119.sql.gz" in guide
    assert "kubectl apply -f k8s-secrets/" in guide


def test_a_new_render_replaces_the_directory(site: LinkSite, tmp_path: Path) -> None:
    out = tmp_path / "out"
    files.write(files.render(site), out)
    (out / "scripts" / "migrate-billing-database.sh").write_text("stale")
    files.write(files.render(site), out)
    assert not (out / "scripts" / "migrate-billing-database.sh").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no staging or previous copy left behind"


def test_a_directory_it_did_not_write_is_never_replaced(site: LinkSite, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="OUT must be a new or empty directory, or one `make link-files` wrote"):
        files.write(files.render(site), tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    files.write(files.render(site), empty)
    assert (empty / ".env.users").exists()


@pytest.mark.parametrize("inside", ["cdktf.out/link", "infra/generated-here"])
def test_files_never_go_to_a_tracked_place_in_the_repository(site: LinkSite, inside: str) -> None:
    target = REPOSITORY_ROOT / inside
    with pytest.raises(ConfigError, match="OUT must be a directory outside the repository or under generated/"):
        files.write(files.render(site), target)
    assert not (REPOSITORY_ROOT / "infra" / "generated-here").exists()


def test_the_default_directory_is_git_ignored(site: LinkSite) -> None:
    out = GENERATED_DIR / "link" / f".test-{uuid.uuid4().hex}"
    try:
        files.write(files.render(site), out)
        tracked = subprocess.run(
            ["git", "-C", str(REPOSITORY_ROOT), "status", "--porcelain", "--", str(GENERATED_DIR)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert tracked.stdout == ""
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_without_pgbouncer_or_a_monitoring_role_their_parts_are_left_out() -> None:
    props = props_of("staging")
    props = dataclasses.replace(
        props,
        files=dataclasses.replace(props.files, pgbouncer=dataclasses.replace(props.files.pgbouncer, enabled=False)),
        databases=dataclasses.replace(props.databases, create_monitoring_role=False),
    )
    rendered = {item.path: item for item in files.render(site_of("staging", props))}
    assert not any(path.startswith("pgbouncer/") for path in rendered)
    assert "pgbouncer" not in yaml.safe_load(rendered["docker-compose.db-isolation.yml"].content)["services"]
    env = rendered[".env.users"].content
    assert "PGBOUNCER" not in env and "DB_HOST=postgres.staging.link.internal" in env
    assert "No monitoring role" in rendered["IMPLEMENTATION_GUIDE.md"].content


def test_development_files_name_compose_services_where_terraform_uses_localhost(
    site: LinkSite, rendered: dict[str, files.GeneratedFile]
) -> None:
    assert site.connection.host == "localhost", "Terraform and the scripts reach the published port"
    compose = yaml.safe_load(rendered["docker-compose.db-isolation.yml"].content)["services"]
    ini = rendered["pgbouncer/pgbouncer.ini"].content
    for service in SERVICES:
        env = dict(
            line.split("=", 1) for line in rendered[f".env.{service}"].content.splitlines() if not line.startswith("#")
        )
        assert env["PGBOUNCER_HOST"] in compose, "PgBouncer is the override's own service"
        assert f"host={env['DB_HOST']} port={env['DB_PORT']} dbname=link_{service}" in ini, (
            "the services and PgBouncer reach PostgreSQL by the same Compose name"
        )
        assert compose[site.files.compose_service(service)]["env_file"] == [f".env.{service}"]
    scripts = rendered["scripts/backup-databases.sh"].content
    assert 'export PGHOST="${PGHOST:-localhost}"' in scripts, "the scripts run on the host, as Terraform does"


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_other_environments_reach_the_cluster_where_terraform_does(environment: str) -> None:
    rendered = {item.path: item for item in files.render(site_of(environment))}
    env = rendered[".env.users"].content
    assert f"DB_HOST=postgres.{environment}.link.internal" in env
    assert f"PGBOUNCER_HOST=postgres.{environment}.link.internal" in env
