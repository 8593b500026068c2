"""The provider contract: how a table declares itself and how the SQL layer scans it.

A provider is declarative in the Steampipe way: a `TableSpec` lists columns (with
PostgreSQL types, keys, references and which columns the remote API can filter on),
and `Provider.plan()` says which of the offered predicates it evaluates exactly.
The SQL layer (pgserver/sql) decides what to offer and runs everything that is not
pushed in DuckDB. `Provider.scan()` yields Arrow record batches, so a LIMIT above
the scan stops paging early and memory does not grow with the table.

Dependency rule: this module imports only the standard library, pyarrow and pgserver.types.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from pgserver.types import ColumnType
from pgserver.types import arrow as pgarrow

if TYPE_CHECKING:
    from pgserver.errors import PgError

# ---------------------------------------------------------------------------
# Table declarations
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table as clients see it."""

    name: str
    pg_type: str  # PostgreSQL type as written in DDL: bigint, integer, smallint, numeric,
    # boolean, date, timestamp, timestamptz, text, varchar(60), double precision, json
    description: str = ""
    is_key: bool = False
    nullable: bool = True
    references: str | None = None  # "Currencies.Id" (target table.column) — a foreign key
    filterable: bool = True  # the remote API evaluates predicates on it (server side)
    source: str | None = None  # provider-specific: e.g. the API JSON path "main_address.address_1"
    # pg_type parsed once, when the column is declared (a declaration the registry cannot read fails here)
    type: ColumnType = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", ColumnType.parse(self.pg_type))


@dataclass(frozen=True)
class TableSpec:
    """One relation: a Sage 200 view or a system table."""

    schema: str  # "StandardUK", "ProfessionalUK", "sys" …
    name: str  # "Customers"
    columns: tuple[Column, ...]
    description: str = ""
    kind: str = "view"  # "view" (read-only) or "table"
    default_sort: tuple[str, ...] = ()  # the API's default order, as column names
    extra: Mapping[str, Any] = field(default_factory=dict)  # provider-specific (API resource …)
    # What may be written, when the provider implements `Writable` (None: read-only). See "Writes" below.
    writes: WriteSpec | None = None

    def column(self, name: str) -> Column | None:
        lowered = name.lower()
        for col in self.columns:
            if col.name.lower() == lowered:
                return col
        return None

    @property
    def key_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_key)


# ---------------------------------------------------------------------------
# Writes: what a table declares (WriteSpec) and how the SQL layer writes through it (Writable)
# ---------------------------------------------------------------------------
#
# The remote API has no transactions, so the contract is built so that nothing is ever hidden:
#
# * every row of a request gets exactly one RowResult, in request order, whatever happens;
# * every row is checked (types, lengths, required and download-only columns) before anything is sent;
#   with `stop_on_error` one bad row fails the request with nothing written (the others NOT_ATTEMPTED);
# * rows are then written one at a time, in order; with `stop_on_error` the first failure ends the request
#   and the rows before it stay written (they are APPLIED and say so), the rows after it are NOT_ATTEMPTED;
# * a row is never written twice: a write whose answer was lost is confirmed by reading (creates are found
#   again by the reference they were sent with) before anything is sent again;
# * `on_result` is called as each row's result becomes final, so a caller that is cancelled half way still
#   knows which rows were applied;
# * the methods raise PgError only before anything was sent (e.g. an unknown CompanyId); from the first
#   write on, every failure is a row's `error`.


@dataclass(frozen=True)
class WriteColumn:
    """How one column takes part in writes. Columns of `TableSpec.columns` are listed by name; a write-only
    column (not in `TableSpec.columns`, e.g. Customers.ExternalId) carries its own `pg_type`."""

    name: str
    insertable: bool = False  # may be given in an INSERT (otherwise only DEFAULT: 428C9)
    updatable: bool = False  # may be given in an UPDATE (otherwise only DEFAULT: 428C9)
    required: bool = False  # NOT NULL when a row is created (23502)
    identity: bool = False  # a unique key a row can be matched on (ON CONFLICT target, 23505 on a duplicate)
    generated: bool = False  # the remote system fills it when it is not given (Id, a generated Reference …)
    pg_type: str | None = None  # only for write-only columns
    description: str = ""


@dataclass(frozen=True)
class WriteSpec:
    """What a table lets clients write (the catalog reports it: is_insertable_into, is_updatable …)."""

    columns: tuple[WriteColumn, ...]  # every column of the table, plus write-only ones
    key: tuple[str, ...]  # the columns UPDATE and DELETE address a row by
    identity_order: tuple[str, ...]  # the identity columns an upsert tries, in this order (Zynk's order)
    can_insert: bool = True
    can_update: bool = True
    can_delete: bool = True

    def column(self, name: str) -> WriteColumn | None:
        lowered = name.lower()
        return next((c for c in self.columns if c.name.lower() == lowered), None)

    @property
    def write_only(self) -> tuple[WriteColumn, ...]:
        return tuple(c for c in self.columns if c.pg_type is not None)


class WriteOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    UNCHANGED = "unchanged"  # matched an existing row and left it as it was (ON CONFLICT DO NOTHING)
    NOT_FOUND = "not found"  # the key names no row (any more): nothing written (UPDATE/DELETE count it as 0)
    FAILED = "failed"  # refused by a field rule or by the API: nothing written for this row; `error` says why
    NOT_ATTEMPTED = "not attempted"  # after another row failed with stop_on_error: nothing written

    @property
    def applied(self) -> bool:
        return self in (WriteOutcome.CREATED, WriteOutcome.UPDATED, WriteOutcome.DELETED)


class OnConflict(enum.StrEnum):
    """What an INSERT does with a row that matches an existing one on an identity column of `match_on`."""

    ERROR = "error"  # 23505 duplicate key (a plain INSERT)
    UPDATE = "update"  # update the matched row with the row's values (ON CONFLICT DO UPDATE, MERGE, imports)
    NOTHING = "nothing"  # leave it (ON CONFLICT DO NOTHING): UNCHANGED


@dataclass(frozen=True)
class RowResult:
    """What happened to one row of a write request."""

    index: int  # the row's position in the request
    outcome: WriteOutcome
    key: Mapping[str, Any] | None = None  # the row's key ({"Id": 27825}) when the row exists or existed
    matched_by: str | None = None  # the identity column that found an existing row (upserts)
    row: Mapping[str, Any] | None = None  # the `returning` columns: after the write (DELETE: before it)
    error: PgError | None = None  # why it FAILED
    notes: tuple[str, ...] = ()  # what was left out and why (e.g. a create-only column on an update)


@dataclass
class WriteResult:
    rows: list[RowResult]

    @property
    def applied(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome.applied]

    @property
    def first_error(self) -> PgError | None:
        return next((r.error for r in self.rows if r.error is not None), None)

    def count(self, *outcomes: WriteOutcome) -> int:
        return sum(1 for r in self.rows if r.outcome in outcomes)


ResultCallback = Callable[[RowResult], None]


@dataclass(frozen=True)
class InsertRequest:
    """INSERT of `rows`: each maps declared column names to Python values (None is NULL; a column left
    out takes its default). `match_on` lists the identity columns that find an existing row (tried in
    `WriteSpec.identity_order`); a plain INSERT passes `("ExternalId",)` where the table has one, so a
    re-sent insert finds the row it made (issue 14), and gets 23505 for any other duplicate."""

    rows: Sequence[Mapping[str, Any]]
    match_on: tuple[str, ...] = ()
    on_conflict: OnConflict = OnConflict.ERROR
    returning: tuple[str, ...] = ()  # columns to report in RowResult.row
    stop_on_error: bool = True
    on_result: ResultCallback | None = None
    # OnConflict.UPDATE: the columns a matched row gets from the insert (ON CONFLICT DO UPDATE SET a = EXCLUDED.a);
    # None: every column the row gives. A created row always gets every column.
    update_columns: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RowChange:
    key: Mapping[str, Any]  # WriteSpec.key columns → values ({"Id": 27825})
    values: Mapping[str, Any]  # the columns to change → new values


@dataclass(frozen=True)
class UpdateRequest:
    changes: Sequence[RowChange]
    returning: tuple[str, ...] = ()
    stop_on_error: bool = True
    on_result: ResultCallback | None = None


@dataclass(frozen=True)
class DeleteRequest:
    keys: Sequence[Mapping[str, Any]]
    returning: tuple[str, ...] = ()
    stop_on_error: bool = True
    on_result: ResultCallback | None = None


class Writable(Protocol):
    """A provider whose `spec.writes` is set implements this (see the rules above)."""

    spec: TableSpec

    async def insert(self, request: InsertRequest, ctx: ScanContext) -> WriteResult: ...

    async def update(self, request: UpdateRequest, ctx: ScanContext) -> WriteResult: ...

    async def delete(self, request: DeleteRequest, ctx: ScanContext) -> WriteResult: ...


def writer_of(provider: Provider) -> Writable | None:
    """The provider as a Writable when its spec declares writes (None: the table is read-only)."""
    if provider.spec.writes is None:
        return None
    return provider  # type: ignore[return-value]  # declared by spec.writes (the contract above)


# ---------------------------------------------------------------------------
# Predicates offered to a provider ("quals")
# ---------------------------------------------------------------------------


class Op(enum.StrEnum):
    EQ = "="
    NE = "<>"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    LIKE = "LIKE"  # value is the SQL LIKE pattern (escape character backslash)
    NOT_LIKE = "NOT LIKE"
    IS_NULL = "IS NULL"  # value unused
    IS_NOT_NULL = "IS NOT NULL"  # value unused
    IN = "IN"  # value is a tuple of literals


Literal = None | bool | int | decimal.Decimal | float | str | dt.date | dt.datetime | tuple


@dataclass(frozen=True)
class Comparison:
    """`column op value` with a literal value (parameters are bound before planning)."""

    column: str  # the column's declared name (as in TableSpec)
    op: Op
    value: Literal = None


@dataclass(frozen=True)
class AnyOf:
    """A disjunction (OR) of quals."""

    items: tuple[Qual, ...]


@dataclass(frozen=True)
class AllOf:
    """A conjunction (AND) nested inside an AnyOf."""

    items: tuple[Qual, ...]


@dataclass(frozen=True)
class Not:
    item: Qual


Qual = Comparison | AnyOf | AllOf | Not


@dataclass(frozen=True)
class SortKey:
    column: str
    descending: bool = False
    nulls_first: bool | None = None  # None = PostgreSQL default (NULLS LAST for ASC)


@dataclass
class ScanRequest:
    """What the SQL layer asks of one table reference in a query."""

    columns: list[str]  # the columns the query needs, declared names, in table order
    quals: list[Qual] = field(default_factory=list)  # conjuncts (implicitly AND-ed)
    order_by: list[SortKey] = field(default_factory=list)  # offered only when it is safe to push
    limit: int | None = None  # offered only when it is safe to push (no residual, no join…)
    offset: int = 0


@dataclass(frozen=True)
class QualReport:
    """How a provider treats one offered qual, in the words of the request it sends (EXPLAIN prints it)."""

    qual: Qual
    sent: str | None  # the qual's part of the remote request (e.g. an OData `$filter` clause); None: not sent
    exact: bool  # the remote side evaluates it exactly: not re-checked locally
    note: str = ""  # why it is not sent, or sent only as a superset


@dataclass
class ScanPlan:
    """The provider's answer: what it will evaluate exactly, and what it will send."""

    request: ScanRequest
    pushed_quals: list[Qual]  # evaluated exactly by the provider (not re-checked)
    residual_quals: list[Qual]  # must be evaluated locally
    order_pushed: bool = False
    limit_pushed: bool = False
    description: list[str] = field(default_factory=list)  # for EXPLAIN: the API requests, one per line
    state: Any = None  # provider-private
    # The rows come from the provider's local copy (the mirror): once the scan has started, reading it to its end
    # asks no API for anything, so the SQL layer may read a small one whole before DuckDB starts (execution.py).
    rows_local: bool = False
    # One report per offered qual, made from the request objects the scan sends (remote providers);
    # empty: EXPLAIN shows pushed_quals as pushed and the residual ones as local filters.
    reports: list[QualReport] = field(default_factory=list)


@dataclass(frozen=True)
class RemoteRequest:
    """One HTTP request a provider made, as the statement log and the metrics count it (never its parameters)."""

    resource: str  # the API resource with ids replaced: "customers", "customers/{id}", "sites"
    status: int  # the HTTP status; 0 when no answer came (timeout, connection error)
    seconds: float
    response_bytes: int
    retry: bool  # a second or later attempt of one logical request
    table: str = ""  # the table whose scan (or mirror refresh) made it: "StandardUK.Customers"; "" for others


@dataclass(frozen=True)
class ScanProgress:
    """How far one scan has got, reported after each page it read."""

    table: str  # "StandardUK.SalesOrderLines"
    pages: int
    rows: int  # rows read so far
    page_rows: int  # of which the page just read
    total_rows: int | None  # rows the scan will read in all, once known (Sage 200: the $count answer)


@dataclass(frozen=True)
class CacheRead:
    """A scan answered from the provider's local copy (the Sage mirror), and the refresh that preceded it."""

    table: str  # "StandardUK.Customers"
    refresh: str  # "fill", "delta", "full", or "none" (fresh enough, or a concurrent refresh shared)
    rows_upserted: int  # rows the refresh read from the API into the mirror (some found unchanged)
    rows_deleted: int
    rows_inserted: int = 0  # rows with a key the mirror did not hold
    rows_updated: int = 0  # rows that replaced one of the same key with other values
    seconds: float = 0.0  # the refresh's time (0 when none ran)
    notes: tuple[str, ...] = ()  # "shared a concurrent refresh", "verified 12 s ago" …


class ScanObserver(Protocol):
    """Where a provider reports its remote work (pgserver.sql.run.statement_stats is the server's): the statement's
    API request count and time, the metrics, and progress NOTICEs on long scans."""

    def request_done(self, request: RemoteRequest) -> None: ...

    def token_request(self, grant: str, ok: bool) -> None:
        """An OAuth token request: grant "refresh_token" or "authorization_code"."""

    async def page_read(self, progress: ScanProgress) -> None:
        """After each page; may send the client a progress NOTICE (so it is awaited)."""

    def cache_read(self, read: CacheRead) -> None:
        """A scan's rows come from the local copy, brought up to date as `read` says."""


class _Unobserved:
    """A ScanObserver that keeps nothing (contexts outside a statement: tools, tests)."""

    def request_done(self, request: RemoteRequest) -> None:
        pass

    def token_request(self, grant: str, ok: bool) -> None:
        pass

    async def page_read(self, progress: ScanProgress) -> None:
        pass

    def cache_read(self, read: CacheRead) -> None:
        pass


UNOBSERVED: ScanObserver = _Unobserved()


class ScanContext(Protocol):
    """What a scan may read from the connection it runs for."""

    # Where the running statement's remote work is reported (UNOBSERVED outside one).
    observer: ScanObserver

    def property(self, name: str) -> Any:
        """A connection property's effective value (MaxThreads, Timeout, CompanyId …)."""


class Provider(Protocol):
    spec: TableSpec

    def plan(self, request: ScanRequest, ctx: ScanContext) -> ScanPlan: ...

    def scan(self, plan: ScanPlan, ctx: ScanContext) -> AsyncIterator[pa.RecordBatch]:
        """Yield batches whose schema is `arrow_schema(spec, plan.request.columns)`."""
        ...


# ---------------------------------------------------------------------------
# PostgreSQL declared type → Arrow type (the one place this mapping lives)
# ---------------------------------------------------------------------------

NUMERIC_ARROW = pgarrow.NUMERIC_ARROW


def arrow_type(pg_type: str | ColumnType) -> pa.DataType:
    """The Arrow type carrying values of a declared PostgreSQL type (pgserver.types.arrow's table);
    ValueError for a type no Arrow type carries."""
    try:
        parsed = ColumnType.parse(pg_type) if isinstance(pg_type, str) else pg_type
    except Exception:  # noqa: BLE001 - the registry raises PgError; a declaration error is a ValueError here
        raise ValueError(f"no Arrow type for PostgreSQL type {pg_type!r}") from None
    return pgarrow.arrow_type(parsed)


def arrow_schema(spec: TableSpec, columns: Sequence[str] | None = None) -> pa.Schema:
    """The Arrow schema of `spec`'s rows (of `columns` only, when given), built once per spec and column list
    (every scan asks for it: 59 columns looked up by name and typed cost a wide view's scan 1–2 ms)."""
    key = (id(spec), None if columns is None else tuple(columns))
    kept = _SCHEMAS.get(key)
    if kept is not None and kept[0] is spec:
        return kept[1]
    cols = spec.columns if columns is None else [spec.column(c) for c in columns]
    schema = pa.schema([pa.field(c.name, pgarrow.arrow_type(c.type)) for c in cols if c is not None])
    if len(_SCHEMAS) >= _SCHEMAS_KEPT:
        _SCHEMAS.clear()
    _SCHEMAS[key] = (spec, schema)  # the spec is held, so its id is not reused while the entry lives
    return schema


_SCHEMAS: dict[tuple[int, tuple[str, ...] | None], tuple[TableSpec, pa.Schema]] = {}
_SCHEMAS_KEPT = 4096


# ---------------------------------------------------------------------------
# Stored procedures (e.g. the OAuth helpers GetOAuthAuthorizationURL …)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureParameter:
    name: str
    pg_type: str
    description: str = ""
    required: bool = False
    direction: str = "IN"  # "IN" for inputs, "OUT" for result columns
    type: ColumnType = field(init=False, repr=False, compare=False)  # pg_type, parsed once

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", ColumnType.parse(self.pg_type))


@dataclass(frozen=True)
class ProcedureSpec:
    schema: str
    name: str
    description: str
    parameters: tuple[ProcedureParameter, ...]  # IN parameters, then OUT (result) columns
    # Callable by superusers only: the procedure changes what every connection of the data source uses
    # (its OAuth credentials). Others get 42501 before call() runs (pgserver.sql.bind.procedure_calls).
    privileged: bool = False


class Procedure(Protocol):
    """Called by `CALL name(...)` or `SELECT * FROM name(...)`; returns one result set."""

    spec: ProcedureSpec

    async def call(self, arguments: Mapping[str, Any], ctx: ScanContext) -> list[tuple[Any, ...]]:
        """Rows in the order of the OUT parameters. Arguments are keyed by IN parameter name."""
        ...
