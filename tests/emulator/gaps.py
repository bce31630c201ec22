"""Behaviour moto 5.2.5 lacks that the stacks need, added before the server starts.

Each fill is a function named after the gap it fills, registered with
``@gap``; tests/emulator/test_gaps.py shows each gap filled against a live
server. Fills change moto only; the synthesized Terraform is what production gets.
"""

from __future__ import annotations

from collections.abc import Callable

_FILLS: list[Callable[[], None]] = []


def gap(fill: Callable[[], None]) -> Callable[[], None]:
    _FILLS.append(fill)
    return fill


def names() -> list[str]:
    return [fill.__name__ for fill in _FILLS]


def install() -> None:
    for fill in _FILLS:
        fill()


ACCESS_KEY_SUFFIX = "EMULATOR"


def access_key_for(account: str) -> str:
    """The access key id that selects ``account`` (20 characters, as moto's parser expects)."""
    return f"{account}{ACCESS_KEY_SUFFIX}"


@gap
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


@gap
def bucket_policy_secure_transport_condition() -> None:
    """Bucket policies conditioned on ``aws:SecureTransport`` decide as on AWS.

    moto 5.2.5 skips condition operators it does not know (``Bool`` among
    them), treating the condition as met, and answers DENIED for a statement
    whose condition is not met. Together, a policy that denies requests
    *without* TLS denied every request. Here ``Bool`` is evaluated, S3 requests
    carry ``aws:SecureTransport = true`` (the launcher serves HTTPS only), and a
    statement whose condition is not met does not apply.
    """
    from moto.iam import policy_conditions
    from moto.iam.access_control import IAMPolicy, IAMPolicyStatement, PermissionResult
    from moto.s3.models import FakeBucket

    def bool_operation(expected: list[str] | str, actual: str) -> bool:
        options = expected if isinstance(expected, list) else [expected]
        return str(actual).lower() in [str(o).lower() for o in options]

    policy_conditions.CONDITION_OPERATIONS["Bool"] = bool_operation

    original = IAMPolicyStatement.is_action_permitted

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        if self._statement.get("Condition") and not self._check_conditions(incoming_condition_values):
            return PermissionResult.NEUTRAL
        result: PermissionResult = original(self, action, resource, principal, incoming_condition_values)
        return result

    IAMPolicyStatement.is_action_permitted = is_action_permitted  # type: ignore[method-assign]

    def get_permission(self: FakeBucket, action: str, resource: str) -> PermissionResult:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = IAMPolicy(self.policy.decode())
        return policy.is_action_permitted(action, resource, incoming_condition_values={"aws:SecureTransport": "true"})

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


@gap
def nat_gateway_deletion_releases_network_interface() -> None:
    """Deleting a NAT gateway removes the network interface it created, as on AWS.

    moto 5.2.5 marks the gateway deleted but keeps its interface, which then
    outlives the subnet and VPC it belonged to.
    """
    from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend

    original = NatGatewayBackend.delete_nat_gateway

    def delete_nat_gateway(self: NatGatewayBackend, nat_gateway_id: str) -> NatGateway:
        gateway: NatGateway = original(self, nat_gateway_id)
        interface = getattr(gateway, "_eni", None)
        if interface is not None:
            for address in self.addresses:  # type: ignore[attr-defined]
                if address.eni is interface:
                    address.eni = None
                    address.association_id = None
            self.enis.pop(interface.id, None)  # type: ignore[attr-defined]
        return gateway

    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway  # type: ignore[method-assign]
