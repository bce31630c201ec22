"""ACM: DNS validation of certificates."""

from __future__ import annotations

import os

from emulator.fills import fill

GRACE_ENV = "EMULATOR_ACM_VALIDATION_GRACE"
"""Seconds a DNS-validated certificate waits for its records before VALIDATION_TIMED_OUT (AWS: 72 hours)."""
DEFAULT_GRACE = 120.0


def validation_grace() -> float:
    return float(os.environ.get(GRACE_ENV) or DEFAULT_GRACE)


def dns_name(name: str) -> str:
    """A DNS name as Route 53 and ACM compare it: lower case, no trailing dot."""
    return name.rstrip(".").lower()


def covering_zone_names(record_name: str, zone_names: list[str]) -> list[str]:
    """Of ``zone_names``, the most specific ones the record falls in (DNS answers from that zone only)."""
    name = dns_name(record_name)
    covering = [z for z in zone_names if name == dns_name(z) or name.endswith("." + dns_name(z))]
    longest = max((len(dns_name(z)) for z in covering), default=-1)
    return [z for z in covering if len(dns_name(z)) == longest]


@fill(
    behaviour="A DNS-validated certificate is ISSUED once the CNAME record ACM asks for, for each of its "
    "domains, is in a public Route 53 hosted zone of the account; without it, it stays PENDING_VALIDATION, "
    "then VALIDATION_TIMED_OUT.",
    reference="https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html",
)
def acm_dns_validation_needs_route53_record() -> None:
    """A DNS-validated certificate is issued only when its validation records exist, as on AWS.

    moto issues every requested certificate ``MOTO_ACM_VALIDATION_WAIT``
    seconds (60 by default) after the request, whether or not anyone created
    the CNAME record that DescribeCertificate (``DomainValidationOptions[].
    ResourceRecord``) asks for, so a stack that forgets its validation records
    deploys anyway. Here a certificate of type AMAZON_ISSUED is ISSUED on the
    first read after, for every one of its domains, a CNAME record with that
    name and value is in a hosted zone of the emulator's Route 53 in the same
    account: a public zone (ACM resolves public DNS), the most specific one
    whose name the record falls in (the zone that would answer for it). Each
    domain's ``ValidationStatus`` is SUCCESS once its record is there.

    Without the records AWS keeps the certificate PENDING_VALIDATION for 72
    hours, then reports VALIDATION_TIMED_OUT (CertificateDetail ``Status``;
    https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
    The AWS provider's ``aws_acm_certificate_validation`` waits while the
    status is PENDING_VALIDATION (75 minutes by default) and fails at once on
    any status but ISSUED, so the emulator shortens the 72 hours to a grace
    period: ``$EMULATOR_ACM_VALIDATION_GRACE`` seconds (``--acm-validation-grace``;
    120 by default) after the request a certificate still missing a record
    becomes VALIDATION_TIMED_OUT, its missing domains FAILED, and the
    deploy fails fast with that status instead of waiting. Records created
    within the grace period, by hand or by ``emulator.dns_validator.DnsValidator``,
    validate it, as they would on AWS.
    """
    from typing import Any

    from moto.acm.models import CertBundle
    from moto.core.utils import utcnow
    from moto.route53.models import route53_backends
    from moto.utilities.utils import get_partition

    def has_record(account: str, region: str, name: str, value: str) -> bool:
        backend = route53_backends[account][get_partition(region)]
        zones = [zone for zone in backend.zones.values() if not zone.private_zone]
        authoritative = covering_zone_names(name, [zone.name for zone in zones])
        return any(
            dns_name(record.name) == dns_name(name)
            and record.type == "CNAME"
            and any(dns_name(str(found)) == dns_name(value) for found in record.records or [])
            for zone in zones
            if zone.name in authoritative
            for record in zone.rrsets
        )

    def validated_domains(bundle: CertBundle, options: list[dict[str, Any]]) -> set[str]:
        _, _, _, region, account, _ = bundle.arn.split(":", 5)
        return {
            option["DomainName"]
            for option in options
            if has_record(account, region, option["ResourceRecord"]["Name"], option["ResourceRecord"]["Value"])
        }

    original_describe = CertBundle.describe

    def options_of(bundle: CertBundle) -> list[dict[str, Any]]:
        options: list[dict[str, Any]] = original_describe(bundle)["Certificate"].get("DomainValidationOptions", [])
        return options

    def check(self: CertBundle) -> None:
        if self._not_valid_after(self._cert) <= utcnow():
            self.status = "EXPIRED"
            return
        if self.type != "AMAZON_ISSUED" or self.status != "PENDING_VALIDATION":
            return
        options = options_of(self)
        if validated_domains(self, options) == {option["DomainName"] for option in options}:
            self.status = "ISSUED"
        elif (utcnow() - self.created_at).total_seconds() > validation_grace():
            self.status = "VALIDATION_TIMED_OUT"

    def describe(self: CertBundle) -> dict[str, Any]:
        described: dict[str, Any] = original_describe(self)
        options = described["Certificate"].get("DomainValidationOptions", [])
        if self.type == "AMAZON_ISSUED" and self.status != "ISSUED":
            done = validated_domains(self, options)
            missing = "FAILED" if self.status == "VALIDATION_TIMED_OUT" else "PENDING_VALIDATION"
            for option in options:
                option["ValidationStatus"] = "SUCCESS" if option["DomainName"] in done else missing
        return described

    CertBundle.check = check  # type: ignore[method-assign]
    CertBundle.describe = describe  # type: ignore[method-assign]
