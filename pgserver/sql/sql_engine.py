"""SqlEngine: one client session — implements pgserver.engine.Engine.

prepare() classifies and parses (reporting syntax errors and unknown relations at Parse
time, as PostgreSQL does) and describes the result; execute() binds parameters, runs
session commands directly and queries through planner → providers → DuckDB.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio
import duckdb
from sqlglot import exp

from pgserver.catalog import session_variables
from pgserver.engine import (
    Cursor,
    Engine,
    Notice,
    NoticeSink,
    Prepared,
    ProtocolPortals,
    ResultColumn,
    ServerControl,
)
from pgserver.errors import (
    FEATURE_NOT_SUPPORTED,
    IN_FAILED_SQL_TRANSACTION,
    INTERNAL_ERROR,
    QUERY_CANCELED,
    READ_ONLY_SQL_TRANSACTION,
    PgError,
)
from pgserver.provider import UNOBSERVED, ScanObserver
from pgserver.sql.bind.binder import bind_query
from pgserver.sql.bind.bound_query import BoundQuery, PlanEnvironment, QueryPlan
from pgserver.sql.bind.params import bind, infer_types, parameter_count
from pgserver.sql.bind.procedure_calls import call_columns
from pgserver.sql.bind.tableset import NameScope
from pgserver.sql.commands import session_commands as sc
from pgserver.sql.commands.cursors import CursorRegistry, parse_declare, parse_fetch
from pgserver.sql.commands.sql_prepared import SqlPreparedStatements
from pgserver.sql.commands.transactions import TransactionState
from pgserver.sql.datasource import CatalogSeam, DataSource, SessionInfo
from pgserver.sql.plan_cache import PLANS_PER_STATEMENT, STATEMENTS_PER_SESSION, Lru, parameter_key
from pgserver.sql.pushdown.planner import plan_query
from pgserver.sql.run.calls import call_statement, run_procedure
from pgserver.sql.run.copy_statement import CopyCursor, parse_copy
from pgserver.sql.run.dialect import to_duckdb_sql
from pgserver.sql.run.dml import (
    WritePlan,
    parameter_hints,
    plan_write,
    returning_columns,
    run_write,
    write_target,
)
from pgserver.sql.run.duck_database import SharedDatabase
from pgserver.sql.run.duck_pool import DuckCursorPool
from pgserver.sql.run.execution import QueryCursor, describe, result_columns
from pgserver.sql.run.explain import duckdb_explain, explain_analyze, explain_lines, explain_parts
from pgserver.sql.run.results import StaticCursor, text_columns
from pgserver.sql.run.statement_stats import StatementReporting, StatementStats, client_receives
from pgserver.sql.run.writes import reject_ddl, reject_write
from pgserver.sql.settings import SessionSettings, milliseconds
from pgserver.sql.text.parsing import parse_statement
from pgserver.sql.text.statements import Statement, allowed_in_failed_block, classify, split_statements
from pgserver.types import FormatContext

_backend_ids = itertools.count(1)
THREADS_PER_SESSION = 4  # concurrent DuckDB calls of one session (open portals/cursors fetching at once)


class SessionScanContext:
    """The ScanContext providers receive: connection properties of this session, and the running statement's
    observer (SqlEngine sets it as each statement starts; a scan keeps the one it started under)."""

    def __init__(self, settings: SessionSettings) -> None:
        self._settings = settings
        self.observer: ScanObserver = UNOBSERVED

    @property
    def properties(self) -> Any:
        return self._settings.properties

    def property(self, name: str) -> Any:
        return self._settings.property(name)


@dataclass
class PreparedState:
    statement: Statement
    tree: exp.Expression | None = None  # queries: parsed, parameters unbound
    binds_per_value: bool = False  # a parameter's value decides how the tree binds (`$1::regclass`)
    bound: BoundQuery | None = None  # the tree resolved once (planner.bind_query) …
    bound_version: int = -1  # … under this settings version (a SET of search_path, Schema … binds again)
    explain_options: frozenset[str] = frozenset()
    # (parameter values, settings version) → (plan, DuckDB SQL) for queries that read no provider
    local_plans: Lru[tuple[QueryPlan, str]] = field(default_factory=lambda: Lru(PLANS_PER_STATEMENT))
    write: WritePlan | None = None  # INSERT/UPDATE/DELETE on a writable table (pgserver/sql/run/dml.py)


_REG_TYPES = frozenset({"regclass", "regtype", "regproc", "regprocedure", "regnamespace", "regrole", "regoper",
                        "regoperator", "regconfig", "regdictionary", "regcollation"})


def _values_shape_binding(tree: exp.Expression) -> bool:
    """Whether a parameter's value decides how the statement binds: a `$n::regclass` (and the other reg*
    types) is resolved to an OID by the catalog rewrite, so such a statement is bound per execution."""
    for cast in tree.find_all(exp.Cast):
        if isinstance(cast.this, exp.Parameter) and cast.to.sql(dialect="postgres").lower().removeprefix(
                "pg_catalog.").split("[")[0] in _REG_TYPES:
            return True
    return False


class SqlEngine(Engine):
    """One client connection's SQL session."""

    def __init__(self, source: DataSource, user: str, database: str, settings: SessionSettings,
                 shared: SharedDatabase, *, backend_pid: int | None = None,
                 server: ServerControl | None = None, reporting: StatementReporting | None = None) -> None:
        """`shared`: the data source's DuckDB database (a session is a connection of it);
        `backend_pid`: the id the server gave this session; `server`: the other sessions (none: alone);
        `reporting`: where finished statements are logged and counted."""
        self.source = source
        self.reporting = reporting or StatementReporting()
        self._notice_sink: NoticeSink | None = None
        self._in_statement = False  # execute() is running (a nested EXECUTE belongs to it)
        self.user = user
        self.database = database
        self.settings = settings
        self.backend_pid = backend_pid if backend_pid is not None else 10_000 + next(_backend_ids)
        self.server = server
        self.transaction = TransactionState(settings)
        self._block_writes = 0  # rows written to the API in the open transaction block (ROLLBACK cannot undo them)
        self.cursors = CursorRegistry()
        self.ctx = SessionScanContext(settings)
        self._notices: list[Notice] = []
        self._active: set[QueryCursor] = set()
        self.sql_prepared = SqlPreparedStatements()
        self._execution_ids = itertools.count()
        self._limiter: anyio.CapacityLimiter | None = None
        self._statements: Lru[Prepared] = Lru(STATEMENTS_PER_SESSION)  # prepare() results by SQL text
        self._format_context: tuple[int, FormatContext] | None = None  # (settings version, context)
        self.shared = shared
        self.session_id = shared.open(self)
        self._variables = session_variables(self.session_id, user, database, self.backend_pid, settings.superuser)
        self._duck: duckdb.DuckDBPyConnection | None = None  # the session's own connection, opened when needed
        self.duck_cursors = DuckCursorPool(shared.connection, self._variables, constants=shared.constant_results)
        info = SessionInfo(user, database, settings, source.tables, self.sql_prepared.rows,
                           server.activity if server is not None else None, self.session_id, self.backend_pid,
                           cursors=self.cursors.rows)
        self.catalog: CatalogSeam | None = source.catalog(info) if source.catalog is not None else None

    # -- what the shared database's functions ask of the session (pgserver.sql.run.pgfunctions.SessionHooks) --
    def setting(self, name: str) -> str:
        return self.settings.get(name)

    def signal_backend(self, pid: int, terminate: bool) -> bool:
        return self._signal_backend(pid, terminate)

    def _signal_backend(self, pid: int, terminate: bool) -> bool:
        """pg_cancel_backend / pg_terminate_backend (runs on a DuckDB worker thread)."""
        if self.server is None:  # a session on its own (tests, tools): it is the only backend there is
            if pid != self.backend_pid:
                self._notices.append(Notice("WARNING", "01000", f"PID {pid} is not a PostgreSQL backend process"))
                return False
            self.cancel()
            return True
        result = self.server.signal_threadsafe(pid, terminate=terminate, by_user=self.user,
                                               superuser=self.settings.superuser)
        if result.warning:
            self._notices.append(Notice("WARNING", "01000", result.warning))
        return result.sent

    # -- Engine protocol: bookkeeping ------------------------------------------------
    def split(self, sql: str) -> list[str]:
        return split_statements(sql)

    @property
    def transaction_status(self) -> str:
        return self.transaction.status

    def statement_failed(self) -> None:
        self.transaction.fail()

    def share_protocol_statements(self, statements: MutableMapping[str, Prepared]) -> None:
        """The protocol's named statements join SQL PREPARE's namespace (DEALLOCATE/EXECUTE reach them)."""
        self.sql_prepared.protocol = statements

    def share_protocol_portals(self, portals: ProtocolPortals) -> None:
        """The protocol's named portals join the SQL cursors' namespace (FETCH/MOVE/CLOSE reach them)."""
        self.cursors.protocol = portals

    def begin_implicit_transaction(self) -> None:
        """Called by the protocol before the statements of a multi-statement simple Query."""
        self.transaction.begin_implicit()

    def end_implicit_transaction(self, failed: bool) -> None:
        """After them: a failure rolls back what the implicit transaction changed (SET …)."""
        self.transaction.end_implicit(failed)

    def format_context(self) -> FormatContext:
        """How values look on the wire for this session (read by the protocol layer per result; kept
        until a setting changes: SessionSettings.version is bumped by every write)."""
        cached = self._format_context
        if cached is not None and cached[0] == self.settings.version:
            return cached[1]
        get = self.settings.get
        context = FormatContext(date_style=get("DateStyle"), time_zone=get("TimeZone"),
                                extra_float_digits=int(get("extra_float_digits")), bytea_output=get("bytea_output"),
                                interval_style=get("IntervalStyle"))
        self._format_context = (self.settings.version, context)
        return context

    def parameter_status(self) -> dict[str, str]:
        self.settings.take_changes()
        return self.settings.reported()

    def take_parameter_changes(self) -> Mapping[str, str]:
        return self.settings.take_changes()

    def take_notices(self) -> list[Notice]:
        if not self._notices:
            return []
        notices, self._notices = self._notices, []
        wanted = self.settings.get("client_min_messages")
        return [n for n in notices if client_receives(n.severity, wanted)]

    def set_notice_sink(self, sink: NoticeSink) -> None:
        self._notice_sink = sink

    async def _notify_now(self, notice: Notice) -> None:
        """A notice from a running statement (progress): sent at once when the protocol gave a sink."""
        if not client_receives(notice.severity, self.settings.get("client_min_messages")):
            return
        if self._notice_sink is None:
            self._notices.append(notice)
        else:
            await self._notice_sink(notice)

    def _statement_stats(self, statement: Statement) -> StatementStats:
        """The observer of a statement that starts now (it becomes the one scans report to)."""
        interval = self.settings.property("ProgressInterval")
        stats = StatementStats(statement, self.reporting, user=self.user, database=self.database,
                               pid=self.backend_pid, progress_interval=float(interval or 0), notify=self._notify_now)
        self.ctx.observer = stats
        return stats

    def cancel(self) -> None:
        for cursor in list(self._active):
            cursor.cancel()

    async def close(self) -> None:
        await self.cursors.close_all()
        for cursor in list(self._active):
            await cursor.close()
        self.duck_cursors.close()
        if self._duck is not None:
            self._duck.close()
        if self.catalog is not None:
            self.catalog.close()
        self.shared.close_session(self.session_id)

    def portal(self, name: str) -> Cursor | None:
        """The cursor a SQL DECLARE created under `name`, for protocol-level Describe/Execute of that
        portal (PostgreSQL exposes DECLAREd cursors as portals; psycopg's server cursors rely on it)."""
        try:
            return self.cursors.get(name).cursor
        except PgError:
            return None

    @property
    def duck(self) -> duckdb.DuckDBPyConnection:
        """The session's own DuckDB connection (describing and explaining on the event loop), opened on first use:
        a session that only runs kept constant results (a pool's `SELECT 1`) never opens one."""
        if self._duck is None:
            self._duck = self.shared.connection()
            self._duck.execute(self._variables)
        return self._duck

    # -- names -----------------------------------------------------------------------
    def name_scope(self) -> NameScope:
        return NameScope.from_properties(lambda name: self.settings.property(name), self.settings.get("search_path"))

    def _environment(self) -> PlanEnvironment:
        max_rows = self.settings.property("MaxRows")
        return PlanEnvironment(self.source.tables, self.name_scope(), self.ctx,
                               max_rows=max_rows if isinstance(max_rows, int) and max_rows > 0 else None,
                               rewrite=self.catalog.rewrite if self.catalog is not None else None,
                               name_prefix=f"__scan{next(self._execution_ids)}_", database=self.database,
                               values=self.format_context(), transaction_start=self.transaction.started)

    # -- prepare -----------------------------------------------------------------------
    async def prepare(self, sql: str, param_type_oids: Sequence[int], *, describe: bool = True) -> Prepared:
        try:
            return await self._prepare_cached(sql, param_type_oids, describe)
        except PgError as exc:  # the statement ends here: logged and counted as PostgreSQL would
            if not self._in_statement:  # (SQL PREPARE's own failure is its statement's)
                self._statement_stats(classify(sql)).finish(exc)
            raise

    async def _prepare_cached(self, sql: str, param_type_oids: Sequence[int], describe: bool) -> Prepared:
        key = (sql, tuple(param_type_oids), self.settings.version)
        cached = self._statements.get((*key, True)) or (None if describe else self._statements.get((*key, False)))
        if cached is not None:
            self._check_failed_block(cached.state.statement)
            prepared = Prepared(sql, list(cached.param_type_oids), cached.columns, cached.state)
        else:
            prepared = await self._prepare(sql, param_type_oids, describe)
            if prepared.state.statement.kind == "query":
                self._statements.put((*key, describe), prepared)
        if describe:  # a simple Query's statement is the unnamed one, never listed in pg_prepared_statements
            self.sql_prepared.note_prepared(prepared)
        return prepared

    async def _prepare(self, sql: str, param_type_oids: Sequence[int], describe: bool = True) -> Prepared:
        statement = classify(sql)
        self._check_failed_block(statement)
        state = PreparedState(statement)
        oids: list[int] = list(param_type_oids)
        columns: list[ResultColumn] | None = None
        if statement.kind == "empty":
            pass
        elif statement.kind == "query":
            state.tree = parse_statement(sql)
            self._reject_non_query(state.tree)
            state.binds_per_value = _values_shape_binding(state.tree)
            bound = self._bound(state)
            if describe:
                oids, columns = self._describe_query(state.tree, bound, oids, sql)
        elif statement.kind == "write":
            columns, oids = self._prepare_write(sql, state, oids)
        elif statement.kind == "ddl":
            raise reject_ddl(statement.verb, sql)
        else:
            columns, oids = self._prepare_command(statement, state, oids)
        return Prepared(sql, oids, columns, state)

    def _check_failed_block(self, statement: Statement) -> None:
        if self.transaction.status == "E" and not allowed_in_failed_block(statement):
            raise PgError(IN_FAILED_SQL_TRANSACTION,
                          "current transaction is aborted, commands ignored until end of transaction block")

    def _reject_non_query(self, tree: exp.Expression) -> None:
        if isinstance(tree, exp.Insert | exp.Update | exp.Delete | exp.Merge):
            if write_target(tree, self.source.tables, self.name_scope()) is not None:
                raise PgError(FEATURE_NOT_SUPPORTED, f"{tree.key.upper()} is not supported here",
                              hint="Run the write as a statement of its own (not in WITH, EXPLAIN, COPY or a "
                                   "cursor).")
            reject_write(tree.sql(dialect="postgres"), self.source.tables, self.name_scope())
        if isinstance(tree, exp.Select) and tree.args.get("into") is not None:
            raise reject_ddl("SELECT INTO", tree.sql(dialect="postgres"))
        if not isinstance(tree, exp.Query | exp.Values):
            raise PgError(FEATURE_NOT_SUPPORTED, f"statement not supported: {tree.key.upper()}",
                          hint="This server answers SELECT queries and session commands.")

    def _bound(self, state: PreparedState) -> BoundQuery:
        """The statement's bound query, bound again when a setting changed since (PostgreSQL re-plans a
        prepared statement when search_path changes; a SET here may change Schema, MaxRows …)."""
        if state.bound is None or state.bound_version != self.settings.version:
            assert state.tree is not None
            state.bound, state.bound_version = bind_query(state.tree, self._environment()), self.settings.version
        return state.bound

    def _describe_query(self, tree: exp.Expression, bound: BoundQuery, oids: list[int],
                        client_sql: str) -> tuple[list[int], list[ResultColumn]]:
        """Parameter types (inferred from the statement as written, where the client declared none) and the
        result columns."""
        if bound.has_parameters or oids:
            oids = infer_types(tree, oids, bound.specs)
        if bound.passthrough is not None:  # one view's columns as they are: their declared types, no DuckDB bind
            names = [name for name, _ in bound.passthrough]
            return oids, result_columns(names, [""] * len(names), bound)
        probe = plan_query(bound, self._environment(), None, oids, call_providers=False)
        sql = to_duckdb_sql(probe.tree)
        constant = self.duck_cursors.constant_result(sql) if bound.constant else None
        if constant is not None:  # kept by a run in any session: its columns, with no DuckDB bind
            return oids, result_columns(constant.names, constant.types, probe)
        return oids, describe(self.duck, probe, sql, client_sql)

    def _prepare_command(self, statement: Statement, state: PreparedState,
                         oids: list[int]) -> tuple[list[ResultColumn] | None, list[int]]:
        verb, words = statement.verb, statement.words
        if verb == "SHOW":
            return text_columns(*sc.show_columns(words)), oids
        if verb == "EXPLAIN":
            query_sql, options = explain_parts(statement)
            state.explain_options = options
            state.tree = parse_statement(query_sql)
            self._reject_non_query(state.tree)
            if parameter_count(state.tree):
                oids = infer_types(state.tree, oids, self._bound(state).specs)
            return text_columns("QUERY PLAN"), oids
        if verb == "FETCH" and len(words) >= 2:
            try:
                request = parse_fetch(words, statement.sql)
                return self.cursors.get(request.name).columns, oids
            except PgError:
                return None, oids
        if verb == "CALL":
            return call_columns(statement, self.source.tables, self.name_scope()), oids
        if verb == "COPY":  # errors in the statement or its query surface at Parse, as in PostgreSQL
            copy = parse_copy(words, statement.sql)
            self._reject_non_query(parse_statement(copy.select_sql()))
            return None, oids
        if verb == "EXECUTE":
            return self.sql_prepared.columns(statement), oids
        return None, oids

    # -- execute -------------------------------------------------------------------------
    async def execute(self, prepared: Prepared, params: Sequence[Any]) -> Cursor:
        state: PreparedState = prepared.state
        if self._in_statement:  # EXECUTE name: its prepared statement runs as part of this one
            return await self._execute(state, params, prepared.param_type_oids)
        stats = self._statement_stats(state.statement)
        self._in_statement = True
        try:
            cursor = await self._execute(state, params, prepared.param_type_oids)
        except BaseException as exc:
            if isinstance(exc, PgError):
                stats.finish(exc)
            else:  # a bug (reported as XX000), or the session being ended while it ran
                stats.finish(PgError(INTERNAL_ERROR if isinstance(exc, Exception) else QUERY_CANCELED, "ended"))
            raise
        finally:
            self._in_statement = False
        rows = cursor.query if isinstance(cursor, CopyCursor) else cursor  # COPY … TO STDOUT: its query's rows
        if isinstance(rows, QueryCursor):
            rows.stats = stats  # it ends when the rows have been read (or the cursor closed)
        else:
            stats.finish(rows=cursor.row_count if isinstance(cursor, StaticCursor) else 0)
        return cursor

    async def _execute(self, state: PreparedState, params: Sequence[Any], oids: Sequence[int]) -> Cursor:
        statement = state.statement
        self._check_failed_block(statement)
        if statement.kind == "empty":
            return StaticCursor("")
        if statement.kind == "query":
            if state.binds_per_value:  # `$1::regclass`: the catalog rewrite needs the value
                bound = bind_query(bind(state.tree, params, oids), self._environment())
                return await self._run_query(bound, [], [], statement.sql)
            return await self._run_query(self._bound(state), params, oids, statement.sql,
                                         state.local_plans)
        if statement.kind == "write":
            return await self._execute_write(state, params, oids)
        if statement.kind == "ddl":
            raise reject_ddl(statement.verb, statement.sql)
        return await self._run_command(statement, state, params, oids)

    # -- writes (pgserver/sql/run/dml.py): the rows are found by a query, then sent to the provider --------------
    def _prepare_write(self, sql: str, state: PreparedState, oids: list[int]) -> tuple[list[ResultColumn] | None,
                                                                                      list[int]]:
        tree = parse_statement(sql)
        relation = write_target(tree, self.source.tables, self.name_scope())
        if relation is None:
            reject_write(sql, self.source.tables, self.name_scope())
        assert relation is not None
        state.write = plan = plan_write(tree, relation)
        bound = bind_query(plan.source, self._environment())
        oids, _ = self._describe_query(plan.source, bound, parameter_hints(plan, oids), sql)
        return returning_columns(plan), oids

    async def _execute_write(self, state: PreparedState, params: Sequence[Any], oids: Sequence[int]) -> Cursor:
        plan = state.write
        assert plan is not None
        if self.transaction.read_only or (not self.transaction.in_block and
                                          self.settings.get("default_transaction_read_only") == "on"):
            raise PgError(READ_ONLY_SQL_TRANSACTION, f"cannot execute {plan.verb} in a read-only transaction")
        environment = dataclasses.replace(self._environment(), max_rows=None)  # MaxRows never limits a write
        cursor = await self._run_query(bind_query(plan.source, environment), params, oids, state.statement.sql,
                                       environment=environment)
        try:
            rows = await cursor.fetch(None)
        finally:
            await cursor.close()
        if self.transaction.in_block and self._block_writes == 0 and rows:
            self._notices.append(Notice("NOTICE", "00000", "Sage 200 has no transactions: this write is applied "
                                                           "now, and ROLLBACK will not undo it"))
        columns = returning_columns(plan)
        return await run_write(plan, rows, self.ctx, columns, self._count_block_writes)

    def _count_block_writes(self, applied: int) -> None:
        if self.transaction.in_block:
            self._block_writes += applied

    def _end_block(self, rolled_back: bool) -> None:
        """COMMIT/ROLLBACK: writes of the block were applied as they ran; a ROLLBACK says it cannot undo them."""
        if rolled_back and self._block_writes:
            self._notices.append(Notice("WARNING", "01000", f"{self._block_writes} row(s) written to Sage 200 in "
                                        "this transaction were applied when their statements ran; ROLLBACK "
                                        "cannot undo them"))
        self._block_writes = 0

    async def _run_query(self, bound: BoundQuery, params: Sequence[Any], oids: Sequence[int],
                         client_sql: str, local_plans: Lru[tuple[QueryPlan, str]] | None = None,
                         environment: PlanEnvironment | None = None) -> QueryCursor:
        plan, sql = self._planned(bound, params, oids, local_plans, environment)
        return await self._start_query(plan, sql, client_sql)

    async def _start_query(self, plan: QueryPlan, sql: str, client_sql: str) -> QueryCursor:
        procedure_rows = {}
        for proc in plan.procedures:
            procedure_rows[proc.name] = await run_procedure(proc.procedure, proc.arguments, self.ctx,
                                                            superuser=self.settings.superuser)
        cursor = QueryCursor(self.duck_cursors, plan, sql, client_sql, self.ctx,
                             procedure_rows, on_close=self._active.discard,
                             timeout_ms=milliseconds(self.settings.get("statement_timeout")),
                             limiter=self._thread_limiter(), time_zone=self.settings.get("TimeZone"))
        self._active.add(cursor)
        try:
            await cursor.start()
        except BaseException:
            await cursor.close()
            raise
        return cursor

    def _thread_limiter(self) -> anyio.CapacityLimiter:
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(THREADS_PER_SESSION)
        return self._limiter

    def _planned(self, bound: BoundQuery, params: Sequence[Any], oids: Sequence[int],
                 local_plans: Lru[tuple[QueryPlan, str]] | None,
                 environment: PlanEnvironment | None = None) -> tuple[QueryPlan, str]:
        """The plan and its DuckDB SQL; reused for queries that read no provider (see plan_cache)."""
        values = parameter_key(params) if local_plans is not None else None
        clock = self.transaction.started if bound.reads_clock else None  # now() is the transaction's start
        key = (values, self.settings.version, clock) if values is not None else None
        if key is not None and local_plans is not None:
            hit = local_plans.get(key)
            if hit is not None:
                return hit
        plan = plan_query(bound, environment or self._environment(), params, oids)
        planned = (plan, to_duckdb_sql(plan.tree))
        if key is not None and local_plans is not None and not plan.scans and not plan.procedures:
            local_plans.put(key, planned)
        return planned

    async def _run_command(self, statement: Statement, state: PreparedState, params: Sequence[Any],
                           oids: Sequence[int]) -> Cursor:
        verb, words, sql = statement.verb, statement.words, statement.sql
        txn, settings, notices = self.transaction, self.settings, self._notices
        if verb in {"BEGIN", "START"}:
            return sc.begin(words, sql, txn, notices)
        if verb in {"COMMIT", "END"}:
            self._end_block(rolled_back=txn.status == "E")
            result = sc.commit(words, sql, txn, notices)
            await self.cursors.close_all(keep_holdable=result.command_tag == "COMMIT")
            return result
        if verb in {"ROLLBACK", "ABORT"}:
            to_savepoint = any(w.is_word("TO") for w in words[1:3])
            result = sc.rollback(words, sql, txn, notices)
            if not to_savepoint:
                self._end_block(rolled_back=True)
            elif self._block_writes:
                self._warn_savepoint()
            if not to_savepoint:
                await self.cursors.close_all()
            return result
        if verb == "SAVEPOINT":
            return sc.savepoint(words, sql, txn)
        if verb == "RELEASE":
            return sc.release(words, sql, txn)
        if verb == "SET":
            return sc.set_command(words, sql, settings, txn, notices)
        if verb == "RESET":
            return sc.reset_command(words, sql, settings)
        if verb == "SHOW":
            return sc.show_command(words, sql, settings, txn)
        if verb == "DISCARD":
            return await self._discard(statement)
        if verb in {"LISTEN", "UNLISTEN"}:
            if len(words) != 2:
                raise sc.syntax_error(words, min(len(words), 2), len(sql))
            return StaticCursor(verb)
        if verb == "NOTIFY":
            raise PgError(FEATURE_NOT_SUPPORTED, "NOTIFY is not supported", hint="This server sends no notifications.")
        if verb == "DECLARE":
            return await self._declare(statement, params, oids)
        if verb in {"FETCH", "MOVE"}:
            return await self.cursors.fetch(parse_fetch(words, sql))
        if verb == "CLOSE":
            return await self.cursors.close(words, sql)
        if verb == "EXPLAIN":
            assert state.tree is not None
            return await self._explain(state.tree, state.explain_options, params, oids)
        if verb == "CALL":
            return await call_statement(statement, self.source.tables, self.name_scope(), self.ctx,
                                        superuser=self.settings.superuser)
        if verb == "COPY":
            return await self._copy(statement)
        if verb == "PREPARE":
            return await self.sql_prepared.prepare(statement, self.prepare)
        if verb == "EXECUTE":
            return await self.sql_prepared.execute(statement, self.execute)
        if verb == "DEALLOCATE":
            return self.sql_prepared.deallocate(statement)
        raise PgError(FEATURE_NOT_SUPPORTED, f"{verb} is not supported")

    def _warn_savepoint(self) -> None:
        self._notices.append(Notice("WARNING", "01000", f"{self._block_writes} row(s) written to Sage 200 in this "
                                    "transaction were applied when their statements ran; ROLLBACK TO SAVEPOINT "
                                    "cannot undo them"))

    async def _discard(self, statement: Statement) -> StaticCursor:
        words = statement.words
        if len(words) != 2 or not words[1].is_word("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY"):
            raise sc.syntax_error(statement.words, min(len(words), 2), len(statement.sql))
        what = words[1].text.upper()
        if what == "ALL":
            if self.transaction.in_block:
                raise PgError("25001", "DISCARD ALL cannot run inside a transaction block")
            await self.cursors.close_all()
            self.sql_prepared.clear()
            self.settings.reset_all()
        return StaticCursor(f"DISCARD {'TEMP' if what == 'TEMPORARY' else what}")

    async def _declare(self, statement: Statement, params: Sequence[Any], oids: Sequence[int]) -> StaticCursor:
        declaration = parse_declare(statement.words, statement.sql, self.transaction.in_block)
        self.cursors.check_new(declaration.name)
        tree = parse_statement(declaration.query_sql)
        self._reject_non_query(tree)
        cursor = await self._run_query(bind_query(tree, self._environment()), params, oids, declaration.query_sql)
        self.cursors.add(declaration, cursor)
        return StaticCursor("DECLARE CURSOR")

    async def _copy(self, statement: Statement) -> CopyCursor:
        copy = parse_copy(statement.words, statement.sql)
        select_sql = copy.select_sql()
        tree = parse_statement(select_sql)
        self._reject_non_query(tree)
        cursor = await self._run_query(bind_query(tree, self._environment()), [], [], select_sql)
        try:
            return CopyCursor(cursor, copy)
        except BaseException:
            await cursor.close()
            raise

    async def _explain(self, tree: exp.Expression, options: frozenset[str], params: Sequence[Any],
                       oids: Sequence[int]) -> StaticCursor:
        def make_plan() -> tuple[QueryPlan, str]:
            plan = plan_query(bind_query(tree, self._environment()), self._environment(), params, oids)
            return plan, to_duckdb_sql(plan.tree)

        def verbose(plan: QueryPlan, sql: str) -> list[str]:
            return duckdb_explain(self.duck, plan, sql, tree)

        if "ANALYZE" in options:  # runs the query (pgserver.sql.run.explain)
            lines = await explain_analyze(self.ctx, make_plan, lambda plan, sql: self._start_query(
                plan, sql, tree.sql(dialect="postgres")), verbose if "VERBOSE" in options else None)
        else:
            plan, sql = make_plan()
            lines = explain_lines(plan, sql, verbose(plan, sql) if "VERBOSE" in options else None)
        return StaticCursor("EXPLAIN", text_columns("QUERY PLAN"), [(line,) for line in lines])
