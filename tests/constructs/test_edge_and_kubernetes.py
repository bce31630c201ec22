"""EKS clusters and node groups, Route 53 failover: shape and refusals (CloudFront: test_cdn_distribution)."""

from __future__ import annotations

from typing import Any

import pytest

from infra.constructs.dns_failover import FailoverRecord
from infra.constructs.eks_cluster import EksCluster
from infra.constructs.eks_node_group import EksNodeGroup
from infra.constructs.kms_key import KmsKey
from infra.props.dns_failover import FailoverRecordProps
from infra.props.eks_cluster import EksClusterProps, ServiceAccountProps
from infra.props.eks_node_group import EksNodeGroupProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, resources, synth


def kubernetes(cluster: EksClusterProps | None = None, nodes: EksNodeGroupProps | None = None) -> dict:
    def build(stack: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-eks", description="demo")
        made = EksCluster(
            stack,
            "Cluster",
            name="demo-eks",
            subnet_ids=["s1", "s2"],
            secrets_key=key,
            props=cluster or EksClusterProps(),
        )
        EksNodeGroup(
            stack,
            "Nodes",
            cluster=made,
            name="demo-eks-nodes",
            subnet_ids=["s1", "s2"],
            props=nodes or EksNodeGroupProps(),
        )
        made.declare_outputs()

    return synth(build)


def test_cluster_encrypts_secrets_logs_everything_and_stays_private_by_default() -> None:
    stack = kubernetes()
    cluster = only(stack, "aws_eks_cluster")
    assert cluster["encryption_config"]["resources"] == ["secrets"]
    assert cluster["vpc_config"]["endpoint_public_access"] is False
    assert cluster["enabled_cluster_log_types"] == ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    assert any(d.startswith("aws_iam_role_policy_attachment.") for d in cluster["depends_on"])
    assert any(d.startswith("aws_cloudwatch_log_group.") for d in cluster["depends_on"])
    inline = only(stack, "aws_iam_role_policy")
    assert "kms:Decrypt" in policy(inline["policy"])["Statement"][0]["Action"]
    assert not resources(stack, "aws_eks_access_entry")
    assert set(stack["output"]) == {
        "eks_cluster_name",
        "eks_cluster_endpoint",
        "eks_cluster_security_group_id",
        "kubeconfig_command",
    }
    # The region is the provider's own, literally: the command runs as written.
    assert (
        stack["output"]["kubeconfig_command"]["value"] == "aws eks update-kubeconfig --region us-east-1 --name demo-eks"
    )
    assert not resources(stack, "aws_iam_openid_connect_provider"), "no OIDC provider until a service account needs one"


def test_a_service_account_role_trusts_that_service_account_only() -> None:
    """IAM roles for service accounts: the trust names the exact namespace/name and STS audience, through the
    cluster's OIDC provider (docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html)."""
    made: list[Any] = []

    def build(stack: Any) -> None:
        key = KmsKey(stack, "Key", alias="demo-eks", description="demo")
        cluster = EksCluster(
            stack, "Cluster", name="demo-eks", subnet_ids=["s1", "s2"], secrets_key=key, props=EksClusterProps()
        )
        worker = ServiceAccountProps(namespace="luneo", name="worker")
        made.append(cluster.service_account_role(worker, name="demo-worker"))
        made.append(cluster.service_account_role(worker, name="demo-worker"))
        cluster.service_account_role(ServiceAccountProps(namespace="luneo", name="converter"), name="demo-converter")

    stack = synth(build)
    assert made[0] is made[1], "one role per service account"
    provider = only(stack, "aws_iam_openid_connect_provider")
    assert provider["client_id_list"] == ["sts.amazonaws.com"]
    assert provider["url"].startswith("${aws_eks_cluster.") and provider["url"].endswith(".identity[0].oidc[0].issuer}")
    (local,) = stack["locals"].values()
    assert local == provider["url"].replace("${", "${replace(").replace("}", ', "https://", "")}')
    roles = {r["name"]: policy(r["assume_role_policy"]) for r in resources(stack, "aws_iam_role")}
    (trust,) = roles["demo-worker"]["Statement"]
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert trust["Principal"]["Federated"].startswith("${aws_iam_openid_connect_provider.")
    (equals,) = trust["Condition"].values()
    host = "${local." + next(iter(stack["locals"])) + "}"
    assert {key.removeprefix(host + ":"): value for key, value in equals.items()} == {
        "sub": "system:serviceaccount:luneo:worker",
        "aud": "sts.amazonaws.com",
    }
    assert all(key.startswith(host) for key in equals)
    assert "StringLike" not in trust["Condition"], "no wildcard: another service account cannot match"


def test_admins_get_access_entries_with_cluster_admin() -> None:
    admins = ("arn:aws:iam::111122223333:role/ci-deploy", "arn:aws:iam::111122223333:user/ops.alice")
    stack = kubernetes(EksClusterProps(admin_principal_arns=admins, endpoint_public_access_cidrs=("198.51.100.7/32",)))
    assert sorted(e["principal_arn"] for e in resources(stack, "aws_eks_access_entry")) == sorted(admins)
    assert sorted(stack["resource"]["aws_eks_access_entry"])[0].startswith("Cluster_AdminCiDeploy")
    assert len(resources(stack, "aws_eks_access_policy_association")) == 2
    vpc = only(stack, "aws_eks_cluster")["vpc_config"]
    assert (vpc["endpoint_public_access"], vpc["public_access_cidrs"]) == (True, ["198.51.100.7/32"])


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"version": "1.2"}, "version must be an EKS Kubernetes version"),
        (
            {"endpoint_public_access_cidrs": ("0.0.0.0/0",)},
            r"endpoint_public_access_cidrs\[0\] must be a CIDR block from /8",
        ),
        ({"admin_principal_arns": ("arn:aws:sts::111122223333:assumed-role/x/y",)}, "must be an IAM role or user ARN"),
        ({"log_types": ("api", "kubelet")}, "log_types must be one of"),
        ({"log_retention_days": 2}, "log_retention_days must be one of"),
    ],
)
def test_cluster_props_refuse(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EksClusterProps(**props)


def test_nodes_use_a_launch_template_with_encrypted_volumes_and_imdsv2() -> None:
    stack = kubernetes(nodes=EksNodeGroupProps(desired_size=3, min_size=3, max_size=10, disk_size_gb=80))
    group = only(stack, "aws_eks_node_group")
    assert group["capacity_type"] == "SPOT"
    assert group["scaling_config"] == {"desired_size": 3, "min_size": 3, "max_size": 10}
    assert "disk_size" not in group, "the launch template sets the disk"
    template = only(stack, "aws_launch_template")
    assert template["block_device_mappings"][0]["ebs"]["volume_size"] == 80
    assert template["block_device_mappings"][0]["ebs"]["encrypted"] == "true"
    assert template["metadata_options"]["http_tokens"] == "required"
    assert sorted(r["name"] for r in resources(stack, "aws_iam_role")) == ["demo-eks-cluster", "demo-eks-nodes"]
    attached = {a["policy_arn"].rsplit("/", 1)[-1] for a in resources(stack, "aws_iam_role_policy_attachment")}
    assert {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"} <= attached


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"desired_size": 11, "max_size": 10}, "desired_size must be an integer from 1 to 10"),
        ({"min_size": 5, "max_size": 4}, "min_size must be an integer from 0 to 4"),
        ({"capacity_type": "RESERVED"}, "capacity_type must be one of"),
        ({"instance_types": ()}, "instance_types must be at least one EC2 instance type"),
        ({"instance_types": ("m6i.large", "m6i.large")}, "instance_types must be distinct values"),
    ],
)
def test_node_group_props_refuse(props: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        EksNodeGroupProps(**props)


FAILOVER = FailoverRecordProps(
    record_name="app.example.com",
    primary_hostname="ingress-eu.example.com",
    secondary_hostname="ingress-us.example.com",
    hosted_zone_id="Z0123456789ABC",
)


def test_failover_records_point_at_health_checked_endpoints_in_an_existing_zone() -> None:
    stack = synth(lambda s: FailoverRecord(s, "Failover", name="demo-ingress", props=FAILOVER).declare_outputs())
    assert not resources(stack, "aws_route53_zone")
    records = {r["set_identifier"]: r for r in resources(stack, "aws_route53_record")}
    assert set(records) == {"demo-ingress-primary", "demo-ingress-secondary"}
    assert {r["zone_id"] for r in records.values()} == {"Z0123456789ABC"}
    assert all(r["health_check_id"].startswith("${aws_route53_health_check.") for r in records.values())
    checks = resources(stack, "aws_route53_health_check")
    assert {c["failure_threshold"] for c in checks} == {3} and {c["request_interval"] for c in checks} == {30}
    assert "zone_name_servers" not in stack["output"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"primary_hostname": "ingress_eu"}, "primary_hostname must be a lower-case fully qualified domain name"),
        ({"secondary_hostname": "ingress-eu.example.com"}, "secondary_hostname must be another hostname"),
        ({"zone_name": "example.com"}, "zone_name must be set, or hosted_zone_id set instead"),
        ({"hosted_zone_id": None, "zone_name": "other.example.org"}, "record_name must be a name inside the zone"),
        ({"health_check_path": "healthz"}, "health_check_path must be a path starting with /"),
        ({"request_interval_seconds": 15}, "request_interval_seconds must be one of"),
    ],
)
def test_failover_props_refuse(change: dict[str, Any], message: str) -> None:
    values = {
        "record_name": FAILOVER.record_name,
        "primary_hostname": FAILOVER.primary_hostname,
        "secondary_hostname": FAILOVER.secondary_hostname,
        "hosted_zone_id": FAILOVER.hosted_zone_id,
        **change,
    }
    with pytest.raises(ConfigError, match=message):
        FailoverRecordProps(**values)
