"""STS: role sessions from a web identity token (GitHub Actions' OIDC token), allowed only as the role trusts it."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="AssumeRoleWithWebIdentity needs no signature and succeeds only when the role exists and its trust "
    "policy allows the token's OIDC provider and claims.",
    reference="https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html",
)
def web_identity_trust_policy() -> None:
    """The role's trust policy decides who gets a session from a web identity token.

    moto 5.2.5 ignores the token and the trust policy: any caller got a session
    for any role ARN, even one that does not exist; and with IAM enforced the
    unsigned request AWS accepts failed for want of a signature. Here the
    request needs no signature, and it succeeds only when:

    - the token is a JWT whose payload has ``iss``, ``sub`` and ``aud`` (the
      emulator cannot verify GitHub's signature offline: the claims are taken as
      given, which is what a test of the trust policy needs);
    - an IAM OIDC provider for the ``iss`` URL exists in the role's account and
      lists the token's ``aud`` among its client ids;
    - the role exists, and a statement of its trust policy allows
      ``sts:AssumeRoleWithWebIdentity`` to ``Principal.Federated`` naming that
      provider, every condition of it holding, with no Deny statement applying.

    Conditions are evaluated on the token's claims (``<provider url>:sub``,
    ``:aud``, any claim named so) with ``StringEquals`` and ``StringLike``
    (``*`` and ``?``); any other operator or key fails closed (AccessDenied
    naming it). Otherwise the request is refused as AWS refuses it:
    InvalidIdentityToken for a malformed token or unknown provider, AccessDenied
    for a trust policy that does not allow it.
    """
    import base64
    import fnmatch
    import json
    from typing import Any

    from moto.core import authorization
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends
    from moto.sts.exceptions import STSClientError
    from moto.sts.responses import TokenResponse

    action = "sts:AssumeRoleWithWebIdentity"

    def denied(why: str) -> STSClientError:
        return STSClientError("AccessDenied", f"Not authorized to perform {action}: {why}")

    def claims_of(token: str) -> dict[str, Any]:
        parts = token.split(".")
        try:
            padded = parts[1] + "=" * (-len(parts[1]) % 4)
            claims = json.loads(base64.urlsafe_b64decode(padded))
        except (IndexError, ValueError):
            claims = None
        if not isinstance(claims, dict) or not all(isinstance(claims.get(k), str) for k in ("iss", "sub", "aud")):
            raise STSClientError("InvalidIdentityToken", "the token is not a JWT with iss, sub and aud claims")
        return claims

    def as_list(value: Any) -> list[str]:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def condition_holds(operator: str, key: str, expected: Any, context: dict[str, str]) -> bool:
        if key not in context:
            raise denied(f"the emulator cannot evaluate condition key {key}")
        given = context[key]
        if operator == "StringEquals":
            return given in as_list(expected)
        if operator == "StringLike":
            # IAM wildcards: * any run of characters, ? one character; nothing else is special.
            return any(fnmatch.fnmatchcase(given, p.replace("[", "[[]")) for p in as_list(expected))
        raise denied(f"the emulator cannot evaluate condition operator {operator}")

    def applies(statement: dict[str, Any], provider_arn: str, context: dict[str, str]) -> bool:
        actions = as_list(statement.get("Action", []))
        if not any(fnmatch.fnmatchcase(action, a) for a in actions):
            return False
        principal = statement.get("Principal") or {}
        federated = as_list(principal.get("Federated", [])) if isinstance(principal, dict) else []
        if provider_arn not in federated:
            return False
        for operator, keys in (statement.get("Condition") or {}).items():
            for key, expected in keys.items():
                if not condition_holds(operator, key, expected, context):
                    return False
        return True

    def check_trust(role_arn: str, token: str) -> None:
        claims = claims_of(token)
        fields = role_arn.split(":")
        if len(fields) != 6 or not fields[5].startswith("role/"):
            raise STSClientError("ValidationError", f"not a role ARN: {role_arn}")
        iam = iam_backends[fields[4]][fields[1]]
        issuer = claims["iss"].removeprefix("https://").rstrip("/")
        provider_arn = f"arn:{fields[1]}:iam::{fields[4]}:oidc-provider/{issuer}"
        try:
            provider = iam.get_open_id_connect_provider(provider_arn)
        except NotFoundException:
            raise STSClientError("InvalidIdentityToken", f"no OpenIDConnect provider for {issuer}") from None
        if claims["aud"] not in provider.client_id_list:
            raise STSClientError("InvalidIdentityToken", f"audience {claims['aud']} is not a client id of {issuer}")
        try:
            role = iam.get_role_by_arn(role_arn)
        except NotFoundException:
            raise denied(f"role {role_arn} does not exist") from None
        context = {f"{issuer}:{name}": str(value) for name, value in claims.items() if isinstance(value, str)}
        statements = json.loads(role.assume_role_policy_document).get("Statement", [])
        statements = statements if isinstance(statements, list) else [statements]
        matching = [s for s in statements if applies(s, provider_arn, context)]
        if any(s.get("Effect") == "Deny" for s in matching):
            raise denied("a Deny statement of the role's trust policy applies")
        if not any(s.get("Effect") == "Allow" for s in matching):
            raise denied(f"the trust policy of {role_arn} does not allow {issuer} token with sub {claims['sub']}")

    original_assume = TokenResponse.assume_role_with_web_identity

    def assume_role_with_web_identity(self: TokenResponse) -> Any:
        check_trust(str(self._get_param("RoleArn")), str(self._get_param("WebIdentityToken") or ""))
        return original_assume(self)

    TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity  # type: ignore[method-assign]

    original_authorize = authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action

    def _authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        # AWS accepts this call unsigned: the token is the credential.
        if isinstance(self, TokenResponse) and self._get_action() == "AssumeRoleWithWebIdentity":
            return
        original_authorize(self, iam_request_cls, resource)

    authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = (  # type: ignore[method-assign]
        _authenticate_and_authorize_action
    )
