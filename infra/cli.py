"""What the Makefile needs: ``python -m infra.cli stacks [PATTERN]`` and ``bootstrap-stack SYSTEM ENV``."""

from __future__ import annotations

import sys

from infra import systems
from infra.registry import bootstrap_stack_id, select
from infra.validation import ConfigError, OperatorError

COLUMNS = ("STACK", "KIND", "SYSTEM", "ENVIRONMENTS", "REGIONS", "PROVIDERS", "BACKEND")


def _stacks(pattern: str | None) -> int:
    rows = [
        (
            spec.stack_id,
            spec.kind,
            spec.system,
            ",".join(spec.environments),
            ",".join(spec.regions),
            ",".join(spec.providers),
            spec.backend,
        )
        for spec in select(systems.stack_specs(), pattern)
    ]
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    for row in [COLUMNS, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _bootstrap_stack(system: str, environment: str) -> int:
    systems.load_all()
    print(bootstrap_stack_id(systems.load(system, environment).state))
    return 0


def main(argv: list[str]) -> int:
    try:
        if argv[1:2] == ["stacks"] and len(argv) <= 3:
            return _stacks(argv[2] if len(argv) == 3 else None)
        if len(argv) == 4 and argv[1] == "bootstrap-stack":
            return _bootstrap_stack(argv[2], argv[3])
    except (ConfigError, OperatorError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `make stacks | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    print(
        "usage: python -m infra.cli stacks [PATTERN] | bootstrap-stack SYSTEM ENV",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
