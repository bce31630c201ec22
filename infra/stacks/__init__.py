"""What every stack shares (base), and the bootstrap stack of a state bucket; systems' stacks are in infra.systems.

Importing this package is cheap: the stack classes load the provider bindings,
so they are imported by the loaders below only when a stack is built.
"""

from __future__ import annotations

from infra.registry import ConfiguredStack


def bootstrap_stack() -> ConfiguredStack:
    """The class of every ``bootstrap-<bucket>`` stack (see infra.registry.bootstrap_specs)."""
    from infra.stacks.bootstrap import StateBootstrapStack

    return StateBootstrapStack


def ci_stack() -> ConfiguredStack:
    """The class of every ``ci-<system>`` stack: the system's CI deployer roles (see infra.delivery.specs)."""
    from infra.stacks.ci import DeployerRolesStack

    return DeployerRolesStack
