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
It is one test: its steps need one emulator in order, and the suite's ``xdist_group``
marks do not hold under pytest 9.2 with xdist 3.8 (each step would be dealt to a worker
of its own, each building its own emulator). The freeside-staging deploy takes about
two minutes of it.
"""

from __future__ import annotations

import json
import shutil
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
from tests.support.progress import phase

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

    def vpcs(self) -> list[dict[str, Any]]:
        return [v for v in self.emulator.client("ec2", ACCOUNT).describe_vpcs()["Vpcs"] if not v.get("IsDefault")]


@pytest.mark.deploy
def test_delivery_drill_on_an_emulator_enforcing_iam(
    tmp_path: Path, base_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = Emulator.start(tmp_path / "moto.log", iam=True)
    try:
        monkeypatch.setenv(LOCAL_STATE_DIR_ENV, str(tmp_path / "state"))
        app.synth(outdir=str(tmp_path / "synth"), requested=f"{BOOTSTRAP},{CI_STACK},{PLATFORM}")
        monkeypatch.delenv(LOCAL_STATE_DIR_ENV)
        drill = Drill(emulator, tmp_path, base_env)
        second = operator_plans_then_applies(drill)
        stale_and_altered_plans_are_refused(drill, second, monkeypatch)
        plan_role_plans_but_cannot_apply(drill)
        apply_role_deploys_and_plan_role_refreshes(drill)
        roles_trust_only_their_subjects(drill)
        roles_reach_only_their_environment(drill)
    finally:
        emulator.stop()


def operator_plans_then_applies(drill: Drill) -> Path:
    """As the operator: the state store, then two plans of ci-freeside from its empty state, the first applied.

    Returns the directory of the second plan, made before the first was applied."""
    phase(f"operator: plan then apply {BOOTSTRAP}")
    boot = drill.terraform(BOOTSTRAP, "bootstrap")
    make_plan(boot, drill.root / "plans", BOOTSTRAP, commit=None)
    apply_plan(boot, drill.root / "plans" / BOOTSTRAP, BOOTSTRAP, commit=None)
    phase(f"operator: two plans of {CI_STACK}, then apply the first")
    first = drill.terraform(CI_STACK, "ci-first")
    make_plan(first, drill.root / "plans", CI_STACK, commit="c0ffee")
    make_plan(drill.terraform(CI_STACK, "ci-second"), drill.root / "plans-second", CI_STACK, commit="c0ffee")
    record = apply_plan(first, drill.root / "plans" / CI_STACK, CI_STACK, commit="c0ffee")

    assert record.add > 0 and record.change == record.remove == 0
    assert record.sha256 == plans.sha256(drill.root / "plans" / CI_STACK / plans.PLAN_FILE)
    assert (drill.root / "plans" / CI_STACK / plans.PLAN_TEXT).read_text().count("will be created") == record.add
    names = {r["RoleName"] for r in drill.emulator.client("iam", ACCOUNT).list_roles()["Roles"]}
    assert {"github-freeside-plan", "github-freeside-apply-staging", "github-freeside-apply-production"} <= names
    assert "-out=plan.tfplan" in drill.log("ci-first")
    assert "apply -json -input=false -lock-timeout=10m plan.tfplan" in drill.log("ci-first")
    return drill.root / "plans-second" / CI_STACK


def stale_and_altered_plans_are_refused(drill: Drill, second: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    phase("a plan made before another apply, an altered plan, a foreign plan: refused")
    current = drill.terraform(CI_STACK, "ci-serial")
    current.init()
    before = current.state()["serial"]  # the state as the operator's apply left it
    with pytest.raises(PlanStale, match="stale plan refused: the state changed since the plan was made"):
        apply_plan(drill.terraform(CI_STACK, "ci-late"), second, CI_STACK, commit="c0ffee")
    assert "apply -json" not in drill.log("ci-late"), "a stale plan never reaches terraform apply"

    # Should the state move between the check and the apply, Terraform's own check stops it, reported alike.
    recorded = plans.PlanRecord.read(second)
    calls = iter([(recorded.state_lineage, recorded.state_serial)])
    original = plans.state_version
    with monkeypatch.context() as patch:
        patch.setattr(plans, "state_version", lambda tf: next(calls, None) or original(tf))
        with pytest.raises(PlanStale, match="stale plan refused"):
            apply_plan(drill.terraform(CI_STACK, "ci-racing"), second, CI_STACK, commit="c0ffee")
    assert "Saved plan is stale" in drill.log("ci-racing")

    altered = drill.root / "altered" / CI_STACK
    shutil.copytree(second, altered)
    (altered / plans.PLAN_FILE).write_bytes((altered / plans.PLAN_FILE).read_bytes() + b"\0")
    with pytest.raises(PlanRefused, match="is not the plan that was reviewed"):
        apply_plan(drill.terraform(CI_STACK, "ci-altered"), altered, CI_STACK, commit="c0ffee")
    with pytest.raises(PlanRefused, match="the plan was made from commit c0ffee, this checkout is beef"):
        apply_plan(drill.terraform(CI_STACK, "ci-other-commit"), second, CI_STACK, commit="beef")
    with pytest.raises(PlanRefused, match=f"a plan of {CI_STACK}, not of {PLATFORM}"):
        apply_plan(drill.terraform(PLATFORM, "wrong-stack"), second, PLATFORM, commit="c0ffee")
    checked = drill.terraform(CI_STACK, "ci-serial-after")
    checked.init()
    assert checked.state()["serial"] == before, "no refused plan changed the state"


def plan_role_plans_but_cannot_apply(drill: Drill) -> None:
    phase(f"plan role: plan {PLATFORM}, then try to apply it")
    credentials = drill.session("github-freeside-plan", "pull_request")
    out = drill.root / "plan-role"
    planned = make_plan(drill.terraform(PLATFORM, "plan-role", credentials), out, PLATFORM, commit=None)
    assert planned.add > 100 and planned.change == planned.remove == 0
    with pytest.raises(TerraformFailed):
        apply_plan(drill.terraform(PLATFORM, "plan-role-apply", credentials), out / PLATFORM, PLATFORM, commit=None)
    refusal = drill.log("plan-role-apply")
    assert "AccessDenied" in refusal and "github-freeside-plan" in refusal
    assert drill.vpcs() == [], "the plan role created something"
    s3 = drill.emulator.client("s3", ACCOUNT)
    assert "Contents" not in s3.list_objects_v2(Bucket=STATE_BUCKET, Prefix="staging/terraform.tfstate")


def apply_role_deploys_and_plan_role_refreshes(drill: Drill) -> None:
    phase(f"apply role: plan then apply {PLATFORM} (about two minutes)")
    credentials = drill.session("github-freeside-apply-staging", "environment:staging")
    out = drill.root / "apply-role"
    # The README's operator answers ACM's DNS validation, as in every deploy of a stack with a certificate.
    with DnsValidator(drill.emulator, ACCOUNT, [REGION]):
        make_plan(drill.terraform(PLATFORM, "apply-role", credentials), out, PLATFORM, commit=None)
        deployed = apply_plan(
            drill.terraform(PLATFORM, "apply-role-apply", credentials), out / PLATFORM, PLATFORM, commit=None
        )
    assert deployed.add > 100 and len(drill.vpcs()) == 1
    state = drill.emulator.client("s3", ACCOUNT).get_object(Bucket=STATE_BUCKET, Key="staging/terraform.tfstate")
    resources = json.loads(state["Body"].read())["resources"]
    assert sum(1 for r in resources if r["mode"] == "managed") == deployed.add

    phase(f"plan role: plan {PLATFORM} again, refreshing every resource")
    reader = drill.session("github-freeside-plan", "ref:refs/heads/staging")
    again = make_plan(
        drill.terraform(PLATFORM, "plan-role-again", reader), drill.root / "replan", PLATFORM, commit=None
    )
    assert again.add == 0 and again.remove == 0, again.changes
    assert "Refreshing state..." in drill.log("plan-role-again")


def roles_trust_only_their_subjects(drill: Drill) -> None:
    phase("trust: sessions only for each role's own subjects")
    refused = [
        ("github-freeside-apply-production", "environment:staging"),
        ("github-freeside-apply-production", "pull_request"),
        ("github-freeside-apply-production", "ref:refs/heads/main"),
        ("github-freeside-apply-staging", "environment:production"),
        ("github-freeside-plan", "environment:production"),
        ("github-freeside-plan", "ref:refs/heads/feature"),
    ]
    for role, context in refused:
        with pytest.raises(ClientError, match="AccessDenied"):
            drill.session(role, context)
    assert drill.session("github-freeside-apply-production", "environment:production")["AWS_SESSION_TOKEN"]
    production = role_arn("github-freeside-apply-production")
    with pytest.raises(ClientError, match="AccessDenied"):
        assume(drill.emulator, production, "repo:someone-else/fork:environment:production")
    with pytest.raises(ClientError, match="InvalidIdentityToken"):
        assume_with_token(drill.emulator, production, token(subject("environment:production"), audience="elsewhere"))


def roles_reach_only_their_environment(drill: Drill) -> None:
    phase("scope: no other environment's state, no deployer role, no other table")
    staging = drill.session("github-freeside-apply-staging", "environment:staging")
    s3 = session_client(drill.emulator, staging, "s3")
    everything = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    iam = session_client(drill.emulator, staging, "iam")
    dynamodb = session_client(drill.emulator, staging, "dynamodb")
    plan = drill.session("github-freeside-plan", "pull_request")
    denied = {
        "staging role writes production state": lambda: s3.put_object(
            Bucket=STATE_BUCKET, Key="production/terraform.tfstate", Body=b"{}"
        ),
        "staging role reads the ci stack's state": lambda: s3.get_object(
            Bucket=STATE_BUCKET, Key="ci/terraform.tfstate"
        ),
        "staging role widens its own policy": lambda: iam.put_role_policy(
            RoleName="github-freeside-apply-staging", PolicyName="more", PolicyDocument=everything
        ),
        "staging role creates a production role": lambda: iam.create_role(
            RoleName="arrakis-production-escape", AssumeRolePolicyDocument="{}"
        ),
        "staging role uses another lock table": lambda: dynamodb.get_item(
            TableName="other-locks", Key={"LockID": {"S": "x"}}
        ),
        "plan role writes state": lambda: session_client(drill.emulator, plan, "s3").put_object(
            Bucket=STATE_BUCKET, Key="staging/terraform.tfstate", Body=b"{}"
        ),
        "plan role creates a VPC": lambda: session_client(drill.emulator, plan, "ec2").create_vpc(
            CidrBlock="10.9.0.0/16"
        ),
    }
    for what, call in denied.items():
        try:
            call()
        except ClientError as refused:
            # moto answers some JSON services' refusals in XML: the code is then "403", the body AccessDenied.
            assert "AccessDenied" in str(refused), f"{what}: {refused}"
        else:
            raise AssertionError(f"allowed: {what}")
