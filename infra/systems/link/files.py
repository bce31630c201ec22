"""The files Link's document lists, rendered after a deploy from the stack's props and the roles' secrets.

``make link-files ENV=<env>`` writes, to ``generated/link/<env>/`` (git-ignored) or ``OUT=<dir>``:

- ``.env.<svc>``: one service's connection settings and credentials;
- ``k8s-secrets/<svc>-db-credentials.yaml``: the same keys as a Kubernetes Secret;
- ``docker-compose.db-isolation.yml``: each Compose service reads its own ``.env`` file; PgBouncer;
- ``pgbouncer/pgbouncer.ini`` and its auth file ``pgbouncer/userlist.txt``;
- ``scripts/backup-databases.sh``, ``scripts/restore-database.sh``, ``scripts/migrate-<svc>-database.sh``;
- ``IMPLEMENTATION_GUIDE.md``.

Not through Terraform: hashicorp/local and hashicorp/random cannot be
installed here, and files holding passwords do not belong in state. Files
holding credentials are mode 0600, every directory 0700; the scripts and
other files hold none (the scripts take the admin password from
``PGPASSWORD`` or ``~/.pgpass``). Each run replaces the whole directory, so a
removed service leaves no stale file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from infra import validation
from infra.paths import REPOSITORY_ROOT
from infra.props.postgres_databases import PostgresDatabasesProps
from infra.props.postgresql_connection import PostgresConnectionProps, host_name
from infra.systems.link.credentials import Credential
from infra.validation import ConfigError

GENERATED_DIR = REPOSITORY_ROOT / "generated"
TEMPLATES = Path(__file__).parent / "templates"
POOL_MODES = ("session", "transaction", "statement")
AUTH_TYPES = ("scram-sha-256", "md5", "plain")
SECRET_MODE = 0o600
PUBLIC_MODE = 0o644
SCRIPT_MODE = 0o755
MARKER = ".link-files"
_ABSOLUTE_PATH = re.compile(r"^/[A-Za-z0-9_./-]*$")
_NAMESPACE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_TABLE_GLOB = re.compile(r"^[a-z_*?][a-z0-9_*?]{0,62}$")
# What a rendered value may hold to sit unquoted in a shell word, an ini value or a URL.
_PLAIN = re.compile(r"^[A-Za-z0-9_./:*-]+$")


@dataclass(frozen=True, kw_only=True)
class PgBouncerProps:
    """PgBouncer in front of the cluster: ``pgbouncer/pgbouncer.ini`` and its auth file."""

    enabled: bool = True
    """Render PgBouncer's files, its Compose service and ``PGBOUNCER_URL``."""
    pool_mode: str = "session"
    """One of POOL_MODES (PgBouncer's default: session)."""
    default_pool_size: int = 20
    """Server connections per database and role (PgBouncer's default: 20)."""
    max_client_conn: int = 100
    """Client connections PgBouncer accepts (PgBouncer's default: 100)."""
    listen_addr: str = "*"
    """Every address: PgBouncer runs in its own container."""
    listen_port: int = 6432
    """PgBouncer's default port."""
    host: str | None = None
    """Where clients reach PgBouncer (``PGBOUNCER_URL``); None: where they reach PostgreSQL. Inside Compose,
    PgBouncer's service name (development: ``pgbouncer``)."""
    upstream_host: str | None = None
    """The PostgreSQL host in the ``[databases]`` lines; None: the one Terraform connects to."""
    config_dir: str = "/etc/pgbouncer"
    """Where pgbouncer.ini and userlist.txt live on PgBouncer's host (``auth_file`` names it)."""
    auth_type: str = "scram-sha-256"
    """How clients log in: one of AUTH_TYPES (the auth file holds plain passwords, which serve all three)."""

    def __post_init__(self) -> None:
        validation.one_of("pool_mode", self.pool_mode, POOL_MODES)
        validation.int_between("default_pool_size", self.default_pool_size, 1, 10000)
        validation.int_between("max_client_conn", self.max_client_conn, 1, 100000)
        if self.listen_addr != "*":
            host_name("listen_addr", self.listen_addr)
        validation.int_between("listen_port", self.listen_port, 1, 65535)
        for name in ("host", "upstream_host"):
            if getattr(self, name) is not None:
                host_name(name, getattr(self, name))
        _absolute_path("config_dir", self.config_dir)
        validation.one_of("auth_type", self.auth_type, AUTH_TYPES)


@dataclass(frozen=True, kw_only=True)
class BackupProps:
    """``scripts/backup-databases.sh``: where dumps go and how long they stay."""

    directory: str = "/var/backups/postgresql"
    retention_days: int = 30
    """Dumps older than this (by file time) are removed after a successful run."""

    def __post_init__(self) -> None:
        _absolute_path("directory", self.directory)
        validation.int_between("retention_days", self.retention_days, 1, 3650)


@dataclass(frozen=True, kw_only=True)
class LinkFilesProps:
    """Everything the rendered files need beyond the databases and the connection."""

    database_host: str | None = None
    """Where the services reach PostgreSQL (``DB_HOST``, ``DATABASE_URL``); None: ``[connection] host``, where
    Terraform and the scripts reach it. Compose injects the files into containers, where ``localhost`` is the
    container itself: there it is PostgreSQL's Compose service (development: ``postgres``)."""
    pgbouncer: PgBouncerProps = field(default_factory=PgBouncerProps)
    backup: BackupProps = field(default_factory=BackupProps)
    kubernetes_namespace: str = "default"
    service_names: Mapping[str, str] = field(default_factory=dict)
    """Service -> its Compose service; a service not named here is ``<svc>-svc``."""
    migration_tables: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Service -> glob patterns (``*``, ``?``) of its tables in the shared database; default ``<svc>_*``."""

    def __post_init__(self) -> None:
        if not _NAMESPACE.match(self.kubernetes_namespace):
            raise ConfigError("kubernetes_namespace", "a Kubernetes namespace (DNS label)", self.kubernetes_namespace)
        if self.database_host is not None:
            host_name("database_host", self.database_host)
        for service, name in self.service_names.items():
            validation.resource_name(f"service_names.{service}", name, max_length=63)
        for service, patterns in self.migration_tables.items():
            if not patterns:
                raise ConfigError(f"migration_tables.{service}", "at least one table pattern", patterns)
            for pattern in patterns:
                if not _TABLE_GLOB.match(pattern):
                    raise ConfigError(
                        f"migration_tables.{service}", "table names or patterns of a-z 0-9 _ * ?", pattern
                    )

    def compose_service(self, service: str) -> str:
        return self.service_names.get(service, f"{service}-svc")

    def table_patterns(self, service: str) -> tuple[str, ...]:
        return self.migration_tables.get(service, (f"{service}_*",))

    def check_services(self, services: tuple[str, ...]) -> None:
        """Settings per service must name services that exist."""
        for name in ("service_names", "migration_tables"):
            for service in getattr(self, name):
                validation.one_of(name, service, services)


def _absolute_path(field_name: str, value: object) -> None:
    if not isinstance(value, str) or not _ABSOLUTE_PATH.match(value) or "/../" in f"{value}/":
        raise ConfigError(field_name, "an absolute path of letters, digits and _ . / -", value)


@dataclass(frozen=True)
class GeneratedFile:
    path: str
    """Relative to the output directory."""
    content: str
    mode: int

    @property
    def holds_credentials(self) -> bool:
        return self.mode == SECRET_MODE


@dataclass(frozen=True)
class LinkSite:
    """One environment, as the files see it."""

    title: str
    """``Link (development)``."""
    environment: str
    connection: PostgresConnectionProps
    databases: PostgresDatabasesProps
    files: LinkFilesProps
    credentials: Mapping[str, Credential]
    """Role -> credential, for every login role."""

    def password(self, role: str) -> str:
        return self.credentials[role].password

    @property
    def database_host(self) -> str:
        """Where the services reach PostgreSQL."""
        return self.files.database_host or self.connection.host

    @property
    def pgbouncer_host(self) -> str:
        return self.files.pgbouncer.host or self.database_host

    @property
    def upstream_host(self) -> str:
        return self.files.pgbouncer.upstream_host or self.connection.host


def _plain(value: object) -> str:
    """``value`` as text that needs no quoting anywhere it is rendered (validated settings always are)."""
    text = str(value)
    if not _PLAIN.match(text):
        raise ValueError(f"refusing to render {text!r}: it would need quoting")
    return text


def _url(site: LinkSite, role: str, database: str, host: str, port: int, sslmode: str) -> str:
    return f"postgresql://{role}:{site.password(role)}@{_plain(host)}:{port}/{database}?sslmode={sslmode}"


def credentials_of(site: LinkSite, service: str) -> dict[str, str]:
    """One service's keys, in order: the ``.env`` file and the Kubernetes Secret hold the same ones."""
    databases, connection, pgbouncer = site.databases, site.connection, site.files.pgbouncer
    role, database = databases.role_of(service), databases.database_of(service)
    values = {
        "DB_HOST": _plain(site.database_host),
        "DB_PORT": str(connection.port),
        "DB_NAME": database,
        "DB_USER": role,
        "DB_PASSWORD": site.password(role),
        "DB_SSLMODE": connection.sslmode,
        "DATABASE_URL": _url(site, role, database, site.database_host, connection.port, connection.sslmode),
    }
    if pgbouncer.enabled:
        # Clients talk to PgBouncer in plain text (it has no certificate); PgBouncer uses TLS upstream.
        values |= {
            "PGBOUNCER_HOST": _plain(site.pgbouncer_host),
            "PGBOUNCER_PORT": str(pgbouncer.listen_port),
            "PGBOUNCER_URL": _url(site, role, database, site.pgbouncer_host, pgbouncer.listen_port, "prefer"),
        }
    return values


def env_file(site: LinkSite, service: str) -> str:
    lines = [
        f"# {site.title}: {service} service database credentials. Generated by `make link-files`; never commit.",
        *(f"{key}={value}" for key, value in credentials_of(site, service).items()),
    ]
    return "\n".join(lines) + "\n"


def _yaml(value: str) -> str:
    """A YAML scalar: JSON strings are valid YAML and need no further escaping."""
    return json.dumps(value)


def kubernetes_secret(site: LinkSite, service: str) -> str:
    lines = [
        f"# {site.title}: {service} service database credentials. Generated by `make link-files`; never commit.",
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        f"  name: {_yaml(f'{service}-db-credentials')}",
        f"  namespace: {_yaml(site.files.kubernetes_namespace)}",
        "  labels:",
        f"    app.kubernetes.io/name: {_yaml(site.files.compose_service(service))}",
        f"    app.kubernetes.io/part-of: {_yaml(site.databases.name_prefix)}",
        "type: Opaque",
        "stringData:",
        *(f"  {key}: {_yaml(value)}" for key, value in credentials_of(site, service).items()),
    ]
    return "\n".join(lines) + "\n"


def compose_override(site: LinkSite) -> str:
    pgbouncer = site.files.pgbouncer
    lines = [
        f"# {site.title}: each service reads its own database credentials (.env.<service>).",
        "# Generated by `make link-files`. Use with:",
        "#   docker-compose -f docker-compose.yml -f docker-compose.db-isolation.yml up",
        "services:",
    ]
    for service in site.databases.services:
        lines += [f"  {site.files.compose_service(service)}:", "    env_file:", f"      - {_yaml(f'.env.{service}')}"]
        if pgbouncer.enabled:
            lines += ["    depends_on:", "      - pgbouncer"]
    if pgbouncer.enabled:
        port = pgbouncer.listen_port
        lines += [
            "  pgbouncer:",
            "    image: pgbouncer/pgbouncer",
            "    ports:",
            f"      - {_yaml(f'{port}:{port}')}",
            "    volumes:",
            f"      - {_yaml(f'./pgbouncer:{pgbouncer.config_dir}:ro')}",
        ]
    return "\n".join(lines) + "\n"


def pgbouncer_ini(site: LinkSite) -> str:
    pgbouncer, databases = site.files.pgbouncer, site.databases
    lines = [
        f";; {site.title}: PgBouncer, one pool per service database. Generated by `make link-files`.",
        "[databases]",
        *(
            f"{databases.database_of(s)} = host={_plain(site.upstream_host)} port={site.connection.port} "
            f"dbname={databases.database_of(s)}"
            for s in databases.services
        ),
        "",
        "[pgbouncer]",
        f"listen_addr = {_plain(pgbouncer.listen_addr)}",
        f"listen_port = {pgbouncer.listen_port}",
        f"auth_type = {pgbouncer.auth_type}",
        f"auth_file = {_plain(pgbouncer.config_dir)}/userlist.txt",
        f"pool_mode = {pgbouncer.pool_mode}",
        f"default_pool_size = {pgbouncer.default_pool_size}",
        f"max_client_conn = {pgbouncer.max_client_conn}",
        f"server_tls_sslmode = {site.connection.sslmode}",
        # JDBC and some ORMs send it; PgBouncer would refuse the connection otherwise.
        "ignore_startup_parameters = extra_float_digits",
    ]
    if databases.monitoring_role:
        # SHOW POOLS / SHOW STATS on PgBouncer's console.
        lines.append(f"stats_users = {databases.monitoring_role}")
    return "\n".join(lines) + "\n"


def pgbouncer_userlist(site: LinkSite) -> str:
    return "".join(f'"{role}" "{site.password(role)}"\n' for role in site.databases.login_roles)


def _template(name: str, values: Mapping[str, str]) -> str:
    text = (TEMPLATES / name).read_text()

    def substitute(match: re.Match[str]) -> str:
        return values[match.group(1)]

    rendered = re.sub(r"\{\{ (\w+) \}\}", substitute, text)
    if "{{" in rendered:
        raise ValueError(f"{name}: unrendered placeholder left")
    return rendered


def _connection_values(site: LinkSite) -> dict[str, str]:
    """Every script connects the same way: libpq's variables, defaulting to the stack's admin connection."""
    connection = site.connection
    defaults = {
        "PGHOST": _plain(connection.host),
        "PGPORT": str(connection.port),
        "PGUSER": connection.username,
        "PGSSLMODE": connection.sslmode,
    }
    return {
        "title": site.title,
        "connection": "\n".join(f'export {name}="${{{name}:-{value}}}"' for name, value in defaults.items()),
        "connection_note": "# Connects with libpq's PGHOST, PGPORT, PGUSER, PGSSLMODE (defaults below) and the\n"
        "# password from PGPASSWORD or ~/.pgpass.",
        "admin_database": connection.database,
    }


def backup_script(site: LinkSite) -> str:
    backup, databases = site.files.backup, site.databases
    return _template(
        "backup-databases.sh",
        {
            **_connection_values(site),
            "backup_directory": _plain(backup.directory),
            "retention_days": str(backup.retention_days),
            "databases": " ".join(databases.database_of(s) for s in databases.services),
            "prefix": databases.name_prefix,
        },
    )


def restore_script(site: LinkSite) -> str:
    databases = site.databases
    cases = "\n".join(f'  {s})\n    database="{databases.database_of(s)}"\n    ;;' for s in databases.services)
    return _template(
        "restore-database.sh",
        {**_connection_values(site), "services": " ".join(databases.services), "service_cases": cases},
    )


def _like(pattern: str) -> str:
    """A table glob as a LIKE pattern: ``_`` literal, ``*`` any run, ``?`` one character."""
    return pattern.replace("_", "\\_").replace("*", "%").replace("?", "_")


def migrate_script(site: LinkSite, service: str) -> str:
    databases = site.databases
    patterns = site.files.table_patterns(service)
    return _template(
        "migrate-database.sh",
        {
            **_connection_values(site),
            "service": service,
            "source_database": site.connection.database,
            "target_database": databases.database_of(service),
            "target_role": databases.role_of(service),
            "patterns_text": " or ".join(patterns),
            "like_patterns": " ".join(_like(p) for p in patterns),
        },
    )


def implementation_guide(site: LinkSite) -> str:
    databases, files, connection = site.databases, site.files, site.connection
    env, prefix = site.environment, databases.name_prefix
    rows = "\n".join(
        f"| {files.compose_service(s)} | `{databases.database_of(s)}` | `{databases.role_of(s)}` | "
        f"{', '.join(f'`{e}`' for e in databases.extensions_of(s)) or '-'} | `.env.{s}` | "
        f"`k8s-secrets/{s}-db-credentials.yaml` |"
        for s in databases.services
    )
    first = databases.services[0]
    monitoring = (
        f"`{databases.monitoring_role}` is a member of `pg_monitor` and may connect to every service database "
        "(it reads statistics, not tables):\n\n"
        f"```bash\nmake -s link-output ENV={env} NAME=monitoring_user\n```\n"
        if databases.monitoring_role
        else "No monitoring role in this environment (`create_monitoring_user = false`).\n"
    )
    pgbouncer = files.pgbouncer
    pooling = (
        f"`pgbouncer/pgbouncer.ini` pools each service database ({pgbouncer.pool_mode} mode, "
        f"{pgbouncer.default_pool_size} server connections per pool, {pgbouncer.max_client_conn} clients); "
        f"its auth file is `pgbouncer/userlist.txt`, expected in `{pgbouncer.config_dir}`. Clients connect to port "
        f"{pgbouncer.listen_port} (`PGBOUNCER_URL`):\n\n"
        "```bash\n"
        f"docker run -d --name pgbouncer -p {pgbouncer.listen_port}:{pgbouncer.listen_port} \\\n"
        f'  -v "$(pwd)/pgbouncer:{pgbouncer.config_dir}:ro" pgbouncer/pgbouncer\n'
        "```\n"
        if pgbouncer.enabled
        else "PgBouncer is off in this environment (`[files.pgbouncer] enabled = false`).\n"
    )
    return f"""# {site.title}: implementation guide

Generated by `make link-files ENV={env}` from the deployed stack `link-{env}` and its roles'
secrets in Secrets Manager (`link-{env}/<role>`). The files next to this guide that hold credentials (`.env.*`,
`k8s-secrets/`, `pgbouncer/userlist.txt`) are readable by their owner only: never commit them.

## Services

Cluster `{connection.host}:{connection.port}` (`sslmode={connection.sslmode}`); the services reach it at
`{site.database_host}`. Each database accepts
{databases.database.connection_limit} connections, each role {databases.role.connection_limit}; PUBLIC has no
CONNECT on any of them, so a service can open its own database only.

| service | database | role | extensions | env file | Kubernetes secret |
| --- | --- | --- | --- | --- | --- |
{rows}

## Credentials

```bash
make -s link-output ENV={env} NAME=service_passwords     # {{"users": "...", ...}}
for service in {" ".join(databases.services)}; do
  PGPASSWORD=$(make -s link-output ENV={env} NAME=service_passwords | jq -r ".${{service}}") \\
    psql -h {connection.host} -U "{prefix}_${{service}}_user" -d "{prefix}_${{service}}" -c "SELECT 1;"
done
```

To rotate one: `make link-rotate ENV={env} ROLE={databases.role_of(first)}` (raises its password version in
`config/link/{env}.toml`; commit it), then `make deploy STACK=link-{env}` and `make link-files ENV={env}`,
then roll the service.

## Monitoring

{monitoring}
## Docker Compose

```bash
docker-compose -f docker-compose.yml -f docker-compose.db-isolation.yml up
```

Compose resolves `env_file` paths from the first file's directory: keep the `.env.*` files next to it.

## Kubernetes

```bash
kubectl apply -f k8s-secrets/        # namespace {files.kubernetes_namespace}
kubectl get secrets | grep db-credentials
```

Point each service at its secret (`existingSecret: {first}-db-credentials`, ...).

## Connection pooling

{pooling}
## Backups

`scripts/backup-databases.sh` writes `<database>_backup_YYYYMMDD.sql.gz` per service database and
`cluster_backup_YYYYMMDD.sql.gz` (every database and role) to `{files.backup.directory}`, then removes
dumps older than {files.backup.retention_days} days. It logs to `{files.backup.directory}/backup.log` and exits
non-zero on any failure. It connects as `{connection.username}` (password from `PGPASSWORD` or `~/.pgpass`).

```bash
0 2 * * * /path/to/scripts/backup-databases.sh      # crontab: daily at 2 AM
./scripts/restore-database.sh {first} {files.backup.directory}/{databases.database_of(first)}_backup_20250119.sql.gz
```

## Migrating data out of `{connection.database}`

`scripts/migrate-<service>-database.sh` copies a service's tables and rows from `{connection.database}` into
its database, owned by its role; a table already there is left alone, so running it twice is safe.
Tables per service (glob patterns in `{connection.database}`'s public schema):

{chr(10).join(f"- {s}: {', '.join(f'`{p}`' for p in files.table_patterns(s))}" for s in databases.services)}

## Checklist

- [ ] Deploy `link-{env}` (`make deploy STACK=link-{env}`) and render these files
- [ ] Update service configurations to use the new credentials
- [ ] Migrate existing data from `{connection.database}` (`scripts/migrate-<service>-database.sh`)
- [ ] Deploy PgBouncer for connection pooling
- [ ] Test multi-instance deployment
- [ ] Set up automated backups
- [ ] Update monitoring and alerting
- [ ] Document rollback procedures (`{connection.database}` is left unchanged by the migrations)
"""


def render(site: LinkSite) -> list[GeneratedFile]:
    """Every file, in a stable order."""
    services = site.databases.services
    result = [GeneratedFile(f".env.{s}", env_file(site, s), SECRET_MODE) for s in services]
    result += [
        GeneratedFile(f"k8s-secrets/{s}-db-credentials.yaml", kubernetes_secret(site, s), SECRET_MODE) for s in services
    ]
    result.append(GeneratedFile("docker-compose.db-isolation.yml", compose_override(site), PUBLIC_MODE))
    if site.files.pgbouncer.enabled:
        result.append(GeneratedFile("pgbouncer/pgbouncer.ini", pgbouncer_ini(site), PUBLIC_MODE))
        result.append(GeneratedFile("pgbouncer/userlist.txt", pgbouncer_userlist(site), SECRET_MODE))
    result.append(GeneratedFile("scripts/backup-databases.sh", backup_script(site), SCRIPT_MODE))
    result.append(GeneratedFile("scripts/restore-database.sh", restore_script(site), SCRIPT_MODE))
    result += [
        GeneratedFile(f"scripts/migrate-{s}-database.sh", migrate_script(site, s), SCRIPT_MODE) for s in services
    ]
    result.append(GeneratedFile("IMPLEMENTATION_GUIDE.md", implementation_guide(site), PUBLIC_MODE))
    return result


def _refuse_tracked_location(out: Path) -> None:
    """Inside the repository, only a git-ignored directory will do (never cdktf.out or a tracked one)."""
    resolved = out.resolve()
    if resolved != REPOSITORY_ROOT and REPOSITORY_ROOT not in resolved.parents:
        return
    relative = resolved.relative_to(REPOSITORY_ROOT)
    try:
        ignored = (
            subprocess.run(
                ["git", "-C", str(REPOSITORY_ROOT), "check-ignore", "-q", "--no-index", str(resolved / ".env")],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
    except FileNotFoundError:  # no git: only the directory .gitignore names will do
        ignored = relative.parts[:1] == (GENERATED_DIR.name,)
    if not ignored or relative.parts[:1] == ("cdktf.out",):
        raise ConfigError("OUT", f"a directory outside the repository or under {GENERATED_DIR.name}/", str(relative))


def _refuse_foreign_directory(out: Path) -> None:
    """``out`` is replaced as a whole: only ever one this renderer wrote, or an empty one."""
    if out.exists() and not (out / MARKER).is_file() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError("OUT", f"a new or empty directory, or one `make link-files` wrote ({MARKER} in it)", str(out))


def write(files: list[GeneratedFile], out: Path) -> None:
    """Replace ``out`` with exactly ``files``: built beside it, then swapped in."""
    _refuse_tracked_location(out)
    _refuse_foreign_directory(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for item in files:
            target = staging / item.path
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, item.mode)
            try:
                os.fchmod(descriptor, item.mode)
                os.write(descriptor, item.content.encode())
            finally:
                os.close(descriptor)
        (staging / MARKER).write_text("Written by `make link-files`; the whole directory is replaced on each run.\n")
        for directory in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            directory.chmod(0o700)
        previous = out.with_name(f".{out.name}.previous")
        if out.exists():
            shutil.rmtree(previous, ignore_errors=True)
            out.rename(previous)
        staging.rename(out)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
