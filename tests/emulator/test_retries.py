"""A retried SDK call runs once on the emulator (emulator/retries.py)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import botocore.awsrequest
import botocore.httpsession
import pytest
from botocore.exceptions import ClientError

from emulator.retries import RetryReplay, retryable
from emulator.server import Emulator


def _counting_app(answers: list[tuple[str, bytes]]) -> tuple[RetryReplay, list[str]]:
    runs: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        runs.append(environ["PATH_INFO"])
        status, body = answers[min(len(runs), len(answers)) - 1]
        start_response(status, [("Content-Type", "text/xml")])
        return [body]

    return RetryReplay(app, log=lambda _line: None), runs


def _call(middleware: RetryReplay, invocation: str | None, method: str = "POST", attempt: int = 1) -> tuple[str, bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": "/"}
    if invocation is not None:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
        environ["HTTP_AMZ_SDK_REQUEST"] = f"attempt={attempt}; max=25"
    seen: list[str] = []
    body = b"".join(middleware(environ, lambda status, _headers, _exc=None: seen.append(status)))
    return seen[0], body


def test_a_retry_of_an_answered_call_gets_the_same_answer_and_runs_nothing() -> None:
    middleware, runs = _counting_app([("200 OK", b"<created id='1'/>"), ("400 Bad Request", b"<Code>Conflict</Code>")])
    first = _call(middleware, "inv-1")
    assert _call(middleware, "inv-1", attempt=2) == first == ("200 OK", b"<created id='1'/>")
    assert len(runs) == 1 and middleware.replayed == 1
    # Another invocation (a new call, as the provider's own retry loops make) runs.
    assert _call(middleware, "inv-2") == ("400 Bad Request", b"<Code>Conflict</Code>")
    assert len(runs) == 2


@pytest.mark.parametrize(
    ("status", "body"),
    [
        ("500 Internal Server Error", b"<Code>InternalError</Code>"),
        ("503 Service Unavailable", b""),
        ("429 Too Many Requests", b""),
        ("400 Bad Request", b"<Code>Throttling</Code>"),
        ("400 Bad Request", b'{"__type":"ThrottlingException"}'),
        ("400 Bad Request", b"<Code>RequestLimitExceeded</Code>"),
    ],
)
def test_an_answer_meant_to_be_retried_is_not_kept(status: str, body: bytes) -> None:
    assert retryable(status, body)
    middleware, runs = _counting_app([(status, body), ("200 OK", b"ok")])
    assert _call(middleware, "inv") == (status, body)
    assert _call(middleware, "inv", attempt=2) == ("200 OK", b"ok")
    assert len(runs) == 2 and middleware.replayed == 0


def test_reads_and_calls_without_the_header_always_run() -> None:
    assert not retryable("400 Bad Request", b"<Code>InvalidSubnet.Conflict</Code>")
    middleware, runs = _counting_app([("200 OK", b"a"), ("200 OK", b"b"), ("200 OK", b"c"), ("200 OK", b"d")])
    _call(middleware, "inv", method="GET")
    _call(middleware, "inv", method="GET", attempt=2)
    _call(middleware, None)
    _call(middleware, None)
    assert len(runs) == 4 and middleware.replayed == 0


def test_a_retry_arriving_while_the_first_still_runs_waits_for_its_answer() -> None:
    release = threading.Event()
    runs: list[int] = []

    def slow(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        runs.append(1)
        release.wait(10)
        start_response("200 OK", [])
        return [b"made once"]

    middleware = RetryReplay(slow, log=lambda _line: None)
    answers: list[tuple[str, bytes]] = []
    first = threading.Thread(target=lambda: answers.append(_call(middleware, "inv")))
    first.start()
    while not runs:
        threading.Event().wait(0.01)
    second = threading.Thread(target=lambda: answers.append(_call(middleware, "inv", attempt=2)))
    second.start()
    release.set()
    first.join(10)
    second.join(10)
    assert answers == [("200 OK", b"made once")] * 2 and len(runs) == 1


def test_on_the_emulator_a_resent_create_returns_the_first_answer(emulator: Emulator) -> None:
    """What the Go SDK does when a CreateSubnet answer is lost: the same request again, attempt=2."""
    ec2 = emulator.client("ec2", "210000000090")
    vpc = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    sent: list[botocore.awsrequest.AWSPreparedRequest] = []
    ec2.meta.events.register("before-send.ec2.CreateSubnet", lambda request, **_: sent.append(request))
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.90.1.0/24")["Subnet"]["SubnetId"]

    (request,) = sent
    request.headers["amz-sdk-request"] = "attempt=2; max=25"
    resent = botocore.httpsession.URLLib3Session(verify=emulator.ca_bundle).send(request)
    assert resent.status_code == 200 and subnet.encode() in resent.content
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    assert [s["SubnetId"] for s in subnets] == [subnet]

    # A new call with the same CIDR is a new invocation: refused, as on AWS.
    with pytest.raises(ClientError, match=r"InvalidSubnet\.Conflict"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.90.1.0/24")
    request.headers["amz-sdk-invocation-id"] = str(uuid.uuid4())
    assert botocore.httpsession.URLLib3Session(verify=emulator.ca_bundle).send(request).status_code == 400
    ec2.delete_subnet(SubnetId=subnet)
    ec2.delete_vpc(VpcId=vpc)
