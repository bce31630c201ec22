"""Operator commands for Link environments (the Makefile's ``link-*`` targets).

    python -m infra.systems.link files ENV [OUT]     render the document's files (default generated/link/ENV)
    python -m infra.systems.link output ENV NAME     print service_passwords or monitoring_user as JSON
    python -m infra.systems.link rotate ENV ROLE     new password for ROLE; the next deploy sets it

Each reads the environment's settings and the password store (infra.systems.link.passwords).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from infra import registry
from infra.systems.link import SYSTEM, files
from infra.systems.link.passwords import PasswordStore
from infra.systems.link.settings import LinkSettings
from infra.validation import ConfigError, OperatorError

OUTPUTS = ("service_passwords", "monitoring_user")


def _environment(environment: str) -> tuple[LinkSettings, PasswordStore]:
    if environment not in SYSTEM.environments:
        raise ConfigError("ENV", f"one of {SYSTEM.environments!r}", environment)
    return registry.load(SYSTEM, environment), PasswordStore(SYSTEM.name, environment)


def site(environment: str, props: LinkSettings, store: PasswordStore) -> files.LinkSite:
    """The environment as its files see it; every role's password must be in the store."""
    return files.LinkSite(
        title=f"Link ({environment})",
        environment=environment,
        connection=props.connection,
        databases=props.databases,
        files=props.files,
        credentials=store.require(props.databases.login_roles),
    )


def render_files(environment: str, out: Path | None) -> int:
    props, store = _environment(environment)
    target = out or files.GENERATED_DIR / SYSTEM.name / environment
    generated = files.render(site(environment, props, store))
    files.write(generated, target)
    secret = sum(1 for item in generated if item.holds_credentials)
    print(f"wrote {len(generated)} files to {target} ({secret} holding credentials, mode 0600)")
    return 0


def print_output(environment: str, name: str) -> int:
    props, store = _environment(environment)
    databases = props.databases
    if name == "service_passwords":
        credentials = store.require(databases.role_of(s) for s in databases.services)
        value: object = {s: credentials[databases.role_of(s)].password for s in databases.services}
    elif name == "monitoring_user":
        if databases.monitoring_role is None:
            raise ConfigError("NAME", "service_passwords (this environment has no monitoring user)", name)
        password = store.require([databases.monitoring_role])[databases.monitoring_role].password
        value = {"username": databases.monitoring_role, "password": password}
    else:
        raise ConfigError("NAME", f"one of {OUTPUTS!r}", name)
    print(json.dumps(value, indent=2))
    return 0


def rotate(environment: str, role: str) -> int:
    props, store = _environment(environment)
    config_roles = props.databases.login_roles
    if role not in config_roles:
        raise ConfigError("ROLE", f"one of {config_roles!r}", role)
    credential = store.rotate(role)
    print(
        f"new password for {role} (version {credential.version}) in {store.path}: "
        f"make deploy STACK={SYSTEM.name}-{environment}, then make link-files ENV={environment}"
    )
    return 0


def main(argv: list[str]) -> int:
    try:
        match argv[1:]:
            case ["files", environment]:
                return render_files(environment, None)
            case ["files", environment, out] if out:
                return render_files(environment, Path(out))
            case ["output", environment, name]:
                return print_output(environment, name)
            case ["rotate", environment, role]:
                return rotate(environment, role)
    except (ConfigError, OperatorError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
