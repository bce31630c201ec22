"""Role passwords of a Link environment: generated once, kept in a local store outside the repository.

The store is one JSON file per environment, ``<dir>/<system>-<environment>.json``,
mode 0600 in a 0700 directory. ``<dir>`` is ``$LINK_PASSWORD_STORE``, else
``$XDG_DATA_HOME/infra-link`` (``~/.local/share/infra-link``); a directory
inside the repository is refused. Per role it holds the password and its
version, a random id that changes exactly when the password does.

Terraform gets both through the environment (``TF_VAR_role_passwords``,
ephemeral, and ``TF_VAR_role_password_versions``): a role's ``password_wo`` is
sent when its version changes, so neither plan nor state holds a password.
The file renderer and ``make link-output`` read the store; only a plan or
apply (``make diff/deploy``) adds missing passwords to it.

It is the only copy. Keep it backed up, and copy it to any machine that
deploys the environment: a machine without it makes new passwords (with new
versions) on its first deploy, and those then replace the old ones.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from infra.paths import REPOSITORY_ROOT
from infra.validation import OperatorError

STORE_ENV = "LINK_PASSWORD_STORE"
PASSWORD_LENGTH = 32
# Letters and digits only: no escaping in URLs, .env files, YAML or PgBouncer's auth file.
_ALPHABET = string.ascii_letters + string.digits
ADMIN_PASSWORD_ENV = "PGPASSWORD"


class PasswordStoreError(OperatorError):
    """The store is missing an entry, unreadable, or not private."""


@dataclass(frozen=True)
class Credential:
    password: str
    version: str

    def __repr__(self) -> str:  # never print a password by accident
        return f"Credential(password=<redacted>, version={self.version!r})"


def new_credential() -> Credential:
    password = "".join(secrets.choice(_ALPHABET) for _ in range(PASSWORD_LENGTH))
    return Credential(password=password, version=secrets.token_hex(8))


def store_directory() -> Path:
    """Where stores live: ``$LINK_PASSWORD_STORE``, else ``$XDG_DATA_HOME/infra-link``."""
    configured = os.environ.get(STORE_ENV)
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "infra-link"


class PasswordStore:
    """The passwords of one system environment's roles."""

    def __init__(self, system: str, environment: str, directory: Path | None = None) -> None:
        self.directory = (directory or store_directory()).resolve()
        if self.directory == REPOSITORY_ROOT or REPOSITORY_ROOT in self.directory.parents:
            raise PasswordStoreError(
                f"the password store must be outside the repository (set {STORE_ENV}); got {self.directory}"
            )
        self.path = self.directory / f"{system}-{environment}.json"

    def read(self) -> dict[str, Credential]:
        """Every role's credential (none when there is no store yet)."""
        if not self.path.exists():
            return {}
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise PasswordStoreError(f"{self.path} is readable by others (mode {mode:o}): chmod 600 it")
        try:
            roles = json.loads(self.path.read_text())["roles"]
            return {role: Credential(entry["password"], entry["version"]) for role, entry in roles.items()}
        except (ValueError, KeyError, TypeError) as error:
            raise PasswordStoreError(f"{self.path} is not a password store ({type(error).__name__})") from None

    def require(self, roles: Iterable[str]) -> dict[str, Credential]:
        """The credentials of ``roles``; every one must be there (a deploy puts them there)."""
        roles = list(roles)
        stored = self.read()
        missing = [role for role in roles if role not in stored]
        if missing:
            raise PasswordStoreError(
                f"{self.path} has no password for {', '.join(missing)}: deploy the stack from this machine first "
                f"(make deploy), or copy the store from the machine that did"
            )
        return {role: stored[role] for role in roles}

    def ensure(self, roles: Iterable[str]) -> tuple[dict[str, Credential], list[str]]:
        """The credentials of ``roles``, generating those missing; returns them and the roles generated."""
        roles = list(roles)
        stored = self.read()
        created = [role for role in roles if role not in stored]
        if created:
            self._write({**stored, **{role: new_credential() for role in created}})
            stored = self.read()
        return {role: stored[role] for role in roles}, created

    def rotate(self, role: str) -> Credential:
        """A new password and version for ``role``; the next deploy sets it on the server."""
        stored = self.read()
        if role not in stored:
            raise PasswordStoreError(f"{self.path} has no role {role!r} to rotate (known: {', '.join(stored)})")
        stored[role] = new_credential()
        self._write(stored)
        return stored[role]

    def _write(self, credentials: Mapping[str, Credential]) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = json.dumps(
            {"roles": {r: {"password": c.password, "version": c.version} for r, c in sorted(credentials.items())}},
            indent=2,
        )
        temporary = self.directory / f".{self.path.name}.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
            os.write(descriptor, text.encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, self.path)


def variables(credentials: Mapping[str, Credential]) -> dict[str, str]:
    """``TF_VAR_*`` for the stack's ``role_passwords`` and ``role_password_versions`` (JSON is valid HCL)."""
    return {
        "TF_VAR_role_passwords": json.dumps({role: c.password for role, c in credentials.items()}),
        "TF_VAR_role_password_versions": json.dumps({role: c.version for role, c in credentials.items()}),
    }
