"""The delivery drill on an emulator that enforces IAM (``python -m emulator --iam``), as CI runs it on AWS.

An operator (the account's root key) deploys freeside's state store and its
``ci-freeside`` stack (GitHub's OIDC provider and the deployer roles made from
infra/delivery/policies.json), each through the saved-plan path CI uses:
plan to a file, apply that file. Then, with role sessions from GitHub-shaped
OIDC tokens (unsigned: the emulator checks the claims against the trust
policies, see emulator/fills/sts.py):

- a second plan made before the first apply is refused as stale, and so is a
  plan file altered after review;
- the plan role plans freeside-staging, and applying that plan as the plan role
  is refused, creating nothing;
- the staging apply role deploys freeside-staging (the smallest platform stack);
  the plan role then plans it again, refreshing every resource;
- tokens for the wrong subject, audience or repository get no session, and a
  role cannot reach another environment's state nor change the deployer roles.

What moto cannot evaluate (IAM conditions of identity policies, iam:PassRole,
KMS key policies) is listed in docs/delivery.md; these tests check the rest.
Every test here shares one emulator and one worker (the ``delivery-drill`` group)
and runs in file order: the freeside-staging deploy takes about two minutes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.dns_validator import DnsValidator
from emulator.launcher import client_environment
from emulator.server import Emulator
from infra import app
from infra.delivery import plans
from infra.delivery.plans import PlanRefused, PlanStale, apply_plan, make_plan
from infra.paths import LOCAL_STATE_DIR_ENV
from infra.terraform import Terraform, TerraformFailed
from tests.support.github_oidc import assume, assume_with_token, session_client, token

pytestmark = [pytest.mark.deploy, pytest.mark.xdist_group("delivery-drill")]

ACCOUNT = "891376933289"
REGION = "us-east-1"
BOOTSTRAP = "bootstrap-arrakis-tfstate-891376933289"
CI_STACK = "ci-freeside"
PLATFORM = "freeside-staging"
STATE_BUCKET = "arrakis-tfstate-891376933289"
REPOSITORY = "example-org/platform-infra"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def subject(context: str) -> str:
    return f"repo:{REPOSITORY}:{context}"


@dataclass
class Drill:
    emulator: Emulator
    root: Path
    base_env: dict[str, str]

    @property
    def synth(self) -> Path:
        return self.root / "synth"

    def terraform(self, stack_id: str, name: str, credentials: dict[str, str] | None = None) -> Terraform:
        """A fresh working directory of the synthesized stack (a CI job's checkout), as root or a role."""
        workdir = self.root / "work" / name
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.copytree(self.synth / "stacks" / stack_id, workdir)
        env = {**self.base_env, **client_environment(self.emulator.endpoint, self.emulator.ca_bundle, ACCOUNT, REGION)}
        env[LOCAL_STATE_DIR_ENV] = str(self.root / "state")
        if credentials is not None:
            env.update(credentials)
        return Terraform(workdir, env, self.root / "logs" / f"{name}.log")

    def session(self, role: str, context: str) -> dict[str, str]:
        return assume(self.emulator, role_arn(role), subject(context))

    def log(self, name: str) -> str:
        return (self.root / "logs" / f"{name}.log").read_text()


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory, base_env: dict[str, str]) -> Iterator[Drill]:
    root = tmp_path_factory.mktemp("delivery-drill")
    emulator = Emulator.start(root / "moto.log", iam=True)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(LOCAL_STATE_DIR_ENV, str(root / "state"))
            app.synth(outdir=str(root / "synth"), requested=f"{BOOTSTRAP},{CI_STACK},{PLATFORM}")
        yield Drill(emulator, root, base_env)
    finally:
        emulator.stop()


@dataclass
class Operator:
    """What the operator's part left: the ci stack's applied plan, and a second plan made beside it."""

    applied: plans.PlanRecord
    second: Path
    ci: Terraform


@pytest.fixture(scope="module")
def operator(drill: Drill) -> Operator:
    """As the operator: the state store, then two plans of ci-freeside from its empty state, the first applied."""
    boot = drill.terraform(BOOTSTRAP, "bootstrap")
    make_plan(boot, drill.root / "plans", BOOTSTRAP, commit=None)
    apply_plan(boot, drill.root / "plans" / BOOTSTRAP, BOOTSTRAP, commit=None)
    first = drill.terraform(CI_STACK, "ci-first")
    make_plan(first, drill.root / "plans", CI_STACK, commit="c0ffee")
    second = drill.terraform(CI_STACK, "ci-second")
    make_plan(second, drill.root / "plans-second", CI_STACK, commit="c0ffee")
    applied = apply_plan(first, drill.root / "plans" / CI_STACK, CI_STACK, commit="c0ffee")
    return Operator(applied, drill.root / "plans-second" / CI_STACK, first)


def test_the_reviewed_plan_file_is_the_one_applied(drill: Drill, operator: Operator) -> None:
    record = operator.applied
    assert record.add > 0 and record.change == record.remove == 0
    assert record.sha256 == plans.sha256(drill.root / "plans" / CI_STACK / plans.PLAN_FILE)
    assert (drill.root / "plans" / CI_STACK / plans.PLAN_TEXT).read_text().count("will be created") == record.add
    iam = drill.emulator.client("iam", ACCOUNT)
    names = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert {"github-freeside-plan", "github-freeside-apply-staging", "github-freeside-apply-production"} <= names
    assert "-out=plan.tfplan" in drill.log(
        "ci-first"
    ) and "apply -json -input=false -lock-timeout=10m plan.tfplan" in drill.log("ci-first")


def test_a_plan_made_before_another_apply_is_refused_as_stale(drill: Drill, operator: Operator) -> None:
    state_before = operator.ci.state()["serial"]
    late = drill.terraform(CI_STACK, "ci-late")
    with pytest.raises(PlanStale, match="stale plan refused: the state changed since the plan was made"):
        apply_plan(late, operator.second, CI_STACK, commit="c0ffee")
    assert "apply -json" not in drill.log("ci-late"), "a stale plan never reaches terraform apply"
    assert operator.ci.state()["serial"] == state_before


def test_terraform_refuses_a_plan_the_state_moved_under_and_it_is_reported_as_stale(
    drill: Drill, operator: Operator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the state move between the check and the apply, Terraform's own check stops it, reported alike."""
    recorded = plans.PlanRecord.read(operator.second)
    calls = iter([(recorded.state_lineage, recorded.state_serial)])
    original = plans.state_version
    monkeypatch.setattr(plans, "state_version", lambda tf: next(calls, None) or original(tf))
    racing = drill.terraform(CI_STACK, "ci-racing")
    with pytest.raises(PlanStale, match="stale plan refused"):
        apply_plan(racing, operator.second, CI_STACK, commit="c0ffee")
    assert "Saved plan is stale" in drill.log("ci-racing")


def test_an_altered_or_foreign_plan_file_is_refused(drill: Drill, operator: Operator, tmp_path: Path) -> None:
    altered = tmp_path / CI_STACK
    shutil.copytree(operator.second, altered)
    (altered / plans.PLAN_FILE).write_bytes((altered / plans.PLAN_FILE).read_bytes() + b"\0")
    with pytest.raises(PlanRefused, match="is not the plan that was reviewed"):
        apply_plan(drill.terraform(CI_STACK, "ci-altered"), altered, CI_STACK, commit="c0ffee")
    with pytest.raises(PlanRefused, match="the plan was made from commit c0ffee, this checkout is beef"):
        apply_plan(drill.terraform(CI_STACK, "ci-other-commit"), operator.second, CI_STACK, commit="beef")
    with pytest.raises(PlanRefused, match=f"a plan of {CI_STACK}, not of {PLATFORM}"):
        apply_plan(drill.terraform(PLATFORM, "wrong-stack"), operator.second, PLATFORM, commit="c0ffee")


def _vpcs(drill: Drill) -> list[dict[str, Any]]:
    return [v for v in drill.emulator.client("ec2", ACCOUNT).describe_vpcs()["Vpcs"] if not v.get("IsDefault")]


def test_the_plan_role_plans_a_platform_stack_but_cannot_apply_it(drill: Drill, operator: Operator) -> None:
    credentials = drill.session("github-freeside-plan", "pull_request")
    planned = make_plan(
        drill.terraform(PLATFORM, "plan-role", credentials), drill.root / "plan-role", PLATFORM, commit=None
    )
    assert planned.add > 100 and planned.change == planned.remove == 0
    with pytest.raises(TerraformFailed) as refused:
        apply_plan(
            drill.terraform(PLATFORM, "plan-role-apply", credentials),
            drill.root / "plan-role" / PLATFORM,
            PLATFORM,
            commit=None,
        )
    assert "AccessDenied" in drill.log("plan-role-apply") or "not authorized" in drill.log("plan-role-apply")
    assert "github-freeside-plan" in drill.log("plan-role-apply"), refused.value
    assert _vpcs(drill) == [], "the plan role created something"
    s3 = drill.emulator.client("s3", ACCOUNT)
    assert "Contents" not in s3.list_objects_v2(Bucket=STATE_BUCKET, Prefix="staging/terraform.tfstate")


@pytest.fixture(scope="module")
def deployed(drill: Drill, operator: Operator) -> plans.PlanRecord:
    """freeside-staging planned and applied by its apply role, the README's DNS operator answering ACM."""
    credentials = drill.session("github-freeside-apply-staging", "environment:staging")
    with DnsValidator(drill.emulator, ACCOUNT, [REGION]):
        make_plan(
            drill.terraform(PLATFORM, "apply-role", credentials), drill.root / "apply-role", PLATFORM, commit=None
        )
        return apply_plan(
            drill.terraform(PLATFORM, "apply-role-apply", credentials),
            drill.root / "apply-role" / PLATFORM,
            PLATFORM,
            commit=None,
        )


def test_the_apply_role_deploys_the_platform_stack(drill: Drill, deployed: plans.PlanRecord) -> None:
    assert deployed.add > 100
    assert len(_vpcs(drill)) == 1
    state = drill.emulator.client("s3", ACCOUNT).get_object(Bucket=STATE_BUCKET, Key="staging/terraform.tfstate")
    resources = json.loads(state["Body"].read())["resources"]
    assert sum(1 for r in resources if r["mode"] == "managed") == deployed.add


def test_the_plan_role_refreshes_every_resource_of_the_deployed_stack(drill: Drill, deployed: plans.PlanRecord) -> None:
    credentials = drill.session("github-freeside-plan", "ref:refs/heads/staging")
    replanned = make_plan(
        drill.terraform(PLATFORM, "plan-role-again", credentials), drill.root / "replan", PLATFORM, commit=None
    )
    assert replanned.add == 0 and replanned.remove == 0, replanned.changes
    assert "Refreshing state..." in drill.log("plan-role-again")


@pytest.mark.parametrize(
    ("role", "context"),
    [
        ("github-freeside-apply-production", "environment:staging"),
        ("github-freeside-apply-production", "pull_request"),
        ("github-freeside-apply-production", "ref:refs/heads/main"),
        ("github-freeside-apply-staging", "environment:production"),
        ("github-freeside-plan", "environment:production"),
        ("github-freeside-plan", "ref:refs/heads/feature"),
    ],
)
def test_a_role_trusts_only_its_own_subjects(drill: Drill, operator: Operator, role: str, context: str) -> None:
    with pytest.raises(ClientError, match="AccessDenied"):
        drill.session(role, context)


def test_the_production_role_trusts_the_production_environment_of_this_repository_only(
    drill: Drill, operator: Operator
) -> None:
    assert drill.session("github-freeside-apply-production", "environment:production")["AWS_SESSION_TOKEN"]
    with pytest.raises(ClientError, match="AccessDenied"):
        assume(
            drill.emulator,
            role_arn("github-freeside-apply-production"),
            "repo:someone-else/fork:environment:production",
        )
    wrong_audience = token(subject("environment:production"), audience="some-other-audience")
    with pytest.raises(ClientError, match="InvalidIdentityToken"):
        assume_with_token(drill.emulator, role_arn("github-freeside-apply-production"), wrong_audience)


def test_an_apply_role_reaches_neither_another_environment_nor_the_deployer_roles(
    drill: Drill, operator: Operator
) -> None:
    staging = drill.session("github-freeside-apply-staging", "environment:staging")
    s3 = session_client(drill.emulator, staging, "s3")
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.put_object(Bucket=STATE_BUCKET, Key="production/terraform.tfstate", Body=b"{}")
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.get_object(Bucket=STATE_BUCKET, Key="ci/terraform.tfstate")
    iam = session_client(drill.emulator, staging, "iam")
    with pytest.raises(ClientError, match="AccessDenied"):
        iam.put_role_policy(
            RoleName="github-freeside-apply-staging",
            PolicyName="more",
            PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
            ),
        )
    with pytest.raises(ClientError, match="AccessDenied"):
        iam.create_role(RoleName="arrakis-production-escape", AssumeRolePolicyDocument="{}")
    with pytest.raises(ClientError, match="AccessDenied"):
        session_client(drill.emulator, staging, "dynamodb").get_item(
            TableName="other-locks", Key={"LockID": {"S": "x"}}
        )
    plan = drill.session("github-freeside-plan", "pull_request")
    with pytest.raises(ClientError, match="AccessDenied"):
        session_client(drill.emulator, plan, "s3").put_object(
            Bucket=STATE_BUCKET, Key="staging/terraform.tfstate", Body=b"{}"
        )
    with pytest.raises(ClientError, match="AccessDenied"):
        session_client(drill.emulator, plan, "ec2").create_vpc(CidrBlock="10.9.0.0/16")
