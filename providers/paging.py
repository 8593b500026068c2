"""Offset paging helpers: page arithmetic, a sliding window of page requests, key-order checks.

A scan is an async generator, and the SQL layer may resume it from a different task
each time (e.g. `anyio.from_thread.run(agen.__anext__)` per batch), so no task group
may stay open across a `yield`. `PagePipeline` therefore runs each page request as an
asyncio task of its own, owned by the pipeline rather than by the consumer's task: it
keeps requests going while the consumer is away, hands results back strictly in page
order, and bounds how many pages are outstanding (in flight or done but not yet taken),
so memory stays flat. Cancelling the consumer while it waits, or closing the pipeline,
cancels every outstanding request. See docs/decisions/0701-sliding-page-window.md.
"""

from __future__ import annotations

import asyncio
import operator
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import anyio

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """One `$skip`/`$top` request; `index` is its position in the scan (0 = first)."""

    index: int
    skip: int
    top: int


def remaining_pages(first_index: int, skip: int, rows: int, page_size: int) -> list[PageRequest]:
    """The pages that read `rows` rows starting at `skip`, each exactly full but the last."""
    pages: list[PageRequest] = []
    index = first_index
    while rows > 0:
        top = min(page_size, rows)
        pages.append(PageRequest(index, skip, top))
        index += 1
        skip += top
        rows -= top
    return pages


class PagePipeline(Generic[T]):
    """Fetches `pages` with a sliding window and returns the results in page order.

    At most `limit` pages are outstanding; the window starts at `first` and grows by one
    for every page taken (slow start: a consumer that stops early — a LIMIT evaluated
    locally — has not made the provider read `limit` pages ahead, while a long scan
    reaches full width after a few round trips). How many requests are really in flight
    is bounded by the caller's `fetch` (a per-connection CapacityLimiter). The first
    failure cancels the other requests and is raised as itself by `next()`.
    """

    def __init__(self, fetch: Callable[[PageRequest], Awaitable[T]], pages: Sequence[PageRequest],
                 limit: int, first: int = 2) -> None:
        self._fetch = fetch
        self._pages = list(pages)
        self._limit = max(1, limit)
        self._window = max(1, min(first, self._limit))
        self._started = 0
        self._outstanding: deque[tuple[PageRequest, asyncio.Task[T]]] = deque()
        self._closed = False

    def start(self) -> None:
        """Start the first window's requests now (`next()` does this too)."""
        if not self._closed:
            self._fill()

    def _fill(self) -> None:
        loop = asyncio.get_running_loop()
        while len(self._outstanding) < self._window and self._started < len(self._pages):
            page = self._pages[self._started]
            self._started += 1
            self._outstanding.append((page, loop.create_task(self._run(page))))

    async def _run(self, page: PageRequest) -> T:
        return await self._fetch(page)

    async def next(self) -> tuple[PageRequest, T] | None:
        """The next page and its result, in page order; None when every page was taken."""
        if self._closed:
            return None
        self._fill()
        if not self._outstanding:
            return None
        page, head = self._outstanding[0]
        try:
            while True:
                for _, task in self._outstanding:
                    if task.done() and not task.cancelled() and task.exception() is not None:
                        raise task.exception()  # type: ignore[misc]
                if head.done():
                    break
                await asyncio.wait([t for _, t in self._outstanding], return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            await self.aclose()  # cancelled while waiting, or a request failed: stop them all
            raise
        self._outstanding.popleft()
        self._window = min(self._limit, self._window + 1)
        self._fill()
        return page, head.result()

    async def aclose(self) -> None:
        """Cancel every outstanding request and wait until they have stopped."""
        self._closed = True
        tasks = [task for _, task in self._outstanding]
        self._outstanding.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            with anyio.CancelScope(shield=True):
                await asyncio.wait(tasks)
        for task in tasks:  # retrieve results so asyncio does not warn about unobserved errors
            if not task.cancelled():
                task.exception()


def _before(a: tuple[Any, ...], b: tuple[Any, ...], descending: Sequence[bool]) -> bool:
    """True when key `a` sorts strictly before key `b` (NULL first when ascending)."""
    for x, y, desc in zip(a, b, descending, strict=True):
        if x == y:
            continue
        if x is None or y is None:
            lower = x is None
        else:
            lower = x < y
        return lower != desc
    return False  # equal keys: not strictly before


class KeyOrderCheck:
    """Asserts that rows arrive strictly ordered by a unique key, so no row repeats.

    When the key values cannot be compared the way the API orders them (text under a
    collation), it falls back to remembering every key it has seen."""

    def __init__(self, descending: Sequence[bool], comparable: bool) -> None:
        self.descending = tuple(descending)
        self.comparable = comparable
        self.last: tuple[Any, ...] | None = None
        self.seen: set[tuple[Any, ...]] = set()

    def first_problem(self, keys: Sequence[tuple[Any, ...]], previous: tuple[Any, ...] | None) -> str | None:
        """A description of the first ordering/duplicate problem in `keys`, or None."""
        if self.comparable and not any(self.descending):
            ordered = keys if previous is None else [previous, *keys]
            try:  # the common case at C speed: ascending keys without NULLs
                if all(map(operator.lt, ordered, ordered[1:])):
                    return None
            except TypeError:
                pass  # NULLs or mixed types: the exact rules below
        last = previous
        local: set[tuple[Any, ...]] = set()
        for key in keys:
            if self.comparable:
                if last is not None and not _before(last, key, self.descending):
                    return f"key {key!r} repeated or out of order after {last!r}"
            elif key in self.seen or key in local:
                return f"key {key!r} returned twice"
            local.add(key)
            last = key
        return None

    def check_page(self, keys: Sequence[tuple[Any, ...]]) -> str | None:
        """Within-page check (no state change)."""
        return self.first_problem(keys, None)

    def accept(self, keys: Sequence[tuple[Any, ...]]) -> str | None:
        """Check a page against everything accepted so far; remember it when fine."""
        problem = self.first_problem(keys, self.last)
        if problem is None and keys:
            self.last = keys[-1]
            if not self.comparable:
                self.seen.update(keys)
        return problem
