"""The emulator's speed-ups change no answer (emulator/speed.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator import speed
from emulator.server import Emulator

ACCOUNT = "210000000071"  # nothing else on the worker's emulator uses it


def test_a_symmetric_keys_signing_material_is_made_on_first_use_only() -> None:
    made: list[str] = []

    class Material:
        def public_key(self) -> str:
            return "public"

    deferred = speed.DeferredPrivateKey(lambda: made.append("made") or Material())
    assert made == []
    assert deferred.public_key() == "public"
    assert deferred.public_key() == "public"
    assert made == ["made"], "made once, when first asked for"
    with pytest.raises(AttributeError):
        deferred._private  # noqa: B018 (private names are not forwarded)


def test_the_module_list_is_read_once_and_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import backends

    before = list(backends.list_of_moto_modules())
    monkeypatch.setattr(backends, "list_of_moto_modules", backends.list_of_moto_modules)  # restored afterwards
    speed._read_module_list_once()
    assert list(backends.list_of_moto_modules()) == before
    assert "s3" in backends.list_of_moto_modules() and "kms" in backends.list_of_moto_modules()
    reads = []
    monkeypatch.setattr("os.listdir", lambda path: reads.append(path) or [])
    assert "ec2" in backends.list_of_moto_modules()
    assert reads == [], "the package directory was listed again"


def test_kms_keys_answer_as_before_on_the_server(emulator: Emulator) -> None:
    kms = emulator.client("kms", ACCOUNT, "eu-west-1")
    symmetric = kms.create_key(Description="per purpose")["KeyMetadata"]["KeyId"]
    sealed = kms.encrypt(KeyId=symmetric, Plaintext=b"state")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"state"
    assert kms.generate_data_key(KeyId=symmetric, KeySpec="AES_256")["Plaintext"]

    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    signature = kms.sign(KeyId=signing, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    verified = kms.verify(KeyId=signing, Message=b"m", Signature=signature, SigningAlgorithm="RSASSA_PSS_SHA_256")
    assert verified["SignatureValid"]
    assert kms.get_public_key(KeyId=signing)["PublicKey"]

    # A symmetric key cannot sign, on AWS (API_Sign.html) as on the emulator.
    with pytest.raises(ClientError):
        kms.sign(KeyId=symmetric, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
    for key in (symmetric, signing):
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
