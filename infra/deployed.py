"""Reading a deployed stack: its outputs (``make output``) and its database URL (``make database-url``).

    python -m infra.deployed output STACK [--name NAME] [--format text|json]
    python -m infra.deployed database-url STACK [--name OUTPUT]

Each run synthesizes just that stack into ``build/output/<stack>/`` and
initializes Terraform there, so it works whatever ran before (``make diff``
or ``make deploy`` of another stack leaves only that one in ``cdktf.out``).
Terraform's init output goes to ``build/output/<stack>/terraform.log``, shown
only when it fails. Credentials are the shell's (an account, or the emulator
after ``eval "$(make -s emulator-env)"``).

Text output is one ``name = value`` line per output, never wrapped (an ARN
stays whole): strings as they are, anything else as compact JSON, sensitive
values hidden unless asked for by name. ``--name`` prints one value raw (a
string as is, anything else as JSON); ``--format json`` prints JSON (all
outputs as ``{name: value}``, sensitive ones included, as ``terraform output
-json`` does).

``database-url`` reads the secret holding the database URL (the one secret
among the stack's ``*_secret_arn`` outputs whose ``url`` is a PostgreSQL URL)
with boto3, so it needs neither the AWS CLI nor jq. It prints a secret: the
password is in the URL. Where RDS manages (and rotates) the password, the
secret holds a URL without it and names the managed secret
(``password_secret_arn``): the password of its current version is put in.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from infra import app, systems
from infra.paths import REPOSITORY_ROOT
from infra.terraform import Terraform, TerraformFailed, cli_config
from infra.validation import ConfigError, closest

FORMATS = ("text", "json")
SECRET_WARNING = (
    "warning: this prints a secret: the database URL of {stack}, password included. "
    "Keep it out of logs, tickets and shell history."
)


class NotFound(LookupError):
    """What was asked for is not there (no such output, no URL secret)."""


def _environment() -> dict[str, str]:
    """The shell's environment (its credentials) with Terraform unattended and the provider mirror."""
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"}
    config = cli_config()
    if config:
        env["TF_CLI_CONFIG_FILE"] = config
    return env


def terraform_for(stack_id: str, root: Path | None = None) -> Terraform:
    """Terraform initialized on ``stack_id`` in a directory of its own (synthesized now)."""
    known = [spec.stack_id for spec in systems.stack_specs()]
    if stack_id not in known:
        raise ConfigError("STACK", "an id of a stack (see make stacks)", stack_id, suggestion=closest(stack_id, known))
    base = (root or REPOSITORY_ROOT / "build" / "output") / stack_id
    synthesized = base / "cdktf.out"
    synthesized.mkdir(parents=True, exist_ok=True)
    app.synth(outdir=str(synthesized), requested=stack_id)
    workdir = base / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    for item in (synthesized / "stacks" / stack_id).iterdir():
        if item.is_file():
            shutil.copy2(item, workdir / item.name)
    log = base / "terraform.log"
    log.write_text("")
    tf = Terraform(workdir, _environment(), log)
    tf.init()
    return tf


def deployed_outputs(stack_id: str, root: Path | None = None) -> dict[str, Any]:
    """The stack's outputs; none means it is not deployed where these credentials point."""
    outputs = terraform_for(stack_id, root).outputs()
    if not outputs:
        raise NotFound(
            f"{stack_id} has no outputs: it is not deployed, or this shell's credentials are for another "
            'account (the emulator\'s: eval "$(make -s emulator-env)")'
        )
    return outputs


def render_value(value: Any) -> str:
    """A value as one line: a string as it is, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), sort_keys=True)


def render(outputs: dict[str, Any], *, name: str | None, output_format: str, stack_id: str) -> str:
    """What ``make output`` prints for ``terraform output -json``'s ``outputs``."""
    if output_format not in FORMATS:
        raise ConfigError("FORMAT", f"one of {FORMATS!r}", output_format)
    if name is not None:
        if name not in outputs:
            raise NotFound(f"{stack_id} has no output {name!r}; it has: {', '.join(sorted(outputs)) or 'none'}")
        value = outputs[name]["value"]
        return json.dumps(value, indent=2) if output_format == "json" else render_value(value)
    if output_format == "json":
        return json.dumps({key: entry["value"] for key, entry in sorted(outputs.items())}, indent=2)
    lines = []
    for key, entry in sorted(outputs.items()):
        shown = f"(sensitive: NAME={key} prints it)" if entry.get("sensitive") else render_value(entry["value"])
        lines.append(f"{key} = {shown}")
    return "\n".join(lines)


def _with_current_password(client: Any, url: str, password_secret_arn: object) -> str:
    """``url`` with the password of ``password_secret_arn``'s current version, when the URL holds none.

    A secret whose password RDS rotates keeps no copy of it (it would go stale): its
    URL has none and names the managed secret instead, read here at the moment of asking.
    """
    parts = urllib.parse.urlsplit(url)
    if not isinstance(password_secret_arn, str) or parts.password is not None:
        return url
    current = json.loads(client.get_secret_value(SecretId=password_secret_arn)["SecretString"])
    password = urllib.parse.quote(str(current["password"]), safe="")
    netloc = f"{parts.username}:{password}@{parts.netloc.split('@', 1)[1]}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def database_url(stack_id: str, outputs: dict[str, Any], name: str | None = None) -> str:
    """The PostgreSQL URL in the one secret of the stack that holds one (or in the secret output ``name``)."""
    import boto3
    from botocore.exceptions import ClientError

    candidates = [name] if name else sorted(k for k, v in outputs.items() if k.endswith("_secret_arn"))
    found: dict[str, str] = {}
    for candidate in candidates:
        if candidate not in outputs:
            raise NotFound(f"{stack_id} has no output {candidate!r}")
        arn = str(outputs[candidate]["value"])
        region = arn.split(":")[3] if arn.count(":") >= 6 else None
        client = boto3.client("secretsmanager", region_name=region)
        try:
            text = client.get_secret_value(SecretId=arn).get("SecretString") or ""
        except ClientError as error:
            if name or error.response["Error"]["Code"] not in ("ResourceNotFoundException", "InvalidRequestException"):
                raise
            continue  # a secret with no value yet (filled by operators) holds no URL
        try:
            value = json.loads(text) if text.lstrip().startswith("{") else {}
        except ValueError:
            value = {}
        url = value.get("url") if isinstance(value, dict) else None
        if isinstance(url, str) and url.startswith(("postgresql://", "postgres://")):
            found[candidate] = _with_current_password(client, url, value.get("password_secret_arn"))
    if len(found) == 1:
        return next(iter(found.values()))
    if not found:
        raise NotFound(f"no secret of {stack_id} holds a PostgreSQL URL (looked in {', '.join(candidates) or 'none'})")
    raise NotFound(f"several secrets of {stack_id} hold one: {', '.join(found)}; choose with NAME=<output>")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.deployed", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    output = commands.add_parser("output")
    output.add_argument("stack")
    output.add_argument("--name")
    output.add_argument("--format", default="text")
    url = commands.add_parser("database-url")
    url.add_argument("stack")
    url.add_argument("--name", help="the *_secret_arn output naming the secret (default: the one holding a URL)")
    for command in (output, url):
        command.add_argument("--dir", type=Path, help="where to synthesize and init (default build/output)")
    args = parser.parse_args(argv)
    try:
        if args.command == "output":
            if args.format not in FORMATS:
                raise ConfigError("FORMAT", f"one of {FORMATS!r}", args.format)
            outputs = deployed_outputs(args.stack, args.dir)
            print(render(outputs, name=args.name, output_format=args.format, stack_id=args.stack))
        else:
            outputs = deployed_outputs(args.stack, args.dir)
            value = database_url(args.stack, outputs, args.name)
            print(SECRET_WARNING.format(stack=args.stack), file=sys.stderr)
            print(value)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (NotFound, TerraformFailed) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
