"""What the stacks cost a month: ``make cost`` (``python -m infra.cost``).

Prices are data (``prices.toml``: each entry's source page and retrieval
date); usage-billed parts are priced on stated assumptions (:mod:`.usage`,
overridable in ``[cost]`` of ``config/<system>/<environment>.toml``). The
estimate reads what a stack creates from its synthesized JSON (or a plan's
JSON): it builds no construct itself.
"""
