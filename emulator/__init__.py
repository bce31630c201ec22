"""The local AWS emulator: moto's server on https://127.0.0.1 with the behaviours the stacks need filled in.

``python -m emulator`` (``make emulator``) starts it for users; the deploy tests
start one per test worker through :class:`emulator.server.Emulator`.

- ``launcher``: the command line, run in the server process (fills installed, TLS, moto's server);
- ``server``: a running emulator seen from outside (start, stop, clients, inventory);
- ``fills``: one module per AWS service, each fill naming the AWS behaviour it
  reproduces and the API reference it follows;
- ``operator``: what an operator does by hand against the emulator (DNS validation records);
- ``allowlist``: second-plan differences that are the emulator's fault;
- ``tls``: the throwaway certificate authority.
"""
