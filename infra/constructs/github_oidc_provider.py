"""GitHub Actions' OIDC identity provider in an AWS account: created, or found where another stack made it."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.data_aws_iam_openid_connect_provider import DataAwsIamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from constructs import Construct


class GithubOidcProvider(Construct):
    """The account's provider for ``https://<host>`` with ``audience`` as its client id.

    IAM keeps one provider per URL and account: exactly one stack of an
    account creates it (``create``); the others look it up by URL, so that two
    stacks never both own it. No thumbprint is given: AWS trusts GitHub's
    certificate through its own root CAs for this provider, and the AWS
    provider leaves the list to IAM when it is omitted.
    """

    def __init__(self, scope: Construct, id_: str, *, host: str, audience: str, create: bool) -> None:
        super().__init__(scope, id_)
        url = f"https://{host}"
        if create:
            self.provider = IamOpenidConnectProvider(
                self, "Provider", url=url, client_id_list=[audience], tags={"Name": host}
            )
            self.arn: str = self.provider.arn
        else:
            found = DataAwsIamOpenidConnectProvider(self, "Existing", url=url)
            self.arn = found.arn
