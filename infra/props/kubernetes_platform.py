"""Props of infra/constructs/kubernetes_platform.py: data only (no cdktf), so settings can be made of them.

One region's Kubernetes platform: network, EKS secrets key, cluster and managed node groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.props.eks_cluster import EksClusterProps
from infra.props.eks_node_group import EksNodeGroupProps
from infra.props.kms_key import KmsKeyProps
from infra.props.network import ExistingNetworkProps, NetworkProps


@dataclass(frozen=True, kw_only=True)
class KubernetesPlatformProps:
    """Every part of one region's platform."""

    network: NetworkProps | ExistingNetworkProps
    cluster: EksClusterProps = field(default_factory=EksClusterProps)
    nodes: EksNodeGroupProps = field(default_factory=EksNodeGroupProps)
    base_nodes: EksNodeGroupProps | None = None
    """An on-demand node group under ``nodes``: capacity that Spot interruptions cannot take away."""
    keys: KmsKeyProps = field(default_factory=KmsKeyProps)
