"""LoadBalancer: the only public entry, HTTPS with a validated certificate, HTTP redirected."""

from __future__ import annotations

import dataclasses

import pytest

from infra.constructs.load_balancer import ListenerReference, ListenerTarget, LoadBalancer, Route
from infra.constructs.security_group import SecurityGroup
from infra.props.load_balancer import LoadBalancerProps
from infra.validation import ConfigError
from tests.support.synth import only, policy, resources, synth

PROPS = LoadBalancerProps(domain_name="api.example.com")


def balancer(props: LoadBalancerProps = PROPS, *, forward: bool = True) -> dict:
    def make(stack):
        lb = LoadBalancer(
            stack, "Lb", name="demo-alb", vpc_id="vpc-1", public_subnet_ids=["subnet-a", "subnet-b"], props=props
        )
        if forward:
            lb.add_target("Api", name="demo-api", port=8080, health_check_path="/health")
        lb.declare_outputs()

    return synth(make)


def listeners(stack: dict) -> dict[int, dict]:
    return {listener["port"]: listener for listener in resources(stack, "aws_lb_listener")}


def test_internet_facing_with_invalid_headers_dropped_and_deletion_protection() -> None:
    lb = only(balancer(), "aws_lb")
    assert lb["internal"] is False and lb["load_balancer_type"] == "application"
    assert lb["drop_invalid_header_fields"] is True
    assert lb["enable_deletion_protection"] is True
    assert lb["subnets"] == ["subnet-a", "subnet-b"]
    assert lb["access_logs"]["enabled"] is True


def test_http_redirects_to_https_with_a_modern_policy() -> None:
    by_port = listeners(balancer())
    redirect = by_port[80]["default_action"][0]
    assert redirect["type"] == "redirect"
    assert redirect["redirect"] == {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}
    https = by_port[443]
    assert https["protocol"] == "HTTPS"
    assert https["ssl_policy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert https["default_action"][0]["type"] == "forward"


def test_https_waits_for_the_dns_validated_certificate() -> None:
    stack = balancer()
    certificate = only(stack, "aws_acm_certificate")
    assert certificate["domain_name"] == "api.example.com" and certificate["validation_method"] == "DNS"
    validation = only(stack, "aws_acm_certificate_validation")
    assert "validation_record_fqdns" not in validation
    assert listeners(stack)[443]["certificate_arn"].startswith("${aws_acm_certificate_validation.")
    assert "certificate_validation_records" in stack["output"]


def test_hosted_zone_gets_the_validation_records() -> None:
    stack = balancer(dataclasses.replace(PROPS, hosted_zone_id="Z123"))
    record = only(stack, "aws_route53_record")
    assert record["zone_id"] == "Z123" and "for_each" in record
    assert "fqdn" in only(stack, "aws_acm_certificate_validation")["validation_record_fqdns"]


def test_existing_certificate_is_used_as_is() -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    stack = balancer(LoadBalancerProps(certificate_arn=arn))
    assert "aws_acm_certificate" not in stack["resource"]
    assert listeners(stack)[443]["certificate_arn"] == arn


def test_its_security_group_is_open_to_the_internet_on_80_and_443_only() -> None:
    rules = resources(balancer(), "aws_vpc_security_group_ingress_rule")
    assert sorted((r["from_port"], r["cidr_ipv4"]) for r in rules) == [(80, "0.0.0.0/0"), (443, "0.0.0.0/0")]


def test_access_logs_bucket_lets_only_elb_write_under_its_prefix() -> None:
    stack = balancer()
    bucket_policy = policy(only(stack, "aws_s3_bucket_policy")["policy"])
    (deny, elb) = bucket_policy["Statement"]
    assert deny["Effect"] == "Deny"
    assert elb["Action"] == "s3:PutObject" and "/demo-alb/AWSLogs/" in elb["Resource"]
    rule = only(stack, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "AES256"


@pytest.mark.parametrize("protected", [True, False])
def test_the_access_log_bucket_goes_with_the_load_balancer_only_once_unprotected(protected: bool) -> None:
    """Logs keep arriving (ALB's, and S3's of buckets logging there), so it is never empty at teardown."""
    stack = balancer(dataclasses.replace(PROPS, deletion_protection=protected))
    assert only(stack, "aws_s3_bucket")["force_destroy"] is (not protected)


def test_target_group_health_checks_the_service() -> None:
    group = only(balancer(), "aws_lb_target_group")
    assert group["target_type"] == "ip" and group["port"] == 8080
    assert group["health_check"]["path"] == "/health"


def test_a_second_default_route_is_refused() -> None:
    def make(stack):
        lb = LoadBalancer(stack, "Lb", name="demo-alb", vpc_id="vpc-1", public_subnet_ids=["a"], props=PROPS)
        lb.add_target("One", name="one", port=80, health_check_path="/")
        lb.add_target("Two", name="two", port=80, health_check_path="/")

    with pytest.raises(ConfigError, match=r"demo-alb default route must be taken once \(by one\); got 'two'"):
        synth(make)


def test_without_a_default_target_unmatched_requests_get_404() -> None:
    https = listeners(balancer(forward=False))[443]
    (action,) = https["default_action"]
    assert action["type"] == "fixed-response" and action["fixed_response"]["status_code"] == "404"


def test_several_services_share_it_by_host_and_path() -> None:
    def make(stack):
        lb = LoadBalancer(stack, "Lb", name="demo-alb", vpc_id="vpc-1", public_subnet_ids=["a"], props=PROPS)
        lb.add_target("Platform", name="platform", port=8080, health_check_path="/health")
        lb.add_target(
            "Acme",
            name="acme",
            port=8080,
            health_check_path="/health",
            route=Route(hosts=("acme.example.com",), priority=10),
        )
        lb.add_target("Docs", name="docs", port=80, health_check_path="/", route=Route(paths=("/docs/*",), priority=20))

    stack = synth(make)
    groups = {g["name"]: g for g in resources(stack, "aws_lb_target_group")}
    assert set(groups) == {"platform", "acme", "docs"}
    rules = {r["priority"]: r for r in resources(stack, "aws_lb_listener_rule")}
    assert set(rules) == {10, 20}
    assert rules[10]["condition"] == [{"host_header": {"values": ["acme.example.com"]}}]
    assert rules[20]["condition"] == [{"path_pattern": {"values": ["/docs/*"]}}]
    for rule in rules.values():
        assert rule["listener_arn"].startswith("${aws_lb_listener.") and rule["action"][0]["type"] == "forward"
    https = listeners(stack)[443]
    assert https["default_action"][0]["target_group_arn"].startswith("${aws_lb_target_group.")


def test_a_target_can_attach_to_a_listener_of_another_stack() -> None:
    def make(stack):
        group = SecurityGroup.existing(stack, "AlbGroup", group_id="sg-0123456789abcdef0", name="shared-alb")
        listener = ListenerReference(
            name="shared-alb",
            listener_arn="arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/shared-alb/1/2",
            arn_suffix="app/shared-alb/1",
            security_group=group,
            vpc_id="vpc-1",
        )
        ListenerTarget(
            stack,
            "Tenant",
            listener=listener,
            name="tenant-acme",
            port=8080,
            health_check_path="/health",
            route=Route(hosts=("acme.example.com",), priority=100),
        )

    stack = synth(make)
    assert "aws_security_group" not in stack["resource"], "the other stack's group is only referenced"
    rule = only(stack, "aws_lb_listener_rule")
    assert rule["listener_arn"].endswith("listener/app/shared-alb/1/2")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hosts": ("acme.example.com",)}, "route.priority must be an integer from 1 to 50000"),
        ({"priority": 3}, "route.priority must be unset for the default route"),
        ({"paths": ("docs",), "priority": 1}, "route.paths[0] must be a path pattern starting with /"),
        ({"hosts": ("Not A Host",), "priority": 1}, "route.hosts[0] must be a lower-case fully qualified domain name"),
    ],
)
def test_invalid_routes(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Route(**kwargs)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "domain_name must be set, or certificate_arn set instead"),
        ({"domain_name": "api.example.com", "certificate_arn": "arn:aws:acm:x"}, "exactly one of them"),
        ({"domain_name": "Not A Domain"}, "domain_name must be a lower-case fully qualified domain name"),
        ({"domain_name": "api.example.com", "ssl_policy": "ELBSecurityPolicy-2016-08"}, "ssl_policy must be one of"),
    ],
)
def test_invalid_load_balancer_props(kwargs: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        LoadBalancerProps(**kwargs)
    assert message in str(raised.value)
