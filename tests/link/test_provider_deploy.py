"""link-development through Terraform and the real cyrilgdn/postgresql provider, on a local PostgreSQL.

Where the provider can be installed (a filesystem mirror holding it, or
``INFRA_TEST_PROVIDER_REGISTRY=1`` on a connected machine): apply the stack to
a throwaway Debian PostgreSQL (TLS on) and its secrets to the emulator, plan
again with no change, check that neither the plan nor the state holds a
password, that each service logs in with its rendered ``.env`` file (the
passwords read from Secrets Manager), then destroy and find nothing left.
Elsewhere it is reported as skipped with the reason. The S3 backend is
swapped for local state in the working directory: the backend is not what
is under test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import psycopg
import pytest

from emulator.server import Emulator
from tests.conftest import spec_of
from tests.support.link import LinkEnvironment, leaked
from tests.support.servers import LOOPBACK, PostgresServer, debian_postgres_bin
from tests.support.terraform import Terraform, unavailable_providers

pytestmark = pytest.mark.xdist_group("link-provider-deploy")

SERVICES = ("users", "chat", "ai", "search", "discovery")
STACK_ID = "link-development"
ACCOUNT = "210000000703"  # an account of its own on this worker's emulator


def test_the_real_provider_applies_plans_clean_and_destroys(
    tmp_path: Path, base_env: dict[str, str], emulator: Emulator
) -> None:
    reason = unavailable_providers(spec_of(STACK_ID).providers)
    if reason:
        pytest.skip(f"not deployed with the real provider: {reason}")
    # The provider sends passwords in CREATE ROLE: statements are not logged here (log_statement = none).
    server = PostgresServer.start(
        debian_postgres_bin(), superuser="link_user", password=os.urandom(18).hex(), databases=("link_app",), tls=True
    )
    try:
        link = LinkEnvironment(
            tmp_path / "link",
            server,
            {"connection": {"host": LOOPBACK, "port": server.port}, "files": {"database_host": LOOPBACK}},
            emulator=emulator,
            account=ACCOUNT,
            base_env=base_env,
        )
        link.write_config()
        link.synthesize()
        # What make deploy gives Terraform: AWS credentials (the emulator's) and the admin's password.
        env = {**base_env, **link.aws(), "PGPASSWORD": server.password}
        tf = Terraform.for_stack(link.synth_dirs[-1] / "stacks" / STACK_ID, tmp_path / "terraform", env)
        stack_file = tf.workdir / "cdk.tf.json"
        stack = json.loads(stack_file.read_text())
        del stack["terraform"]["backend"]
        stack_file.write_text(json.dumps(stack))

        tf.init()
        tf.apply()
        code, plan = tf.plan_changes()
        assert code == 0, [
            c["address"] for c in plan.get("resource_changes", []) if c["change"]["actions"] != ["no-op"]
        ]
        secrets = link.secrets()
        assert leaked({"state": tf.pulled_state(), "plan": json.dumps(plan), "log": tf.log_text()}, secrets) == []

        link.render_files()
        for service in SERVICES:
            with psycopg.connect(link.dotenv(service)["DATABASE_URL"], connect_timeout=10) as connection:
                assert connection.execute("SELECT current_database()").fetchone() == (f"link_{service}",)

        tf.destroy()
        with server.connect("link_app") as admin:
            left = admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'link\\_%' AND datname <> 'link_app' "
                "UNION ALL SELECT rolname FROM pg_roles WHERE rolname LIKE 'link\\_%\\_user'"
            ).fetchall()
        assert left == []
    finally:
        server.stop()
