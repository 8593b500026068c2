"""Pseudo-types with values on the wire: record (record_out's '(1,"a b",)') and void (empty)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pgserver.types.codec import Codec


def format_record(value: tuple[Any, ...], field_text: Callable[[Any], str]) -> str:
    """record_out: NULL fields are empty, others quoted when needed; `field_text` prints one field."""
    parts = []
    for item in value:
        if item is None:
            parts.append("")
            continue
        text = field_text(item)
        if text == "" or any(c in '(),"\\' or c.isspace() for c in text):
            text = '"' + text.replace('"', '""').replace("\\", "\\\\") + '"'
        parts.append(text)
    return "(" + ",".join(parts) + ")"


CODECS = (Codec("void", ("void",), lambda v, c: "", lambda s, c: None, lambda v: b"", lambda d: None),)
