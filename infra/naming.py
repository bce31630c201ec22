"""Construct ids made from resource names: they are Terraform addresses, so one rule makes them all."""

from __future__ import annotations

import re


def pascal(text: str) -> str:
    """``ecr.api`` -> ``EcrApi``, ``solobase-binaries`` -> ``SolobaseBinaries``: every run of other characters
    separates words."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", text) if part)
