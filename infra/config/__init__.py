"""Settings every system shares (model), how a TOML file overrides them (overrides), teardown overlays.

Data only: nothing here imports a construct, a stack or a system. Loading an
environment's settings is :func:`infra.registry.load`; the systems themselves
are listed in :mod:`infra.systems`.
"""
