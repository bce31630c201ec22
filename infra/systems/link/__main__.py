"""Operator commands for Link environments (the Makefile's ``link-*`` targets).

    python -m infra.systems.link files ENV [OUT]     render the document's files (default generated/link/ENV)
    python -m infra.systems.link output ENV NAME     print service_passwords or monitoring_user as JSON
    python -m infra.systems.link rotate ENV ROLE     raise ROLE's password version in config/link/ENV.toml

``files`` and ``output`` read the environment's settings and its roles' passwords
from Secrets Manager (infra.systems.link.credentials), with the shell's AWS
credentials. ``rotate`` writes one committed setting; the next deploy sets the
new password (infra.systems.link.rotation).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from infra import registry
from infra.systems.link import SYSTEM, credentials, files, rotation
from infra.systems.link.settings import LinkSettings
from infra.validation import ConfigError, OperatorError

OUTPUTS = ("service_passwords", "monitoring_user")


def _settings(environment: str) -> LinkSettings:
    if environment not in SYSTEM.environments:
        raise ConfigError("ENV", f"one of {SYSTEM.environments!r}", environment)
    return registry.load(SYSTEM, environment)


def _credentials(props: LinkSettings, roles: list[str]) -> dict[str, credentials.Credential]:
    return credentials.read(props.environment, props.region, roles)


def site(props: LinkSettings, found: dict[str, credentials.Credential]) -> files.LinkSite:
    """The environment as its files see it; ``found`` holds every login role's credential."""
    return files.LinkSite(
        title=f"Link ({props.environment})",
        environment=props.environment,
        connection=props.connection,
        databases=props.databases,
        files=props.files,
        credentials=found,
    )


def render_files(environment: str, out: Path | None) -> int:
    props = _settings(environment)
    target = out or files.GENERATED_DIR / SYSTEM.name / environment
    generated = files.render(site(props, _credentials(props, list(props.databases.login_roles))))
    files.write(generated, target)
    secret = sum(1 for item in generated if item.holds_credentials)
    print(f"wrote {len(generated)} files to {target} ({secret} holding credentials, mode 0600)")
    return 0


def print_output(environment: str, name: str) -> int:
    props = _settings(environment)
    databases = props.databases
    if name == "service_passwords":
        found = _credentials(props, [databases.role_of(s) for s in databases.services])
        value: object = {s: found[databases.role_of(s)].password for s in databases.services}
    elif name == "monitoring_user":
        if databases.monitoring_role is None:
            raise ConfigError("NAME", "service_passwords (this environment has no monitoring user)", name)
        password = _credentials(props, [databases.monitoring_role])[databases.monitoring_role].password
        value = {"username": databases.monitoring_role, "password": password}
    else:
        raise ConfigError("NAME", f"one of {OUTPUTS!r}", name)
    print(json.dumps(value, indent=2))
    return 0


def rotate(environment: str, role: str) -> int:
    props = _settings(environment)
    roles = props.databases.login_roles
    if role not in roles:
        raise ConfigError("ROLE", f"one of {roles!r}", role)
    before = props.databases.password_version(role)
    path = rotation.raise_version(SYSTEM, environment, role, before + 1)
    print(
        f"{role}: password version {before} -> {before + 1} in {path}. Commit it, then "
        f"make deploy STACK={SYSTEM.name}-{environment} (the role and its secret get the new password together), "
        f"make link-files ENV={environment}, and roll the service"
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
