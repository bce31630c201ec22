"""Checks run on a deployed stack, per system, before it is torn down."""

from __future__ import annotations

import json
import urllib.parse

from tests.deploy import solobase
from tests.support.deploy import Check, Deployed
from tests.support.documented import FREESIDE_OUTPUTS, LUNEO_OUTPUTS, REPLAYDASH_OUTPUTS


def _secret_json(stack: Deployed, name: str) -> dict[str, object]:
    client = stack.emulator.client("secretsmanager", stack.account, stack.region)
    value: dict[str, object] = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    return value


def _assert_url_secret_kept_out_of_state(stack: Deployed, secret_name: str) -> None:
    """The secret holds a URL with a password; neither the password nor the URL is in state."""
    value = _secret_json(stack, secret_name)
    url = urllib.parse.urlsplit(str(value["url"]))
    assert url.scheme == "postgresql" and url.password, f"{secret_name} has no URL with a password"
    password = urllib.parse.unquote(url.password)
    assert value["host"] == url.hostname and value["username"] == urllib.parse.unquote(url.username or "")
    assert password not in stack.state_text, "the database password reached the Terraform state"
    assert str(value["url"]) not in stack.state_text
    state = json.loads(stack.state_text)
    for resource in state["resources"]:
        for instance in resource["instances"]:
            attributes = instance["attributes"]
            for key in ("password", "password_wo", "secret_string", "secret_string_wo"):
                assert not attributes.get(key), f"{resource['type']}.{resource['name']} keeps {key} in state"


def _assert_url_names_the_managed_secret(stack: Deployed, secret_name: str) -> None:
    """The secret holds a URL without password, naming the RDS-managed secret; that password is not in state."""
    value = _secret_json(stack, secret_name)
    url = urllib.parse.urlsplit(str(value["url"]))
    assert url.scheme == "postgresql" and url.password is None, f"{secret_name} holds a copy of a rotating password"
    managed = _secret_json(stack, str(value["password_secret_arn"]))
    assert managed["username"] == url.username == value["username"]
    assert str(managed["password"]) not in stack.state_text, "the database password reached the Terraform state"


def replaydash(stack: Deployed) -> None:
    environment = stack.spec.environments[0]
    _assert_url_secret_kept_out_of_state(stack, f"replaydash-{environment}/database")
    for name in REPLAYDASH_OUTPUTS:
        assert stack.outputs.get(name, {}).get("value") not in (None, "", []), f"output {name} is empty"
    assert stack.outputs["database_secret_arn"]["value"].startswith("arn:aws:secretsmanager:")
    assert "#dashboards:name=replaydash-" in stack.outputs["cloudwatch_dashboard_url"]["value"]
    ssm = stack.emulator.client("ssm", stack.account, stack.region)
    redis_url = ssm.get_parameter(Name=f"/replaydash/{environment}/redis-url")["Parameter"]["Value"]
    assert redis_url.startswith("rediss://") and redis_url.endswith(":6379")


def freeside(stack: Deployed) -> None:
    environment = stack.spec.environments[0]
    _assert_url_names_the_managed_secret(stack, f"arrakis-{environment}/db-credentials")
    redis = _secret_json(stack, f"arrakis-{environment}/redis-credentials")
    assert str(redis["url"]).startswith("rediss://") and str(redis["url"]).endswith(":6379")
    for name in FREESIDE_OUTPUTS:
        assert stack.outputs.get(name, {}).get("value") not in (None, ""), f"output {name} is empty"


def _assert_not_synthesized(stack: Deployed, secret: str) -> None:
    """Nothing written to cdktf.out for the stack holds ``secret``."""
    stack_dir = stack.synth_dir / "stacks" / stack.spec.stack_id
    written = [p for p in stack_dir.rglob("*") if p.is_file() and p.suffix in (".json", ".tf", ".tfvars", ".txt")]
    assert stack_dir / "cdk.tf.json" in written, f"nothing synthesized in {stack_dir} to look at"
    for path in written:
        assert secret not in path.read_text(errors="replace"), f"{path.name} holds the database password"


def luneo(stack: Deployed) -> None:
    environment = stack.spec.environments[0]
    name = f"luneo-{environment}/database"
    _assert_url_secret_kept_out_of_state(stack, name)
    url = urllib.parse.urlsplit(str(_secret_json(stack, name)["url"]))
    assert url.username == "luneo_admin" and url.path == "/luneo"
    _assert_not_synthesized(stack, urllib.parse.unquote(url.password or ""))
    for name in LUNEO_OUTPUTS:
        assert stack.outputs.get(name, {}).get("value") not in (None, "", [], {}), f"output {name} is empty"
    assert stack.outputs["database_replica_endpoint"]["value"], "output database_replica_endpoint is empty"
    secondary = stack.emulator.client("rds", stack.account, "us-east-1")
    (replica,) = secondary.describe_db_instances(DBInstanceIdentifier=f"luneo-{environment}-db-replica")["DBInstances"]
    assert replica["ReadReplicaSourceDBInstanceIdentifier"].startswith("arn:aws:rds:eu-west-1:")
    assert ":us-east-1:" in replica["KmsKeyId"]
    # Promoted after a regional failure, the replica must have point-in-time recovery of its own.
    assert replica["BackupRetentionPeriod"] >= 1, "the cross-region replica keeps no automated backups"
    eks = stack.emulator.client("eks", stack.account, "us-east-1")
    cluster = eks.describe_cluster(name=f"luneo-{environment}-eks-secondary")["cluster"]
    assert cluster["accessConfig"]["authenticationMode"] == "API"
    assert cluster["resourcesVpcConfig"]["clusterSecurityGroupId"].startswith("sg-")


BY_SYSTEM: dict[str, Check] = {
    "replaydash": replaydash,
    "freeside": freeside,
    "luneo": luneo,
    "solobase": solobase.check,
}
