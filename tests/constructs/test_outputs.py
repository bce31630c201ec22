"""Outputs: flat names, declared once per stack; a second one with the same name names both paths."""

from __future__ import annotations

import pytest
from constructs import Construct

from infra.constructs.load_balancer import LoadBalancer
from infra.constructs.outputs import DuplicateOutputError, output
from infra.props.load_balancer import LoadBalancerProps
from infra.validation import ConfigError
from tests.support.synth import synth


def two_load_balancers(stack: Construct, *, prefixes: tuple[str, str]) -> None:
    for index, prefix in enumerate(prefixes):
        lb = LoadBalancer(
            stack,
            f"Lb{index}",
            name=f"demo-{index}",
            vpc_id="vpc-1",
            public_subnet_ids=["a"],
            props=LoadBalancerProps(domain_name=f"api{index}.example.com"),
        )
        lb.declare_outputs(prefix)


def test_two_load_balancers_with_one_output_name_fail_the_synth_naming_both() -> None:
    with pytest.raises(DuplicateOutputError) as raised:
        synth(lambda stack: two_load_balancers(stack, prefixes=("", "")))
    message = str(raised.value)
    assert message.startswith("output alb_dns_name must be declared once per stack (first at test/Lb0/alb_dns_name)")
    assert message.endswith("got 'test/Lb1/alb_dns_name'")


def test_prefixes_scope_them_by_construct() -> None:
    outputs = synth(lambda stack: two_load_balancers(stack, prefixes=("public_", "admin_")))["output"]
    assert {"public_alb_dns_name", "admin_alb_dns_name", "public_alb_zone_id", "admin_alb_zone_id"} <= set(outputs)


@pytest.mark.parametrize(("name", "description"), [("VpcId", "x"), ("vpc", "x"), ("vpc_id", " ")])
def test_names_are_snake_case_thing_attribute_with_a_description(name: str, description: str) -> None:
    with pytest.raises(ConfigError):
        synth(lambda stack: output(stack, name, "v", description))
