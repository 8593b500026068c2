"""Arrays in PostgreSQL's text ('{1,2,NULL,"a b"}') and binary formats, any number of dimensions,
and int2vector/oidvector ('1 2 3' in text, 0-based one-dimensional arrays in binary).

Element encoding is delegated to callbacks (adapters.py passes the element type's codec), so this
module knows only the array syntax: array_out's quoting rules, array_in's parser, array_send's header.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from pgserver.errors import PgError
from pgserver.types.codec import Codec
from pgserver.types.numeric import parse_int

INVALID_TEXT_REPRESENTATION = "22P02"
INVALID_BINARY_REPRESENTATION = "22P03"
ARRAY_SUBSCRIPT_ERROR = "2202E"
MAX_DIMENSIONS = 6


def _shape(value: list[Any]) -> list[int]:
    """The dimensions of a nested list; PgError unless it is rectangular."""
    dims: list[int] = []
    level: Any = value
    while isinstance(level, (list, tuple)):
        dims.append(len(level))
        if not level:
            break
        level = level[0]
    if len(dims) > MAX_DIMENSIONS:
        raise PgError("54000", f"number of array dimensions ({len(dims)}) exceeds the maximum allowed (6)")

    def check(item: Any, depth: int) -> None:
        if depth == len(dims):
            if isinstance(item, (list, tuple)):
                raise PgError(ARRAY_SUBSCRIPT_ERROR, "multidimensional arrays must have array expressions with matching dimensions")
            return
        if not isinstance(item, (list, tuple)) or len(item) != dims[depth]:
            raise PgError(ARRAY_SUBSCRIPT_ERROR, "multidimensional arrays must have array expressions with matching dimensions")
        for sub in item:
            check(sub, depth + 1)

    check(value, 0)
    return [] if dims == [0] else dims


def _flatten(value: Any, depth: int) -> list[Any]:
    if depth == 0:
        return [value]
    return [leaf for item in value for leaf in _flatten(item, depth - 1)]


def _quote(text: str, delimiter: str) -> str:
    needs = (
        text == ""
        or text.upper() == "NULL"
        or any(c in '{}"\\' or c == delimiter or c in " \t\n\r\v\f" for c in text)
    )
    if not needs:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_array(value: list[Any], encode: Callable[[Any], str], delimiter: str = ",") -> str:
    """array_out: '{1,2,NULL}', '{{1,2},{3,4}}', '{}'."""
    dims = _shape(value)
    if not dims:
        return "{}"

    def render(item: Any, depth: int) -> str:
        if depth == len(dims):
            return "NULL" if item is None else _quote(encode(item), delimiter)
        return "{" + delimiter.join(render(sub, depth + 1) for sub in item) + "}"

    return render(value, 0)


def parse_array(text: str, decode: Callable[[str], Any], type_name: str, delimiter: str = ",") -> list[Any]:
    """array_in: nested lists of decoded elements (None for NULL); '[1:2]={...}' bounds are accepted."""
    s = text.strip()
    if s.startswith("["):
        eq = s.find("=")
        if eq < 0:
            raise _bad(type_name, text, "Missing \"=\" after array dimensions.")
        s = s[eq + 1:].strip()
    if not s.startswith("{"):
        raise _bad(type_name, text, 'Array value must start with "{" or dimension information.')
    pos = 0

    def parse_level() -> list[Any]:
        nonlocal pos
        pos += 1  # '{'
        items: list[Any] = []
        expect_item = True
        while True:
            while pos < len(s) and s[pos].isspace():
                pos += 1
            if pos >= len(s):
                raise _bad(type_name, text, "Unexpected end of input.")
            ch = s[pos]
            if ch == "}":
                pos += 1
                return items
            if ch == delimiter and not expect_item:
                pos += 1
                expect_item = True
                continue
            if not expect_item:
                raise _bad(type_name, text, "Unexpected array element.")
            if ch == "{":
                items.append(parse_level())
            elif ch == '"':
                pos += 1
                buf: list[str] = []
                while pos < len(s) and s[pos] != '"':
                    if s[pos] == "\\":
                        pos += 1
                    if pos < len(s):
                        buf.append(s[pos])
                    pos += 1
                if pos >= len(s):
                    raise _bad(type_name, text, "Unexpected end of input.")
                pos += 1
                items.append(decode("".join(buf)))
            else:
                start = pos
                buf = []
                while pos < len(s) and s[pos] not in (delimiter, "}", "{", '"'):
                    if s[pos] == "\\" and pos + 1 < len(s):
                        pos += 1
                    buf.append(s[pos])
                    pos += 1
                token = "".join(buf).strip()
                if not token:
                    raise _bad(type_name, text, "Unexpected array element.")
                raw = s[start:pos].strip()
                items.append(None if raw.upper() == "NULL" else decode(token))
            expect_item = False

    result = parse_level()
    if s[pos:].strip():
        raise _bad(type_name, text, "Junk after closing right brace.")
    _check_rectangular(result, type_name, text)
    return result


def _check_rectangular(items: list[Any], type_name: str, text: str) -> None:
    """array_in's rules: a level holds only elements or only sub-arrays, all of the same shape."""
    subs = [isinstance(i, list) for i in items]
    if any(subs) and not all(subs):
        raise _bad(type_name, text, "Unexpected array element.")
    if all(subs) and items:
        shapes = {_nested_shape(i) for i in items}
        if len(shapes) != 1 or any(_nested_shape(i) == (0,) for i in items):
            raise _bad(type_name, text, "Multidimensional arrays must have sub-arrays with matching dimensions.")
        for item in items:
            _check_rectangular(item, type_name, text)


def _nested_shape(item: Any) -> tuple[int, ...]:
    if not isinstance(item, list):
        return ()
    return (len(item), *(_nested_shape(item[0]) if item else ()))


def _bad(type_name: str, text: str, detail: str) -> PgError:
    return PgError(INVALID_TEXT_REPRESENTATION, f'malformed array literal: "{text}"', detail=detail)


def encode_array_binary(value: list[Any], elem_oid: int, encode: Callable[[Any], bytes], lower_bound: int = 1) -> bytes:
    """array_send: ndim, has-null flag, element OID, (size, lower bound) per dimension, elements
    (int2vector and oidvector are 0-based)."""
    dims = _shape(value)
    leaves = _flatten(value, len(dims)) if dims else []
    has_null = any(leaf is None for leaf in leaves)
    out = [struct.pack(">iiI", len(dims), 1 if has_null else 0, elem_oid)]
    out.extend(struct.pack(">ii", size, lower_bound) for size in dims)
    for leaf in leaves:
        if leaf is None:
            out.append(b"\xff\xff\xff\xff")
        else:
            data = encode(leaf)
            out.append(struct.pack(">i", len(data)) + data)
    return b"".join(out)


def decode_array_binary(data: bytes, decode: Callable[[bytes], Any], elem_oid: int | None = None) -> list[Any]:
    """array_recv: nested lists; PgError 22P03 on a malformed buffer."""
    try:
        ndim, _flags, oid = struct.unpack_from(">iiI", data)
        if ndim < 0 or ndim > MAX_DIMENSIONS:
            raise _binary_error()
        if elem_oid is not None and ndim and oid != elem_oid:
            raise PgError("42804", f"binary data has array element type {oid} instead of expected {elem_oid}")
        dims = [struct.unpack_from(">ii", data, 12 + 8 * i)[0] for i in range(ndim)]
        pos = 12 + 8 * ndim
        count = 1
        for size in dims:
            if size < 0:
                raise _binary_error()
            count *= size
        leaves: list[Any] = []
        for _ in range(count if ndim else 0):
            (length,) = struct.unpack_from(">i", data, pos)
            pos += 4
            if length == -1:
                leaves.append(None)
                continue
            if length < 0 or pos + length > len(data):
                raise _binary_error()
            leaves.append(decode(data[pos: pos + length]))
            pos += length
        if pos != len(data):
            raise _binary_error()
    except struct.error as exc:
        raise _binary_error() from exc
    return _reshape(leaves, dims) if ndim else []


def _binary_error() -> PgError:
    return PgError(INVALID_BINARY_REPRESENTATION, "insufficient data left in message")


def _reshape(leaves: list[Any], dims: list[int]) -> list[Any]:
    if len(dims) == 1:
        return leaves
    step = len(leaves) // dims[0] if dims[0] else 0
    return [_reshape(leaves[i * step: (i + 1) * step], dims[1:]) for i in range(dims[0])]


def format_vector(value: Any) -> str:
    """int2vectorout/oidvectorout: the elements separated by spaces."""
    return " ".join(str(int(v)) for v in value) if not isinstance(value, str) else value


def parse_vector(text: str) -> list[int]:
    return [parse_int(p, "int4") for p in text.split()]


# The binary formats of int2vector and oidvector are arrays' (lower bound 0): adapters.py encodes them so.
CODECS = (Codec("vector", ("int2vector", "oidvector"), lambda v, c: format_vector(v), lambda s, c: parse_vector(s)),)
