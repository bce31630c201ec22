"""An internet-facing Application Load Balancer: HTTPS with a DNS-validated certificate, HTTP redirected."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cdktf import TerraformIterator, Token
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.data_aws_elb_service_account import DataAwsElbServiceAccount
from cdktf_cdktf_provider_aws.lb import Lb, LbAccessLogs
from cdktf_cdktf_provider_aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionRedirect,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from constructs import Construct

from infra import validation
from infra.constructs.aws_context import account_id, partition
from infra.constructs.iam import Statement
from infra.constructs.outputs import output
from infra.constructs.private_bucket import PrivateBucket, PrivateBucketProps
from infra.constructs.security_group import ANY_IPV4, SecurityGroup
from infra.validation import ConfigError

SSL_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True, kw_only=True)
class LoadBalancerProps:
    """Certificate, TLS and protection of the load balancer."""

    domain_name: str | None = None
    """Create and DNS-validate a certificate for this name (give this or certificate_arn)."""
    certificate_arn: str | None = None
    """Use an existing issued ACM certificate instead of creating one."""
    hosted_zone_id: str | None = None
    """Route53 zone to write the validation records into; without it they are an output to create by hand."""
    ssl_policy: str = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    """TLS 1.3 and 1.2 with forward-secret ciphers only."""
    deletion_protection: bool = True
    """ELB refuses to delete the load balancer until this is turned off."""
    idle_timeout_seconds: int = 60
    enable_access_logs: bool = True
    """Request logs to an S3 bucket of their own (SSE-S3: ELB cannot write with KMS)."""
    access_log_retention_days: int = 90
    """Access logs older than this are deleted."""

    def __post_init__(self) -> None:
        if (self.domain_name is None) == (self.certificate_arn is None):
            raise ConfigError(
                "domain_name", "set, or certificate_arn set instead (exactly one of them)", self.domain_name
            )
        if self.domain_name is not None and not _DOMAIN.match(self.domain_name):
            raise ConfigError("domain_name", "a lower-case fully qualified domain name", self.domain_name)
        if self.certificate_arn is not None and not self.certificate_arn.startswith("arn:aws"):
            raise ConfigError("certificate_arn", "an ACM certificate ARN", self.certificate_arn)
        if self.hosted_zone_id is not None and self.domain_name is None:
            raise ConfigError("hosted_zone_id", "unset when an existing certificate is used", self.hosted_zone_id)
        validation.one_of("ssl_policy", self.ssl_policy, SSL_POLICIES)
        validation.int_between("idle_timeout_seconds", self.idle_timeout_seconds, 1, 4000)
        validation.int_between("access_log_retention_days", self.access_log_retention_days, 1, 3650)


@dataclass(frozen=True)
class LoadBalancerTarget:
    """Where a service registers its tasks."""

    target_group: LbTargetGroup
    listener: LbListener
    port: int
    load_balancer: LoadBalancer


class LoadBalancer(Construct):
    """The only public entry: its security group is the only one open to the internet (80 and 443).

    Port 80 answers with a permanent redirect to 443. The HTTPS listener waits
    for the certificate to be issued (ELB refuses a pending one): with
    ``hosted_zone_id`` the validation records are created, otherwise the apply
    waits until someone creates the records shown by
    ``aws acm describe-certificate`` (also the output ``certificate_validation_records``).
    Invalid header fields are dropped. Call :meth:`forward_to` once for the
    target that HTTPS traffic goes to.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        vpc_id: str,
        public_subnet_ids: list[str],
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
        if props.enable_access_logs:
            logs_bucket = self._access_log_bucket()
            access_logs = LbAccessLogs(bucket=logs_bucket.name, prefix=name, enabled=True)
            depends_on.append(logs_bucket.policy)
        self.lb = Lb(
            self,
            "LoadBalancer",
            name=name,
            internal=False,
            load_balancer_type="application",
            security_groups=[self.security_group.id],
            subnets=public_subnet_ids,
            drop_invalid_header_fields=True,
            enable_deletion_protection=props.deletion_protection,
            idle_timeout=props.idle_timeout_seconds,
            access_logs=access_logs,
            tags={"Name": name},
            depends_on=depends_on,
        )
        self.dns_name = self.lb.dns_name
        self.zone_id = self.lb.zone_id
        self.arn_suffix = self.lb.arn_suffix
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
        self.target: LoadBalancerTarget | None = None
        output(self, "alb_dns_name", self.lb.dns_name, "DNS name of the load balancer (point the API's DNS alias here)")
        output(self, "alb_zone_id", self.lb.zone_id, "Route53 zone id of the load balancer, for alias records")

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
        certificate = AcmCertificate(
            self,
            "Certificate",
            domain_name=props.domain_name,
            validation_method="DNS",
            lifecycle={"create_before_destroy": True},
            tags={"Name": props.domain_name or ""},
        )
        output(
            self,
            "certificate_validation_records",
            certificate.domain_validation_options,
            "DNS records (CNAME) that validate the certificate: create them unless a hosted zone is configured",
        )
        fqdns = None
        if props.hosted_zone_id is not None:
            options = TerraformIterator.from_complex_list(certificate.domain_validation_options, "domain_name")
            records = Route53Record(
                self,
                "ValidationRecord",
                for_each=options,
                zone_id=props.hosted_zone_id,
                name=options.get_string("resource_record_name"),
                type=options.get_string("resource_record_type"),
                records=[options.get_string("resource_record_value")],
                ttl=300,
                allow_overwrite=True,
            )
            fqdns = Token.as_list(f"${{[for record in {records.fqn} : record.fqdn]}}")
        validated = AcmCertificateValidation(
            self, "CertificateValidation", certificate_arn=certificate.arn, validation_record_fqdns=fqdns
        )
        return validated.certificate_arn

    def forward_to(self, *, name: str, port: int, health_check_path: str) -> LoadBalancerTarget:
        """Create the target group (IP targets) and the HTTPS listener that forwards to it."""
        if self.target is not None:
            raise ConfigError(f"{self.name} target", "a single forward_to() per load balancer", name)
        validation.resource_name("target group name", name, max_length=32)
        validation.int_between("target port", port, 1, 65535)
        if not health_check_path.startswith("/"):
            raise ConfigError("health_check_path", "a path starting with /", health_check_path)
        target_group = LbTargetGroup(
            self,
            "TargetGroup",
            name=name,
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=self.vpc_id,
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
        listener = LbListener(
            self,
            "HttpsListener",
            load_balancer_arn=self.lb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=self.props.ssl_policy,
            certificate_arn=self.certificate_arn,
            default_action=[LbListenerDefaultAction(type="forward", target_group_arn=target_group.arn)],
        )
        self.target = LoadBalancerTarget(target_group, listener, port, self)
        return self.target
