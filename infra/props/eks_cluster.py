"""Props of infra/constructs/eks_cluster.py: data only (no cdktf), so settings can be made of them.

An EKS control plane: secrets encrypted with a customer key, every log type kept, admins by access entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from infra import validation
from infra.validation import ConfigError

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
_VERSION = re.compile(r"^1\.(2[89]|3[0-9])$")
_PRINCIPAL = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)/[\w+=,.@/-]{1,512}$")


@dataclass(frozen=True, kw_only=True)
class EksClusterProps:
    """Version, API endpoint exposure, logs and administrators of a cluster."""

    version: str = "1.33"
    """Kubernetes minor version; upgrades are deliberate, one minor at a time."""
    endpoint_public_access_cidrs: tuple[str, ...] = ()
    """IPv4 ranges allowed to reach the public API endpoint; empty turns the public endpoint off
    (the private endpoint is always on, so nodes and VPC clients never leave the VPC)."""
    admin_principal_arns: tuple[str, ...] = ()
    """IAM roles/users with cluster-admin (access entries). The creator gets no implicit admin:
    list here the deploy role and the operators that manage workloads."""
    log_types: tuple[str, ...] = LOG_TYPES
    """Control-plane logs sent to CloudWatch: all of them, for audits and incident work."""
    log_retention_days: int = 90
    """Audit logs are kept a quarter: long enough for most investigations."""

    def __post_init__(self) -> None:
        if not _VERSION.match(str(self.version)):
            raise ConfigError("version", "an EKS Kubernetes version such as '1.33'", self.version)
        # /8 at the widest: "limited to" rules out 0.0.0.0/0.
        validation.cidr_blocks(
            "endpoint_public_access_cidrs", self.endpoint_public_access_cidrs, prefix_between=(8, 32)
        )
        validation.unique("endpoint_public_access_cidrs", self.endpoint_public_access_cidrs)
        for index, arn in enumerate(self.admin_principal_arns):
            if not _PRINCIPAL.match(arn):
                raise ConfigError(
                    f"admin_principal_arns[{index}]",
                    "an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)",
                    arn,
                )
        validation.unique("admin_principal_arns", self.admin_principal_arns)
        for log_type in self.log_types:
            validation.one_of("log_types", log_type, LOG_TYPES)
        validation.unique("log_types", self.log_types)
        validation.log_retention("log_retention_days", self.log_retention_days)


_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True, kw_only=True)
class ServiceAccountProps:
    """A Kubernetes service account whose pods act with an IAM role of their own (IAM roles for service
    accounts): no other pod, in its namespace or any other, can take the role."""

    namespace: str
    """Its namespace (a DNS label)."""
    name: str
    """The service account's name (a DNS label); it also names the role and what is granted to it."""

    def __post_init__(self) -> None:
        for field, value in (("namespace", self.namespace), ("name", self.name)):
            if not isinstance(value, str) or not _LABEL.match(value):
                raise ConfigError(field, "a Kubernetes name: lower-case letters, digits, inner hyphens", value)
