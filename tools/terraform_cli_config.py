"""Write a Terraform CLI config that installs providers from a local filesystem mirror.

Air-gapped machines cannot reach registry.terraform.io. When a mirror exists,
Terraform is told to take every provider the mirror holds from it and to ask
the registry only for the others. With no mirror, nothing is written and
Terraform uses the registry as usual.

The mirror is ``$TF_PROVIDER_MIRROR`` when set, else the first of the known
locations that holds a provider. Prints the path of the config written (for
``TF_CLI_CONFIG_FILE``), or nothing.

    python tools/terraform_cli_config.py build/terraformrc
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

MIRROR_ENV = "TF_PROVIDER_MIRROR"

# Terraform's own implied mirror locations, plus the image's /opt/tf-plugins.
KNOWN_MIRRORS = (
    "/opt/tf-plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
)


def providers_in(mirror: Path) -> list[str]:
    """Provider addresses (host/namespace/type) in an unpacked or packed mirror layout."""
    found = []
    for host in sorted(p for p in mirror.iterdir() if p.is_dir()):
        for namespace in sorted(p for p in host.iterdir() if p.is_dir()):
            for provider in sorted(p for p in namespace.iterdir() if p.is_dir()):
                found.append(f"{host.name}/{namespace.name}/{provider.name}")
    return found


def find_mirror() -> tuple[Path, list[str]] | None:
    """The mirror to use and the providers in it, or None."""
    configured = os.environ.get(MIRROR_ENV)
    candidates = [configured] if configured else list(KNOWN_MIRRORS)
    for candidate in candidates:
        path = Path(candidate).expanduser()
        if path.is_dir():
            providers = providers_in(path)
            if providers:
                return path, providers
    if configured:
        raise SystemExit(f"error: {MIRROR_ENV}={configured} holds no provider (expected <host>/<namespace>/<type>/...)")
    return None


def render(mirror: Path, providers: list[str]) -> str:
    quoted = ", ".join(f'"{p}"' for p in providers)
    return (
        "# Written by tools/terraform_cli_config.py: providers in the local mirror come from it,\n"
        "# every other provider from its registry.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        f"    include = [{quoted}]\n"
        "  }\n"
        "  direct {\n"
        f"    exclude = [{quoted}]\n"
        "  }\n"
        "}\n"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    target = Path(argv[1])
    found = find_mirror()
    if found is None:
        target.unlink(missing_ok=True)
        return 0
    text = render(*found)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text() != text:
        target.write_text(text)
    print(target.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
