"""One ``make cost`` run: synthesize, price every stack, compare with the documents, Solobase's economics.

Each environment is priced as its ``[cost]`` table's ``cost_profile`` says
(production unless it chooses "document"), and once more with the other
profile where it has a preset, so the report shows what the preset saves.
Nothing leaves this machine: synthesis is local and prices come from the
checked-in table.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from infra import app, registry, systems
from infra.config.teardown import Overlays
from infra.cost import estimate, presets, prices, solobase, terraform_json, usage
from infra.cost.documents import FIGURES, Comparison, compare
from infra.cost.estimate import Group, StackEstimate
from infra.cost.rules import Line
from infra.registry import StackSpec
from infra.systems.solobase import contracts
from infra.systems.solobase.settings import SolobaseSettings
from infra.systems.solobase.tenants import TENANTS_DIR_ENV

Key = tuple[str, str]


@dataclass(frozen=True)
class Result:
    prices: prices.PriceTable
    usages: Mapping[Key, usage.Usage]
    specs: tuple[StackSpec, ...]
    """Every stack of every system (the selection is :attr:`stacks`)."""
    stacks: tuple[StackEstimate, ...]
    """The selected stacks, each environment priced with its own profile."""
    other: Mapping[Key, Group]
    """Per environment with a preset: its stacks priced with the other profile."""
    comparisons: tuple[Comparison, ...]
    economics: tuple[solobase.Economics, ...]

    def profile(self, key: Key) -> str:
        return self.usages[key].cost_profile

    def environments(self) -> dict[Key, Group]:
        return estimate.environments(self.stacks)

    def systems(self) -> dict[str, Group]:
        return estimate.systems(self.stacks)


def _synth(outdir: Path, specs: Iterable[StackSpec], overlays: Overlays) -> Path:
    ids = ",".join(spec.stack_id for spec in specs)
    if ids:
        outdir.mkdir(parents=True, exist_ok=True)
        app.synth(outdir=str(outdir), requested=ids, overlays=overlays)
    return outdir / "stacks"


def _price(
    directory: Path, specs: Iterable[StackSpec], usages: Mapping[Key, usage.Usage], table: prices.PriceTable
) -> list[StackEstimate]:
    result = []
    for spec in specs:
        document = terraform_json.read(directory / spec.stack_id / "cdk.tf.json", spec.stack_id)
        result.append(
            estimate.estimate(
                document,
                system=spec.system,
                environments=spec.environments,
                kind=spec.kind,
                usage=estimate.usage_of(usages, spec.system, spec.environments),
                prices=table,
            )
        )
    return result


def _samples(
    outdir: Path,
    environments: Sequence[str],
    overlays: Overlays,
    usages: Mapping[Key, usage.Usage],
    table: prices.PriceTable,
) -> dict[str, StackEstimate]:
    """Solobase's sample customers priced (see infra.cost.solobase), by stack id."""
    tenants_dir = outdir / "sample-tenants"
    requested = solobase.write_sample_registries(tenants_dir, environments)
    previous = os.environ.get(TENANTS_DIR_ENV)
    os.environ[TENANTS_DIR_ENV] = str(tenants_dir)
    try:
        specs = [
            spec for spec in registry.select(systems.stack_specs(), requested) if spec.environments[0] in environments
        ]
        directory = _synth(outdir / "samples", specs, overlays)
    finally:
        if previous is None:
            os.environ.pop(TENANTS_DIR_ENV, None)
        else:
            os.environ[TENANTS_DIR_ENV] = previous
    return {item.stack_id: item for item in _price(directory, specs, usages, table)}


def customer_lines(environment: str, samples: Mapping[str, StackEstimate], plan: str, runtime: str) -> list[Line]:
    """The lines of one sample customer: its tenant stack and its objects in the shard's databases stack."""
    names = contracts.Names(environment)
    tenant = next(t for t in solobase.sample_tenants(environment) if (t.plan, t.runtime) == (plan, runtime))
    lines = list(samples[names.tenant_stack_id(tenant.subdomain)].lines)
    shard = samples.get(names.shard_stack_id("01"))
    if shard is not None and tenant.shard is not None:
        lines += [line for line in shard.lines if f"Instance{tenant.id8.upper()}_" in line.address]
    return lines


def run(outdir: Path, requested: str | None = None, config_dir: Path | None = None) -> Result:
    """Price the stacks ``requested`` names (all when empty); synthesis goes under ``outdir``."""
    table = prices.load()
    specs = systems.stack_specs(config_dir)
    keys = list(dict.fromkeys((spec.system, env) for spec in specs for env in spec.environments))
    usages = {key: usage.load(*key, config_dir) for key in keys}
    chosen = registry.select(specs, requested)
    document_envs = [key for key in keys if usages[key].cost_profile == "document"]
    # The settings apply each environment's chosen profile; the other one is priced through an overlay.
    configured = _synth(outdir / "synth" / "configured", chosen, {})
    stacks = _price(configured, chosen, usages, table)

    def env_of(spec: StackSpec) -> Key | None:
        return (spec.system, spec.environments[0]) if len(spec.environments) == 1 else None

    with_preset = [spec for spec in chosen if env_of(spec) in presets.PRESETS]
    production_envs = [key for key in keys if key in presets.PRESETS and key not in document_envs]
    other_overlays = {**presets.overlays(production_envs), **presets.overlays(document_envs, "production")}
    other_dir = _synth(outdir / "synth" / "other", with_preset, other_overlays)
    other = estimate.environments(_price(other_dir, with_preset, usages, table))

    by_key = estimate.environments(stacks)
    complete = {
        key
        for key in by_key
        if {s.stack_id for s in specs if env_of(s) == key} <= {s.stack_id for s in by_key[key].stacks}
    }
    solobase_envs = [env for (system, env) in keys if system == "solobase" and ("solobase", env) in complete]
    samples = _samples(outdir, solobase_envs, {}, usages, table) if solobase_envs else {}

    comparisons = []
    for figure in FIGURES:
        key = (figure.system, figure.environment)
        if key not in complete:
            continue
        if figure.scope == "customer":
            lines = customer_lines(figure.environment, samples, "hobby", "lambda")
        else:
            lines = [line for s in by_key[key].stacks if s.kind in ("platform", "databases") for line in s.lines]
        comparisons.append(compare(figure, lines, sum(line.monthly or 0 for line in lines)))

    economics = []
    for env in solobase_envs:
        settings = systems.load("solobase", env, config_dir)
        own_usage = usages[("solobase", env)]
        if not isinstance(settings, SolobaseSettings) or not isinstance(own_usage, usage.SolobaseUsage):
            raise TypeError(f"solobase {env}: settings and usage of Solobase expected")
        platform = next(s for s in stacks if s.stack_id == f"solobase-{env}")
        economics.append(solobase.economics(settings, own_usage, platform, samples))
    return Result(table, usages, tuple(specs), tuple(stacks), other, tuple(comparisons), tuple(economics))
