"""A security group whose rules are separate resources, added through methods."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_security_group import DataAwsSecurityGroup
from cdktf_cdktf_provider_aws.security_group import SecurityGroup as AwsSecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from infra.naming import pascal
from infra.validation import ConfigError, int_between, non_empty_text

ANY_IPV4 = "0.0.0.0/0"


class SecurityGroup(Construct):
    """A VPC security group with no inline rules (or, with ``existing_id``, rules added to a group made elsewhere).

    Rules are ``aws_vpc_security_group_*_rule`` resources (``label`` is the rule's
    description and, PascalCased, its construct id): each is a separate
    Terraform address (adding one never rewrites the others) and scanners see
    every rule with its real source, which inline blocks synthesized by CDKTF
    hide (``prefix_list_ids: null`` reads as a restriction to checkov).
    The group starts with no egress at all; callers open what they need.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        description: str,
        vpc_id: str,
        existing_id: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        non_empty_text("security group description", description, max_length=255)
        self.name = name
        self.resource: AwsSecurityGroup | None = None
        if existing_id is not None:
            non_empty_text("existing security group id", existing_id, max_length=255)
            self.id = existing_id
        else:
            self.resource = AwsSecurityGroup(
                self,
                "Group",
                name=name,
                description=description,
                vpc_id=vpc_id,
                revoke_rules_on_delete=True,
                tags={"Name": name},
            )
            self.id = self.resource.id
        self._rule_ids: set[str] = set()

    @classmethod
    def existing(cls, scope: Construct, id_: str, *, group_id: str, name: str) -> SecurityGroup:
        """A group made elsewhere: methods add rules to it, nothing else about it is managed here."""
        return cls(scope, id_, name=name, description=f"existing group {name}", vpc_id="", existing_id=group_id)

    @classmethod
    def by_name(cls, scope: Construct, id_: str, *, name: str, vpc_id: str) -> SecurityGroup:
        """A group another stack made, found by ``name`` in ``vpc_id`` (data source ``<id_>Lookup``): rules
        added to it belong to this stack."""
        group = DataAwsSecurityGroup(scope, f"{id_}Lookup", name=name, vpc_id=vpc_id)
        return cls.existing(scope, id_, group_id=group.id, name=name)

    def _check_ports(self, port: int, to_port: int | None) -> int:
        int_between(f"{self.name} port", port, 0, 65535)
        last = port if to_port is None else to_port
        int_between(f"{self.name} to_port", last, port, 65535)
        return last

    def _unique_id(self, kind: str, label: str) -> str:
        rule_id = f"{kind}{pascal(label)}"
        if rule_id in self._rule_ids:
            raise ConfigError(f"{self.name} rule", "a label not used before in this group", label)
        self._rule_ids.add(rule_id)
        return rule_id

    def allow_from(self, source: SecurityGroup, port: int, *, to_port: int | None = None, label: str) -> None:
        """Accept TCP on ``port`` (through ``to_port``) from members of ``source``."""
        last = self._check_ports(port, to_port)
        VpcSecurityGroupIngressRule(
            self,
            self._unique_id("Ingress", label),
            security_group_id=self.id,
            referenced_security_group_id=source.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=last,
            description=label,
        )

    def allow_from_cidr(self, cidr: str, port: int, *, to_port: int | None = None, label: str) -> None:
        """Accept TCP on ``port`` (through ``to_port``) from an IPv4 range."""
        last = self._check_ports(port, to_port)
        VpcSecurityGroupIngressRule(
            self,
            self._unique_id("Ingress", label),
            security_group_id=self.id,
            cidr_ipv4=cidr,
            ip_protocol="tcp",
            from_port=port,
            to_port=last,
            description=label,
        )

    def allow_to(self, destination: SecurityGroup, port: int, *, label: str) -> None:
        """Open TCP egress on ``port`` to members of ``destination``."""
        self._check_ports(port, None)
        VpcSecurityGroupEgressRule(
            self,
            self._unique_id("Egress", label),
            security_group_id=self.id,
            referenced_security_group_id=destination.id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=label,
        )

    def allow_egress_to_cidr(self, cidr: str, port: int, *, label: str) -> None:
        """Open TCP egress on ``port`` to an IPv4 range (443 to AWS APIs, for example)."""
        self._check_ports(port, None)
        VpcSecurityGroupEgressRule(
            self,
            self._unique_id("Egress", label),
            security_group_id=self.id,
            cidr_ipv4=cidr,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=label,
        )
