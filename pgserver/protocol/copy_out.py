"""COPY … TO STDOUT data: rows as PostgreSQL's copyto.c writes them, in text, CSV or binary format.

Sans-IO: `CopyEncoder` turns one row of Python values into the bytes of one CopyData message, the
way PostgreSQL sends them (one row per CopyData; the binary header goes with the first row and the
trailer in a message of its own). Values are first rendered by the column's value encoder (the
type registry's text output or binary send function, chosen by the caller), then escaped for the
chosen format.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # signature, flags, header extension
BINARY_TRAILER = struct.pack(">h", -1)
_TEXT_ESCAPES = {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


@dataclass(frozen=True)
class CopyFormat:
    """The options of COPY TO that shape the data (validated by the SQL layer's COPY parser)."""

    format: str = "text"  # text | csv | binary
    delimiter: str = "\t"
    null: str = "\\N"
    header: bool = False
    quote: str = '"'
    escape: str = '"'
    force_quote: frozenset[int] | None = field(default=None)  # column indexes; None: none; all via force_quote_all
    force_quote_all: bool = False

    @property
    def binary(self) -> bool:
        return self.format == "binary"


ValueEncoder = Callable[[Any], "bytes | None"]  # one column's value → its text or binary form (None: NULL)


class CopyEncoder:
    """Encodes the rows of one COPY TO; `encoders` give each column's values in the text format (text
    and CSV) or the binary format (binary), e.g. pgserver.types.text_encoder / binary_encoder."""

    def __init__(self, options: CopyFormat, encoders: Sequence[ValueEncoder]) -> None:
        self.options = options
        self._started = False
        self._encoders = list(encoders)
        forced = options.force_quote or frozenset()
        self._single = len(encoders) == 1
        self._forced = [options.force_quote_all or i in forced for i in range(len(encoders))]

    def header(self, names: Sequence[str]) -> bytes | None:
        """The HEADER line (text and CSV), or None."""
        if not self.options.header or self.options.binary:
            return None
        if self.options.format == "csv":
            cells = [self._csv(name, False) for name in names]
        else:
            cells = [self._text(name) for name in names]
        return (self.options.delimiter.join(cells) + "\n").encode("utf-8")

    def row(self, values: Sequence[Any]) -> bytes:
        """One row as the body of a CopyData message."""
        if self.options.binary:
            return self._binary_row(values)
        cells = []
        csv = self.options.format == "csv"
        for value, encode, forced in zip(values, self._encoders, self._forced, strict=True):
            data = encode(value)
            if data is None:
                cells.append(self.options.null)
            elif csv:
                cells.append(self._csv(data.decode("utf-8"), forced))
            else:
                cells.append(self._text(data.decode("utf-8")))
        return (self.options.delimiter.join(cells) + "\n").encode("utf-8")

    def trailer(self) -> bytes | None:
        """The binary trailer (its own CopyData message), with the header if no row carried it."""
        if not self.options.binary:
            return None
        return self._binary_header() + BINARY_TRAILER

    def _binary_header(self) -> bytes:
        if self._started:
            return b""
        self._started = True
        return BINARY_SIGNATURE

    def _binary_row(self, values: Sequence[Any]) -> bytes:
        parts = [self._binary_header(), struct.pack(">h", len(values))]
        for value, encode in zip(values, self._encoders, strict=True):
            data = encode(value)
            if data is None:
                parts.append(struct.pack(">i", -1))
            else:
                parts.append(struct.pack(">i", len(data)))
                parts.append(data)
        return b"".join(parts)

    def _text(self, text: str) -> str:
        """CopyAttributeOutText: backslash escapes for control characters, the delimiter and backslash."""
        delimiter = self.options.delimiter
        if not any(c in _TEXT_ESCAPES or c == delimiter for c in text):
            return text
        return "".join(_TEXT_ESCAPES.get(c, "\\" + c if c == delimiter else c) for c in text)

    def _csv(self, text: str, forced: bool) -> str:
        """CopyAttributeOutCSV: quote when forced, when the value equals the NULL string, or when it
        holds the delimiter, quote, CR/LF (or, as the only column, is the end-of-data marker \\.)."""
        o = self.options
        needs = forced or text == o.null or (self._single and text == "\\.") or any(
            c in (o.delimiter, o.quote, "\n", "\r") for c in text)
        if not needs:
            return text
        escaped = "".join(o.escape + c if c in (o.quote, o.escape) else c for c in text)
        return o.quote + escaped + o.quote
