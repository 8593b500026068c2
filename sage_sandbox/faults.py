"""Fault injection rules and their spec grammar.

    spec    := rule ("," rule)*
    rule    := kind (":" option)*
    kind    := "429" | "500" | "503" | "504" | "hang" | "drop" | "drop_reply" | "truncate"
    option  := PROBABILITY            e.g. 0.1   (same as p=0.1)
             | "p=" PROBABILITY
             | "count=" N             fire on the first N matching requests (with p: at most N times)
             | "after=" N             let the first N matching requests through untouched
             | "path=" GLOB           only requests whose path matches (fnmatch, e.g. */customers*)
             | "method=" METHOD       only requests with this HTTP method (e.g. POST)
             | "query=" GLOB          only requests whose decoded query string matches (e.g. *$count=true*)
             | "retry_after=" SECONDS 429 only: the Retry-After header (default 1)

"drop" closes the connection before the request is served; "drop_reply" serves it (a write is applied)
and then closes the connection without sending the answer — the lost answer a client must recover from.

Examples: "429:0.1,500:0.05,hang:count=1,drop:0.01,truncate:0.01",
"503:count=2:path=*/sop_order_line_views*". A rule with neither p nor count always fires.
Rules are tried in order and the first that fires wins; every draw comes from one
`random.Random(seed)`, so a sequential client sees the same faults on every run.
"""

from __future__ import annotations

import fnmatch
import random
import threading
from dataclasses import dataclass

KINDS = frozenset({"429", "500", "503", "504", "hang", "drop", "drop_reply", "truncate"})


class FaultSpecError(ValueError):
    """The --faults text is malformed."""


@dataclass
class FaultRule:
    kind: str
    probability: float | None = None
    count: int | None = None
    after: int = 0
    path: str | None = None
    method: str | None = None
    query: str | None = None
    retry_after: int = 1
    seen: int = 0  # matching requests so far
    fired: int = 0  # times this rule fired

    def matches(self, path: str, method: str = "GET", query: str = "") -> bool:
        return (self.path is None or fnmatch.fnmatchcase(path, self.path)) and \
            (self.method is None or self.method == method.upper()) and \
            (self.query is None or fnmatch.fnmatchcase(query, self.query))


def parse_fault_spec(spec: str) -> list[FaultRule]:
    """Parse the grammar above; raises FaultSpecError with the offending part."""
    rules: list[FaultRule] = []
    for raw in spec.split(","):
        text = raw.strip()
        if not text:
            continue
        kind, *options = text.split(":")
        kind = kind.strip().lower()
        if kind not in KINDS:
            raise FaultSpecError(f"unknown fault kind {kind!r} in {text!r} (expected one of {sorted(KINDS)})")
        rule = FaultRule(kind)
        for option in options:
            key, sep, value = option.strip().partition("=")
            if not sep:
                key, value = "p", key
            try:
                if key == "p":
                    rule.probability = float(value)
                    if not 0.0 <= rule.probability <= 1.0:
                        raise FaultSpecError(f"probability must be within 0..1 in {text!r}")
                elif key == "count":
                    rule.count = int(value)
                elif key == "after":
                    rule.after = int(value)
                elif key == "path":
                    rule.path = value
                elif key == "method":
                    rule.method = value.upper()
                elif key == "query":
                    rule.query = value
                elif key == "retry_after":
                    rule.retry_after = int(value)
                else:
                    raise FaultSpecError(f"unknown option {key!r} in {text!r}")
            except ValueError as exc:
                if isinstance(exc, FaultSpecError):
                    raise
                raise FaultSpecError(f"bad value for {key!r} in {text!r}") from None
        rules.append(rule)
    return rules


class FaultInjector:
    """Decides, request by request, which fault (if any) to inject."""

    def __init__(self, rules: list[FaultRule], seed: int) -> None:
        self.rules = rules
        self._rng = random.Random(f"faults/{seed}")
        self._lock = threading.Lock()

    def choose(self, path: str, method: str = "GET", query: str = "") -> FaultRule | None:
        with self._lock:
            for rule in self.rules:
                if not rule.matches(path, method, query):
                    continue
                rule.seen += 1
                if rule.seen <= rule.after:
                    continue
                if rule.count is not None and rule.fired >= rule.count:
                    continue
                if rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                return rule
        return None
