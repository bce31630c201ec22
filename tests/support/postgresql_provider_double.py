"""A test double for the cyrilgdn/postgresql provider: one ``postgresql_*`` resource at a time, as SQL.

The provider binary cannot be installed on this machine, so the tests on real
servers let Terraform apply a synthesized stack with each ``postgresql_*``
resource played by a ``terraform_data`` stand-in (tests/support/terraform_standin.py)
whose provisioners call this module: ``python -m tests.support.postgresql_provider_double
create|password|destroy <type>``, the resource's attributes in ``$DOUBLE_ATTRIBUTES``.
Terraform itself plans, keeps state, honours ``for_each``, ``prevent_destroy``,
``moved``, write-only versions and dependency order; this issues what the
provider would for each call: CREATE ROLE (LOGIN, CONNECTION LIMIT, memberships)
and, when its version changes, ALTER ROLE ... PASSWORD; CREATE DATABASE (OWNER,
CONNECTION LIMIT); REVOKE ALL then GRANT on a database; CREATE EXTENSION in its
database. Destroys do what the provider does: ``DROP DATABASE ... WITH (FORCE)``;
REASSIGN OWNED, DROP OWNED and DROP ROLE; REVOKE ALL; DROP EXTENSION.

It connects as the provider would (``$DOUBLE_CONNECTION``: the provider block's
host, port, username, database and sslmode; the password from ``PGPASSWORD``).
Passwords are sent as SCRAM verifiers computed here, so no server log can show them.

What it does not cover:

- the provider's own code: its exact statements, retries, server-version
  checks, ``superuser`` handling;
- updates in place (a changed connection limit, say): the stand-in records the
  new value in state without sending it;
- anything the stacks do not use: an unknown resource type, action or grant
  stops it with an error, so a stack change it cannot mirror fails loudly
  rather than being skipped.

The deploy test with the real provider (tests/link/test_provider_deploy.py)
covers the rest wherever the provider can be installed.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql


class UnsupportedByDouble(AssertionError):
    """The stack uses something this double does not mirror: extend it, or test with the real provider."""


def connect(provider: Mapping[str, Any], database: str) -> psycopg.Connection[Any]:
    """A connection as the provider makes one: ``provider``'s host, port, user and sslmode, ``PGPASSWORD``."""
    password = os.environ.get("PGPASSWORD")
    if not password:
        raise AssertionError("PGPASSWORD must hold the admin password, as for the provider")
    return psycopg.connect(
        host=provider["host"],
        port=provider["port"],
        user=provider["username"],
        dbname=database,
        sslmode=provider["sslmode"],
        password=password,
        autocommit=True,
        connect_timeout=10,
    )


def _verifier(admin: psycopg.Connection[Any], name: str, password: str) -> str:
    return admin.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256").decode()


def create_role(admin: psycopg.Connection[Any], attributes: Mapping[str, Any]) -> list[sql.Composable]:
    name = attributes["name"]
    options = [sql.SQL("LOGIN" if attributes.get("login") else "NOLOGIN")]
    if "connection_limit" in attributes:
        options.append(sql.SQL("CONNECTION LIMIT {}").format(sql.Literal(attributes["connection_limit"])))
    if "password_wo" in attributes:
        if not attributes.get("password_wo_version"):
            raise UnsupportedByDouble(f"role {name}: password_wo without password_wo_version")
        options.append(sql.SQL("PASSWORD {}").format(sql.Literal(_verifier(admin, name, attributes["password_wo"]))))
    statements: list[sql.Composable] = [
        sql.SQL("CREATE ROLE {} {}").format(sql.Identifier(name), sql.SQL(" ").join(options))
    ]
    statements += [
        sql.SQL("GRANT {} TO {}").format(sql.Identifier(member_of), sql.Identifier(name))
        for member_of in attributes.get("roles") or []
    ]
    return statements


def set_password(admin: psycopg.Connection[Any], name: str, password: str) -> list[sql.Composable]:
    """What the provider sends when ``password_wo_version`` changes."""
    return [
        sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(_verifier(admin, name, password)))
    ]


def drop_role(attributes: Mapping[str, Any]) -> list[sql.Composable]:
    """As the provider drops a role: its objects reassigned to the admin, its privileges dropped, then it."""
    role = sql.Identifier(attributes["name"])
    return [
        sql.SQL("REASSIGN OWNED BY {} TO CURRENT_USER").format(role),
        sql.SQL("DROP OWNED BY {}").format(role),
        sql.SQL("DROP ROLE {}").format(role),
    ]


def create_database(attributes: Mapping[str, Any]) -> list[sql.Composable]:
    options = [sql.SQL("OWNER {}").format(sql.Identifier(attributes["owner"]))] if "owner" in attributes else []
    if "connection_limit" in attributes:
        options.append(sql.SQL("CONNECTION LIMIT {}").format(sql.Literal(attributes["connection_limit"])))
    return [sql.SQL("CREATE DATABASE {} {}").format(sql.Identifier(attributes["name"]), sql.SQL(" ").join(options))]


def drop_database(attributes: Mapping[str, Any]) -> list[sql.Composable]:
    """As the provider drops one on PostgreSQL 13 and later: live sessions ended, then gone."""
    return [sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(attributes["name"]))]


def _grantee(attributes: Mapping[str, Any]) -> sql.Composable:
    return sql.SQL("PUBLIC") if attributes["role"] == "public" else sql.Identifier(attributes["role"])


def grant(attributes: Mapping[str, Any]) -> list[sql.Composable]:
    if attributes["object_type"] != "database":
        raise UnsupportedByDouble(f"grants on {attributes['object_type']}")
    database = sql.Identifier(attributes["database"])
    role = _grantee(attributes)
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


def revoke(attributes: Mapping[str, Any]) -> list[sql.Composable]:
    return [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM {}").format(
            sql.Identifier(attributes["database"]), _grantee(attributes)
        )
    ]


# ---- one resource at a time, for Terraform (tests/support/terraform_standin.py)

CONNECTION_ENV = "DOUBLE_CONNECTION"
"""JSON {host, port, username, database, sslmode}: where the stand-in's resources go (the provider block's part)."""
ATTRIBUTES_ENV = "DOUBLE_ATTRIBUTES"
PASSWORD_ENV = "DOUBLE_PASSWORD"
UNAVAILABLE_ENV = "DOUBLE_UNAVAILABLE_EXTENSIONS"
"""Comma-separated extensions the server does not ship: left out, and logged as skipped."""
LOG_ENV = "DOUBLE_LOG"
"""A file each call appends one JSON line to: {action, type, name, statements, skipped}."""


def _exists(admin: psycopg.Connection[Any], catalog: str, column: str, name: str) -> bool:
    query = sql.SQL("SELECT 1 FROM {} WHERE {} = %s").format(sql.Identifier(catalog), sql.Identifier(column))
    return admin.execute(query, (name,)).fetchone() is not None


def run_one(action: str, resource_type: str, attributes: Mapping[str, Any], password: str | None) -> dict[str, Any]:
    """Create, destroy or set the password of one resource, as the provider would; returns what it did."""
    provider = json.loads(os.environ[CONNECTION_ENV])
    done: dict[str, Any] = {"action": action, "type": resource_type, "name": attributes.get("name"), "statements": []}
    with connect(provider, provider["database"]) as admin:
        statements: list[sql.Composable] = []
        if resource_type == "postgresql_extension":
            database = attributes["database"]
            unavailable = set(filter(None, os.environ.get(UNAVAILABLE_ENV, "").split(",")))
            if attributes["name"] in unavailable:
                done["skipped"] = [database, attributes["name"]]
            elif action == "create" or _exists(admin, "pg_database", "datname", database):
                verb = "CREATE EXTENSION IF NOT EXISTS {}" if action == "create" else "DROP EXTENSION IF EXISTS {}"
                statement = sql.SQL(verb).format(sql.Identifier(attributes["name"]))
                with connect(provider, database) as connection:
                    connection.execute(statement)
                    done["statements"].append(f"{statement.as_string(connection)} -- in {database}")
        elif (resource_type, action) == ("postgresql_role", "create"):
            statements = create_role(admin, attributes)
        elif (resource_type, action) == ("postgresql_role", "password"):
            if not password:
                raise UnsupportedByDouble(f"role {attributes['name']}: no password to send")
            statements = set_password(admin, attributes["name"], password)
        elif (resource_type, action) == ("postgresql_role", "destroy"):
            statements = drop_role(attributes)
        elif (resource_type, action) == ("postgresql_database", "create"):
            statements = create_database(attributes)
        elif (resource_type, action) == ("postgresql_database", "destroy"):
            statements = drop_database(attributes)
        elif (resource_type, action) == ("postgresql_grant", "create"):
            statements = grant(attributes)
        elif (resource_type, action) == ("postgresql_grant", "destroy"):
            # The database may have gone first in a teardown; nothing is left to revoke then.
            if _exists(admin, "pg_database", "datname", attributes["database"]):
                statements = revoke(attributes)
        else:
            raise UnsupportedByDouble(f"{action} of {resource_type}")
        for statement in statements:
            admin.execute(statement)
            done["statements"].append(statement.as_string(admin))
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a") as handle:
            handle.write(json.dumps(done) + "\n")
    return done


def main(argv: list[str]) -> int:
    """``create|password|destroy <resource type>``, the attributes in ``$DOUBLE_ATTRIBUTES`` (JSON)."""
    if len(argv) != 3 or argv[1] not in ("create", "password", "destroy"):
        print("usage: python -m tests.support.postgresql_provider_double create|password|destroy TYPE", file=sys.stderr)
        return 2
    attributes = json.loads(os.environ[ATTRIBUTES_ENV])
    attributes.pop("type", None)
    run_one(argv[1], argv[2], attributes, os.environ.get(PASSWORD_ENV))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
