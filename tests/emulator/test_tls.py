"""The throwaway certificate authority the emulator serves HTTPS with."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from emulator.tls import write_certificates


def test_server_certificate_is_for_loopback_and_signed_by_the_ca(tmp_path: Path) -> None:
    bundle, cert, key = write_certificates(tmp_path / "tls")
    ca = x509.load_pem_x509_certificate(bundle.read_bytes())
    server = x509.load_pem_x509_certificate(cert.read_bytes())
    assert server.issuer == ca.subject
    ca_key = ca.public_key()
    assert isinstance(ca_key, ec.EllipticCurvePublicKey)
    assert server.signature_hash_algorithm is not None
    ca_key.verify(server.signature, server.tbs_certificate_bytes, ec.ECDSA(server.signature_hash_algorithm))
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.IPAddress) == [ipaddress.IPv4Address("127.0.0.1")]
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert key.stat().st_mode & 0o777 == 0o600
