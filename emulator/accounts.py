"""Which account a request acts in: the access key id selects it (see fills.iam)."""

from __future__ import annotations

DEFAULT_ACCOUNT = "123456789012"
ACCESS_KEY_SUFFIX = "EMULATOR"
SECRET_ACCESS_KEY = "emulator"


def access_key_for(account: str) -> str:
    """The access key id that selects ``account`` (20 characters, as moto's parser expects)."""
    return f"{account}{ACCESS_KEY_SUFFIX}"
