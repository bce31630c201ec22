"""What the drills share: a stack of their own on local state, and a task's view of its secrets.

The final-snapshot drill (test_recovery_copies.py) runs on the worker's
emulator without the deploy harness (tests/support/deploy.py): it applies a
stack of its own with Terraform on local state, acts on it as AWS or an
operator would, and destroys it. The rotation drill (rotation.py) runs on the
stacks ``make up`` brought up, in tests/up/test_make_up.py.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from cdktf import App
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct

from emulator.server import Emulator
from infra.registry import StackSpec
from infra.stacks.base import AwsStack


def synth_stack(
    directory: Path, stack_id: str, regions: Sequence[str], account: str, build: Callable[[AwsStack], None]
) -> Path:
    """Synthesize one stack of ``build``'s constructs (local state, pinned to ``account``); its directory."""
    spec = StackSpec(
        stack_id=stack_id,
        kind="platform",
        system="drill",
        environments=("drill",),
        regions=tuple(regions),
        state=None,
        factory="infra.stacks.base:AwsStack",
        account_id=account,
    )
    app = App(outdir=str(directory))
    build(AwsStack(app, spec))
    app.synth()
    return directory / "stacks" / stack_id


def subnets(scope: Construct, cidr: str, zones: Sequence[str]) -> tuple[str, list[str]]:
    """A VPC of ``cidr`` (a /16) with one /24 per zone: the VPC id and the subnet ids."""
    vpc = Vpc(scope, "Vpc", cidr_block=cidr)
    prefix = cidr.rsplit(".", 2)[0]
    ids = [
        Subnet(scope, f"Subnet{index}", vpc_id=vpc.id, cidr_block=f"{prefix}.{index}.0/24", availability_zone=zone).id
        for index, zone in enumerate(zones)
    ]
    return vpc.id, ids


def secret_value(emulator: Emulator, account: str, region: str, value_from: str) -> str:
    """What ECS injects for a container secret: a Secrets Manager ``valueFrom`` (whole, or one JSON key of a
    version stage or id, AWSCURRENT by default) or an SSM parameter (name or ARN)."""
    if value_from.startswith("arn:aws:secretsmanager:"):
        parts = value_from.split(":")
        arn, (json_key, stage, version) = ":".join(parts[:7]), [*parts[7:], "", "", ""][:3]
        request: dict[str, str] = {"SecretId": arn}
        if version:
            request["VersionId"] = version
        else:
            request["VersionStage"] = stage or "AWSCURRENT"
        client = emulator.client("secretsmanager", account, region)
        text: str = client.get_secret_value(**request)["SecretString"]
        return str(json.loads(text)[json_key]) if json_key else text
    name = value_from.split(":parameter", 1)[-1] if value_from.startswith("arn:") else value_from
    parameter = emulator.client("ssm", account, region).get_parameter(Name=name, WithDecryption=True)
    return str(parameter["Parameter"]["Value"])


def task_environment(emulator: Emulator, account: str, region: str, task_definition: str) -> dict[str, str]:
    """The environment a task of ``task_definition`` started now gets: plain variables and resolved secrets."""
    ecs = emulator.client("ecs", account, region)
    (container,) = ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"][
        "containerDefinitions"
    ]
    environment = {e["name"]: e["value"] for e in container.get("environment", [])}
    for secret in container.get("secrets", []):
        environment[secret["name"]] = secret_value(emulator, account, region, secret["valueFrom"])
    return environment


def postgres_login(environment: Mapping[str, str]) -> tuple[str, str]:
    """The (user, password) a libpq client connects with from ``environment``, as libpq resolves them.

    ``DATABASE_URL`` when set (its user and password, each falling back to
    ``PGUSER``/``PGPASSWORD`` when the URL has none), else ``PGUSER`` and ``PGPASSWORD``.
    """
    url = urllib.parse.urlsplit(environment.get("DATABASE_URL", ""))
    user = urllib.parse.unquote(url.username) if url.username else environment.get("PGUSER", "")
    password = urllib.parse.unquote(url.password) if url.password is not None else environment.get("PGPASSWORD", "")
    return user, password


def managed_credentials(emulator: Emulator, account: str, region: str, secret_arn: str) -> dict[str, Any]:
    """The AWSCURRENT value of an RDS-managed master secret: what the database accepts now."""
    text = emulator.client("secretsmanager", account, region).get_secret_value(SecretId=secret_arn)["SecretString"]
    value: dict[str, Any] = json.loads(text)
    return value
