"""One region's Kubernetes platform: network, EKS secrets key, cluster and managed node groups."""

from __future__ import annotations

from constructs import Construct

from infra.constructs.eks_cluster import EksCluster
from infra.constructs.eks_node_group import EksNodeGroup
from infra.constructs.kms_key import KmsKey
from infra.constructs.network import network_from
from infra.props.kubernetes_platform import KubernetesPlatformProps

# Where Kubernetes load balancer controllers put internet-facing and internal load balancers.
SUBNET_ROLE_TAGS = {
    "public": {"kubernetes.io/role/elb": "1"},
    "private": {"kubernetes.io/role/internal-elb": "1"},
}


class KubernetesPlatform(Construct):
    """Network ``name``, key ``alias/<key_alias>``, cluster ``cluster_name``, node group ``<cluster_name>-nodes``
    and, with ``base_nodes``, the node group ``<cluster_name>-base`` (on-demand, under the Spot nodes).

    The cluster and its nodes live in the network's private subnets; the
    subnets carry the tags load balancer controllers look for. Create it under
    a RegionScope for any region but the stack's default.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        key_alias: str,
        cluster_name: str,
        props: KubernetesPlatformProps,
    ) -> None:
        super().__init__(scope, id_)
        self.network = network_from(self, "Network", name=name, props=props.network, subnet_tags=SUBNET_ROLE_TAGS)
        self.key = KmsKey(
            self,
            "EksKey",
            alias=key_alias,
            description=f"KMS key for the Kubernetes secrets of {cluster_name}",
            props=props.keys,
        )
        private = list(self.network.private_subnet_ids)
        self.cluster = EksCluster(
            self, "Cluster", name=cluster_name, subnet_ids=private, secrets_key=self.key, props=props.cluster
        )
        self.nodes = EksNodeGroup(
            self, "Nodes", cluster=self.cluster, name=f"{cluster_name}-nodes", subnet_ids=private, props=props.nodes
        )
        self.base_nodes: EksNodeGroup | None = None
        if props.base_nodes is not None:
            self.base_nodes = EksNodeGroup(
                self,
                "BaseNodes",
                cluster=self.cluster,
                name=f"{cluster_name}-base",
                subnet_ids=private,
                props=props.base_nodes,
            )

    def declare_outputs(self, prefix: str = "") -> None:
        """The network's and the cluster's outputs, each name starting with ``prefix``."""
        self.network.declare_outputs(prefix)
        self.cluster.declare_outputs(prefix)
