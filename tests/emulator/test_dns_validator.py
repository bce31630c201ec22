"""The DNS-validation operator: records for pending certificates, created as docs/local.md tells users to."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from emulator.dns_validator import DnsValidator, zone_name_for
from emulator.server import Emulator

ACCOUNT = "210000000030"
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("domain", "zone"),
    [
        ("api.arrakis.example.com", "arrakis.example.com"),
        ("API.Example.com.", "example.com"),
        ("example.com", "example.com"),
        ("*.staging.example.com", "example.com"),
    ],
)
def test_zone_name_for(domain: str, zone: str) -> None:
    assert zone_name_for(domain) == zone


def _zones(route53: Any) -> dict[str, str]:
    return {z["Id"]: z["Name"] for z in route53.list_hosted_zones()["HostedZones"]}


def _status(acm: Any, arn: str) -> str:
    status: str = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
    return status


def test_dns_validator_creates_a_zone_and_the_records_then_removes_them(emulator: Emulator) -> None:
    acm = emulator.client("acm", ACCOUNT)
    route53 = emulator.client("route53", ACCOUNT)
    zones_before = _zones(route53)
    arn = acm.request_certificate(
        DomainName="api.shop.example.net", SubjectAlternativeNames=["www.shop.example.net"], ValidationMethod="DNS"
    )["CertificateArn"]
    validator = DnsValidator(emulator, ACCOUNT)

    created = validator.validate_pending()

    assert _status(acm, arn) == "ISSUED"
    (zone_id,) = validator.created_zones
    assert _zones(route53)[zone_id] == "shop.example.net."
    assert sorted(r.name for r in created) == sorted(
        o["ResourceRecord"]["Name"]
        for o in acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
    )
    assert validator.validate_pending() == []  # nothing pending any more

    validator.stop()
    assert _zones(route53) == zones_before
    assert validator.created_zones == [] and validator.created_records == []
    acm.delete_certificate(CertificateArn=arn)


def test_dns_validator_uses_the_users_zone_while_a_deploy_runs(emulator: Emulator) -> None:
    acm = emulator.client("acm", ACCOUNT)
    route53 = emulator.client("route53", ACCOUNT)
    users_zone = route53.create_hosted_zone(Name="example.org", CallerReference="users-zone")["HostedZone"]["Id"]

    with DnsValidator(emulator, ACCOUNT, interval=0.1) as validator:
        arn = acm.request_certificate(DomainName="api.example.org", ValidationMethod="DNS")["CertificateArn"]
        deadline = time.monotonic() + 20
        while _status(acm, arn) != "ISSUED" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _status(acm, arn) == "ISSUED"
        assert validator.created_zones == []
        assert [r.zone_id for r in validator.created_records] == [users_zone]
    assert validator.errors == []

    # The user's zone stays, without the record the validator added to it.
    records = route53.list_resource_record_sets(HostedZoneId=users_zone)["ResourceRecordSets"]
    assert sorted(r["Type"] for r in records) == ["NS", "SOA"]
    route53.delete_hosted_zone(Id=users_zone)
    acm.delete_certificate(CertificateArn=arn)


def test_dns_validator_leaves_other_accounts_alone(emulator: Emulator) -> None:
    other = emulator.client("acm", "210000000031")
    arn = other.request_certificate(DomainName="api.other.example", ValidationMethod="DNS")["CertificateArn"]
    validator = DnsValidator(emulator, ACCOUNT)
    assert validator.validate_pending() == []
    assert _status(other, arn) == "PENDING_VALIDATION"
    other.delete_certificate(CertificateArn=arn)


def test_python_m_emulator_operator_validates_until_interrupted(emulator: Emulator) -> None:
    """What a `make emulator` user runs in a shell holding the printed environment."""
    account = "210000000032"
    acm = emulator.client("acm", account)
    route53 = emulator.client("route53", account)
    env = {**os.environ, **emulator.environment(account)}
    operator = subprocess.Popen(
        [sys.executable, "-m", "emulator.dns_validator", "--account", account],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    arn = acm.request_certificate(DomainName="api.cli.example.com", ValidationMethod="DNS")["CertificateArn"]
    deadline = time.monotonic() + 60
    while _status(acm, arn) != "ISSUED" and time.monotonic() < deadline and operator.poll() is None:
        time.sleep(0.3)
    status = _status(acm, arn)
    if operator.poll() is None:
        operator.send_signal(signal.SIGINT)
    output, _ = operator.communicate(timeout=60)
    assert status == "ISSUED", output
    assert operator.returncode == 0, output
    assert "created CNAME _" in output
    assert route53.list_hosted_zones()["HostedZones"] == []
    acm.delete_certificate(CertificateArn=arn)


def test_python_m_emulator_operator_talks_to_the_local_emulator_only() -> None:
    env = {**os.environ, "AWS_ENDPOINT_URL": "https://acm.us-east-1.amazonaws.com", "AWS_CA_BUNDLE": ""}
    refused = subprocess.run(
        [sys.executable, "-m", "emulator.dns_validator", "--account", ACCOUNT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "not the local emulator's endpoint" in refused.stderr


def test_stop_removes_a_zone_of_its_own_it_never_heard_back_about(emulator: Emulator) -> None:
    """A create that reached a busy emulator but whose answer was lost still goes at stop (by its reference)."""
    account = "210000000033"
    route53 = emulator.client("route53", account)
    validator = DnsValidator(emulator, account)
    route53.create_hosted_zone(Name="lost.example.com", CallerReference=f"{validator.reference}lost")
    route53.create_hosted_zone(Name="kept.example.com", CallerReference="someone-else")
    validator.start()
    validator.stop()
    assert sorted(_zones(route53).values()) == ["kept.example.com."]
    for zone in route53.list_hosted_zones()["HostedZones"]:
        route53.delete_hosted_zone(Id=zone["Id"])
