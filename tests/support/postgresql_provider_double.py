"""A test double for the cyrilgdn/postgresql provider: a synthesized stack's ``postgresql_*`` resources, as SQL.

The provider binary cannot be installed on this machine, so the tests on real
servers create what a stack declares through this double. It reads the
stack's provider block (host, port, username, database, sslmode; the password
from ``PGPASSWORD``, as the provider does) and every ``postgresql_role``,
``postgresql_database``, ``postgresql_grant`` and ``postgresql_extension``,
resolves their ``${var.<map>["<key>"]}`` and ``${postgresql_<type>.<id>.name}``
references, and issues the equivalent statements: CREATE ROLE (LOGIN,
CONNECTION LIMIT, PASSWORD, memberships), CREATE DATABASE (OWNER,
CONNECTION LIMIT), REVOKE ALL then GRANT on a database, CREATE EXTENSION in
its database.

What it does not cover:

- Terraform itself: no state, plan, diff, drift detection, update in place,
  replacement, destroy or dependency graph (resources are applied by type:
  roles, databases, grants, extensions);
- the provider's own code: its exact statements, retries, server-version
  checks, ``superuser`` handling, REASSIGN/DROP OWNED when a role goes;
- write-only semantics: the password is set once (sent as a SCRAM verifier
  computed here, so no server log can show it); its version is only required
  to be present;
- anything the Link stack does not use: an unknown resource type, attribute
  or reference stops it with an error, so a stack change it cannot mirror
  fails loudly rather than being skipped.

The deploy test with the real provider (tests/link/test_provider_deploy.py)
covers the rest wherever the provider can be installed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

_VARIABLE = re.compile(r'^\$\{var\.(\w+)\["([^"]+)"\]\}$')
_NAME = re.compile(r"^\$\{(postgresql_\w+)\.(\w+)\.name\}$")
_ORDER = ("postgresql_role", "postgresql_database", "postgresql_grant", "postgresql_extension")
_ATTRIBUTES = {
    "postgresql_role": {"name", "login", "connection_limit", "password_wo", "password_wo_version", "roles"},
    "postgresql_database": {"name", "owner", "connection_limit"},
    "postgresql_grant": {"database", "role", "object_type", "privileges"},
    "postgresql_extension": {"name", "database"},
}
_PROVIDER_ATTRIBUTES = {"host", "port", "username", "database", "sslmode"}


class UnsupportedByDouble(AssertionError):
    """The stack uses something this double does not mirror: extend it, or test with the real provider."""


@dataclass
class Applied:
    """What the double did, for assertions."""

    statements: list[str] = field(default_factory=list)
    skipped_extensions: list[tuple[str, str]] = field(default_factory=list)
    """(database, extension) left out because the server does not ship it (asked for by the caller)."""


class PostgresqlProviderDouble:
    """Applies one synthesized stack (its cdk.tf.json as a dict) with the given variable values."""

    def __init__(self, stack: Mapping[str, Any], variables: Mapping[str, Mapping[str, str]]) -> None:
        self.stack = stack
        self.variables = variables
        unknown = set(stack.get("resource", {})) - set(_ORDER)
        if unknown:
            raise UnsupportedByDouble(f"resource types the double does not mirror: {sorted(unknown)}")
        (provider,) = stack["provider"]["postgresql"]
        if set(provider) - _PROVIDER_ATTRIBUTES:
            raise UnsupportedByDouble(f"provider attributes: {sorted(set(provider) - _PROVIDER_ATTRIBUTES)}")
        self.provider = provider
        self.resources: dict[str, dict[str, dict[str, Any]]] = stack.get("resource", {})

    def _connect(self, database: str) -> psycopg.Connection[Any]:
        password = os.environ.get("PGPASSWORD")
        if not password:
            raise AssertionError("PGPASSWORD must hold the admin password, as for the provider")
        return psycopg.connect(
            host=self.provider["host"],
            port=self.provider["port"],
            user=self.provider["username"],
            dbname=database,
            sslmode=self.provider["sslmode"],
            password=password,
            autocommit=True,
            connect_timeout=10,
        )

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._resolve(item) for item in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        if match := _VARIABLE.match(value):
            name, key = match.groups()
            if name not in self.variables or key not in self.variables[name]:
                raise UnsupportedByDouble(f"no value for var.{name}[{key!r}]")
            return self.variables[name][key]
        if match := _NAME.match(value):
            resource_type, logical_id = match.groups()
            return self._resolve(self.resources[resource_type][logical_id]["name"])
        raise UnsupportedByDouble(f"reference the double cannot resolve: {value}")

    def _attributes(self, resource_type: str, block: Mapping[str, Any]) -> dict[str, Any]:
        given = {k: v for k, v in block.items() if k != "//"}
        extra = set(given) - _ATTRIBUTES[resource_type]
        if extra:
            raise UnsupportedByDouble(f"{resource_type} attributes the double does not mirror: {sorted(extra)}")
        return {k: self._resolve(v) for k, v in given.items()}

    def apply(self, *, unavailable_extensions: frozenset[str] = frozenset()) -> Applied:
        """Create everything; extensions in ``unavailable_extensions`` are left out and reported."""
        applied = Applied()
        with self._connect(self.provider["database"]) as admin:
            for resource_type in _ORDER:
                for logical_id in sorted(self.resources.get(resource_type, {})):
                    attributes = self._attributes(resource_type, self.resources[resource_type][logical_id])
                    if resource_type == "postgresql_extension":
                        self._extension(attributes, applied, unavailable_extensions)
                        continue
                    for statement in getattr(self, f"_{resource_type.removeprefix('postgresql_')}")(admin, attributes):
                        admin.execute(statement)
                        applied.statements.append(statement.as_string(admin))
        return applied

    def _role(self, admin: psycopg.Connection[Any], attributes: dict[str, Any]) -> list[sql.Composable]:
        name = attributes["name"]
        if not attributes.get("password_wo_version"):
            raise UnsupportedByDouble(f"role {name}: password_wo without password_wo_version")
        verifier = admin.pgconn.encrypt_password(
            attributes["password_wo"].encode(), name.encode(), b"scram-sha-256"
        ).decode()
        options = [sql.SQL("LOGIN" if attributes.get("login") else "NOLOGIN")]
        if "connection_limit" in attributes:
            options.append(sql.SQL("CONNECTION LIMIT {}").format(sql.Literal(attributes["connection_limit"])))
        options.append(sql.SQL("PASSWORD {}").format(sql.Literal(verifier)))
        statements: list[sql.Composable] = [
            sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(name), sql.SQL(" ").join(options))
        ]
        statements += [
            sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of), sql.Identifier(name))
            for member_of in attributes.get("roles", [])
        ]
        return statements

    def _database(self, admin: psycopg.Connection[Any], attributes: dict[str, Any]) -> list[sql.Composable]:
        options = [sql.SQL("OWNER {}").format(sql.Identifier(attributes["owner"]))] if "owner" in attributes else []
        if "connection_limit" in attributes:
            options.append(sql.SQL("CONNECTION LIMIT {}").format(sql.Literal(attributes["connection_limit"])))
        return [sql.SQL("CREATE DATABASE {} {}").format(sql.Identifier(attributes["name"]), sql.SQL(" ").join(options))]

    def _grant(self, admin: psycopg.Connection[Any], attributes: dict[str, Any]) -> list[sql.Composable]:
        if attributes["object_type"] != "database":
            raise UnsupportedByDouble(f"grants on {attributes['object_type']}")
        database = sql.Identifier(attributes["database"])
        role = sql.SQL("PUBLIC") if attributes["role"] == "public" else sql.Identifier(attributes["role"])
        # As the provider does: revoke everything, then grant what is listed.
        statements: list[sql.Composable] = [sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(database, role)]
        privileges = attributes["privileges"]
        if privileges:
            for privilege in privileges:
                if privilege not in ("CONNECT", "CREATE", "TEMPORARY"):
                    raise UnsupportedByDouble(f"database privilege {privilege}")
            statements.append(
                sql.SQL("GRANT {} ON DATABASE {} TO {}").format(
                    sql.SQL(", ").join(sql.SQL(p) for p in privileges), database, role
                )
            )
        return statements

    def _extension(self, attributes: dict[str, Any], applied: Applied, unavailable: frozenset[str]) -> None:
        name, database = attributes["name"], attributes["database"]
        if name in unavailable:
            applied.skipped_extensions.append((database, name))
            return
        statement = sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name))
        with self._connect(database) as connection:
            connection.execute(statement)
            applied.statements.append(f"{statement.as_string(connection)} -- in {database}")
