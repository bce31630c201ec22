"""Small queries the Makefile needs: ``python -m infra.cli stacks`` and ``bootstrap-stack SYSTEM ENV``."""

from __future__ import annotations

import sys

from infra import config
from infra.app import plans
from infra.stacks.bootstrap import bootstrap_stack_id
from infra.validation import ConfigError


def _stacks() -> int:
    for plan in plans(config.load_all()):
        print(f"{plan.stack_id}\t{plan.kind}\t{plan.system}\t{','.join(plan.environments)}\t{plan.region}")
    return 0


def _bootstrap_stack(system: str, environment: str) -> int:
    config.load_all()
    print(bootstrap_stack_id(config.load(system, environment).state))
    return 0


def main(argv: list[str]) -> int:
    try:
        if argv[1:] == ["stacks"]:
            return _stacks()
        if len(argv) == 4 and argv[1] == "bootstrap-stack":
            return _bootstrap_stack(argv[2], argv[3])
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("usage: python -m infra.cli stacks | bootstrap-stack SYSTEM ENV", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
