"""SecurityGroup: rules are separate resources added by methods."""

from __future__ import annotations

import pytest

from infra.constructs.security_group import SecurityGroup
from infra.validation import ConfigError
from tests.support.synth import only, resources, synth


def test_group_has_no_inline_rules_and_methods_add_rule_resources() -> None:
    def build(stack):
        alb = SecurityGroup(stack, "Alb", name="alb", description="load balancer", vpc_id="vpc-1")
        api = SecurityGroup(stack, "Api", name="api", description="api tasks", vpc_id="vpc-1")
        api.allow_from(alb, 8080, label="HTTP")
        alb.allow_to(api, 8080, label="HTTP")
        alb.allow_from_cidr("0.0.0.0/0", 443, label="HTTPS")

    stack = synth(build)
    for group in resources(stack, "aws_security_group"):
        assert "ingress" not in group and "egress" not in group
        assert group["revoke_rules_on_delete"] is True
    ingress = resources(stack, "aws_vpc_security_group_ingress_rule")
    assert len(ingress) == 2
    from_alb = next(r for r in ingress if "referenced_security_group_id" in r)
    assert from_alb["from_port"] == from_alb["to_port"] == 8080
    assert only(stack, "aws_vpc_security_group_egress_rule")["referenced_security_group_id"].startswith(
        "${aws_security_group.Api"
    )


@pytest.mark.parametrize(("port", "to_port"), [(70000, None), (443, 80)])
def test_bad_ports_are_refused(port: int, to_port: int | None) -> None:
    def build(stack):
        group = SecurityGroup(stack, "G", name="g", description="g", vpc_id="vpc-1")
        group.allow_from_cidr("10.0.0.0/16", port, to_port=to_port, label="x")

    with pytest.raises(ConfigError):
        synth(build)


def test_a_label_is_used_once_per_group() -> None:
    def build(stack):
        group = SecurityGroup(stack, "G", name="g", description="g", vpc_id="vpc-1")
        group.allow_from_cidr("10.0.0.0/16", 443, label="HTTPS")
        group.allow_from_cidr("10.1.0.0/16", 443, label="HTTPS")

    with pytest.raises(ConfigError, match="a label not used before"):
        synth(build)
