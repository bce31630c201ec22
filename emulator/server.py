"""A running emulator seen from outside: start it, point clients at it, take stock of an account.

Used by the deploy tests (one per test worker) and meant for anything else that
needs a throwaway emulator in a process of its own. The server process is
``python -m emulator --quiet`` (see launcher).
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from emulator.accounts import SECRET_ACCESS_KEY, access_key_for
from emulator.launcher import client_environment

ROOT = Path(__file__).resolve().parents[1]

# Calls that make moto create an account's lazily-built defaults (default VPC and the like),
# so that an inventory taken before a deploy already holds them.
_WARM_UP: tuple[tuple[Any, ...], ...] = (
    ("ec2", "describe_vpcs"),
    ("ecs", "list_clusters"),
    ("elbv2", "describe_load_balancers"),
    ("rds", "describe_db_instances"),
    ("elasticache", "describe_cache_clusters"),
    ("logs", "describe_log_groups"),
    ("secretsmanager", "list_secrets"),
    ("sns", "list_topics"),
    ("cloudwatch", "describe_alarms"),
    ("ecr", "describe_repositories"),
    ("kms", "list_keys"),
    ("acm", "list_certificates"),
    ("ssm", "describe_parameters"),
    ("dynamodb", "list_tables"),
    ("application-autoscaling", "describe_scalable_targets", {"ServiceNamespace": "ecs"}),
    ("iam", "list_roles"),
    ("s3", "list_buckets"),
    ("lambda", "list_functions"),
    ("cloudfront", "list_distributions"),
    ("cloudtrail", "describe_trails"),
    ("eks", "list_clusters"),
    ("ec2", "describe_launch_templates"),
    ("route53", "list_hosted_zones"),
    ("route53", "list_health_checks"),
    ("rds", "describe_db_clusters"),
)


@dataclass
class Emulator:
    """One moto server process on loopback: started here (``start``) or already running (``attach``)."""

    port: int
    ca_bundle: str
    process: subprocess.Popen[str] | None
    log_path: Path | None

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, log_path: Path, *, acm_validation_grace: float | None = None, iam: bool = False) -> Emulator:
        """Start a server on a free port; its log goes to ``log_path``.

        ``acm_validation_grace``: seconds before a DNS-validated certificate without its
        validation records times out (see fills.acm; default: the launcher's).
        ``iam``: enforce IAM policies on every request (``python -m emulator --iam``).
        """
        log = log_path.open("w")
        grace = [] if acm_validation_grace is None else ["--acm-validation-grace", str(acm_validation_grace)]
        process = subprocess.Popen(
            [sys.executable, "-m", "emulator", "--quiet", *grace, *(["--iam"] if iam else [])],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        if process.stdout is None:
            raise RuntimeError("the emulator started without a stdout pipe")
        line = process.stdout.readline().split()
        if len(line) != 2 or not line[0].isdigit():
            process.kill()
            raise RuntimeError(f"emulator did not start: {line!r}; see {log_path}")
        emulator = cls(int(line[0]), line[1], process, log_path)
        emulator._wait_ready()
        return emulator

    @classmethod
    def start_detached(cls, directory: Path, log_path: Path, *, timeout: float = 60) -> Emulator:
        """Start a server that outlives this process (``make up``; ``make down`` stops it by pid).

        It runs in a session of its own, so a Ctrl-C meant for the caller does not stop it;
        its CA and certificates go to ``directory/tls``, its log to ``log_path``.
        """
        directory.mkdir(parents=True, exist_ok=True)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        announced = directory / "emulator.out"
        with announced.open("w") as stdout, log_path.open("a") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "emulator", "--quiet", "--tls-dir", str(directory / "tls")],
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                text=True,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        line: list[str] = []
        while time.monotonic() < deadline and process.poll() is None:
            line = announced.read_text().split()
            if len(line) == 2 and line[0].isdigit():
                break
            time.sleep(0.1)
        if len(line) != 2 or not line[0].isdigit():
            process.kill()
            raise RuntimeError(f"emulator did not start: {line!r}; see {log_path}")
        emulator = cls(int(line[0]), line[1], process, log_path)
        emulator._wait_ready()
        return emulator

    @classmethod
    def attach(cls, endpoint: str, ca_bundle: str) -> Emulator:
        """An emulator someone else started (``make emulator``), from the endpoint and CA it printed.

        Only ``https://127.0.0.1:<port>`` is accepted: nothing here may talk to anything but the emulator.
        """
        prefix = "https://127.0.0.1:"
        if not endpoint.startswith(prefix) or not endpoint.removeprefix(prefix).rstrip("/").isdigit():
            raise ValueError(f"not the local emulator's endpoint (https://127.0.0.1:<port>): {endpoint!r}")
        emulator = cls(int(endpoint.removeprefix(prefix).rstrip("/")), ca_bundle, None, None)
        emulator._wait_ready()
        return emulator

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.endpoint}/moto-api/config", timeout=2, context=self._tls()):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"emulator on port {self.port} not ready; see {self.log_path or 'its own output'}")

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_bundle)

    def stop(self) -> None:
        """Stop the server this object started (an attached one is left running)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def environment(self, account: str, region: str = "us-east-1") -> dict[str, str]:
        return client_environment(self.endpoint, self.ca_bundle, account, region)

    def client(
        self, service: str, account: str, region: str = "us-east-1", session: boto3.session.Session | None = None
    ) -> Any:
        """A boto3 client acting in ``account``; pass a ``session`` of its own from another thread."""
        return (session or boto3).client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=access_key_for(account),
            aws_secret_access_key=SECRET_ACCESS_KEY,
            verify=self.ca_bundle,
        )

    def warm_up(self, account: str, region: str) -> None:
        for service, call, *arguments in _WARM_UP:
            getattr(self.client(service, account, region), call)(**(arguments[0] if arguments else {}))

    def inventory(self, account: str, region: str) -> set[str]:
        """Everything the account holds in ``region`` (and globally, for IAM and S3), as ``kind:id``.

        Built from list/describe calls (moto's own data.json only ever grows, so it
        cannot show a deletion). Defaults AWS provides are left out where cheap; the
        rest cancel out, since callers compare two inventories.
        """
        found: set[str] = set()
        for kind, service, call, kwargs, path, key, keep in _INVENTORY:
            client = self.client(service, account, region)
            if client.can_paginate(call):
                pages = client.get_paginator(call).paginate(**kwargs)
            else:
                pages = [getattr(client, call)(**kwargs)]
            for page in pages:
                for item in _dig(page, path):
                    if keep(item):
                        found.add(f"{kind}:{item[key] if isinstance(item, dict) else item}")
        found -= {f"ecs-cluster:{arn}" for arn in self._inactive_clusters(account, region)}
        for collect in _NESTED_INVENTORY:
            found |= collect(lambda service: self.client(service, account, region))
        return found

    def _inactive_clusters(self, account: str, region: str) -> list[str]:
        """Deleted ECS clusters linger as INACTIVE (on AWS too); they are gone for our purposes."""
        ecs = self.client("ecs", account, region)
        arns = ecs.list_clusters()["clusterArns"]
        if not arns:
            return []
        return [c["clusterArn"] for c in ecs.describe_clusters(clusters=arns)["clusters"] if c["status"] == "INACTIVE"]


def _dig(page: dict[str, Any], path: str) -> list[Any]:
    items: Any = page
    for part in path.split("."):
        items = items.get(part, []) if isinstance(items, dict) else []
    return list(items)


def _always(item: Any) -> bool:
    return True


def _not_default(item: dict[str, Any]) -> bool:
    return not item.get("IsDefault") and not item.get("DefaultForAz")


def _not_deleted(item: dict[str, Any]) -> bool:
    state = str(item.get("State") or item.get("state") or item.get("Status") or "").lower()
    return state not in ("deleted", "deleting", "inactive", "pendingdeletion", "pending_deletion")


def _ecs_services(client: Callable[[str], Any]) -> set[str]:
    """Services of every cluster: one stack's service can live on another stack's cluster.

    Deleted services linger as INACTIVE (on AWS too, for a while): gone for our purposes.
    """
    ecs = client("ecs")
    found = set()
    for cluster in ecs.list_clusters()["clusterArns"]:
        for page in ecs.get_paginator("list_services").paginate(cluster=cluster):
            if not page["serviceArns"]:
                continue
            described = ecs.describe_services(cluster=cluster, services=page["serviceArns"])["services"]
            found |= {f"ecs-service:{s['serviceArn']}" for s in described if s["status"] != "INACTIVE"}
    return found


def _listener_rules(client: Callable[[str], Any]) -> set[str]:
    """Rules of every listener but their default ones: one stack's rule can sit on another's listener."""
    elb = client("elbv2")
    found = set()
    for balancer in elb.describe_load_balancers()["LoadBalancers"]:
        for listener in elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])["Listeners"]:
            rules = elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
            found |= {f"listener-rule:{r['RuleArn']}" for r in rules if not r.get("IsDefault")}
    return found


def _replicating(item: dict[str, Any]) -> bool:
    """Automated backups replicated into the region while their replication runs.

    A stopped replication leaves its backups ``retained`` (on AWS too, until their
    retention period ends): nothing to delete, so not counted.
    """
    return bool(item.get("DBInstanceAutomatedBackupsArn")) and str(item.get("Status")).lower() != "retained"


def _eks_children(client: Callable[[str], Any]) -> set[str]:
    """Node groups and access entries of every EKS cluster (listed per cluster)."""
    eks = client("eks")
    found = set()
    for cluster in eks.list_clusters()["clusters"]:
        found |= {f"eks-node-group:{cluster}/{n}" for n in eks.list_nodegroups(clusterName=cluster)["nodegroups"]}
        try:
            entries = eks.list_access_entries(clusterName=cluster)["accessEntries"]
        except eks.exceptions.InvalidRequestException:
            entries = []
        found |= {f"eks-access-entry:{cluster}/{e}" for e in entries}
    return found


def _route53_records(client: Callable[[str], Any]) -> set[str]:
    """Records of every hosted zone but the SOA and NS records Route 53 makes with a zone."""
    route53 = client("route53")
    found = set()
    for page in route53.get_paginator("list_hosted_zones").paginate():
        for zone in page["HostedZones"]:
            for records in route53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone["Id"]):
                for record in records["ResourceRecordSets"]:
                    if record["Type"] in ("SOA", "NS") and record["Name"] == zone["Name"]:
                        continue
                    identifier = record.get("SetIdentifier", "")
                    found.add(f"route53-record:{zone['Id']}/{record['Name']}/{record['Type']}/{identifier}")
    return found


def _registry_replication(client: Callable[[str], Any]) -> set[str]:
    """The registry's replication rules (one configuration per account and region)."""
    rules = client("ecr").describe_registry().get("replicationConfiguration", {}).get("rules", [])
    return {f"ecr-replication-rule:{index}" for index, _ in enumerate(rules)}


def _bucket_replication(client: Callable[[str], Any]) -> set[str]:
    """Replication configurations of the buckets (they outlive nothing but are listed for completeness)."""
    s3 = client("s3")
    found = set()
    for bucket in s3.list_buckets()["Buckets"]:
        try:
            s3.get_bucket_replication(Bucket=bucket["Name"])
        except s3.exceptions.ClientError:
            continue
        found.add(f"bucket-replication:{bucket['Name']}")
    return found


_NESTED_INVENTORY: tuple[Callable[[Callable[[str], Any]], set[str]], ...] = (
    _ecs_services,
    _listener_rules,
    _eks_children,
    _route53_records,
    _registry_replication,
    _bucket_replication,
)


# kind, service, call, arguments, path to the items, identifying key, filter
_INVENTORY: tuple[tuple[str, str, str, dict[str, Any], str, str, Callable[[Any], bool]], ...] = (
    ("vpc", "ec2", "describe_vpcs", {}, "Vpcs", "VpcId", _not_default),
    ("subnet", "ec2", "describe_subnets", {}, "Subnets", "SubnetId", _not_default),
    (
        "security-group",
        "ec2",
        "describe_security_groups",
        {},
        "SecurityGroups",
        "GroupId",
        lambda g: g["GroupName"] != "default",
    ),
    (
        "security-group-rule",
        "ec2",
        "describe_security_group_rules",
        {},
        "SecurityGroupRules",
        "SecurityGroupRuleId",
        _always,
    ),
    (
        "route-table",
        "ec2",
        "describe_route_tables",
        {},
        "RouteTables",
        "RouteTableId",
        lambda t: not any(a.get("Main") for a in t.get("Associations", [])),
    ),
    ("internet-gateway", "ec2", "describe_internet_gateways", {}, "InternetGateways", "InternetGatewayId", _always),
    ("nat-gateway", "ec2", "describe_nat_gateways", {}, "NatGateways", "NatGatewayId", _not_deleted),
    ("elastic-ip", "ec2", "describe_addresses", {}, "Addresses", "AllocationId", _always),
    ("vpc-endpoint", "ec2", "describe_vpc_endpoints", {}, "VpcEndpoints", "VpcEndpointId", _not_deleted),
    ("flow-log", "ec2", "describe_flow_logs", {}, "FlowLogs", "FlowLogId", _always),
    ("network-interface", "ec2", "describe_network_interfaces", {}, "NetworkInterfaces", "NetworkInterfaceId", _always),
    (
        "iam-role",
        "iam",
        "list_roles",
        {},
        "Roles",
        "RoleName",
        lambda r: not r["Path"].startswith("/aws-service-role/"),
    ),
    ("iam-policy", "iam", "list_policies", {"Scope": "Local"}, "Policies", "Arn", _always),
    ("log-group", "logs", "describe_log_groups", {}, "logGroups", "logGroupName", _always),
    ("bucket", "s3", "list_buckets", {}, "Buckets", "Name", _always),
    ("dynamodb-table", "dynamodb", "list_tables", {}, "TableNames", "", _always),
    ("ecs-cluster", "ecs", "list_clusters", {}, "clusterArns", "", _always),
    ("task-definition", "ecs", "list_task_definitions", {"status": "ACTIVE"}, "taskDefinitionArns", "", _always),
    ("load-balancer", "elbv2", "describe_load_balancers", {}, "LoadBalancers", "LoadBalancerArn", _always),
    ("target-group", "elbv2", "describe_target_groups", {}, "TargetGroups", "TargetGroupArn", _always),
    ("db-instance", "rds", "describe_db_instances", {}, "DBInstances", "DBInstanceIdentifier", _always),
    ("db-subnet-group", "rds", "describe_db_subnet_groups", {}, "DBSubnetGroups", "DBSubnetGroupName", _always),
    (
        "db-parameter-group",
        "rds",
        "describe_db_parameter_groups",
        {},
        "DBParameterGroups",
        "DBParameterGroupName",
        lambda g: not g["DBParameterGroupName"].startswith("default."),
    ),
    ("db-snapshot", "rds", "describe_db_snapshots", {}, "DBSnapshots", "DBSnapshotIdentifier", _always),
    (
        "db-automated-backups-replication",
        "rds",
        "describe_db_instance_automated_backups",
        {},
        "DBInstanceAutomatedBackups",
        "DBInstanceAutomatedBackupsArn",
        _replicating,
    ),
    ("cache-cluster", "elasticache", "describe_cache_clusters", {}, "CacheClusters", "CacheClusterId", _always),
    (
        "replication-group",
        "elasticache",
        "describe_replication_groups",
        {},
        "ReplicationGroups",
        "ReplicationGroupId",
        _always,
    ),
    (
        "cache-subnet-group",
        "elasticache",
        "describe_cache_subnet_groups",
        {},
        "CacheSubnetGroups",
        "CacheSubnetGroupName",
        lambda g: g["CacheSubnetGroupName"] != "default",
    ),
    ("cache-snapshot", "elasticache", "describe_snapshots", {}, "Snapshots", "SnapshotName", _always),
    ("secret", "secretsmanager", "list_secrets", {}, "SecretList", "Name", _always),
    (
        "kms-key",
        "kms",
        "list_aliases",
        {},
        "Aliases",
        "AliasName",
        lambda a: not a["AliasName"].startswith("alias/aws/"),
    ),
    ("ecr-repository", "ecr", "describe_repositories", {}, "repositories", "repositoryName", _always),
    ("sns-topic", "sns", "list_topics", {}, "Topics", "TopicArn", _always),
    ("alarm", "cloudwatch", "describe_alarms", {}, "MetricAlarms", "AlarmName", _always),
    ("dashboard", "cloudwatch", "list_dashboards", {}, "DashboardEntries", "DashboardName", _always),
    ("certificate", "acm", "list_certificates", {}, "CertificateSummaryList", "CertificateArn", _always),
    ("ssm-parameter", "ssm", "describe_parameters", {}, "Parameters", "Name", _always),
    ("lambda-function", "lambda", "list_functions", {}, "Functions", "FunctionName", _always),
    ("eks-cluster", "eks", "list_clusters", {}, "clusters", "", _always),
    ("launch-template", "ec2", "describe_launch_templates", {}, "LaunchTemplates", "LaunchTemplateId", _always),
    ("cloudfront-distribution", "cloudfront", "list_distributions", {}, "DistributionList.Items", "Id", _always),
    (
        "cloudfront-origin-access-control",
        "cloudfront",
        "list_origin_access_controls",
        {},
        "OriginAccessControlList.Items",
        "Id",
        _always,
    ),
    ("trail", "cloudtrail", "describe_trails", {"includeShadowTrails": False}, "trailList", "TrailARN", _always),
    ("metric-filter", "logs", "describe_metric_filters", {}, "metricFilters", "filterName", _always),
    ("route53-zone", "route53", "list_hosted_zones", {}, "HostedZones", "Id", _always),
    ("route53-health-check", "route53", "list_health_checks", {}, "HealthChecks", "Id", _always),
    ("db-cluster", "rds", "describe_db_clusters", {}, "DBClusters", "DBClusterIdentifier", _always),
    ("global-cluster", "rds", "describe_global_clusters", {}, "GlobalClusters", "GlobalClusterIdentifier", _always),
    (
        "db-cluster-parameter-group",
        "rds",
        "describe_db_cluster_parameter_groups",
        {},
        "DBClusterParameterGroups",
        "DBClusterParameterGroupName",
        lambda g: not g["DBClusterParameterGroupName"].startswith("default."),
    ),
    (
        "scalable-target",
        "application-autoscaling",
        "describe_scalable_targets",
        {"ServiceNamespace": "ecs"},
        "ScalableTargets",
        "ResourceId",
        _always,
    ),
)
