"""Fixtures every suite shares: one synth per session, Terraform's environment, the emulator."""

from __future__ import annotations

import fcntl
import fnmatch
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# jsii prints a banner on every start under Node 20 (end of life): keep test output readable.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.pop("INFRA_STACKS", None)
os.environ.pop("INFRA_CONFIG_DIR", None)
os.environ.pop("INFRA_LOCAL_STATE_DIR", None)

from emulator.allowlist import stale as stale_entries
from emulator.server import Emulator
from infra import app, systems
from infra.config.teardown import teardown_overlays
from infra.paths import LOCAL_STATE_DIR_ENV
from infra.registry import StackSpec
from tests.support.terraform import base_environment, cli_config

RECORDS_ENV = "INFRA_TEST_DEPLOY_RECORDS"

# A line every 30 s naming the tests still running (the deploys), with the phase each reported.
pytest_plugins = ["tests.support.progress", "tests.support.xdist_groups"]


@functools.cache
def stack_specs() -> tuple[StackSpec, ...]:
    """Every stack the app defines (for parametrizing)."""
    return tuple(systems.stack_specs())


def spec_of(stack_id: str) -> StackSpec:
    return next(s for s in stack_specs() if s.stack_id == stack_id)


@pytest.fixture
def built_stack_ids(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the stacks whose class is asked for while the test runs (what a selection pays to build)."""
    built: list[str] = []
    original = StackSpec.stack_class

    def recording(self: StackSpec):  # type: ignore[no-untyped-def]
        built.append(self.stack_id)
        return original(self)

    monkeypatch.setattr(StackSpec, "stack_class", recording)
    return built


def bootstrap_of(spec: StackSpec) -> StackSpec:
    """The bootstrap stack that creates the state bucket ``spec`` keeps its state in."""
    if spec.state is None:
        raise LookupError(f"{spec.stack_id} keeps local state")
    bucket = spec.state.bucket
    return next(s for s in stack_specs() if s.kind == "bootstrap" and s.arguments["state"].bucket == bucket)


def stack_ids(kind: str | None = None) -> list[str]:
    return [s.stack_id for s in stack_specs() if kind is None or s.kind == kind]


# Which stacks the run deploys on the emulator. Every stack but bootstrap ones that uses AWS alone
# (deployable_stack_ids) has a deploy test of its own, unless it is deployed on top of another, in
# that one's deploy (DEPLOYED_ON), or left out with the reason (EMULATOR_DEPLOY_LEFT_OUT).
# tests/deploy/test_selection.py keeps all three exact.
DEPLOYED_ON: dict[str, tuple[str, ...]] = {
    # The issue: solobase-dev plus two customer stacks, one per runtime (Lambda, ECS).
    "solobase-dev": ("solobase-dev-tenant-acme", "solobase-dev-tenant-globex"),
}
"""Stacks deployed after another one in its deploy, and destroyed before it (they depend on it)."""

EMULATOR_DEPLOY_LEFT_OUT: dict[str, str] = {
    "luneo-prod": "luneo-staging deploys the same two-region stack class and constructs on the emulator; prod "
    "differs only in sizes, per-zone NAT, Multi-AZ and protections, which tests/stacks/test_luneo.py checks. A "
    "second two-region deploy (about 200 resources) would not fit the suite's 20 minutes on 2 cores.",
    "solobase-staging": "the class solobase-dev deploys, with other sizes (conformance and snapshots cover them); "
    "CI's 20-minute budget on 2 cores has room for one Solobase environment",
    "solobase-prod": "the class solobase-dev deploys, with prod's sizes, Multi-AZ and backup replication "
    "(conformance and snapshots cover them); CI's 20-minute budget has room for one Solobase environment",
    "solobase-*-tenant-*": "customer stacks are one class: solobase-dev-tenant-acme (Lambda) and "
    "solobase-dev-tenant-globex (ECS), deployed on solobase-dev, cover both runtimes; the others differ by data only",
    "ci-freeside": "deployed by the delivery drill instead (tests/delivery/test_drill.py): through saved plans, on an "
    "emulator enforcing IAM, its roles then used to plan and apply freeside-staging",
    **{
        f"ci-{name}": "one class with ci-freeside (DeployerRolesStack), which the drill deploys; it differs only in "
        "the generated policies, which tests/delivery/test_policies.py checks against the stacks"
        for name in ("solobase", "luneo", "replaydash", "link")
    },
}
"""Stacks (ids or shell patterns) the emulator could deploy that the suite deliberately does not, each with the
reason (printed at the end). A stack DEPLOYED_ON another is deployed even when a pattern here matches it."""

NOT_DEPLOYED_VARIANTS = {
    "luneo Aurora Global mode (enable_aurora_global = true), its aws_rds_global_cluster, aws_rds_cluster and "
    "aws_rds_cluster_instance resources": "no environment uses it by default (the deployed luneo-staging runs the "
    "RDS instance and its cross-region replica). Deployed by hand it applies, but its destroy never ends on moto "
    "5.2.5: RemoveFromGlobalCluster ignores the member's cluster ARN the provider passes, so the deleted clusters "
    "stay members and DeleteGlobalCluster refuses forever (InvalidGlobalClusterStateFault). The mode is "
    "synthesized, validated, scanned, snapshotted and checked value by value instead.",
}
"""Settings variants no deployed stack uses, with the reason (printed at the end of every run)."""


def deployable_stack_ids() -> list[str]:
    """Every stack but bootstrap ones that uses AWS alone: the emulator can deploy each."""
    return [s.stack_id for s in stack_specs() if s.kind != "bootstrap" and s.deploys_on_emulator]


def _own_deploy(stack_id: str) -> bool:
    on_top = {s for stacks in DEPLOYED_ON.values() for s in stacks}
    return stack_id not in on_top and not any(fnmatch.fnmatch(stack_id, p) for p in EMULATOR_DEPLOY_LEFT_OUT)


def emulator_deploys() -> dict[str, tuple[str, ...]]:
    """Each stack with a deploy test of its own, with the stacks deployed on top of it in that deploy."""
    return {s: DEPLOYED_ON.get(s, ()) for s in deployable_stack_ids() if _own_deploy(s)}


def emulator_families() -> dict[str, tuple[str, ...]]:
    """Every stack the suite deploys, grouped under the bootstrap stack that keeps its state.

    A family goes up and down together on an emulator of its own, through make up's engine, so that each
    stack (its bootstrap stack too) is applied once per run: see tests/support/deploy.py.
    """
    families: dict[str, tuple[str, ...]] = {}
    for stack_id, on_top in emulator_deploys().items():
        boot = bootstrap_of(spec_of(stack_id)).stack_id
        families[boot] = (*families.get(boot, ()), stack_id, *on_top)
    return families


def emulator_stack_ids() -> list[str]:
    """Every stack the suite deploys on the emulator, bootstrap stacks included (see emulator_families)."""
    return [stack_id for boot, stacks in emulator_families().items() for stack_id in (boot, *stacks)]


def _once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``make(directory)`` run once for the whole test run, whichever xdist worker asks first; the others wait
    for it and share the result (read only)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # xdist: basetemp/popen-gwN
    directory, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(directory, ignore_errors=True)
            make(directory)
            done.touch()
    return directory


def local_state_of(synthesized: Path) -> Path:
    """Where the bootstrap stacks of a session synth keep their local state (the path is in their JSON):
    never the repository root, as outside tests, since the deploys apply them."""
    return synthesized.parent / "local-state"


def _synth(outdir: Path, **arguments: Any) -> None:
    previous = os.environ.get(LOCAL_STATE_DIR_ENV)
    os.environ[LOCAL_STATE_DIR_ENV] = str(local_state_of(outdir))
    try:
        app.synth(outdir=str(outdir), **arguments)
    finally:
        if previous is None:
            os.environ.pop(LOCAL_STATE_DIR_ENV, None)
        else:
            os.environ[LOCAL_STATE_DIR_ENV] = previous


def session_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole app, synthesized once per test run and shared by every xdist worker."""
    return _once_per_run(tmp_path_factory, "synth", _synth)


def session_teardown_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app with every deletion protection turned off through config, as for a teardown (once per run)."""
    overlays = teardown_overlays(systems.load_all())
    return _once_per_run(tmp_path_factory, "synth-teardown", lambda outdir: _synth(outdir, overlays=overlays))


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return session_synth(tmp_path_factory)


@pytest.fixture(scope="session")
def teardown_synth_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return session_teardown_synth(tmp_path_factory)


def load_stack(synth_dir: Path, stack_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((synth_dir / "stacks" / stack_id / "cdk.tf.json").read_text())
    return data


@pytest.fixture(scope="session")
def base_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Terraform's environment: no AWS or TF settings from outside, the provider mirror when there is one."""
    return base_environment(cli_config(tmp_path_factory.mktemp("build")))


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """moto's server on 127.0.0.1 and a free port, for this worker only."""
    running = Emulator.start(tmp_path_factory.mktemp("emulator") / "moto.log")
    yield running
    running.stop()


LONG_POLES = {
    "test_deploy_cycle[bootstrap-luneo-terraform-state]": 8,
    "test_delivery_drill_on_an_emulator_enforcing_iam": 6.5,
    "test_deploy_cycle[bootstrap-replaydash-terraform-state]": 6,
    "test_deploy_cycle[bootstrap-solobase-terraform-state]": 5,
    "test_make_up_then_again_then_down": 5,
    "test_a_database_and_production_redis_made_again_take_final_snapshots_of_their_own": 5,
    "test_a_bootstrap_stack_through_the_cdktf_cli_and_its_destroy_trap": 3.5,
    "test_redis_requires_iam_and_refuses_an_operators_mistakes": 3,
}
"""Minutes the longest deploys take on 2 cores (make test's --durations): they start first, longest first.
Only the order depends on it; a test not named here counts as one minute."""


def _minutes(item: pytest.Item) -> float:
    return LONG_POLES.get(item.name, 1)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Emulator deploys first, longest first, one per worker: they are the long poles of the run.

    Under ``--dist loadgroup`` each deploy is a group of its own, and groups are
    handed to workers one at a time in collection order (before xdist reads the
    marks, hence tryfirst).
    """
    items.sort(key=lambda item: (item.get_closest_marker("deploy") is None, -_minutes(item)))
    for item in items:
        # A deploy sharing an emulator with others (a drill's steps) names its group itself.
        if item.get_closest_marker("deploy") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(name=f"deploy-{item.name}"))


def pytest_configure(config: pytest.Config) -> None:
    # The controller (not an xdist worker) owns the directory where deploy tests record drift.
    if not hasattr(config, "workerinput") and RECORDS_ENV not in os.environ:
        os.environ[RECORDS_ENV] = tempfile.mkdtemp(prefix="deploy-records-")


def record_deploy(stack_id: str, observed: set[Any]) -> None:
    """Note which allowlisted drifts a stack's second plan met (read back at the end of the session)."""
    path = Path(os.environ[RECORDS_ENV]) / f"{stack_id}.json"
    path.write_text(json.dumps(sorted([e.resource_type, e.attribute] for e in observed)))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say what the emulator deploys leave out, and why, on every run: nothing is skipped silently."""
    if hasattr(terminalreporter.config, "workerinput"):
        return
    terminalreporter.section("left out of the emulator deploys")
    for stack_id, reason in EMULATOR_DEPLOY_LEFT_OUT.items():
        terminalreporter.write_line(f"stack {stack_id}: {reason}")
    for variant, reason in NOT_DEPLOYED_VARIANTS.items():
        terminalreporter.write_line(f"variant {variant}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """An allowlisted emulator drift that no deploy met any more fails a full run."""
    if hasattr(session.config, "workerinput") or RECORDS_ENV not in os.environ:
        return
    directory = Path(os.environ[RECORDS_ENV])
    records = {p.stem: {(t, a) for t, a in json.loads(p.read_text())} for p in directory.glob("*.json")}
    stale = stale_entries(records, set(emulator_stack_ids()))
    if stale:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "stale emulator allowlist entries (no deploy met them; remove them):\n" + "\n".join(
            f"  {e.resource_type}.{e.attribute}: {e.reason}" for e in stale
        )
        if reporter:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
