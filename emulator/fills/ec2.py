"""EC2: NAT gateways and security group rules."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="DeleteNatGateway deletes the network interface the gateway created.",
    reference="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNatGateway.html",
)
def nat_gateway_deletion_releases_network_interface() -> None:
    """Deleting a NAT gateway removes the network interface it created, as on AWS.

    moto 5.2.5 marks the gateway deleted but keeps its interface, which then
    outlives the subnet and VPC it belonged to.
    """
    from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend

    original = NatGatewayBackend.delete_nat_gateway

    def delete_nat_gateway(self: NatGatewayBackend, nat_gateway_id: str) -> NatGateway:
        gateway: NatGateway = original(self, nat_gateway_id)
        interface = getattr(gateway, "_eni", None)
        if interface is not None:
            for address in self.addresses:  # type: ignore[attr-defined]
                if address.eni is interface:
                    address.eni = None
                    address.association_id = None
            self.enis.pop(interface.id, None)  # type: ignore[attr-defined]
        return gateway

    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway  # type: ignore[method-assign]


@fill(
    behaviour="A rule referencing a security group or prefix list keeps its description.",
    reference="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html",
)
def security_group_rule_reference_descriptions() -> None:
    """A rule that references a security group or a prefix list keeps its description, as on AWS.

    moto 5.2.5 reads a rule's description from its CIDR range only, so
    DescribeSecurityGroupRules (and the rules AuthorizeSecurityGroupIngress and
    Egress answer with) has no ``Description`` for a rule with
    ``ReferencedGroupInfo`` or ``PrefixListId``. It drops a prefix list's
    description altogether (DescribeSecurityGroups' ``PrefixListIds`` lacks it
    too), and ModifySecurityGroupRules writes a new description for such a rule
    where only CIDR rules look. Here a group reference's description is the one
    in its ``UserIdGroupPairs`` entry, a prefix list's is kept with the rule and
    shown in both calls, and a modified description goes where the rule keeps it.
    """
    from typing import Any

    from moto.ec2.models.security_groups import (
        GroupedSecurityRuleView,
        SecurityGroup,
        SecurityGroupBackend,
        SecurityGroupRule,
    )

    original_init = SecurityGroupRule.__init__

    def __init__(
        self: SecurityGroupRule,
        ec2_backend: Any,
        ip_protocol: str,
        group_id: str,
        from_port: str | None,
        to_port: str | None,
        ip_range: dict[str, str] | None,
        source_group: dict[str, str] | None = None,
        prefix_list_id: dict[str, str] | None = None,
        is_egress: bool = True,
        tags: dict[str, str] | None = None,
    ) -> None:
        original_init(
            self,
            ec2_backend,
            ip_protocol,
            group_id,
            from_port,
            to_port,
            ip_range,
            source_group,
            prefix_list_id,
            is_egress,
            tags,
        )
        vars(self)["prefix_list_description"] = (prefix_list_id or {}).get("Description")

    original_description: property = vars(SecurityGroupRule)["description"]

    def description(self: SecurityGroupRule) -> str | None:
        if self.source_group:
            return self.source_group.get("Description")
        if self.prefix_list_id:
            prefix_list_description: str | None = vars(self).get("prefix_list_description")
            return prefix_list_description
        cidr_description: str | None = original_description.__get__(self)
        return cidr_description

    original_flattened = SecurityGroup._flattened_rules

    def prefix_list_entry(rule: SecurityGroupRule) -> dict[str, str]:
        entry = {"PrefixListId": str(rule.prefix_list_id)}
        if prefix_list_description := vars(rule).get("prefix_list_description"):
            entry["Description"] = prefix_list_description
        return entry

    def flattened_rules(self: SecurityGroup, rules: list[SecurityGroupRule]) -> list[GroupedSecurityRuleView]:
        views: list[GroupedSecurityRuleView] = original_flattened(self, rules)
        for view in views:  # moto lists each prefix list without its description
            ports = (view.from_port, view.to_port, view.ip_protocol)
            view.prefix_list_ids = [
                prefix_list_entry(rule)
                for rule in rules
                if rule.prefix_list_id and (rule.from_port, rule.to_port, rule.ip_protocol) == ports
            ]
        return views

    original_modify = SecurityGroupBackend.modify_security_group_rules

    def modify_security_group_rules(
        self: SecurityGroupBackend, group_id: str, rules: dict[str, dict[str, Any]]
    ) -> None:
        original_modify(self, group_id, rules)
        group = self.get_security_group_by_name_or_id(group_id)
        for rule_id in rules:
            rule = group.get_rule(rule_id) if group else None
            if rule is None or "Description" not in rule.ip_range or not (rule.source_group or rule.prefix_list_id):
                continue
            new_description = rule.ip_range.pop("Description")
            if rule.source_group:
                rule.source_group["Description"] = new_description
            else:
                vars(rule)["prefix_list_description"] = new_description

    SecurityGroupRule.__init__ = __init__  # type: ignore[method-assign]
    SecurityGroupRule.description = property(description)  # type: ignore[method-assign,assignment]
    SecurityGroup._flattened_rules = flattened_rules  # type: ignore[method-assign]
    SecurityGroupBackend.modify_security_group_rules = modify_security_group_rules  # type: ignore[method-assign]


@fill(
    behaviour="CreateLaunchTemplate's TagSpecifications tag the launch template itself; its launch template "
    "data keeps only the TagSpecifications given in LaunchTemplateData.",
    reference="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html",
)
def launch_template_tags_stay_on_the_template() -> None:
    """A launch template's own tags are not copied into its launch template data, as on AWS.

    moto 5.2.5 appends the request's top-level TagSpecifications (resource type
    ``launch-template``: the template's own tags) to the data's
    TagSpecifications, so DescribeLaunchTemplateVersions reports a tag
    specification nobody gave and the provider plans a new template version
    after every apply. Here version 1's data keeps exactly the
    TagSpecifications of ``LaunchTemplateData`` (none if none were given); the
    template keeps its tags.
    """
    from typing import Any

    from moto.ec2.responses.launch_templates import LaunchTemplates

    original_create = LaunchTemplates.create_launch_template

    def create_launch_template(self: LaunchTemplates) -> Any:
        # A copy: moto extends this very list with the template's own tags.
        given = list(self._get_param("LaunchTemplateData.TagSpecifications") or [])
        result = original_create(self)
        template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
        data = template.default_version().data
        if given:
            data["TagSpecifications"] = given
        else:
            data.pop("TagSpecifications", None)
        return result

    LaunchTemplates.create_launch_template = create_launch_template  # type: ignore[method-assign]
