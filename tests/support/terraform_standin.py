"""Terraform applies a synthesized stack's ``postgresql_*`` resources through stand-ins, on a real server.

The cyrilgdn/postgresql provider cannot be installed here. So that a stack's
plan and apply still run on Terraform's own semantics (state, ``for_each``,
``prevent_destroy``, ``moved``, ``replace_triggered_by``, write-only
versions, dependency order), :func:`stand_in` rewrites the synthesized JSON:

- each ``postgresql_<type>.<id>`` becomes ``terraform_data.<id>`` with the same
  ``for_each``, ``depends_on`` and ``lifecycle`` (so its ``prevent_destroy``),
  its attributes as ``input``, and provisioners that run the provider double
  (tests/support/postgresql_provider_double.py) on create and on destroy;
- a role's ``password_wo`` becomes ``terraform_data.<id>__password``, replaced,
  and so run, exactly when ``password_wo_version`` changes (or the role is made
  again): the value reaches the server the way a write-only argument does, and
  only then; it stays ephemeral, in the provisioner's environment only;
- references to ``postgresql_<type>.<id>...<attr>`` read the stand-in's
  ``output`` (its input), and ``moved`` blocks move the stand-ins;
- the provider block and its requirement go (the double reads where to
  connect from ``$DOUBLE_CONNECTION``, the password from ``PGPASSWORD``).

With ``aws=True`` everything else is kept (the AWS provider, its resources,
the ephemeral random passwords): applied on the emulator. With ``aws=False``
only the PostgreSQL half is kept and each ``aws_secretsmanager_random_password``
becomes a value of the ephemeral variable ``standin_passwords``, which the
test supplies (so it knows every role's password).

This tests our configuration and Terraform's behaviour with it, not the
provider: the double's docstring says what it leaves out.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.postgresql_provider_double import ATTRIBUTES_ENV, CONNECTION_ENV, LOG_ENV, PASSWORD_ENV
from tests.support.terraform import Terraform

ROOT = Path(__file__).resolve().parents[2]
RANDOM_PASSWORD = "aws_secretsmanager_random_password"
PASSWORDS_VARIABLE = "standin_passwords"
_REFERENCE = re.compile(r"\bpostgresql_[a-z_]+\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])?)(?:\.([a-z_]+))?")
_EPHEMERAL_PASSWORD = re.compile(rf"\bephemeral\.{RANDOM_PASSWORD}\.(\w+)\.random_password\b")
_META = ("for_each", "count", "depends_on", "lifecycle")
_AWS_REFERENCE = re.compile(r"\b(aws_[a-z0-9_]+\.|data\.|ephemeral\.)")


def _rewrite(value: Any, text: Any) -> Any:
    """``value`` with every string passed through ``text``."""
    if isinstance(value, dict):
        return {k: _rewrite(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, text) for v in value]
    return text(value) if isinstance(value, str) else value


def _references(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        logical_id, index, attribute = match.groups()
        return f"terraform_data.{logical_id}{index}" + (f".output.{attribute}" if attribute else "")

    return _REFERENCE.sub(replace, text)


def _double(
    action: str, resource_type: str, *, when_destroy: bool = False, password: str | None = None
) -> dict[str, Any]:
    environment = {ATTRIBUTES_ENV: "${jsonencode(self.input)}"}
    if password is not None:
        environment[PASSWORD_ENV] = password
    provisioner: dict[str, Any] = {
        "command": f"{sys.executable} -m tests.support.postgresql_provider_double {action} {resource_type}",
        "working_dir": str(ROOT),
        "environment": environment,
    }
    if when_destroy:
        provisioner["when"] = "destroy"
    return {"local-exec": provisioner}


@dataclass
class StandIn:
    """The rewritten stack, and which ephemeral password each role gets."""

    stack: dict[str, Any]
    role_passwords: dict[str, str] = field(default_factory=dict)
    """Role name -> the logical id of its ephemeral password (the key of ``standin_passwords``)."""

    def write(self, directory: Path, backend: Mapping[str, Any] | None = None) -> Path:
        """The stack as ``directory/cdk.tf.json``; ``backend`` (e.g. ``{"local": {"path": ...}}``) replaces its own."""
        stack = copy.deepcopy(self.stack)
        if backend is not None:
            stack["terraform"]["backend"] = dict(backend)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "cdk.tf.json"
        path.write_text(json.dumps(stack, indent=1))
        return path


def stand_in(stack: Mapping[str, Any], *, aws: bool) -> StandIn:
    """The stack with every ``postgresql_*`` resource played by a ``terraform_data`` stand-in (module docstring)."""
    source = copy.deepcopy(dict(stack))
    result: dict[str, Any] = {key: value for key, value in source.items() if key in ("//", "terraform", "variable")}
    terraform = result.setdefault("terraform", {})
    providers = dict(terraform.get("required_providers", {}))
    providers.pop("postgresql", None)
    if not aws:
        providers.pop("aws", None)
    terraform["required_providers"] = providers
    if aws and "aws" in source.get("provider", {}):
        result["provider"] = {"aws": source["provider"]["aws"]}
    role_passwords: dict[str, str] = {}

    def passwords(text: str) -> str:
        text = _references(text)
        return text if aws else _EPHEMERAL_PASSWORD.sub(rf'var.{PASSWORDS_VARIABLE}["\1"]', text)

    resources: dict[str, dict[str, Any]] = {}
    stand_ins: dict[str, Any] = {}
    for resource_type, blocks in source.get("resource", {}).items():
        if not resource_type.startswith("postgresql_"):
            if aws:
                resources[resource_type] = _rewrite(blocks, passwords)
            continue
        for logical_id, block in blocks.items():
            meta = {k: _rewrite(block[k], passwords) for k in _META if k in block}
            attributes = {k: v for k, v in block.items() if k not in (*_META, "//", "provider")}
            password = attributes.pop("password_wo", None)
            version = attributes.pop("password_wo_version", None)
            inputs = _rewrite({"type": resource_type, **attributes}, passwords)
            stand_ins[logical_id] = {
                **meta,
                "input": inputs,
                "provisioner": [
                    _double("create", resource_type),
                    _double("destroy", resource_type, when_destroy=True),
                ],
            }
            if password is None:
                continue
            if match := _EPHEMERAL_PASSWORD.search(password):
                role_passwords[attributes["name"]] = match.group(1)
            stand_ins[f"{logical_id}__password"] = {
                **{k: v for k, v in meta.items() if k in ("for_each", "count")},
                "depends_on": [f"terraform_data.{logical_id}"],
                "input": {"name": inputs["name"]},
                # Replaced, so run, when the version changes or the role is made again: write-only semantics.
                "triggers_replace": [_rewrite(version, passwords), f"${{terraform_data.{logical_id}.id}}"],
                "provisioner": [_double("password", resource_type, password=passwords(password))],
            }
    if stand_ins:
        resources["terraform_data"] = stand_ins
    result["resource"] = resources
    if aws:
        for key in ("data", "locals"):
            if key in source:
                result[key] = _rewrite(source[key], passwords)
        ephemeral = {k: v for k, v in source.get("ephemeral", {}).items() if k == RANDOM_PASSWORD}
        if ephemeral:
            result["ephemeral"] = ephemeral
    else:
        result.setdefault("variable", {})[PASSWORDS_VARIABLE] = {
            "type": "map(string)",
            "ephemeral": True,
            "sensitive": True,
            "description": "Ephemeral password id -> the value the test chose",
        }
    outputs = {
        name: _rewrite(output, passwords)
        for name, output in source.get("output", {}).items()
        if aws or not _AWS_REFERENCE.search(json.dumps(output))
    }
    if outputs:
        result["output"] = outputs
    if "moved" in source:
        result["moved"] = _rewrite(source["moved"], _references)
    return StandIn(result, role_passwords)


@dataclass
class StandInTerraform:
    """Terraform on stand-in stacks in one working directory (one state), against one PostgreSQL server.

    ``connection`` is where the double connects (the provider block's host, port, username, database,
    sslmode), ``admin_password`` its ``PGPASSWORD``; ``env`` the rest of Terraform's environment (the
    emulator's, with ``aws=True`` stacks). Each :meth:`write` replaces the configuration, as a new synth
    of the same stack does; the state stays.
    """

    workdir: Path
    env: dict[str, str]
    connection: Mapping[str, Any]
    admin_password: str
    backend: Mapping[str, Any] | None = None
    """Replaces the stack's backend (None keeps it: S3 on the emulator)."""
    passwords: dict[str, str] = field(default_factory=dict)
    """``aws=False``: ephemeral password id -> the value the test chose."""
    role_password_ids: dict[str, str] = field(default_factory=dict)
    """Role -> its ephemeral password id, for every role any written configuration had."""
    written: dict[str, str] = field(default_factory=dict)
    """Stand-in logical id -> the resource type it plays, for every configuration written so far."""
    _initialized: bool = False

    @property
    def log_file(self) -> Path:
        return self.workdir / "double.log"

    def write(self, stack: Mapping[str, Any], *, aws: bool) -> StandIn:
        standin = stand_in(stack, aws=aws)
        present = standin.stack["resource"].get("terraform_data", {})
        # The provider destroys a resource whose block is gone; a destroy-time provisioner runs only while it
        # is configured, so a stand-in that left the configuration keeps its destroy in a removed block.
        gone = [(logical_id, kind) for logical_id, kind in self.written.items() if logical_id not in present]
        if gone:
            standin.stack["removed"] = [
                {
                    "from": f"terraform_data.{logical_id}",
                    "lifecycle": {"destroy": True},
                    "provisioner": [_double("destroy", kind, when_destroy=True)],
                }
                for logical_id, kind in gone
            ]
        self.written.update({k: v["input"]["type"] for k, v in present.items() if "__" not in k})
        standin.write(self.workdir, self.backend)
        self.role_password_ids.update(standin.role_passwords)
        if not aws:
            for password_id in standin.role_passwords.values():
                self.passwords.setdefault(password_id, secrets.token_hex(16))
        return standin

    def password_of(self, role: str) -> str:
        """``aws=False``: the password the test gave ``role``."""
        return self.passwords[self.role_password_ids[role]]

    def terraform(self) -> Terraform:
        env = {
            **self.env,
            CONNECTION_ENV: json.dumps(dict(self.connection)),
            "PGPASSWORD": self.admin_password,
            LOG_ENV: str(self.log_file),
            f"TF_VAR_{PASSWORDS_VARIABLE}": json.dumps(self.passwords),
        }
        tf = Terraform(self.workdir, env)
        if not self._initialized:
            tf.init()
            self._initialized = True
        return tf

    def done(self) -> list[dict[str, Any]]:
        """Every call the double got, in order."""
        if not self.log_file.exists():
            return []
        return [json.loads(line) for line in self.log_file.read_text().splitlines() if line]
