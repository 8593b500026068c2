"""The build context for one company's demo data: seeded randomness, ids, lazy tables.

Each table has a builder function registered with `@builds(name)`; `Builder.table(name)`
runs it on first use and memoises it, so a request for /tax_codes never generates
100 000 order lines. Every table draws from its own `random.Random` seeded with
(seed, company, table), so the data does not depend on which table was asked for first.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .schema import load_schemas
from .table import Absent, Constant, Lookup, Relation, Table, ToOne
from .validate import check_column, declared_paths

NOW = dt.datetime(2025, 6, 30, 17, 0, 0)  # the demo company's "today"
HISTORY_START = dt.datetime(2023, 4, 1)  # first financial year with transactions

BuildFunction = Callable[["Builder"], Table]
BUILDERS: dict[str, BuildFunction] = {}


def builds(name: str) -> Callable[[BuildFunction], BuildFunction]:
    def register(fn: BuildFunction) -> BuildFunction:
        BUILDERS[name] = fn
        return fn

    return register


def builds_together(names: Sequence[str], build_all: Callable[[Builder], None]) -> None:
    """Register one generator that produces several tables at once (documents and their lines)."""

    def builder_for(name: str) -> BuildFunction:
        def build(b: Builder) -> Table:
            if name not in b.tables:
                build_all(b)
            return b.tables[name]

        return build

    for name in names:
        BUILDERS[name] = builder_for(name)


@dataclass(frozen=True)
class CompanyProfile:
    """One company on the demo site."""

    company_id: int
    name: str
    short_name: str
    size: float  # multiplies the number of master records and transactions
    id_offset: int  # added to every record id, so companies never share ids
    town: tuple[str, str, str, str]  # address line, town, county, postcode


def default_value(field_name: str, api_type: str) -> Any:
    """What the API returns for a field the demo data leaves unset."""
    if api_type == "s":
        return ""
    if api_type == "b":
        return False
    if api_type in ("i16", "i32"):
        return 0
    if api_type.startswith("d") and api_type[1:].isdigit():
        return 0.0
    return None  # i64 references, num, dt


class Builder:
    """Builds (lazily) and holds the tables of one company."""

    def __init__(self, profile: CompanyProfile, seed: int, scale: float) -> None:
        self.profile = profile
        self.seed = seed
        self.scale = scale
        self.tables: dict[str, Table] = {}
        self._building: set[str] = set()
        self._checked: set[str] = set()
        self._pending: dict[str, list[tuple[str, str, str]]] = {}  # table -> (field, declared, where) to check

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}/{self.profile.company_id}/{name}")

    def table(self, name: str) -> Table:
        found = self.tables.get(name)
        if found is None:
            if name in self._building:
                raise RuntimeError(f"circular build dependency at {name}")
            builder = BUILDERS.get(name)
            if builder is None:
                raise KeyError(name)
            self._building.add(name)
            try:
                found = builder(self)
            finally:
                self._building.discard(name)
            self.tables[name] = found
        if name not in self._checked:
            self._checked.add(name)
            self._check(found)
        return found

    def _check(self, table: Table) -> None:
        """The table's values against their API types and the declared column types (validate.py);
        a nested object's declared fields are checked in the object's table, now or once it is built."""
        schema = load_schemas().get(table.name)
        declared = schema.declared if schema is not None else {}
        checks = [(f, declared.get(f), f"{table.name}.{f}") for f in table.fields]
        checks += [(f, d, w) for f, d, w in self._pending.pop(table.name, []) if f in table.fields]
        for field_name, pg_type, where in checks:
            check_column(where, table.columns[field_name], table.fields[field_name], pg_type, self._lookup_source)
        for head, sub, pg_type in declared_paths(declared):
            relation = table.relations.get(head)
            if isinstance(relation, ToOne):
                target = self.tables.get(relation.target)
                entry = (sub, pg_type, f"{table.name}.{head}.{sub}")
                if target is not None and relation.target in self._checked:
                    if sub in target.fields:
                        check_column(entry[2], target.columns[sub], target.fields[sub], pg_type, self._lookup_source)
                else:
                    self._pending.setdefault(relation.target, []).append(entry)

    @staticmethod
    def _lookup_source(lookup: Lookup) -> Sequence[Any] | None:
        return lookup.target.columns.get(lookup.field_name)

    def masters(self, base: int) -> int:
        """How many master records (customers, suppliers …) this company has."""
        return max(3, round(base * self.profile.size))

    def transactions(self, base: int) -> int:
        """How many transactions: the master count multiplied by `scale`."""
        return max(1, round(base * self.profile.size * self.scale))

    def ids(self, base: int, n: int) -> range:
        start = base + self.profile.id_offset
        return range(start, start + n)

    def make(
        self,
        name: str,
        columns: dict[str, Sequence[Any]],
        relations: dict[str, Relation] | None = None,
        key: str = "id",
        fields: dict[str, str] | None = None,
    ) -> Table:
        """A table with every schema field: unset scalars get the API's empty value."""
        schema = load_schemas().get(name)
        field_types = dict(schema.scalars) if schema is not None else dict(fields or {})
        key_column = columns[key]
        for field_name, api_type in field_types.items():
            if field_name not in columns:
                columns[field_name] = Constant(default_value(field_name, api_type), key_column.__len__)
        rels: dict[str, Relation] = dict(relations or {})
        if schema is not None:
            for field_name, kind in schema.expandable.items():
                rels.setdefault(field_name, Absent(is_array=kind == "arr"))
        return Table(name, field_types, columns, key, rels)


def stamps(rng: random.Random, n: int, start: dt.datetime = HISTORY_START,
           end: dt.datetime = NOW) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """(date_time_created, date_time_updated) pairs spread over [start, end], millisecond precision."""
    span = (end - start).total_seconds()
    created: list[dt.datetime] = []
    updated: list[dt.datetime] = []
    for _ in range(n):
        c = start + dt.timedelta(milliseconds=int(rng.random() * span * 1000))
        remaining = (end - c).total_seconds()
        u = c if rng.random() < 0.4 else c + dt.timedelta(milliseconds=int(rng.random() * remaining * 1000))
        created.append(c)
        updated.append(u)
    return created, updated


def sorted_dates(rng: random.Random, n: int, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """n business dates (midnight) in ascending order between start and end."""
    days = max(1, (end - start).days)
    offsets = sorted(rng.randrange(days) for _ in range(n))
    return [start + dt.timedelta(days=d) for d in offsets]


def stamp_after(rng: random.Random, day: dt.datetime) -> dt.datetime:
    """A timestamp during or shortly after a business day (never after NOW)."""
    value = day + dt.timedelta(hours=8, milliseconds=int(rng.random() * 3 * 86_400_000))
    return min(value, NOW - dt.timedelta(milliseconds=rng.randrange(1, 86_400_000)))


def money(value: float) -> float:
    return round(value + 0.0, 2)


def qty(value: float) -> float:
    return round(value + 0.0, 5)
