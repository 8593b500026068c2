"""Run a collection request against a table: filter, sort, page, select and expand.

Filtering and sorting produce a list of row positions, cached per (table version,
$filter, $orderby) so a client paging through 100 000 rows with $skip pays for the
sort once. Rendering builds JSON-ready dicts only for the rows on the page, a column at a
time (`render_json`), and keeps each row's JSON bytes in the dataset's RowCache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any, Protocol

from sage_sandbox.data.schema import load_schemas
from sage_sandbox.errors import ApiError, bad_request
from sage_sandbox.odata.filter_eval import Resolver, compile_filter
from sage_sandbox.odata.options import OrderKey, QueryOptions

from .data.table import Absent, Constant, Lookup, Table, ToMany, ToOne, take
from .jsonfmt import cached_timestamp, dumps
from .row_cache import RowCache

_CACHE_SIZE = 16


class TableSource(Protocol):
    """What query execution needs from a company's dataset."""

    def table(self, name: str) -> Table: ...

    def children(self, target: str, fk: str, key: Any) -> list[int]: ...


class PositionCache:
    """A small LRU of filtered+sorted row positions."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple[Any, ...], list[int]] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> list[int] | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def clear(self) -> None:
        """Drop everything: a write may change values that views read through lookups."""
        self._items.clear()

    def put(self, key: tuple[Any, ...], positions: list[int]) -> None:
        self._items[key] = positions
        while len(self._items) > _CACHE_SIZE:
            self._items.popitem(last=False)


def _resolver(table: Table, source: TableSource) -> Resolver:
    """How $filter finds a field's type and column: a field of the resource, or a field of one of
    its nested objects by path (`delivery_address/city`, OData's navigation syntax; null when the
    object is). A whole object or a collection cannot be compared: 400, as for unknown fields."""

    def resolve(path: str) -> tuple[str, Sequence[Any]]:
        if path in table.fields:
            return table.fields[path], table.columns[path]
        head, _, rest = path.partition(".")
        relation = table.relations.get(head)
        if relation is None:
            raise bad_request(f"unknown field '{path}' in $filter for resource {table.name}", source="$filter")
        if isinstance(relation, ToMany) or (isinstance(relation, Absent) and relation.is_array):
            raise bad_request(f"cannot filter on '{path}': '{head}' is a collection", source="$filter")
        if not rest or "." in rest:
            raise bad_request(f"cannot filter on '{path}': name one field of the object '{head}'", source="$filter")
        if isinstance(relation, ToOne):
            target = source.table(relation.target)
            if rest in target.fields:
                return target.fields[rest], Lookup(table.columns[relation.fk], target, rest)
        else:  # an object the sandbox does not model: always null, typed as the reference documents it
            schema = load_schemas().get(table.name)
            api_type = dict(schema.nested.get(head, ())).get(rest) if schema is not None else None
            if api_type is not None:
                return api_type, Constant(None, table.__len__)
        raise bad_request(f"unknown field '{path}' in $filter for resource {table.name}", source="$filter")

    return resolve


def _matching(table: Table, options: QueryOptions, source: TableSource) -> list[int]:
    """Positions of the rows that pass $filter. A failure while evaluating it (a value the
    evaluator cannot compare) is the API's fault, answered as a 500 that says what failed."""
    positions = range(len(table))
    if options.filter is None:
        return list(positions)
    predicate = compile_filter(options.filter, _resolver(table, source))
    try:
        return [i for i in positions if predicate(i)]
    except (TypeError, AttributeError, ValueError, ArithmeticError) as exc:
        raise ApiError(500, "InternalServerError", f"the $filter could not be evaluated on {table.name}: "
                       f"{type(exc).__name__}: {exc}", "$filter") from None


def check_orderby(table: Table, keys: list[OrderKey]) -> None:
    for key in keys:
        if key.field not in table.fields:
            if key.field.split(".")[0] in table.relations:
                raise bad_request(f"cannot order by expandable field '{key.field}'", source="$orderby")
            raise bad_request(f"unknown field '{key.field}' in $orderby for resource {table.name}", source="$orderby")


def select_positions(
    table: Table, options: QueryOptions, default_sort: list[OrderKey], cache: PositionCache, source: TableSource
) -> list[int]:
    """Positions of the rows that pass $filter, in $orderby (or default) order."""
    order = options.orderby or default_sort
    check_orderby(table, order)
    cache_key = (table.name, id(table), table.version, options.filter_text, tuple(order))
    found = cache.get(cache_key)
    if found is not None:
        return found
    positions = _matching(table, options, source)
    for key in reversed(order):
        column = table.columns[key.field]
        if table.fields[key.field] == "s":
            positions.sort(key=lambda i: (v := column[i]) is not None and (1, v.casefold()) or (0, ""),
                           reverse=key.descending)
        else:
            positions.sort(key=lambda i: (0, 0) if (v := column[i]) is None else (1, v), reverse=key.descending)
    cache.put(cache_key, positions)
    return positions


def count_rows(table: Table, options: QueryOptions, source: TableSource) -> int:
    return len(table) if options.filter is None else len(_matching(table, options, source))


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------


class Renderer:
    """Builds the JSON objects for rows of one table under $select/$expand."""

    def __init__(self, source: TableSource, table: Table, options: QueryOptions,
                 visible: dict[str, list[str]] | None = None) -> None:
        self.source = source
        self.table = table
        self.visible = visible or {}
        self.expand = self._check_expand(options.expand)
        self.select = self._check_select(options.select)

    def fields_of(self, table: Table) -> list[str]:
        return self.visible.get(table.name, list(table.fields))

    def _check_expand(self, items: list[str]) -> list[str]:
        for item in items:
            head = item.split(".")[0]
            if head not in self.table.relations:
                if head in self.table.fields:
                    raise bad_request(f"'{head}' is not an expandable field of {self.table.name}", source="$expand")
                raise bad_request(f"unknown field '{item}' in $expand for resource {self.table.name}",
                                  source="$expand")
        return [item.split(".")[0] for item in items]

    def _check_select(self, items: list[str] | None) -> dict[str, list[str]] | None:
        if items is None:
            return None
        chosen: dict[str, list[str]] = {}
        own = set(self.fields_of(self.table))
        for item in items:
            head, _, rest = item.partition(".")
            if head in own and not rest:
                chosen.setdefault(head, [])
            elif head in self.table.relations:
                if head not in self.expand:
                    raise bad_request(f"'{item}' is in $select but '{head}' is not in $expand", source="$select")
                if rest and not self._child_has(head, rest):
                    raise bad_request(f"unknown field '{item}' in $select for resource {self.table.name}",
                                      source="$select")
                chosen.setdefault(head, []).append(rest)
            else:
                raise bad_request(f"unknown field '{item}' in $select for resource {self.table.name}",
                                  source="$select")
        return chosen

    def _child_has(self, relation: str, path: str) -> bool:
        target = self.source.table(self.table.relations[relation].target)
        head, _, rest = path.partition(".")
        rel = self.table.relations[relation]
        prefix = rel.rename_prefix if isinstance(rel, ToMany) else ""
        names = {self._rename(f, prefix) for f in self.fields_of(target)}
        if head in names and not rest:
            return True
        child_rel = target.relations.get(head)
        return isinstance(child_rel, ToOne) and (not rest or rest in self.fields_of(self.source.table(child_rel.target)))

    @staticmethod
    def _rename(name: str, prefix: str) -> str:
        return name[len(prefix):] if prefix and name.startswith(prefix) else name

    def _names(self) -> list[str]:
        fields = self.fields_of(self.table)
        return fields if self.select is None else [f for f in fields if f in self.select]

    def signature(self) -> Hashable:
        """What a rendered row depends on besides the data (the RowCache key)."""
        select = None if self.select is None else tuple((k, tuple(v)) for k, v in self.select.items())
        return (self.table.name, id(self.table), self.table.version, tuple(self._names()), tuple(self.expand),
                select)

    def render(self, pos: int) -> dict[str, Any]:
        table = self.table
        out: dict[str, Any] = {name: table.columns[name][pos] for name in self._names()}
        self._add_relations(out, pos)
        return out

    def render_rows(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """render() of many rows, reading each column once for all of them."""
        names = self._names()
        if not names:
            rows: list[dict[str, Any]] = [{} for _ in positions]
        else:
            fields = self.table.fields
            columns = [_timestamps(take(self.table.columns[name], positions)) if fields[name] == "dt"
                       else take(self.table.columns[name], positions) for name in names]
            rows = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
        if self.expand:
            for out, pos in zip(rows, positions, strict=True):
                self._add_relations(out, pos)
        return rows

    def render_json(self, positions: Sequence[int], cache: RowCache | None = None) -> bytes:
        """The JSON array of the rows at `positions` (what a collection page answers)."""

        def fresh(missing: list[int]) -> list[bytes]:
            return [dumps(row) for row in self.render_rows(missing)]

        if cache is None:
            return b"[" + b",".join(fresh(list(positions))) + b"]"
        return cache.page(self.signature(), positions, fresh)

    def _add_relations(self, out: dict[str, Any], pos: int) -> None:
        table = self.table
        for relation in self.expand:
            if self.select is not None and relation not in self.select:
                continue
            value = self._related(table, pos, relation, nested=True)
            subpaths = [p for p in (self.select or {}).get(relation, []) if p]
            if subpaths and value is not None:
                value = [_prune(v, subpaths) for v in value] if isinstance(value, list) else _prune(value, subpaths)
            out[relation] = value

    def _related(self, table: Table, pos: int, relation: str, nested: bool) -> Any:
        rel = table.relations[relation]
        if isinstance(rel, Absent) and not rel.is_array:
            return None
        if isinstance(rel, ToOne):
            key = table.columns[rel.fk][pos]
            target = self.source.table(rel.target)
            target_pos = None if key is None else target.position(key)
            if target_pos is None:
                return None
            return self._object(target, target_pos, "", nested)
        if not isinstance(rel, ToMany):  # Absent: a field the sandbox does not model
            return [] if rel.is_array else None
        target = self.source.table(rel.target)
        key = table.columns[table.key][pos]
        return [self._object(target, p, rel.rename_prefix, nested, rel.keep)
                for p in self.source.children(rel.target, rel.fk, key)]

    def _object(self, table: Table, pos: int, prefix: str, nested: bool,
                keep: tuple[str, ...] = ()) -> dict[str, Any]:
        names = self.fields_of(table)
        if prefix:  # a line view's rows as the lines of their document
            names = [n for n in names if n.startswith(prefix) or n in keep]
        out = {self._rename(name, prefix): table.columns[name][pos] for name in names}
        if nested:
            for name, rel in table.relations.items():
                if isinstance(rel, ToOne):
                    out[name] = self._related(table, pos, name, nested=False)
        return out


def _timestamps(values: list[Any]) -> list[Any]:
    """A date-time column as the API's text (formatting here is cheaper than per value in the encoder)."""
    return [value if value is None or isinstance(value, str) else cached_timestamp(value) for value in values]


def _prune(value: dict[str, Any], subpaths: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in subpaths:
        head, _, rest = path.partition(".")
        if head not in value:
            continue
        if rest and isinstance(value[head], dict):
            out[head] = {**out.get(head, {}), **_prune(value[head], [rest])}
        else:
            out[head] = value[head]
    return out
