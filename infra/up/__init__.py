"""Every platform's AWS stacks up on the local emulator in one command (``make up``), and down again.

- selection: which stacks (``SYSTEMS``, ``ENVS``, ``STACKS``), what they need, what cannot run here;
- schedule: the dependency graph run with bounded parallelism, failures isolated, stoppable;
- stacks: one stack up (plan, apply with progress, outputs) or down (protections off, destroy);
- progress: a line per stack as it changes state, and an overall bar;
- outputs: what a person would open or connect to, never a secret value;
- session: ``build/up/``: the emulator that outlives a run, and what is deployed on it;
- cli: ``python -m infra.up up|down|status|env`` (the make targets).

Terraform runs on the synthesized JSON (infra.terraform explains why not the cdktf CLI).
"""
