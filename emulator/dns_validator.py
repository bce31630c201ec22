"""What an operator does by hand for a deploy on the emulator, done by a program.

The manual (docs/systems/freeside.md) tells users deploying a stack without a
hosted zone to create the CNAME record the certificate asks for; on AWS the
deploy waits until they have (fills.acm makes the emulator as strict).
:class:`DnsValidator` is that operator: while it runs it creates, for every
certificate pending DNS validation in an account, the records
DescribeCertificate asks for, in a public hosted zone of the emulator's
Route 53, exactly as a user would with
``aws route53 create-hosted-zone`` and ``aws route53 change-resource-record-sets``.

make up runs one around its deploys, and so the deploy tests (infra/up/cli.py). Users of
``make emulator`` can run it in a shell holding the printed environment:

    python -m emulator.dns_validator --account 891376933289 [--region us-east-1 ...]

It creates records until interrupted, then removes what it created.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import boto3
from botocore.exceptions import ClientError

from emulator.fills.acm import covering_zone_names, dns_name
from emulator.server import Emulator


def zone_name_for(domain: str) -> str:
    """The zone a user would create for a certificate's domain: its parent, unless that is a top-level domain."""
    labels = dns_name(domain).removeprefix("*.").split(".")
    return ".".join(labels[1:] if len(labels) > 2 else labels)


@dataclass(frozen=True)
class ValidationRecord:
    zone_id: str
    name: str
    value: str


@dataclass
class DnsValidator:
    """Creates the DNS validation records of ``account``'s pending certificates in ``regions``.

    Use as a context manager around a deploy (or ``start()`` / ``stop()``); each pass
    (``validate_pending()``) can also be run on its own. On stop it removes the
    records and hosted zones it created, leaving the emulator as it found it.
    """

    emulator: Emulator
    account: str
    regions: Iterable[str] = ("us-east-1",)
    interval: float = 2.0
    """Seconds between passes: well inside ACM's grace period, and light on a busy emulator."""
    created_zones: list[str] = field(default_factory=list)
    """Ids of the hosted zones this validator created."""
    created_records: list[ValidationRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """Failed passes (the next pass tries again); empty when all went well."""
    reference: str = field(default_factory=lambda: f"dns-validator-{uuid.uuid4().hex[:12]}-")
    """Prefix of the CallerReference of every zone this validator creates: ``stop`` removes each, also one
    whose create reached the emulator but whose answer did not reach us (a busy emulator)."""
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _session: boto3.session.Session | None = field(default=None, repr=False)

    def _client(self, service: str, region: str = "us-east-1") -> Any:
        # A session of its own: boto3's default session is not safe to share across threads.
        if self._session is None:
            self._session = boto3.session.Session()
        return self.emulator.client(service, self.account, region, session=self._session)

    def pending_records(self) -> list[tuple[str, str, str]]:
        """(domain, record name, record value) of every certificate still PENDING_VALIDATION."""
        wanted = []
        for region in self.regions:
            acm = self._client("acm", region)
            pages = acm.get_paginator("list_certificates").paginate(CertificateStatuses=["PENDING_VALIDATION"])
            for summary in (s for page in pages for s in page["CertificateSummaryList"]):
                detail = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
                for option in detail.get("DomainValidationOptions", []):
                    record = option.get("ResourceRecord")
                    if record and option.get("ValidationStatus") != "SUCCESS":
                        wanted.append((option["DomainName"], record["Name"], record["Value"]))
        return wanted

    def validate_pending(self) -> list[ValidationRecord]:
        """One pass: create the records pending certificates ask for; returns those created."""
        route53 = self._client("route53")
        created = []
        for domain, name, value in self.pending_records():
            zones = [z for z in _all_zones(route53) if not z["Config"].get("PrivateZone")]
            covering = covering_zone_names(name, [z["Name"] for z in zones])
            zone_id = next((z["Id"] for z in zones if z["Name"] in covering), None)
            if zone_id is None:
                zone_id = route53.create_hosted_zone(
                    Name=zone_name_for(domain), CallerReference=f"{self.reference}{uuid.uuid4()}"
                )["HostedZone"]["Id"]
                self.created_zones.append(zone_id)
            route53.change_resource_record_sets(
                HostedZoneId=zone_id,
                ChangeBatch={"Changes": [_change("UPSERT", name, value)]},
            )
            record = ValidationRecord(zone_id, name, value)
            if record not in self.created_records:
                self.created_records.append(record)
            created.append(record)
        return created

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.validate_pending()
            except Exception as error:  # the emulator may be busy; the next pass tries again
                self.errors.append(f"{type(error).__name__}: {error}")
            self._stop.wait(self.interval)

    def start(self) -> DnsValidator:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"dns-validator-{self.account}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop creating records, then remove the records and zones this validator created."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=300)  # a pass under way may still create a zone: let it end first
            self._thread = None
        route53 = self._client("route53")
        for record in self.created_records:
            with contextlib.suppress(ClientError):  # already removed by someone else
                route53.change_resource_record_sets(
                    HostedZoneId=record.zone_id, ChangeBatch={"Changes": [_change("DELETE", record.name, record.value)]}
                )
        self.created_records.clear()
        ours = [z["Id"] for z in _all_zones(route53) if str(z.get("CallerReference", "")).startswith(self.reference)]
        for zone_id in dict.fromkeys([*self.created_zones, *ours]):
            route53.delete_hosted_zone(Id=zone_id)
        self.created_zones.clear()

    def __enter__(self) -> DnsValidator:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _change(action: str, name: str, value: str) -> dict[str, Any]:
    return {
        "Action": action,
        "ResourceRecordSet": {"Name": name, "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": value}]},
    }


def _all_zones(route53: Any) -> list[dict[str, Any]]:
    return [zone for page in route53.get_paginator("list_hosted_zones").paginate() for zone in page["HostedZones"]]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator.dns_validator",
        description="Create the DNS validation records of pending certificates in the running emulator "
        "(AWS_ENDPOINT_URL, AWS_CA_BUNDLE) until interrupted.",
    )
    parser.add_argument("--account", required=True, help="account whose certificates to validate")
    parser.add_argument(
        "--region", action="append", help="region of the certificates (repeatable; default: $AWS_REGION or us-east-1)"
    )
    args = parser.parse_args(argv)
    endpoint, ca_bundle = os.environ.get("AWS_ENDPOINT_URL", ""), os.environ.get("AWS_CA_BUNDLE", "")
    try:
        emulator = Emulator.attach(endpoint, ca_bundle)
    except (ValueError, RuntimeError) as error:
        print(f"{error}; paste the environment `make emulator` printed first", file=sys.stderr)
        return 2
    regions = args.region or [os.environ.get("AWS_REGION") or "us-east-1"]
    validator = DnsValidator(emulator, args.account, regions)
    print(f"Validating certificates of {args.account} in {', '.join(regions)}; Ctrl-C stops.", flush=True)
    reported: list[ValidationRecord] = []

    def report() -> None:
        for record in [r for r in validator.created_records if r not in reported]:
            print(f"created CNAME {record.name} -> {record.value} in {record.zone_id}", flush=True)
            reported.append(record)

    with validator:
        try:
            while True:
                report()
                threading.Event().wait(0.5)
        except KeyboardInterrupt:
            report()
            print("stopping; removing the records and zones created", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
