"""Work moto's server repeats for nothing, done once: what a deploy asks of it is answered as before.

These change no answer, so they are not fills (emulator/fills/ changes
behaviour); each is a plain speed-up with a test that the answers are the same
(tests/emulator/test_speed.py). A suite of concurrent deploys keeps two cores
busy, and the emulator's share of that time is the stacks' wait:

- ``moto.backends.list_of_moto_modules`` lists moto's package directory
  (a ``stat`` of each of its ~170 folders) on every request, to see whether the
  Host header names a service; the folders do not change while the server runs,
  so the list is read once;
- moto makes a 2048-bit RSA private key for every KMS key, symmetric ones
  included, for Sign and Verify, which only asymmetric keys allow
  (https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html). A deploy
  makes a key per purpose and never signs with them; the key is now made when
  first used, as before for the asymmetric specs (made at once).
"""

from __future__ import annotations

import threading
from typing import Any


def install() -> None:
    _read_module_list_once()
    _make_symmetric_keys_signing_material_on_first_use()


def _read_module_list_once() -> None:
    from moto import backends

    if getattr(backends.list_of_moto_modules, "read_once", False):
        return
    modules = tuple(backends.list_of_moto_modules())

    def list_of_moto_modules() -> tuple[str, ...]:
        return modules

    list_of_moto_modules.read_once = True  # type: ignore[attr-defined]
    setattr(backends, "list_of_moto_modules", list_of_moto_modules)  # noqa: B010 (moto's module, patched)


class DeferredPrivateKey:
    """Stands in for moto's private key of a symmetric or HMAC KMS key until something asks for it."""

    def __init__(self, make: Any) -> None:
        self._make = make
        self._key: Any = None
        self._lock = threading.Lock()

    def _real(self) -> Any:
        with self._lock:
            if self._key is None:
                self._key = self._make()
            return self._key

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._real(), name)


def _make_symmetric_keys_signing_material_on_first_use() -> None:
    from moto.kms import models, utils

    original = utils.generate_private_key
    if getattr(getattr(models, "generate_private_key"), "deferred", False):  # noqa: B009
        return
    asymmetric = {*utils.KeySpec.rsa_key_specs(), *utils.KeySpec.ecc_key_specs(), utils.KeySpec.SM2.value}

    def generate_private_key(key_spec: str) -> Any:
        if key_spec in asymmetric:
            return original(key_spec)
        return DeferredPrivateKey(lambda: original(key_spec))

    generate_private_key.deferred = True  # type: ignore[attr-defined]
    setattr(models, "generate_private_key", generate_private_key)  # noqa: B010 (moto's module, patched)
