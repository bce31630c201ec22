"""An internet-facing Application Load Balancer: HTTPS with a DNS-validated certificate, HTTP redirected.

Several services share one load balancer: each is a :class:`ListenerTarget`
(a target group, and a listener rule routing by host name or path unless it
is the default target). A target can also attach to a load balancer made in
another stack, through a :class:`ListenerReference`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.data_aws_lb import DataAwsLb
from cdktf_cdktf_provider_aws.data_aws_lb_listener import DataAwsLbListener
from cdktf_cdktf_provider_aws.lb import Lb, LbAccessLogs
from cdktf_cdktf_provider_aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionFixedResponse,
    LbListenerDefaultActionRedirect,
)
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionHostHeader,
    LbListenerRuleConditionPathPattern,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, partition
from infra.constructs.certificate import dns_validated_certificate
from infra.constructs.iam import Statement
from infra.constructs.outputs import output
from infra.constructs.private_bucket import PrivateBucket
from infra.constructs.protection import deletion_guard
from infra.constructs.security_group import ANY_IPV4, SecurityGroup
from infra.props.load_balancer import LoadBalancerProps
from infra.props.private_bucket import PrivateBucketProps
from infra.validation import ConfigError

_PATH_PATTERN = re.compile(r"^/[A-Za-z0-9_\-.$/~\"'@:+*?&=]{0,127}$")


@dataclass(frozen=True, kw_only=True)
class ListenerReference:
    """The HTTPS listener targets attach to: a LoadBalancer of this stack or one another stack made.

    For another stack's, build it from that stack's outputs or data sources
    (listener ARN, the load balancer's ARN suffix and security group id, the VPC).
    """

    name: str
    """The load balancer's name (alarm names start with it)."""
    listener_arn: str
    arn_suffix: str
    """``app/<name>/<id>``: the LoadBalancer dimension of its metrics."""
    security_group: SecurityGroup
    vpc_id: str
    listener: LbListener | None = None
    """The listener resource when it is in this stack (targets wait for it)."""


@dataclass(frozen=True, kw_only=True)
class Route:
    """Which requests a target receives: host names and/or path patterns (both must match when both are set).

    A route with neither is the listener's default: requests no rule matches.
    """

    hosts: tuple[str, ...] = ()
    """Host headers, e.g. ``("acme.solobase.app",)``; ``*`` wildcards allowed."""
    paths: tuple[str, ...] = ()
    """Path patterns, e.g. ``("/api/*",)``."""
    priority: int | None = None
    """Rule priority (1-50000, lower first); required unless this is the default route."""

    def __post_init__(self) -> None:
        if len(self.hosts) + len(self.paths) > 5:
            raise ConfigError("route", "at most 5 host and path values (an ALB rule's limit)", self.hosts + self.paths)
        for index, host in enumerate(self.hosts):
            validation.hostname(f"route.hosts[{index}]", host.replace("*", "wildcard"))
        for index, path in enumerate(self.paths):
            if not _PATH_PATTERN.match(path):
                raise ConfigError(f"route.paths[{index}]", "a path pattern starting with / (at most 128)", path)
        if self.is_default:
            if self.priority is not None:
                raise ConfigError("route.priority", "unset for the default route (no hosts, no paths)", self.priority)
        elif self.priority is None:
            raise ConfigError("route.priority", "an integer from 1 to 50000 for a host or path route", None)
        else:
            validation.int_between("route.priority", self.priority, 1, 50000)

    @property
    def is_default(self) -> bool:
        return not self.hosts and not self.paths


DEFAULT_ROUTE = Route()


class ListenerTarget(Construct):
    """A target group (IP targets, HTTP health checks) receiving what ``route`` sends it from ``listener``.

    A host or path route is a listener rule; the default route becomes the
    listener's default action (LoadBalancer.add_target does that, once).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        listener: ListenerReference,
        name: str,
        port: int,
        health_check_path: str,
        route: Route = DEFAULT_ROUTE,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("target group name", name, max_length=32)
        validation.int_between("target port", port, 1, 65535)
        if not health_check_path.startswith("/"):
            raise ConfigError("health_check_path", "a path starting with /", health_check_path)
        self.name = name
        self.listener = listener
        self.port = port
        self.route = route
        self.target_group = LbTargetGroup(
            self,
            "TargetGroup",
            name=name,
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=listener.vpc_id,
            deregistration_delay="30",
            health_check=LbTargetGroupHealthCheck(
                enabled=True,
                path=health_check_path,
                protocol="HTTP",
                matcher="200-399",
                interval=30,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
            tags={"Name": name},
        )
        self.rule: LbListenerRule | None = None
        if not route.is_default:
            conditions = []
            if route.hosts:
                conditions.append(
                    LbListenerRuleCondition(host_header=LbListenerRuleConditionHostHeader(values=list(route.hosts)))
                )
            if route.paths:
                conditions.append(
                    LbListenerRuleCondition(path_pattern=LbListenerRuleConditionPathPattern(values=list(route.paths)))
                )
            self.rule = LbListenerRule(
                self,
                "Rule",
                listener_arn=listener.listener_arn,
                priority=route.priority,
                action=[LbListenerRuleAction(type="forward", target_group_arn=self.target_group.arn)],
                condition=conditions,
                tags={"Name": name},
            )

    @property
    def dependencies(self) -> list[ITerraformDependable]:
        """What a service registering here must wait for: ECS refuses a target group no listener uses."""
        if self.rule is not None:
            return [self.rule]
        return [self.listener.listener] if self.listener.listener is not None else []


class LoadBalancerLookup(Construct):
    """A :class:`LoadBalancer` another stack made, found by name: its HTTPS listener as :attr:`reference`.

    Its security group is the one named like it in ``vpc_id``; rules a target
    here adds to it belong to this stack.
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, vpc_id: str) -> None:
        super().__init__(scope, id_)
        validation.resource_name("load balancer name", name, max_length=32)
        lb = DataAwsLb(self, "LoadBalancer", name=name)
        listener = DataAwsLbListener(self, "HttpsListener", load_balancer_arn=lb.arn, port=443)
        self.reference = ListenerReference(
            name=name,
            listener_arn=listener.arn,
            arn_suffix=lb.arn_suffix,
            security_group=SecurityGroup.by_name(self, "SecurityGroup", name=name, vpc_id=vpc_id),
            vpc_id=vpc_id,
        )
        self.dns_name = lb.dns_name
        self.zone_id = lb.zone_id


class LoadBalancer(Construct):
    """The only public entry: its security group is the only one open to the internet (80 and 443).

    Port 80 answers with a permanent redirect to 443. The HTTPS listener waits
    for the certificate to be issued (ELB refuses a pending one): with
    ``hosted_zone_id`` the validation records are created, otherwise the apply
    waits until someone creates the records shown by
    ``aws acm describe-certificate`` (also the output ``certificate_validation_records``).
    Invalid header fields are dropped. Requests that no target's route
    matches get a plain 404 unless a target takes the default route.
    Add targets with :meth:`add_target`; other stacks attach through :attr:`reference`.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        vpc_id: str,
        public_subnet_ids: Sequence[str],
        props: LoadBalancerProps,
    ) -> None:
        super().__init__(scope, id_)
        validation.resource_name("load balancer name", name, max_length=32)
        self.name = name
        self.props = props
        self.vpc_id = vpc_id
        self.security_group = SecurityGroup(
            self, "SecurityGroup", name=name, description=f"Internet to {name} on 80 and 443", vpc_id=vpc_id
        )
        self.security_group.allow_from_cidr(ANY_IPV4, 443, label="HTTPS from the internet")
        self.security_group.allow_from_cidr(ANY_IPV4, 80, label="HTTP from the internet, redirected")

        access_logs = None
        depends_on = []
        self.access_log_bucket: PrivateBucket | None = None
        """The bucket of the access logs (SSE-S3), when on; other buckets' server access logs may join them."""
        if props.enable_access_logs:
            logs_bucket = self.access_log_bucket = self._access_log_bucket()
            access_logs = LbAccessLogs(bucket=logs_bucket.name, prefix=name, enabled=True)
            depends_on.append(logs_bucket.policy)
        self.lb = Lb(
            self,
            "LoadBalancer",
            name=name,
            internal=False,
            load_balancer_type="application",
            security_groups=[self.security_group.id],
            subnets=list(public_subnet_ids),
            drop_invalid_header_fields=True,
            enable_deletion_protection=props.deletion_protection,
            lifecycle=deletion_guard(props.deletion_protection),
            idle_timeout=props.idle_timeout_seconds,
            access_logs=access_logs,
            tags={"Name": name},
            depends_on=depends_on,
        )
        self.dns_name = self.lb.dns_name
        self.zone_id = self.lb.zone_id
        self.arn_suffix = self.lb.arn_suffix
        self._validation_records: object = None
        self.certificate_arn = self._certificate()
        LbListener(
            self,
            "HttpListener",
            load_balancer_arn=self.lb.arn,
            port=80,
            protocol="HTTP",
            default_action=[
                LbListenerDefaultAction(
                    type="redirect",
                    redirect=LbListenerDefaultActionRedirect(port="443", protocol="HTTPS", status_code="HTTP_301"),
                )
            ],
        )
        self.https_listener = LbListener(
            self,
            "HttpsListener",
            load_balancer_arn=self.lb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=props.ssl_policy,
            certificate_arn=self.certificate_arn,
            default_action=[
                LbListenerDefaultAction(
                    type="fixed-response",
                    fixed_response=LbListenerDefaultActionFixedResponse(
                        content_type="text/plain", message_body="Not found", status_code="404"
                    ),
                )
            ],
        )
        self.reference = ListenerReference(
            name=name,
            listener_arn=self.https_listener.arn,
            arn_suffix=self.lb.arn_suffix,
            security_group=self.security_group,
            vpc_id=vpc_id,
            listener=self.https_listener,
        )
        self.targets: dict[str, ListenerTarget] = {}
        self.default_target: ListenerTarget | None = None

    def _access_log_bucket(self) -> PrivateBucket:
        account = account_id(self)
        bucket_name = f"{self.name}-alb-logs-{account}"
        elb_account = DataAwsElbServiceAccount(self, "ElbServiceAccount")
        return PrivateBucket(
            self,
            "AccessLogs",
            bucket_name=bucket_name,
            props=PrivateBucketProps(
                sse_algorithm="AES256",
                noncurrent_version_expiration_days=7,
                expiration_days=self.props.access_log_retention_days,
            ),
            # Logs keep arriving until the end (ALB's, and S3's of the buckets logging here), so the bucket is
            # never empty: it goes with an unprotected load balancer (the documented teardown turns protection
            # off first), and never while protection is on.
            force_destroy=not self.props.deletion_protection,
            policy_statements=[
                Statement(
                    sid="ElbWritesAccessLogs",
                    principals={"AWS": elb_account.arn},
                    actions=["s3:PutObject"],
                    resources=[f"arn:{partition(self)}:s3:::{bucket_name}/{self.name}/AWSLogs/{account}/*"],
                )
            ],
        )

    def _certificate(self) -> str:
        props = self.props
        if props.certificate_arn is not None:
            return props.certificate_arn
        certificate = dns_validated_certificate(
            self,
            domain_name=props.domain_name or "",
            subject_alternative_names=props.subject_alternative_names,
            hosted_zone_id=props.hosted_zone_id,
        )
        self._validation_records = certificate.validation_records
        return certificate.arn

    def add_target(
        self, key: str, *, name: str, port: int, health_check_path: str, route: Route = DEFAULT_ROUTE
    ) -> ListenerTarget:
        """A target group behind the HTTPS listener; the default route (at most one) becomes its default action."""
        if key in self.targets:
            raise ConfigError(f"{self.name} target", "a key not used before on this load balancer", key)
        if route.is_default and self.default_target is not None:
            raise ConfigError(f"{self.name} default route", f"taken once (by {self.default_target.name})", name)
        target = ListenerTarget(
            self,
            f"{key}Target",
            listener=self.reference,
            name=name,
            port=port,
            health_check_path=health_check_path,
            route=route,
        )
        if route.is_default:
            self.https_listener.put_default_action(
                [LbListenerDefaultAction(type="forward", target_group_arn=target.target_group.arn)]
            )
            self.default_target = target
        self.targets[key] = target
        return target

    def declare_outputs(self, prefix: str = "") -> None:
        """``<prefix>alb_dns_name``, ``alb_zone_id``, ``alb_https_listener_arn`` and the validation records."""
        output(self, f"{prefix}alb_dns_name", self.dns_name, f"DNS name of {self.name} (point the DNS alias here)")
        output(self, f"{prefix}alb_zone_id", self.zone_id, f"Route53 zone id of {self.name}, for alias records")
        output(
            self,
            f"{prefix}alb_https_listener_arn",
            self.https_listener.arn,
            f"HTTPS listener of {self.name}: other stacks attach host rules to it",
        )
        if self._validation_records is not None:
            output(
                self,
                f"{prefix}certificate_validation_records",
                self._validation_records,
                "DNS records (CNAME) that validate the certificate: create them unless a hosted zone is configured",
            )
