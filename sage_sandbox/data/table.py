"""Column-oriented in-memory tables: the storage behind every sandbox resource.

Rows are positions 0..n-1; each field is a sequence. Columns that a Sage view copies
from a related record (``customer_name`` on an order line) are `Lookup` columns that
read through the foreign key on access, so views stay consistent with their sources
(an updated customer name shows in every view) and a 100 000-row view costs a few
concrete columns of memory rather than a hundred.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


class Lookup(Sequence[Any]):
    """Column whose value at row i is `target[field]` of the row whose key is `keys[i]`."""

    def __init__(self, keys: Sequence[Any], target: Table, field_name: str) -> None:
        self.keys = keys
        self.target = target
        self.field_name = field_name

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i: Any) -> Any:  # type: ignore[override]
        key = self.keys[i]
        if key is None:
            return None
        pos = self.target.position(key)
        if pos is None:
            return None
        return self.target.columns[self.field_name][pos]

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self.keys)):
            yield self[i]

    def take(self, positions: Sequence[int]) -> list[Any]:
        """The values at `positions`, resolved a column at a time (a page render's hot path)."""
        if self.target._index is None:
            self.target.position(None)  # builds the key index
        index = self.target._index
        assert index is not None
        found = list(map(index.get, take(self.keys, positions)))  # a None key finds nothing
        column = self.target.columns[self.field_name]
        if None not in found:
            return take(column, found)
        values = iter(take(column, [p for p in found if p is not None]))
        return [None if p is None else next(values) for p in found]


class Computed(Sequence[Any]):
    """Column computed from the row position (for values that are cheap to derive)."""

    def __init__(self, length: Callable[[], int], compute: Callable[[int], Any]) -> None:
        self._length = length
        self.compute = compute

    def __len__(self) -> int:
        return self._length()

    def __getitem__(self, i: Any) -> Any:  # type: ignore[override]
        return self.compute(i)

    def __iter__(self) -> Iterator[Any]:
        for i in range(len(self)):
            yield self.compute(i)

    def take(self, positions: Sequence[int]) -> list[Any]:
        compute = self.compute
        return [compute(p) for p in positions]


@dataclass(frozen=True)
class ToOne:
    """An expandable object field: the row of `target` whose key equals this row's `fk`."""

    fk: str
    target: str  # table name in the dataset (an API resource or an internal table)


@dataclass(frozen=True)
class ToMany:
    """An expandable array field: the rows of `target` whose `fk` equals this row's key."""

    target: str
    fk: str
    rename_prefix: str = ""  # strip this prefix from child field names (line views → lines)
    keep: tuple[str, ...] = ()  # with a prefix: unprefixed child fields that are kept too




@dataclass
class Table:
    """One resource's rows. `fields` maps each scalar field to its API type, in output order."""

    name: str
    fields: dict[str, str]
    columns: dict[str, Sequence[Any]]
    key: str = "id"
    relations: dict[str, Relation] = field(default_factory=dict)
    version: int = 0  # bumped on every write, so cached sort orders are dropped
    _index: dict[Any, int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        missing = [f for f in self.fields if f not in self.columns]
        if missing:
            raise ValueError(f"{self.name}: no column for {missing[:5]}")

    def __len__(self) -> int:
        return len(self.columns[self.key])

    def position(self, key: Any) -> int | None:
        """The row position of the record whose key is `key` (None if absent)."""
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.columns[self.key])}
        return self._index.get(key)

    def value(self, pos: int, name: str) -> Any:
        return self.columns[name][pos]

    def row(self, pos: int) -> dict[str, Any]:
        return {name: self.columns[name][pos] for name in self.fields}

    # -- writes (only concrete list columns are writable) --------------------------------

    def _list(self, name: str) -> list[Any]:
        column = self.columns[name]
        if not isinstance(column, list):
            raise TypeError(f"{self.name}.{name} is derived and cannot be written")
        return column

    def append(self, values: dict[str, Any]) -> int:
        for name, column in self.columns.items():
            if isinstance(column, list):
                column.append(values.get(name))
        self._index = None
        self.version += 1
        return len(self) - 1

    def update(self, pos: int, values: dict[str, Any]) -> None:
        for name, value in values.items():
            self._list(name)[pos] = value
        if self.key in values:
            self._index = None
        self.version += 1

    def delete(self, pos: int) -> None:
        for column in self.columns.values():
            if isinstance(column, list):
                del column[pos]
        self._index = None
        self.version += 1


class Constant(Sequence[Any]):
    """A column holding one value on every row (unset fields), without a list per column."""

    def __init__(self, value: Any, length: Callable[[], int]) -> None:
        self.value = value
        self._length = length

    def __len__(self) -> int:
        return self._length()

    def __getitem__(self, i: Any) -> Any:  # type: ignore[override]
        return self.value

    def __iter__(self) -> Iterator[Any]:
        for _ in range(len(self)):
            yield self.value

    def take(self, positions: Sequence[int]) -> list[Any]:
        return [self.value] * len(positions)


def take(column: Sequence[Any], positions: Sequence[int]) -> list[Any]:
    """column[p] for each position: derived columns resolve in bulk, lists by plain indexing."""
    bulk = getattr(column, "take", None)
    if bulk is not None:
        return bulk(positions)
    return list(map(column.__getitem__, positions))


@dataclass(frozen=True)
class Absent:
    """An expandable field the sandbox does not model: null (object) or [] (array)."""

    is_array: bool
    target: str = ""


Relation = ToOne | ToMany | Absent
