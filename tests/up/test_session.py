"""What make up keeps in build/up (infra/up/session.py): stack records, and the exports for another shell."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import time
from pathlib import Path

from infra.up.session import EmulatorRecord, Session, StackRecord


def session_with_record(tmp_path: Path, pid: int = 1) -> Session:
    session = Session(tmp_path / "up")
    record = EmulatorRecord(
        pid=pid,
        endpoint="https://127.0.0.1:45678",
        ca_bundle=str(tmp_path / "up" / "tls" / "ca.pem"),
        log=str(tmp_path / "up" / "logs" / "emulator.log"),
        started_at=time.time(),
    )
    session.layout.root.mkdir(parents=True)
    session.layout.record.write_text(json.dumps(dataclasses.asdict(record)))
    return session


def test_the_exports_point_a_shell_at_the_emulator_and_unset_takes_them_back(tmp_path: Path) -> None:
    session = session_with_record(tmp_path)
    exports = session.exports("891376933289")
    assert "export AWS_ENDPOINT_URL=https://127.0.0.1:45678\n" in exports
    assert "export AWS_ACCESS_KEY_ID=891376933289EMULATOR\n" in exports
    assert f"export AWS_CA_BUNDLE={tmp_path / 'up' / 'tls' / 'ca.pem'}\n" in exports
    assert f"export INFRA_LOCAL_STATE_DIR={session.layout.state}\n" in exports
    assert 'undo: eval "$(make -s emulator-env UNSET=1)"' in exports
    script = f'eval "$1"; env | sort > {tmp_path}/set.env; eval "$2"; env | sort > {tmp_path}/unset.env'
    clean = {"PATH": "/usr/bin:/bin", "AWS_PROFILE": "production", "AWS_SESSION_TOKEN": "t"}
    subprocess.run(["bash", "-c", script, "bash", exports, Session.unsets()], env=clean, check=True)
    loaded = (tmp_path / "set.env").read_text()
    assert "AWS_ACCESS_KEY_ID=891376933289EMULATOR" in loaded and "AWS_PROFILE" not in loaded
    left = [line for line in (tmp_path / "unset.env").read_text().splitlines() if line.startswith(("AWS_", "INFRA_"))]
    assert left == []


def test_the_env_file_holds_the_same_exports(tmp_path: Path) -> None:
    session = session_with_record(tmp_path)
    assert session.write_env_file("123456789012").read_text() == session.exports("123456789012")


def test_stack_records_survive_between_runs_and_go_with_the_emulator(tmp_path: Path) -> None:
    session = session_with_record(tmp_path)
    record = StackRecord(state="up", account="123456789012", regions=["us-east-1"], last="applied", at=1.0)
    session.put("freeside-staging", record)
    session.put("bootstrap-x", dataclasses.replace(record, last="no changes"))
    assert Session(tmp_path / "up").stacks() == {
        "freeside-staging": record,
        "bootstrap-x": dataclasses.replace(record, last="no changes"),
    }
    session.drop("bootstrap-x")
    assert list(session.stacks()) == ["freeside-staging"]
    session.layout.state.mkdir()
    (session.layout.state / "terraform.bootstrap-x.tfstate").write_text("{}")
    session.forget_stacks()
    assert session.stacks() == {} and not session.layout.state.exists()


def test_a_record_of_an_emulator_that_is_gone_is_not_attached(tmp_path: Path) -> None:
    finished = subprocess.Popen(["true"])
    finished.wait()
    session = session_with_record(tmp_path, pid=finished.pid)
    assert session.attach() is None
    assert session.stop_emulator() is False
    assert not session.layout.record.exists()


def test_a_shared_upload_goes_with_the_last_stack_of_its_account_that_declares_it(tmp_path: Path) -> None:
    from infra.registry import StackSpec, Upload
    from tests.up.test_selection import spec as demo_spec

    package = Upload(bucket="demo-binaries", key="demo-1.0.zip")
    own = Upload(bucket="demo-binaries", key="demo-dev-only.zip")

    def spec(stack_id: str, *found: Upload) -> StackSpec:
        return demo_spec(
            stack_id, kind="tenant", environments=("dev",), state=None, account_id="123456789012", uploads=found
        )

    specs = {"demo-dev-a": spec("demo-dev-a", package, own), "demo-prod-b": spec("demo-prod-b", package)}
    session = session_with_record(tmp_path)
    record = StackRecord(state="up", account="123456789012", regions=["us-east-1"], last="applied", at=1.0)
    for stack_id in specs:
        session.put(stack_id, record)
    session.put("demo-elsewhere", dataclasses.replace(record, account="210987654321"))
    removed: list[list[Upload]] = []

    def release(stack_id: str) -> None:
        session.drop_and_release(
            specs[stack_id],
            lambda other: specs[other].uploads if other in specs else (package,),
            lambda mine: removed.append(list(mine)) or [],
        )

    release("demo-dev-a")
    assert removed == [[own]], "the package another stack of the account still uses stays"
    release("demo-prod-b")
    assert removed == [[own], [package]], "the last one takes it (another account's stack does not count)"
    assert list(session.stacks()) == ["demo-elsewhere"]
