"""Offset paging helpers: page arithmetic, a concurrent fetch window, key-order checks.

A scan is an async generator, and the SQL layer may resume it from a different task
each time (e.g. `anyio.from_thread.run(agen.__anext__)` per batch), so no task group
may stay open across a `yield`. Concurrency therefore happens inside one await:
`fetch_window` starts up to MaxThreads page requests, waits for all of them and
returns their results in page order; the generator then yields them one by one.
Cancelling the consumer cancels the window's requests at once; between windows
nothing is in flight. See docs/decisions/0501-paging-and-concurrency.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

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


def windows(items: Sequence[T], size: int, first: int = 2) -> Iterable[Sequence[T]]:
    """`items` in consecutive chunks that double from `first` up to `size` (slow start: a
    consumer that stops early — a LIMIT evaluated locally — has not caused MaxThreads pages
    to be read ahead; a long scan reaches full concurrency after a few windows)."""
    size = max(1, size)
    width = max(1, min(first, size))
    start = 0
    while start < len(items):
        yield items[start : start + width]
        start += width
        width = min(size, width * 2)


async def fetch_window(fetch: Callable[[PageRequest], Awaitable[T]], pages: Sequence[PageRequest]) -> list[T]:
    """Fetch all `pages` concurrently; results in page order. The first failure cancels
    the others and is raised as itself (not wrapped in an ExceptionGroup)."""
    results: list[Any] = [None] * len(pages)
    failure: list[BaseException] = []

    async with anyio.create_task_group() as tg:

        async def one(position: int, page: PageRequest) -> None:
            try:
                results[position] = await fetch(page)
            except Exception as exc:
                if not failure:
                    failure.append(exc)
                tg.cancel_scope.cancel()

        for position, page in enumerate(pages):
            tg.start_soon(one, position, page)
    if failure:
        raise failure[0]
    return results


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
