"""The token recipe docs/architecture.md gives applications (Redis: clients authenticate with IAM) runs, and
makes what AWS's "Authenticating with IAM" page describes: a SigV4-presigned ``GET`` of
``http://<replication group id>/?Action=connect&User=<user>`` for the service ``elasticache``, valid 900
seconds, without the scheme (docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _recipe() -> str:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## Redis: clients authenticate with IAM", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    return "\n".join(line.removeprefix("   ") for line in code.splitlines())


def test_the_documented_token_is_a_presigned_connect_for_the_user(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    scope: dict[str, object] = {}
    exec(compile(_recipe(), "docs/architecture.md", "exec"), scope)  # the documented recipe itself
    token = scope["elasticache_iam_token"]("arrakis-production-redis", "arrakis-production-api", "us-east-1")  # type: ignore[operator]
    assert isinstance(token, str) and not token.startswith("http")
    parts = urlsplit(f"http://{token}")
    assert (parts.netloc, parts.path) == ("arrakis-production-redis", "/")
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert (query["Action"], query["User"]) == ("connect", "arrakis-production-api")
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256" and query["X-Amz-Expires"] == "900"
    assert re.fullmatch(r"AKIDEXAMPLE/\d{8}/us-east-1/elasticache/aws4_request", query["X-Amz-Credential"])
    assert query["X-Amz-SignedHeaders"] == "host" and re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])
