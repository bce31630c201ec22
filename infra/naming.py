"""Names: construct ids made from resource names (Terraform addresses, so one rule makes them all), and the
names by which other stacks find a container platform's parts."""

from __future__ import annotations

import re
from dataclasses import dataclass


def pascal(text: str) -> str:
    """``ecr.api`` -> ``EcrApi``, ``solobase-binaries`` -> ``SolobaseBinaries``: every run of other characters
    separates words."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)


@dataclass(frozen=True, kw_only=True)
class PlatformNames:
    """The names a container platform gives the parts other stacks look up; :meth:`of` gives ``<prefix>-*``.

    A system whose stacks find each other's parts owns these in its contract
    module and hands the same object to the platform and to the lookups.
    """

    network: str
    """The network's name; its VPC is tagged ``<network>-vpc`` (see :func:`infra.constructs.network.vpc_name`)."""
    cluster: str
    """The ECS cluster."""
    load_balancer: str
    """The internet-facing ALB, and its security group."""
    secrets_key_alias: str
    """The key of the platform's secrets (without ``alias/``)."""
    data_key_alias: str
    """The key of the database and cache storage."""

    @classmethod
    def of(cls, prefix: str) -> PlatformNames:
        """``<prefix>`` for the network, ``<prefix>-cluster``, ``-alb``, ``-secrets``, ``-data``."""
        return cls(
            network=prefix,
            cluster=f"{prefix}-cluster",
            load_balancer=f"{prefix}-alb",
            secrets_key_alias=f"{prefix}-secrets",
            data_key_alias=f"{prefix}-data",
        )
