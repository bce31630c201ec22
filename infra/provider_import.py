"""Import provider bindings one resource module at a time.

Why this exists: the root ``__init__.py`` of a prebuilt provider package imports
every one of its submodules (2,138 for AWS: about 7 s of Python imports) before
the one we asked for. The submodules need nothing from that root module except
that it is a package, so we register the package without running its
``__init__`` and let ``from cdktf_cdktf_provider_aws.vpc import Vpc`` import
``vpc`` and the package's ``_jsii`` (which loads the JavaScript library) only.

This is safe only for the package versions it was checked against (the
identity test in tests/test_provider_import.py synthesizes every stack both
ways and compares the bytes). For any other installed version it falls back
to the plain import and says so once. Set ``INFRA_PROVIDER_PLAIN_IMPORT=1`` to
force the plain import.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys

PLAIN_IMPORT_ENV = "INFRA_PROVIDER_PLAIN_IMPORT"

# package -> (distribution, version the fast path was verified with)
VERIFIED_PACKAGES = {
    "cdktf_cdktf_provider_aws": ("cdktf-cdktf-provider-aws", "20.1.0"),
    "cdktf_cdktf_provider_postgresql": ("cdktf-cdktf-provider-postgresql", "12.1.1"),
}

_warned: set[str] = set()


def install() -> list[str]:
    """Register the verified provider packages lazily; return the ones registered."""
    if os.environ.get(PLAIN_IMPORT_ENV) == "1":
        return []
    registered = []
    for package, (distribution, verified) in VERIFIED_PACKAGES.items():
        if package in sys.modules:
            continue
        try:
            installed = importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
        if installed != verified:
            if package not in _warned:
                _warned.add(package)
                print(
                    f"note: {distribution} {installed} is not the verified {verified}; "
                    "importing it whole (slower synth)",
                    file=sys.stderr,
                )
            continue
        spec = importlib.util.find_spec(package)
        if spec is None or spec.submodule_search_locations is None:
            continue
        # The module object exists but its __init__ never runs: submodules are
        # found through __path__ and import on first use.
        sys.modules[package] = importlib.util.module_from_spec(spec)
        registered.append(package)
    return registered
