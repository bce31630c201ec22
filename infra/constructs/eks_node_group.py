"""An EKS managed node group on a launch template: encrypted volumes, IMDSv2 only, Spot by default."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Token
from cdktf_cdktf_provider_aws.eks_node_group import (
    EksNodeGroup as AwsEksNodeGroup,
)
from cdktf_cdktf_provider_aws.eks_node_group import (
    EksNodeGroupLaunchTemplate,
    EksNodeGroupScalingConfig,
    EksNodeGroupUpdateConfig,
)
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)
from constructs import Construct

from infra import validation
from infra.constructs.eks_cluster import EksCluster
from infra.constructs.iam import ServiceRole
from infra.props.eks_node_group import EksNodeGroupProps

ROOT_DEVICE = "/dev/xvda"
"""Root volume of the EKS-optimized Amazon Linux 2023 AMIs."""


class EksNodeGroup(Construct):
    """Managed node group ``name`` of ``cluster`` in ``subnet_ids``, from launch template ``name``.

    - The root volume is gp3 and encrypted (the account's EBS key: a customer
      key would also need a key-policy grant to the Auto Scaling service-linked role).
    - Instance metadata is IMDSv2 only, one hop: pods cannot reach the node's
      credentials (they use IAM roles for service accounts or Pod Identity).
    - The node role may join the cluster, run the VPC CNI and pull from ECR.
    - ``desired_size`` is set at creation and then left to the cluster
      autoscaler (Terraform ignores its drift), within ``min_size``..``max_size``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        cluster: EksCluster,
        name: str,
        subnet_ids: Sequence[str],
        props: EksNodeGroupProps,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("node group name", name, max_length=63)
        self.name = name
        role = ServiceRole(self, "Role", name=name, service="ec2.amazonaws.com", description=f"Nodes of {name}")
        for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
            role.attach_managed_policy(policy)
        self.role = role
        self.launch_template = LaunchTemplate(
            self,
            "LaunchTemplate",
            name=name,
            description=f"Nodes of {name}: encrypted gp3 root volume, IMDSv2 only",
            update_default_version=True,
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name=ROOT_DEVICE,
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=props.disk_size_gb,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
            ),
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type="instance", tags={"Name": name}),
                LaunchTemplateTagSpecifications(resource_type="volume", tags={"Name": name}),
            ],
            tags={"Name": name},
        )
        self.node_group = AwsEksNodeGroup(
            self,
            "NodeGroup",
            cluster_name=cluster.cluster.name,
            node_group_name=name,
            node_role_arn=role.arn,
            subnet_ids=list(subnet_ids),
            capacity_type=props.capacity_type,
            instance_types=list(props.instance_types),
            ami_type="AL2023_x86_64_STANDARD",
            scaling_config=EksNodeGroupScalingConfig(
                desired_size=props.desired_size, min_size=props.min_size, max_size=props.max_size
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable=props.max_unavailable),
            launch_template=EksNodeGroupLaunchTemplate(
                id=self.launch_template.id, version=Token.as_string(self.launch_template.latest_version)
            ),
            lifecycle={"ignore_changes": ["scaling_config[0].desired_size"]},
            tags={"Name": name},
            depends_on=role.ready,
        )
        self.node_group_name = self.node_group.node_group_name
