"""The local AWS emulator: moto's server on https://127.0.0.1 with the behaviours the stacks need filled in.

``python -m emulator`` (``make emulator``) starts it for users; ``make up`` starts
one that outlives the command, and the deploy tests start one per test worker,
both through :class:`emulator.server.Emulator`. Each module says what it is in its
docstring; docs/emulator.md lists them (``make docs``).
"""
