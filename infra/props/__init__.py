"""Construct props: one frozen, keyword-only dataclass per construct (one file per construct), data only.

Each field's type, default, documentation (the docstring under it) and check
(``__post_init__``) are stated here once. The settings users write in
``config/<system>/<environment>.toml`` are made of these props (see
infra.config.model and the systems' settings), so the TOML schema and
docs/configuration.md derive from these declarations. Nothing here imports
cdktf, a construct or a stack: listing every stack stays cheap.
"""
