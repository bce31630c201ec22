"""A DNS-validated ACM certificate, its validation records, and the wait for it to be issued."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import TerraformIterator, Token
from cdktf_cdktf_provider_aws.acm_certificate import AcmCertificate
from cdktf_cdktf_provider_aws.acm_certificate_validation import AcmCertificateValidation
from cdktf_cdktf_provider_aws.route53_record import Route53Record
from constructs import Construct


@dataclass(frozen=True)
class ValidatedCertificate:
    """What users of the certificate need."""

    arn: str
    """ARN known only once the certificate is issued: whatever uses it waits for validation."""
    validation_records: object
    """The certificate's ``domain_validation_options``: the CNAME records that validate it."""


def dns_validated_certificate(
    scope: Construct,
    *,
    domain_name: str,
    subject_alternative_names: Sequence[str] = (),
    hosted_zone_id: str | None = None,
) -> ValidatedCertificate:
    """``Certificate``, ``ValidationRecord`` (with a zone) and ``CertificateValidation``, created in ``scope``.

    With ``hosted_zone_id`` the validation records are written there; without,
    the apply waits until someone creates the records (``aws acm
    describe-certificate``). The resources are created directly in ``scope``
    (not in a child construct) so that their addresses stay those of the
    constructs that always had them. The certificate's region is the provider
    ``scope`` is under (CloudFront needs us-east-1).
    """
    certificate = AcmCertificate(
        scope,
        "Certificate",
        domain_name=domain_name,
        subject_alternative_names=list(subject_alternative_names) or None,
        validation_method="DNS",
        lifecycle={"create_before_destroy": True},
        tags={"Name": domain_name},
    )
    fqdns = None
    if hosted_zone_id is not None:
        options = TerraformIterator.from_complex_list(certificate.domain_validation_options, "domain_name")
        records = Route53Record(
            scope,
            "ValidationRecord",
            for_each=options,
            zone_id=hosted_zone_id,
            name=options.get_string("resource_record_name"),
            type=options.get_string("resource_record_type"),
            records=[options.get_string("resource_record_value")],
            ttl=300,
            allow_overwrite=True,
        )
        fqdns = Token.as_list(f"${{[for record in {records.fqn} : record.fqdn]}}")
    validated = AcmCertificateValidation(
        scope, "CertificateValidation", certificate_arn=certificate.arn, validation_record_fqdns=fqdns
    )
    return ValidatedCertificate(validated.certificate_arn, certificate.domain_validation_options)
