"""Start moto's server on https://127.0.0.1 with the emulator's fills installed.

    python -m emulator [--port N] [--account 123456789012] [--tls-dir DIR] [--acm-validation-grace S] [--iam]
    python -m emulator --list-fills

Binds to loopback only and serves HTTPS with a throwaway CA (see tls), because
the stacks' bucket policies refuse plain HTTP. Prints the environment that
points Terraform, the AWS CLI and boto3 at it, then serves until interrupted.
The access key printed selects the account (``<account>EMULATOR``, see fills.iam).

``--iam`` enforces IAM policies on every request, as AWS does: moto's
``INITIAL_NO_AUTH_ACTION_COUNT`` is set to 0 before moto loads. The printed key
is then the account's root user's (allowed everything, as on AWS); any other
caller needs credentials IAM issued (a role session, a user's key) and a policy
allowing each action (see fills.iam and fills.sts for what moto evaluates).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from pathlib import Path

from emulator import fills, retries, speed
from emulator.accounts import DEFAULT_ACCOUNT, SECRET_ACCESS_KEY, access_key_for
from emulator.fills.acm import GRACE_ENV
from emulator.tls import write_certificates

IAM_ENFORCEMENT_ENV = "INITIAL_NO_AUTH_ACTION_COUNT"
"""moto's setting: requests served before IAM checks start (unset: never). Read once, when moto loads."""

__all__ = ["DEFAULT_ACCOUNT", "client_environment", "free_port", "list_fills", "main"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def client_environment(endpoint: str, ca_bundle: str, account: str, region: str = "us-east-1") -> dict[str, str]:
    """What Terraform, the AWS CLI and boto3 need to talk to the emulator and nothing else."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CA_BUNDLE": ca_bundle,
        "AWS_ACCESS_KEY_ID": access_key_for(account),
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": "127.0.0.1,localhost",
    }


def enforce_iam(enabled: bool) -> None:
    """IAM checks from the first request (``enabled``) or never, whatever the caller's environment says.

    moto reads the setting when ``moto.settings`` is first imported, so it must be set before
    anything imports moto; it is also set on the module in case something already did.
    """
    value = "0" if enabled else "inf"
    os.environ[IAM_ENFORCEMENT_ENV] = value
    if "moto.settings" in sys.modules:
        setattr(sys.modules["moto.settings"], "INITIAL_NO_AUTH_ACTION_COUNT", float(value))  # noqa: B010


def list_fills() -> str:
    """One Markdown line per fill: name, the AWS behaviour it reproduces, the reference it follows."""
    return "\n".join(f"- `{f.name}`: {f.behaviour} <{f.reference}>" for f in fills.registered())


def _parser() -> argparse.ArgumentParser:
    doc = __doc__ or ""
    parser = argparse.ArgumentParser(prog="python -m emulator", description=doc.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--account", default=DEFAULT_ACCOUNT, help="account id the printed access key selects")
    parser.add_argument(
        "--tls-dir", type=Path, help="where to write the CA, certificate and state (default: a temp dir)"
    )
    parser.add_argument(
        "--acm-validation-grace",
        type=float,
        help="seconds a DNS-validated certificate waits for its validation record before "
        f"VALIDATION_TIMED_OUT (default: ${GRACE_ENV} or 120; see fills.acm)",
    )
    parser.add_argument(
        "--iam",
        action="store_true",
        help="enforce IAM policies on every request (moto's INITIAL_NO_AUTH_ACTION_COUNT=0); "
        "the printed key is the account's root user's",
    )
    parser.add_argument("--list-fills", action="store_true", help="list the filled behaviours and exit")
    parser.add_argument("--quiet", action="store_true", help="print only '<port> <ca bundle>' (for test fixtures)")
    return parser


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.list_fills:
        print(list_fills())
        return 0
    port = args.port or free_port()
    workdir = args.tls_dir or Path(tempfile.mkdtemp(prefix="aws-emulator-"))
    bundle, cert, key = write_certificates(workdir)

    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    enforce_iam(args.iam)
    if args.acm_validation_grace is not None:
        os.environ[GRACE_ENV] = str(args.acm_validation_grace)
    fills.install()

    endpoint = f"https://127.0.0.1:{port}"
    if args.quiet:
        print(port, bundle, flush=True)
    else:
        print("# AWS emulator (moto) with fills:", ", ".join(fills.names()))
        print("# Paste into another shell; stop the emulator with Ctrl-C (its state is in memory only).")
        for name, value in client_environment(endpoint, str(bundle), args.account).items():
            print(f"export {name}={value}")
        # Bootstrap stacks keep local state; emulator runs keep theirs apart from the real one.
        (workdir / "state").mkdir(exist_ok=True)
        print(f"export INFRA_LOCAL_STATE_DIR={workdir / 'state'}")
        print("unset AWS_PROFILE AWS_SESSION_TOKEN", flush=True)

    from moto.server import main as serve

    retries.install()
    speed.install()

    serve(["--host", "127.0.0.1", "--port", str(port), "--ssl-cert", str(cert), "--ssl-key", str(key)])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
