"""DynamoDB: requests are authorized against the table they name (Terraform's state locks live in a table)."""

from __future__ import annotations

from emulator.fills import fill


@fill(
    behaviour="A request naming a DynamoDB table is authorized against the table's ARN.",
    reference="https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html#amazondynamodb-resources-for-iam-policies",
)
def table_requests_are_authorized_against_the_table() -> None:
    """With IAM enforced, GetItem, PutItem, DeleteItem... are checked against ``table/<TableName>``.

    moto 5.2.5 checks every DynamoDB request against ``*``: a policy allowing
    the lock actions only on ``arn:aws:dynamodb:<region>:<account>:table/<lock
    table>`` was refused where AWS allows it, and one on another table's ARN
    never told apart. Here a request with ``TableName`` is checked against
    ``arn:aws:dynamodb:<region>:<account>:table/<TableName>``; one without
    (ListTables) against ``*``, as AWS does.
    """
    from moto.dynamodb.responses import DynamoHandler

    def _determine_resource(self: DynamoHandler) -> str:
        body = self.body if isinstance(self.body, dict) else {}
        table = body.get("TableName")
        if not isinstance(table, str) or not table:
            return "*"
        return f"arn:{self.partition}:dynamodb:{self.region}:{self.current_account}:table/{table}"

    DynamoHandler._determine_resource = _determine_resource  # type: ignore[attr-defined]
