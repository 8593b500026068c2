"""Stable OIDs for our own catalog objects.

Why hashing rather than counting: an OID derived from the object's identity
("class:StandardUK.Customers") stays the same across restarts and when other tables
are added or removed, so clients that remember OIDs (DBeaver's navigator, pgjdbc's
caches, saved Power BI models) keep working. Collisions are resolved by probing in a
deterministic order.
"""

from __future__ import annotations

import zlib

FIRST_NORMAL_OBJECT_ID = 16384  # PostgreSQL's first OID for user objects
_SPAN = 2**31 - FIRST_NORMAL_OBJECT_ID - 1  # keep OIDs positive as a signed int4 (pgjdbc reads getInt)


class OidAllocator:
    """Hands out one OID per distinct key; the same key always gets the same OID."""

    def __init__(self, reserved: set[int] | None = None) -> None:
        self._by_key: dict[str, int] = {}
        self._taken: set[int] = set(reserved or ())

    def oid(self, key: str) -> int:
        found = self._by_key.get(key)
        if found is not None:
            return found
        candidate = FIRST_NORMAL_OBJECT_ID + zlib.crc32(key.encode()) % _SPAN
        while candidate in self._taken:
            candidate = FIRST_NORMAL_OBJECT_ID + (candidate - FIRST_NORMAL_OBJECT_ID + 1) % _SPAN
        self._taken.add(candidate)
        self._by_key[key] = candidate
        return candidate
