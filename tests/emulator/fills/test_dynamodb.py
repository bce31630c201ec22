"""The DynamoDB fill (emulator/fills/dynamodb.py): with IAM enforced, a request is authorized against its table."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.server import Emulator
from tests.support.github_oidc import role_session, session_client

ACCOUNT = "210000000088"


def test_table_requests_are_authorized_against_the_table(iam_emulator: Emulator) -> None:
    root = iam_emulator.client("dynamodb", ACCOUNT)
    for name in ("locks", "other-locks"):
        root.create_table(
            TableName=name,
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
    table = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/locks"
    session = role_session(
        iam_emulator,
        ACCOUNT,
        "locker",
        [{"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:GetItem"], "Resource": table}],
    )
    dynamodb = session_client(iam_emulator, session, "dynamodb")
    dynamodb.put_item(TableName="locks", Item={"LockID": {"S": "state"}})
    assert dynamodb.get_item(TableName="locks", Key={"LockID": {"S": "state"}})["Item"]
    with pytest.raises(ClientError, match="AccessDenied"):
        dynamodb.put_item(TableName="other-locks", Item={"LockID": {"S": "state"}})
    with pytest.raises(ClientError, match="AccessDenied"):
        dynamodb.list_tables()  # names no table: checked against *, which the policy does not allow
