"""IAM and STS: which account an access key belongs to."""

from __future__ import annotations

from emulator.accounts import ACCESS_KEY_SUFFIX
from emulator.fills import fill


@fill(
    behaviour="An access key id belongs to one account: requests signed with it act in that account.",
    reference="https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html",
)
def account_from_access_key() -> None:
    """An access key id ``<12-digit account>EMULATOR`` selects that account.

    moto 5.2.5 maps every access key it did not issue to 123456789012. With
    this, stacks pinned to an account (``allowed_account_ids``) deploy as that
    account, and stacks in different accounts do not see each other.
    """
    import re

    from moto.iam import models

    original = models.get_account_id_from
    pattern = re.compile(rf"(\d{{12}}){ACCESS_KEY_SUFFIX}")

    def get_account_id_from(access_key: str) -> str:
        match = pattern.fullmatch(access_key)
        if match:
            return match.group(1)
        account: str = original(access_key)
        return account

    models.get_account_id_from = get_account_id_from


@fill(
    behaviour="The account's root user may call every action; IAM policies do not limit it.",
    reference="https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
)
def root_user_access_key() -> None:
    """With IAM enforced (``python -m emulator --iam``), ``<account>EMULATOR`` is the root user's key.

    moto 5.2.5 enforcing IAM knows only keys it issued (IAM users', role
    sessions'); any other key is refused (InvalidClientTokenId), so nothing
    could set up the account. Here the emulator's own key authenticates (secret
    ``emulator``) as ``arn:aws:iam::<account>:root`` and may call every action,
    as the root user may on AWS (no organization, no service control policy).
    Keys moto issued are checked by moto as before; without ``--iam`` nothing
    is checked and this changes nothing.
    """
    import json
    import re

    from botocore.credentials import Credentials
    from moto.iam import access_control

    from emulator.accounts import SECRET_ACCESS_KEY

    original = access_control.create_access_key
    pattern = re.compile(rf"(\d{{12}}){ACCESS_KEY_SUFFIX}")
    allow_all = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )

    class RootAccessKey:
        def __init__(self, account_id: str, partition: str, access_key_id: str) -> None:
            self.account_id = account_id
            self.partition = partition
            self.access_key_id = access_key_id

        @property
        def arn(self) -> str:
            return f"arn:{self.partition}:iam::{self.account_id}:root"

        def create_credentials(self) -> Credentials:
            return Credentials(self.access_key_id, SECRET_ACCESS_KEY)

        def collect_policies(self) -> list[str]:
            return [allow_all]

    def create_access_key(account_id: str, partition: str, access_key_id: str, headers: dict[str, str]) -> object:
        match = pattern.fullmatch(access_key_id)
        if match and match.group(1) == account_id and "X-Amz-Security-Token" not in headers:
            return RootAccessKey(account_id, partition, access_key_id)
        return original(account_id, partition, access_key_id, headers)

    access_control.create_access_key = create_access_key  # type: ignore[assignment]


@fill(
    behaviour="A request naming an IAM role is authorized against that role's ARN, whether or not it exists yet.",
    reference="https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html#awsidentityandaccessmanagementiam-resources-for-iam-policies",
)
def role_requests_are_authorized_against_the_role() -> None:
    """CreateRole (and any request naming a role not there yet) is checked against the role's ARN.

    moto 5.2.5 checks a request naming an existing role against its ARN, and
    one naming a role that does not exist (CreateRole) against ``*``: a
    policy allowing ``iam:CreateRole`` only on ``role/<prefix>*`` was refused
    where AWS allows it. Here such a request is checked against
    ``arn:aws:iam::<account>:role<path><name>`` (path ``/`` unless given).
    """
    from moto.iam.exceptions import NotFoundException
    from moto.iam.responses import IamResponse

    def _resolve_resource_arn(self: IamResponse, role_name: str) -> str:
        try:
            arn: str = self.backend.get_role(role_name).arn
            return arn
        except NotFoundException:
            path = self._get_param("Path") or "/"
            return f"arn:{self.partition}:iam::{self.current_account}:role{path}{role_name}"

    IamResponse._resolve_resource_arn = _resolve_resource_arn  # type: ignore[method-assign]


@fill(
    behaviour="CloudWatch's actions are authorized as cloudwatch:<Action>, the service prefix IAM policies name.",
    reference="https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html",
)
def actions_named_by_service_prefix() -> None:
    """IAM checks CloudWatch requests as ``cloudwatch:PutMetricAlarm``, not ``monitoring:PutMetricAlarm``.

    moto 5.2.5 names the action checked after the request's signing name,
    which for CloudWatch is ``monitoring``: a policy allowing
    ``cloudwatch:PutMetricAlarm`` (what AWS checks) was refused, one allowing
    ``monitoring:*`` (which AWS ignores) accepted. Here signing names that
    differ from the IAM service prefix are mapped to it; others are unchanged.
    """
    from moto.iam import access_control

    prefixes = {"monitoring": "cloudwatch"}
    original = access_control.IAMRequestBase.__init__

    def __init__(self: access_control.IAMRequestBase, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        service, _, action = self._action.partition(":")
        if service in prefixes:
            self._action = f"{prefixes[service]}:{action}"

    access_control.IAMRequestBase.__init__ = __init__  # type: ignore[method-assign]


@fill(
    behaviour="A Signature Version 4 signature covers the request's payload as sent: an empty body hashes as empty.",
    reference="https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html",
)
def signature_over_the_payload_sent() -> None:
    """With IAM enforced, requests without a body (REST GETs: Route 53, Lambda, EKS, CloudFront) authenticate.

    moto 5.2.5 recomputes the signature of a request with an empty body over
    its parsed parameters instead (for REST services, the request's headers,
    form-encoded), so no such request's signature ever matched: every one was
    refused SignatureDoesNotMatch, even the root user's. Here the payload
    hashed is the body received, empty or not (a form body moto parsed is
    encoded again from its parameters, as before); the rest of moto's check (the
    canonical request, the key, the comparison) is unchanged, so a wrong
    secret or an altered request is still refused.
    """
    from botocore.awsrequest import AWSRequest
    from moto.iam import access_control

    def _create_aws_request(self: access_control.IAMRequestBase) -> AWSRequest:
        signed = self._get_string_between("SignedHeaders=", ",", self._headers["Authorization"]).split(";")
        headers = self._create_headers_for_aws_request(signed, self._headers)
        form = "x-www-form-urlencoded" in str(self._headers.get("Content-Type", ""))
        # moto has parsed a form body into parameters (and may hold it no more): encode them again.
        payload = (self._body or self._data) if form else (self._body or b"")
        request = AWSRequest(method=self._method, url=self._path, data=payload, headers=headers)
        request.context["timestamp"] = headers["X-Amz-Date"]
        return request

    access_control.IAMRequestBase._create_aws_request = _create_aws_request  # type: ignore[method-assign]
