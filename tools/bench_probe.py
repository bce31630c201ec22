"""Run one measured command in this process and report its peak memory.

    python tools/bench_probe.py RESULT.json floor|app

``floor``: import cdktf and have the jsii runtime load the AWS provider's
JavaScript library, nothing else. ``app``: run main.py (INFRA_STACKS chooses
the stacks). At exit, after jsii has stopped and waited for its node process,
writes the peak RSS of this Python process and of node (its only child).
"""

from __future__ import annotations

import atexit
import json
import resource
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _report(path: str) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    Path(path).write_text(json.dumps({"python_peak_kib": own, "node_peak_kib": children}))


def main() -> None:
    result, mode = sys.argv[1], sys.argv[2]
    # Registered before jsii registers its own stop(), so it runs after node has exited.
    atexit.register(_report, result)
    sys.path.insert(0, str(ROOT))
    if mode == "floor":
        from infra import provider_import

        provider_import.install()
        import cdktf  # noqa: F401
        import cdktf_cdktf_provider_aws._jsii  # noqa: F401  (loads the provider library into node)
    else:
        sys.argv = [str(ROOT / "main.py")]
        runpy.run_path(str(ROOT / "main.py"), run_name="__main__")


if __name__ == "__main__":
    main()
