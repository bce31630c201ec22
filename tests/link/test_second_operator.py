"""Two working copies deploy ``link-production`` in turn; the role passwords do not change (issue 20.3).

Before, the passwords lived in a file on one operator's machine: a deploy from
another checkout (a second operator, CI) found no file, generated new
passwords with new versions, and its apply set them on every production role.
Now each role's password is generated at apply time and written, write-only,
to the role and to its secret in Secrets Manager; both are sent only when the
role's version in committed settings changes.

Here two working copies (directories of their own: config, synth output,
Terraform working directory; nothing local shared) deploy the same stack in
turn against one PostgreSQL (Debian's, TLS on) and one emulator account, with
the stack's own S3 backend on the emulator (the state every operator and CI
share). The PostgreSQL half runs through Terraform stand-ins for the provider
(tests/support/terraform_standin.py). The second copy's plan is empty, its
apply changes no role's password (the server's SCRAM verifiers, salted anew
on every password change, stay the same) and no secret gets a new version;
both copies render the same files. Then ``make link-rotate`` in the second
copy gives one role, and only it, a new password, on the server and in its
secret together.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from emulator.server import Emulator
from tests.support.link import REGION, LinkEnvironment, make_state_store
from tests.support.servers import LOOPBACK, PostgresServer, debian_postgres_bin

pytestmark = pytest.mark.xdist_group("link-second-operator")

ACCOUNT = "210000000704"  # an account of its own on this worker's emulator
ENVIRONMENT = "production"
SERVICES = ("users", "chat", "ai", "search", "discovery")
ROLES = (*(f"link_{s}_user" for s in SERVICES), "link_monitoring_user")


class Operators:
    def __init__(self, server: PostgresServer, first: LinkEnvironment, second: LinkEnvironment) -> None:
        self.server = server
        self.first = first
        self.second = second

    def verifiers(self) -> dict[str, str]:
        """Each role's stored SCRAM verifier: a new password (even the same one) gets a new salt."""
        with self.server.connect("link_app") as admin:
            rows = admin.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'link\\_%\\_user'")
            return dict(rows.fetchall())

    def secret_versions(self) -> dict[str, int]:
        client = self.first.emulator.client("secretsmanager", ACCOUNT, REGION)
        return {
            role: len(
                client.list_secret_version_ids(SecretId=f"link-{ENVIRONMENT}/{role}", IncludeDeprecated=True)[
                    "Versions"
                ]
            )
            for role in ROLES
        }

    def logs_in(self, role: str, password: str) -> bool:
        database = "link_app" if role == "link_monitoring_user" else role.removesuffix("_user")
        try:
            with self.server.connect(database, role, password) as connection:
                return connection.execute("SELECT current_user").fetchone() == (role,)
        except psycopg.OperationalError:
            return False


@pytest.fixture(scope="module")
def operators(
    tmp_path_factory: pytest.TempPathFactory, emulator: Emulator, base_env: dict[str, str]
) -> Iterator[Operators]:
    server = PostgresServer.start(
        debian_postgres_bin(), superuser="link_user", password=secrets.token_hex(16), databases=("link_app",), tls=True
    )
    try:
        make_state_store(emulator, ACCOUNT)
        overrides = {
            "connection": {"host": LOOPBACK, "port": server.port},
            "files": {"database_host": LOOPBACK, "pgbouncer": {"host": LOOPBACK}},
        }
        copies = [
            LinkEnvironment(
                tmp_path_factory.mktemp(f"working-copy-{name}"),
                server,
                overrides,
                emulator=emulator,
                account=ACCOUNT,
                base_env=base_env,
                environment=ENVIRONMENT,
                backend="s3",
                unavailable_extensions=("vector",),
            )
            for name in ("a", "b")
        ]
        for copy in copies:
            copy.write_config()
        copies[0].deploy()  # the first operator's deploy; each test goes on from there
        yield Operators(server, *copies)
    finally:
        server.stop()


def test_a_second_working_copy_deploys_and_no_role_password_changes(operators: Operators, tmp_path: Path) -> None:
    first, second = operators.first, operators.second
    passwords = {role: credential.password for role, credential in first.credentials().items()}
    assert set(passwords) == set(ROLES)
    assert all(operators.logs_in(role, password) for role, password in passwords.items())
    verifiers, versions = operators.verifiers(), operators.secret_versions()

    second.write_stack()
    code, plan = second.terraform().plan_changes()
    assert code == 0, [c["address"] for c in plan["resource_changes"] if c["change"]["actions"] != ["no-op"]]
    second.terraform().apply()

    assert {role: c.password for role, c in second.credentials().items()} == passwords
    assert operators.verifiers() == verifiers, "no role got its password set again"
    assert operators.secret_versions() == versions, "no secret got a new value"
    assert all(operators.logs_in(role, password) for role, password in passwords.items())
    assert not (second.root / "terraform" / "terraform.tfstate").exists(), "the state is the shared S3 one"
    for copy in (first, second):
        copy.render_files()
    for service in SERVICES:
        assert (first.files_dir / f".env.{service}").read_text() == (second.files_dir / f".env.{service}").read_text()


def test_link_rotate_in_one_copy_changes_that_role_alone_on_the_server_and_in_its_secret(
    operators: Operators,
) -> None:
    first, second = operators.first, operators.second
    before = {role: c.password for role, c in first.credentials().items()}
    verifiers = operators.verifiers()

    rotated = second.link("rotate", ENVIRONMENT, "link_users_user")
    assert "password version 1 -> 2" in rotated.stdout
    config = (second.config_dir / "link" / f"{ENVIRONMENT}.toml").read_text()
    assert "[databases.password_versions]\nlink_users_user = 2\n" in config
    second.deploy()

    after = {role: c.password for role, c in second.credentials().items()}
    assert after["link_users_user"] != before["link_users_user"]
    assert {r: p for r, p in after.items() if r != "link_users_user"} == {
        r: p for r, p in before.items() if r != "link_users_user"
    }
    changed = {role for role, verifier in operators.verifiers().items() if verifiers[role] != verifier}
    assert changed == {"link_users_user"}
    assert operators.logs_in("link_users_user", after["link_users_user"])
    assert not operators.logs_in("link_users_user", before["link_users_user"])
    # The first copy's next plan, once it has the committed change, is empty too.
    (first.config_dir / "link" / f"{ENVIRONMENT}.toml").write_text(config)
    first.write_stack()
    code, _ = first.terraform().plan_changes()
    assert code == 0


def test_make_link_output_prints_what_the_secrets_hold(operators: Operators) -> None:
    first = operators.first
    completed = first.link("output", ENVIRONMENT, "monitoring_user")
    assert json.loads(completed.stdout) == {
        "username": "link_monitoring_user",
        "password": first.credentials()["link_monitoring_user"].password,
    }
    missing = first.link("output", "staging", "service_passwords", ok=False)
    assert missing.returncode == 2
    assert missing.stderr.startswith(
        "error: no password in Secrets Manager (us-east-1) for link-staging/link_users_user, "
        "link-staging/link_chat_user"
    )
    assert missing.stderr.rstrip().endswith("deploy the stack first (make deploy STACK=link-staging)")
