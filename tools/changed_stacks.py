"""The stacks a change touches: synthesize a base git ref and the working tree, print the ids that differ.

    python tools/changed_stacks.py --base origin/main            # ids, one per line
    python tools/changed_stacks.py --base-dir A --head-dir B     # two synth outputs already made
    python tools/changed_stacks.py --base REF --ignore-metadata --require-identical
                                                                 # a refactoring: exit 1 unless every
                                                                 # stack is the same but cdktf's "//"

A stack is changed when its ``cdk.tf.json`` differs (as JSON) or is new; a
stack the change removes is named on stderr (``make diff`` cannot show it).
CI runs ``make diff STACK=<id>`` for each id printed (.github/workflows/ci.yml).
The base is synthesized from a detached git worktree with this checkout's
Python environment, so a change to the locked packages counts every stack
as changed only if their output changes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SYNTH = "from infra.app import synth; import sys; synth(outdir=sys.argv[1])"


def without_metadata(value: Any) -> Any:
    """``value`` without cdktf's ``//`` keys (construct paths and display metadata, not Terraform's input)."""
    if isinstance(value, dict):
        return {key: without_metadata(item) for key, item in value.items() if key != "//"}
    if isinstance(value, list):
        return [without_metadata(item) for item in value]
    return value


def _stacks(outdir: Path, ignore_metadata: bool = False) -> dict[str, Any]:
    stacks = {}
    for path in outdir.glob("stacks/*/cdk.tf.json"):
        data = json.loads(path.read_text())
        # Compared as text, key order included: the same bytes once the metadata is gone.
        stacks[path.parent.name] = json.dumps(without_metadata(data), indent=2) if ignore_metadata else data
    return stacks


def compare(base: Path, head: Path, *, ignore_metadata: bool = False) -> tuple[list[str], list[str]]:
    """(stacks new or different in ``head``, stacks only in ``base``), each sorted."""
    before, after = _stacks(base, ignore_metadata), _stacks(head, ignore_metadata)
    changed = sorted(stack for stack, data in after.items() if before.get(stack) != data)
    removed = sorted(set(before) - set(after))
    return changed, removed


def synthesize(source: Path, outdir: Path) -> None:
    """The app at ``source`` synthesized into ``outdir`` (local state paths made equal on both sides)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INFRA_")}
    env.update({"PYTHONPATH": str(source), "INFRA_LOCAL_STATE_DIR": str(ROOT)})
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    subprocess.run([sys.executable, "-c", SYNTH, str(outdir)], cwd=source, env=env, check=True, stdout=sys.stderr)


def synthesize_ref(ref: str, outdir: Path) -> None:
    checkout = ROOT / "build" / "changed-stacks" / "base"
    if checkout.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, check=False)
        shutil.rmtree(checkout, ignore_errors=True)
    checkout.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(checkout), ref], cwd=ROOT, check=True, stdout=sys.stderr)
    try:
        synthesize(checkout, outdir)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=ROOT, check=False)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", help="git ref to compare with (e.g. origin/main)")
    parser.add_argument("--base-dir", type=Path, help="synth output of the base, already made")
    parser.add_argument("--head-dir", type=Path, help="synth output of the change, already made")
    parser.add_argument("--ignore-metadata", action="store_true", help="compare without cdktf's // metadata")
    parser.add_argument(
        "--require-identical", action="store_true", help="exit 1 when any stack differs, is new or is gone"
    )
    args = parser.parse_args(argv)
    if (args.base is None) == (args.base_dir is None):
        parser.error("give --base REF or --base-dir DIR")
    work = ROOT / "build" / "changed-stacks"
    base, head = args.base_dir, args.head_dir
    if base is None:
        base = work / "base-out"
        shutil.rmtree(base, ignore_errors=True)
        synthesize_ref(args.base, base)
    if head is None:
        head = work / "head-out"
        shutil.rmtree(head, ignore_errors=True)
        synthesize(ROOT, head)
    changed, removed = compare(base, head, ignore_metadata=args.ignore_metadata)
    for stack in removed:
        print(f"removed: {stack} (make diff cannot show a removed stack; destroy it first)", file=sys.stderr)
    if changed:
        print("\n".join(changed))
    if args.require_identical:
        count = len(list(head.glob("stacks/*/cdk.tf.json")))
        if changed or removed:
            print(f"not identical: {len(changed)} changed or new, {len(removed)} removed", file=sys.stderr)
            return 1
        print(f"identical: all {count} stacks", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
