"""Provider scans as Arrow record batch readers DuckDB pulls lazily.

DuckDB runs in a worker thread; each batch it asks for is fetched from the provider's
async generator on the event loop (anyio.from_thread with the loop's token), one batch at
a time, so a LIMIT stops paging early and memory stays flat. Each pull runs inside a
cancel scope so Engine.cancel() can abort a provider waiting on the remote API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pyarrow as pa
from anyio import from_thread
from anyio.lowlevel import EventLoopToken

from pgserver.errors import QUERY_CANCELED, PgError
from pgserver.provider import Provider, ScanContext, ScanPlan, arrow_schema


class ScanCanceled(Exception):
    """Raised inside DuckDB's pull when the statement was canceled."""


class LiveScan:
    """One table reference's running scan: the provider generator and its bookkeeping."""

    def __init__(self, provider: Provider, plan: ScanPlan, ctx: ScanContext, token: EventLoopToken) -> None:
        self.provider = provider
        self.plan = plan
        self.ctx = ctx
        self.schema = arrow_schema(provider.spec, plan.request.columns)
        self._token = token
        self._generator: AsyncIterator[pa.RecordBatch] | None = None
        self._scope: anyio.CancelScope | None = None
        self.canceled = False
        self.finished = False
        self.batches_pulled = 0
        self.error: BaseException | None = None
        self.prefetched: list[pa.RecordBatch] = []  # read before DuckDB started (key lookups)

    def reader(self) -> pa.RecordBatchReader:
        return pa.RecordBatchReader.from_batches(self.schema, self._batches())

    def _batches(self) -> Iterator[pa.RecordBatch]:
        while self.prefetched:
            yield self.prefetched.pop(0)
        while True:
            batch = from_thread.run(self._next, token=self._token)
            if batch is None:
                return
            yield batch

    async def prefetch(self) -> pa.RecordBatch | None:
        """Pull one batch now (on the event loop) and keep it for DuckDB; None when exhausted."""
        batch = await self._next()
        if batch is not None:
            self.prefetched.append(batch)
        return batch

    async def _next(self) -> pa.RecordBatch | None:
        if self.canceled:
            raise ScanCanceled
        if self.finished:
            return None
        if self._generator is None:
            self._generator = aiter(self.provider.scan(self.plan, self.ctx))
        with anyio.CancelScope() as scope:
            self._scope = scope
            try:
                batch = await anext(self._generator)
            except StopAsyncIteration:
                self.finished = True
                return None
            except Exception as err:  # kept so the statement reports it, not DuckDB's wrapper
                self.error = err
                raise
            finally:
                self._scope = None
        if scope.cancelled_caught or self.canceled:
            raise ScanCanceled
        self.batches_pulled += 1
        return _conform(batch, self.schema)

    def cancel(self) -> None:
        """Called on the event loop: abort a pending pull; later pulls fail."""
        self.canceled = True
        if self._scope is not None:
            self._scope.cancel()

    async def aclose(self) -> None:
        """Close the provider's generator so paging stops (DuckDB may stop reading early)."""
        generator, self._generator = self._generator, None
        self.finished = True
        if generator is not None and hasattr(generator, "aclose"):
            with anyio.CancelScope(shield=True):
                await generator.aclose()


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The batch with exactly the requested schema (providers may return wider or looser batches)."""
    if batch.schema.equals(schema):
        return batch
    columns: list[Any] = []
    lowered = {name.lower(): i for i, name in enumerate(batch.schema.names)}
    for field in schema:
        index = lowered.get(field.name.lower())
        if index is None:
            columns.append(pa.nulls(batch.num_rows, field.type))
        else:
            columns.append(batch.column(index).cast(field.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def canceled_error() -> PgError:
    return PgError(QUERY_CANCELED, "canceling statement due to user request")
