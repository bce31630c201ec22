"""Delivery as data: how CI plans and applies the stacks (docs/delivery.md).

- settings: ``delivery.toml`` (the repository the roles trust, GitHub environments, rollout sizes);
- catalog: the IAM actions each Terraform type needs; policies: the deployer roles' policies made from the
  synthesized stacks (``policies.json``), docs: IAM_POLICIES.md and docs/delivery.md's table from them;
- specs: the ``ci-<system>`` stacks holding those roles;
- plans: plan to a file, apply exactly that file, refuse a stale one;
- rollout: waves and batches for the workflows' matrix, and the rollout simulation.

Nothing here imports cdktf: ``python -m infra.ci`` (the workflows' entry point) and the ci stack class use it.
"""
