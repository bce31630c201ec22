"""The ACM fill (emulator/fills/acm.py) against a live emulator, and what it must not accept."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from emulator.server import Emulator

ACCOUNT = "210000000020"
OTHER = "210000000021"


def _request(acm: Any, domain: str, *alternatives: str) -> str:
    arn: str = acm.request_certificate(
        DomainName=domain, SubjectAlternativeNames=[domain, *alternatives], ValidationMethod="DNS"
    )["CertificateArn"]
    return arn


def _status(acm: Any, arn: str) -> tuple[str, dict[str, str]]:
    detail = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    return detail["Status"], {o["DomainName"]: o["ValidationStatus"] for o in detail["DomainValidationOptions"]}


def _records(acm: Any, arn: str) -> dict[str, tuple[str, str]]:
    options = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
    return {o["DomainName"]: (o["ResourceRecord"]["Name"], o["ResourceRecord"]["Value"]) for o in options}


def _zone(route53: Any, name: str, private_vpc: str | None = None) -> str:
    settings: dict[str, Any] = {"Name": name, "CallerReference": f"{name}-{time.monotonic()}"}
    if private_vpc:
        settings["VPC"] = {"VPCRegion": "us-east-1", "VPCId": private_vpc}
        settings["HostedZoneConfig"] = {"PrivateZone": True}
    zone_id: str = route53.create_hosted_zone(**settings)["HostedZone"]["Id"]
    return zone_id


def _cname(route53: Any, zone_id: str, name: str, value: str, action: str = "UPSERT") -> None:
    record = {"Name": name, "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": value}]}
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": action, "ResourceRecordSet": record}]}
    )


def test_acm_dns_validation_needs_route53_record(emulator: Emulator) -> None:
    acm = emulator.client("acm", ACCOUNT)
    route53 = emulator.client("route53", ACCOUNT)
    arn = _request(acm, "api.shop.example.test", "www.shop.example.test")
    records = _records(acm, arn)
    api_name, value = records["api.shop.example.test"]
    www_name, _ = records["www.shop.example.test"]
    pending = (
        "PENDING_VALIDATION",
        {"api.shop.example.test": "PENDING_VALIDATION", "www.shop.example.test": "PENDING_VALIDATION"},
    )
    assert _status(acm, arn) == pending

    # Not over-filled: records ACM cannot see do not validate.
    vpc = emulator.client("ec2", ACCOUNT).create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
    private = _zone(route53, "shop.example.test", private_vpc=vpc)  # a private zone is not public DNS
    _cname(route53, private, api_name, value)
    other_account = emulator.client("route53", OTHER)
    elsewhere = _zone(other_account, "shop.example.test")  # another account's zone is not this account's
    _cname(other_account, elsewhere, api_name, value)
    public = _zone(route53, "shop.example.test")
    _cname(route53, public, api_name, "_wrong.acm-validations.aws.")  # the wrong value
    assert _status(acm, arn) == pending

    # One domain validated: that domain succeeds, the certificate waits for the other.
    _cname(route53, public, api_name, value)
    assert _status(acm, arn) == (
        "PENDING_VALIDATION",
        {"api.shop.example.test": "SUCCESS", "www.shop.example.test": "PENDING_VALIDATION"},
    )
    # A more specific zone answers for its names: the record in the parent zone no longer counts.
    specific = _zone(route53, "api.shop.example.test")
    assert _status(acm, arn)[1]["api.shop.example.test"] == "PENDING_VALIDATION"
    _cname(route53, specific, api_name, value)
    _cname(route53, public, www_name, value)
    assert _status(acm, arn) == ("ISSUED", {"api.shop.example.test": "SUCCESS", "www.shop.example.test": "SUCCESS"})

    acm.delete_certificate(CertificateArn=arn)
    for client, zone_id in ((route53, private), (other_account, elsewhere), (route53, public), (route53, specific)):
        for record in client.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]:
            if record["Type"] == "CNAME":
                client.change_resource_record_sets(
                    HostedZoneId=zone_id, ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": record}]}
                )
        client.delete_hosted_zone(Id=zone_id)
    emulator.client("ec2", ACCOUNT).delete_vpc(VpcId=vpc)


@pytest.fixture(scope="module")
def impatient_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """An emulator whose certificates time out 2 s after the request without their records."""
    running = Emulator.start(tmp_path_factory.mktemp("impatient") / "moto.log", acm_validation_grace=2)
    yield running
    running.stop()


def test_acm_dns_validation_needs_route53_record_times_out(impatient_emulator: Emulator) -> None:
    acm = impatient_emulator.client("acm", ACCOUNT)
    route53 = impatient_emulator.client("route53", ACCOUNT)
    zone = _zone(route53, "example.test")
    forgotten = _request(acm, "forgotten.example.test")
    validated = _request(acm, "validated.example.test")
    name, value = _records(acm, validated)["validated.example.test"]
    _cname(route53, zone, name, value)
    time.sleep(2.5)

    # Past the grace period: VALIDATION_TIMED_OUT, which the provider's waiter fails on at once.
    assert _status(acm, forgotten) == ("VALIDATION_TIMED_OUT", {"forgotten.example.test": "FAILED"})
    late_name, late_value = _records(acm, forgotten)["forgotten.example.test"]
    _cname(route53, zone, late_name, late_value)
    assert _status(acm, forgotten)[0] == "VALIDATION_TIMED_OUT"  # too late, as on AWS after 72 hours
    # Not over-filled: a certificate whose record was there in time is issued.
    assert _status(acm, validated) == ("ISSUED", {"validated.example.test": "SUCCESS"})
