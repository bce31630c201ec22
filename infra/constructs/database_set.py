"""Databases of one PostgreSQL cluster as instances of one resource block, so that dropping one is refused.

Terraform's ``prevent_destroy`` guards only resources still in the configuration:
a database whose resource block disappears (its customer deleted from the
registry by hand, its service from settings) is destroyed without a word, and the
cyrilgdn provider drops it with ``DROP DATABASE ... WITH (FORCE)``, ending live
sessions. Here every database is an instance of one ``postgresql_database``
block keyed by ``for_each``: a removed key leaves the block, and its
``prevent_destroy``, in place, so the plan fails ("Instance cannot be
destroyed") naming ``<block>["<key>"]`` before anything is touched. Protection
follows one setting (``deletion_protection``): the teardown path (protection off
in config, deploy) is the one way to drop a database on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf import TerraformIterator
from cdktf_cdktf_provider_postgresql.database import Database
from constructs import Construct

from infra import validation
from infra.constructs.login_role import LoginRole
from infra.constructs.protection import deletion_guard
from infra.props.postgresql_connection import identifier


@dataclass(frozen=True)
class DatabaseEntry:
    """One database of the set: its name, the role owning it, the connections it accepts (-1: no limit)."""

    name: str
    owner: LoginRole
    connection_limit: int = -1


class DatabaseSet(Construct):
    """Every database of ``entries`` (key -> entry) in one block, under ``prevent_destroy`` when ``protected``."""

    def __init__(self, scope: Construct, id_: str, *, entries: Mapping[str, DatabaseEntry], protected: bool) -> None:
        super().__init__(scope, id_)
        for key, entry in entries.items():
            validation.non_empty_text("database key", key, max_length=128)
            identifier("database name", entry.name)
            validation.int_between(f"{entry.name} connection_limit", entry.connection_limit, -1, 100000)
        validation.unique("database names", [entry.name for entry in entries.values()])
        self.entries = dict(entries)
        iterator = TerraformIterator.from_map(
            {
                key: {"name": entry.name, "owner": entry.owner.name, "connection_limit": entry.connection_limit}
                for key, entry in entries.items()
            }
        )
        self.resource = Database(
            self,
            "Resource",
            for_each=iterator,
            name=iterator.get_string("name"),
            owner=iterator.get_string("owner"),
            connection_limit=iterator.get_number("connection_limit"),
            lifecycle=deletion_guard(protected),
        )
        self._move_target = self.node.path
        self.resource.add_move_target(self._move_target)

    def address(self, key: str) -> str:
        """The Terraform address of database ``key`` (``postgresql_database.<id>["<key>"]``)."""
        if key not in self.entries:
            raise KeyError(f"no database {key!r} in {self.node.path}")
        return f'{self.resource.terraform_resource_type}.{self.resource.friendly_unique_id}["{key}"]'

    def name_of(self, key: str) -> str:
        """Database ``key``'s name, as a reference (users of it depend on the database)."""
        return f"${{{self.address(key)}.name}}"

    def adopt(self, scope: Construct, key: str) -> None:
        """Take over database ``key`` from where it lived before the set, ``<scope>/Resource``: cdktf's move
        support writes the ``moved`` block, so a deployed database changes address, never identity."""
        previous = Database(scope, "Resource", name=self.entries[key].name)
        previous.move_to(self._move_target, key)
