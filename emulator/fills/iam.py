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
