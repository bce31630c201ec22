"""An HTTP API's origin check: a Lambda authorizer (payload 2.0, simple responses) admitting CloudFront only.

The distribution adds the header ``x-origin-verify`` to every request it sends to the API, with the value
of a Secrets Manager secret (``ORIGIN_SECRET_ID``). A request carrying that value came through CloudFront;
any other value came around it and is refused before the API's function runs (a request without the
header never reaches this check: API Gateway answers 401 itself when an identity source is missing).

Accepted values are the secret's ``AWSCURRENT`` and ``AWSPREVIOUS`` versions, so that raising the
secret's version (a new value) refuses nothing while CloudFront's edges take the new header. They are
read at most every ``CACHE_SECONDS`` per execution environment. Reading them failing raises: API Gateway
then answers 500 and lets nothing through.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

import boto3

HEADER = "x-origin-verify"
"""Header names reach an HTTP API's authorizer in lower case (payload format 2.0)."""
STAGES = ("AWSCURRENT", "AWSPREVIOUS")
CACHE_SECONDS = 60.0

_cache: dict[str, Any] = {}


def _client() -> Any:
    if "client" not in _cache:
        _cache["client"] = boto3.client("secretsmanager")
    return _cache["client"]


def accepted_values(now: float | None = None) -> tuple[str, ...]:
    """The secret's current and previous values (a secret written once has no previous one)."""
    now = time.monotonic() if now is None else now
    cached = _cache.get("values")
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        values: tuple[str, ...] = cached[1]
        return values
    client = _client()
    found = []
    for stage in STAGES:
        try:
            found.append(client.get_secret_value(SecretId=os.environ["ORIGIN_SECRET_ID"], VersionStage=stage))
        except client.exceptions.ResourceNotFoundException:
            if stage == "AWSCURRENT":
                raise
    values = tuple(item["SecretString"] for item in found if item.get("SecretString"))
    if not values:
        raise RuntimeError("the origin secret has no value")
    _cache["values"] = (now, values)
    return values


def handler(event: dict[str, Any], context: object) -> dict[str, bool]:
    """``{"isAuthorized": true}`` only for a request whose origin header holds an accepted value."""
    given = (event.get("headers") or {}).get(HEADER) or ""
    authorized = bool(given) and any(hmac.compare_digest(given.encode(), value.encode()) for value in accepted_values())
    return {"isAuthorized": authorized}
