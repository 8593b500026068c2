"""Data that changes over time: deterministic rounds of edits, inserts and deletes across the resources.

The real API has no change feed; integrators poll `date_time_updated`. A churn round does what a busy Sage
company does between two polls, so the mirror (issue 12) can be tested against it:

- **edits** change a field of a record and move its `date_time_updated` (on line views: the line's own update
  field), as Sage does on every save; some edits are *header edits* — an order's header changes, which every
  line of the order repeats (the line views read header fields through the header, so the lines change while
  only the header's update field moves);
- **inserts** add a record copied from an existing one, with a new key, fresh unique codes and both stamps now;
- **deletes** remove a record — a line of a document, or a record an earlier round inserted (those have no
  dependants, so referential integrity holds). The API reports deletions nowhere: they only show as a record
  that is gone (and a smaller `$count`).

Everything is drawn from one `random.Random(seed)`, so the same rounds on the same data give the same changes.
Stamps come from the sandbox clock, never earlier than the data's newest stamp plus a millisecond, so a
watermark taken before a round is always below what the round wrote.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .data.dataset import Dataset
from .data.schema import load_schemas
from .data.table import Table

HEADERS_OF_LINES = {  # line view -> (header resource, the view's foreign key to it)
    "sop_order_line_views": ("sop_orders", "sop_order_id"),
    "pop_order_line_views": ("pop_orders", "pop_order_id"),
}
UNIQUE_TEXT = ("reference", "code", "document_no", "short_name")  # copied records get fresh values here
NOT_EDITED = ("id", "date_time_created", "date_time_updated", "balance", "_type", "status")  # by name ending
# (stamps and balances are the API's to set; *_type and *status fields hold enumerated values)


@dataclass(frozen=True)
class ChurnRound:
    """How much one round changes, per company."""

    edits: int = 20
    header_edits: int = 3
    inserts: int = 4
    deletes: int = 3
    resources: tuple[str, ...] = ()  # only these API resources (empty: all) for edits and inserts


@dataclass
class ChurnReport:
    """What a round did, per resource: keys edited, inserted and deleted."""

    edited: dict[str, list[Any]] = field(default_factory=dict)
    inserted: dict[str, list[Any]] = field(default_factory=dict)
    deleted: dict[str, list[Any]] = field(default_factory=dict)

    def note(self, kind: dict[str, list[Any]], resource: str, key: Any) -> None:
        kind.setdefault(resource, []).append(key)

    @property
    def changes(self) -> int:
        return sum(len(v) for part in (self.edited, self.inserted, self.deleted) for v in part.values())


class Churner:
    """Applies rounds to one company's data. Keeps what it inserted, so later rounds may delete it."""

    def __init__(self, dataset: Dataset, seed: int, clock: Callable[[], float]) -> None:
        self.dataset = dataset
        self.rng = random.Random(f"churn/{seed}/{dataset.profile.company_id}")
        self.clock = clock
        self._last_stamp: dt.datetime | None = None
        self._inserted: list[tuple[str, Any]] = []
        self._serial = 0

    # -- the round -------------------------------------------------------------------------
    def run(self, spec: ChurnRound) -> ChurnReport:
        report = ChurnReport()
        with self.dataset.lock:
            self.dataset.prepare_for_writes()
            resources = self._resources(spec.resources)
            for _ in range(spec.edits):
                self._edit(self.rng.choice(resources), report)
            for _ in range(spec.header_edits):
                self._edit(self.dataset.table(self.rng.choice(sorted({h for h, _ in HEADERS_OF_LINES.values()}))),
                           report)
            for _ in range(spec.inserts):
                self._insert(self.rng.choice(resources), report)
            for _ in range(spec.deletes):
                self._delete(report, spec.resources)
            self.dataset.forget_derived()
        return report

    def _resources(self, only: tuple[str, ...]) -> list[Table]:
        """The API resources a round may change: those with records and a field to edit (with or without an
        update field: views without one are what a mirror must refresh in full)."""
        schemas = load_schemas()
        out = []
        for name in sorted(schemas):
            if not self.dataset.has_resource(name) or (only and name not in only):
                continue
            table = self.dataset.table(name)
            if len(table) and _editable_fields(table):
                out.append(table)
        return out

    # -- edits ------------------------------------------------------------------------------
    def _edit(self, table: Table, report: ChurnReport) -> None:
        if not len(table):
            return
        pos = self.rng.randrange(len(table))
        name = self.rng.choice(_editable_fields(table))
        values = {name: self._changed(table, name, table.columns[name][pos])}
        stamp = _update_field(table)
        if stamp is not None:
            values[stamp] = self._now()
        table.update(pos, values)
        report.note(report.edited, table.name, table.columns[table.key][pos])

    def _changed(self, table: Table, name: str, value: Any) -> Any:
        kind = table.fields[name]
        if kind == "b":
            return not bool(value)
        if kind in ("i16", "i32"):
            return int(value or 0) + 1
        if kind.startswith("d") and kind[1:].isdigit():
            return round(float(value or 0) + 1.25, int(kind[1:]))
        if kind == "dt":
            return self._now().replace(hour=0, minute=0, second=0, microsecond=0)
        text = str(value or "")
        if name in UNIQUE_TEXT:
            return self._unique(text)
        if text.isdigit():  # a number kept as text (urn …): stays a number
            return str(int(text) + 1)
        return (text[:-1] if text.endswith("*") else text + "*") if text else "edited"

    # -- inserts ------------------------------------------------------------------------------
    def _insert(self, table: Table, report: ChurnReport) -> None:
        if not len(table) or not _integer_key(table):
            return
        source = self.rng.randrange(len(table))
        keys = table.columns[table.key]
        new_key = max(k for k in keys if k is not None) + 1
        now = self._now()
        values: dict[str, Any] = {}
        for name, column in table.columns.items():
            if not isinstance(column, list):
                continue
            value = column[source]
            if name in UNIQUE_TEXT and isinstance(value, str) and value:
                value = self._unique(value)
            values[name] = value
        values[table.key] = new_key
        for stamp in ("date_time_created", "date_time_updated", _update_field(table)):
            if stamp and isinstance(table.columns.get(stamp), list):
                values[stamp] = now
        table.append(values)
        self._inserted.append((table.name, new_key))
        report.note(report.inserted, table.name, new_key)

    # -- deletes ------------------------------------------------------------------------------
    def _delete(self, report: ChurnReport, only: tuple[str, ...]) -> None:
        candidates = [(name, None) for name in HEADERS_OF_LINES if not only or name in only]
        candidates += [(name, key) for name, key in self._inserted if not only or name in only]
        if not candidates:
            return
        name, key = self.rng.choice(candidates)
        table = self.dataset.table(name)
        if key is None:  # a line of a document
            if not len(table):
                return
            pos = self.rng.randrange(len(table))
            key = table.columns[table.key][pos]
        else:
            self._inserted.remove((name, key))
            pos = table.position(key)
            if pos is None:
                return
        table.delete(pos)
        report.note(report.deleted, name, key)

    # -- helpers -------------------------------------------------------------------------------
    def _now(self) -> dt.datetime:
        """The sandbox clock at millisecond precision, never at or before a stamp this churner wrote, nor
        before the data's own newest stamps."""
        value = dt.datetime.fromtimestamp(self.clock(), dt.UTC).replace(tzinfo=None)
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
        floor = self._last_stamp or _newest_stamp(self.dataset)
        if value <= floor:
            value = floor + dt.timedelta(milliseconds=1)
        self._last_stamp = value
        return value

    def _unique(self, text: str) -> str:
        """A fresh value for a unique code, at most 8 characters (the API's limit for references)."""
        self._serial += 1
        suffix = f"Z{self._serial:X}"
        return text[: max(0, 8 - len(suffix))] + suffix


def _update_field(table: Table) -> str | None:
    """The field that moves when a record of this resource is saved: `date_time_updated`, or the view's own
    stored update field (`sop_order_line_date_time_updated` …); None for views without one (their records
    change with no field telling)."""
    if isinstance(table.columns.get("date_time_updated"), list):
        return "date_time_updated"
    own = [n for n, c in table.columns.items() if n.endswith("date_time_updated") and isinstance(c, list)]
    return own[0] if own else None


def _editable_fields(table: Table) -> list[str]:
    """Plain stored fields (not keys, references, stamps or balances)."""
    return [name for name, column in table.columns.items()
            if isinstance(column, list) and name in table.fields and name != table.key and not name.endswith("_id")
            and not any(name.endswith(n) for n in NOT_EDITED)]


def _integer_key(table: Table) -> bool:
    keys = table.columns[table.key]
    return isinstance(keys, list) and all(isinstance(k, int) for k in keys[:1])


def _newest_stamp(dataset: Dataset) -> dt.datetime:
    newest = dt.datetime(2000, 1, 1)
    for name in load_schemas():
        if not dataset.has_resource(name):
            continue
        table = dataset.table(name)
        for column_name, column in table.columns.items():
            if column_name.endswith("date_time_updated") and isinstance(column, list) and column:
                newest = max([newest, *(v for v in column if isinstance(v, dt.datetime))])
    return newest
