"""What users may write is derived from the declarations: props fields, nothing set by the stack, no mirror."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest

from infra import systems
from infra.config import schema
from infra.config.model import SystemSettings
from infra.paths import REPOSITORY_ROOT
from infra.props import user_settable
from infra.props.load_balancer import LoadBalancerProps
from infra.validation import ConfigError


def reachable(cls: type, seen: set[type] | None = None) -> set[type]:
    """Every dataclass a settings class holds, however deep (in fields, lists and tables)."""
    seen = set() if seen is None else seen
    if cls in seen:
        return seen
    seen.add(cls)
    for hint in typing.get_type_hints(cls).values():
        for arg in [hint, *typing.get_args(hint), *(a for x in typing.get_args(hint) for a in typing.get_args(x))]:
            if isinstance(arg, type) and dataclasses.is_dataclass(arg):
                reachable(arg, seen)
    return seen


def settings_classes() -> set[type]:
    return {type(item.defaults(item.environments[0])) for item in systems.SYSTEMS}


def test_every_table_below_a_system_is_construct_props_or_declared_by_that_system() -> None:
    """A table users write is the props of a construct (infra/props) or a system's own settings: never a
    settings class that restates a construct's fields (the mirrors this replaced)."""
    for settings in settings_classes():
        for cls in reachable(settings):
            module = cls.__module__
            assert module.startswith(("infra.props.", "infra.config.model", "infra.config.usage", "infra.systems.")), (
                cls,
                module,
            )
            if module.startswith("infra.systems."):
                # A system's own table may not share three or more keys with any construct's props.
                own = {f.name for f in dataclasses.fields(cls) if user_settable(f)}
                for props in (c for c in reachable(settings) if c.__module__.startswith("infra.props.")):
                    shared = own & {f.name for f in dataclasses.fields(props)}
                    assert len(shared) < 3 or issubclass(cls, props), (cls, props, shared)


def write(tmp_path: Path, system: str, environment: str, text: str) -> Path:
    (tmp_path / system).mkdir(parents=True, exist_ok=True)
    (tmp_path / system / f"{environment}.toml").write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("system", "environment", "text", "message"),
    [
        (
            "solobase",
            "dev",
            '[load_balancer]\nsubject_alternative_names = ["*.evil.example"]\n',
            "solobase.dev.load_balancer.subject_alternative_names must be left out of config files: the stack sets it",
        ),
        ("freeside", "staging", 'system = "replaydash"\n', "freeside.staging.system must be left out of config files"),
        (
            "solobase",
            "prod",
            "[instances.function]\nreserved_concurrency = 900\n",
            "solobase.prod.instances.function.reserved_concurrency must be left out of config files",
        ),
        (
            "link",
            "staging",
            "enable_ssl = false\n",
            "link.staging.enable_ssl must be written as connection.sslmode (renamed; docs/configuration.md)",
        ),
    ],
)
def test_what_the_stack_sets_and_renamed_keys_are_refused_by_name(
    tmp_path: Path, system: str, environment: str, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        systems.load(system, environment, write(tmp_path, system, environment, text))
    assert str(raised.value).startswith(message), str(raised.value)


def test_a_props_field_is_a_key_with_its_type_doc_and_each_environments_default() -> None:
    item = systems.system("freeside")
    defaults = [item.defaults(env) for env in item.environments]
    found = {section.path: section for section in schema.sections(type(defaults[0]), defaults)}
    keys = {key.name: key for key in found["load_balancer"].keys}
    assert "subject_alternative_names" not in keys  # set by the stack
    deletion = keys["deletion_protection"]
    assert deletion.type == "boolean" and deletion.values == ("true", "false")  # production, staging
    assert deletion.doc == schema.attribute_docs(LoadBalancerProps)["deletion_protection"]
    assert found["network"].declared_by == "infra.props.network.NetworkProps"
    assert found["network.existing"].keys[0].values == ("unset", "unset")
    assert "system" not in {key.name for key in found[""].keys}


def test_every_settable_key_of_every_system_is_in_the_configuration_document() -> None:
    text = (REPOSITORY_ROOT / "docs" / "configuration.md").read_text()
    for item in systems.SYSTEMS:
        defaults = [item.defaults(env) for env in item.environments]
        for section in schema.sections(type(defaults[0]), defaults):
            if section.keys:
                heading = f"`[{section.path}]`" if section.path else "Top level"
                assert f"### {item.name}: {heading}" in text
                block = text.split(f"### {item.name}: {heading}", 1)[1].split("\n### ", 1)[0]
                assert all(f"| `{key.name}` |" in block for key in section.keys), (item.name, section.path)


def test_the_readme_says_where_every_renamed_key_went() -> None:
    readme = (REPOSITORY_ROOT / "README.md").read_text()
    upgrading = readme.split("### Upgrading config files", 1)[1]
    for item in systems.SYSTEMS:
        for old, new in item.renamed.items():
            assert f"`{old}" in upgrading or f"`[{old}]`" in upgrading, old
            table, _, key = new.rpartition(".")
            assert (f"[{table}]" in upgrading if table else True) and (key in upgrading or table), (old, new)


def test_system_settings_fields_are_documented() -> None:
    for settings in [*settings_classes(), SystemSettings]:
        docs = schema.attribute_docs(settings)
        undocumented = [f.name for f in dataclasses.fields(settings) if user_settable(f) and f.name not in docs]
        assert not undocumented, (settings.__name__, undocumented)
