"""What a codec family declares, and the errors every family raises in PostgreSQL's words.

A family module (numeric.py, datetime.py, string.py …) lists its `CODECS`: for the types it serves
(by typname), how a value is printed and read in the text format (typoutput/typinput) and, when
PostgreSQL has one, in the binary format (typsend/typreceive). adapters.py collects them by OID.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pgserver.errors import PROTOCOL_VIOLATION, PgError
from pgserver.types.registry import TYPES_BY_NAME
from pgserver.types.values import FormatContext

INVALID_TEXT_REPRESENTATION = "22P02"
INVALID_BINARY_REPRESENTATION = "22P03"
NUMERIC_VALUE_OUT_OF_RANGE = "22003"
DATATYPE_MISMATCH = "42804"
INVALID_PARAMETER_VALUE = "22023"
FEATURE_NOT_SUPPORTED = "0A000"

TextOut = Callable[[Any, FormatContext], str]
TextIn = Callable[[str, FormatContext], Any]
BinaryOut = Callable[[Any], bytes]
BinaryIn = Callable[[bytes], Any]


@dataclass(frozen=True)
class Codec:
    """The wire formats of the types named in `types` (one kind of value: 'int4', 'text', 'timestamptz' …)."""

    kind: str
    types: tuple[str, ...]  # typnames served (the registry gives their OIDs)
    text_out: TextOut
    text_in: TextIn
    binary_out: BinaryOut | None = None  # None: PostgreSQL has a binary format we do not offer (0A000)
    binary_in: BinaryIn | None = None


_ERROR_NAMES = {"jsonb": "json", "vector": "int2vector"}  # jsonb_in reports json syntax errors as json's


def sql_name(kind: str) -> str:
    """The type name PostgreSQL's errors use for a kind ('int4' → integer, 'float4' → real)."""
    name = _ERROR_NAMES.get(kind, kind)
    found = TYPES_BY_NAME.get(name)
    return found.sql_name if found is not None else name


def invalid(kind: str, text: str) -> PgError:
    return PgError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type {sql_name(kind)}: "{text}"')


def mismatch(kind: str, value: Any) -> PgError:
    return PgError(DATATYPE_MISMATCH, f"cannot send a Python {type(value).__name__} as {sql_name(kind)}")


def bad_binary(kind: str) -> PgError:
    return PgError(INVALID_BINARY_REPRESENTATION, f"incorrect binary data format for type {sql_name(kind)}")


def check_size(data: bytes, size: int, kind: str) -> None:
    """A fixed-size binary value: too short is 08P01 and too long 22P03, as PostgreSQL's recv functions say."""
    if len(data) < size:
        raise PgError(PROTOCOL_VIOLATION, "insufficient data left in message")
    if len(data) > size:
        raise bad_binary(kind)
