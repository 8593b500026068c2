"""Backend (server -> client) messages of protocol 3.0: encoders returning wire bytes.

Plain functions, not objects: the server builds many DataRows per query, so each encoder
is one struct.pack plus a join, and the caller batches the results into one write.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pgserver.errors import PgError

_INT32 = struct.Struct(">i")
_HEADER = struct.Struct(">ci")
_NULL = _INT32.pack(-1)

SSL_ACCEPTED = b"S"
SSL_REFUSED = b"N"


def _message(type_byte: bytes, body: bytes = b"") -> bytes:
    return _HEADER.pack(type_byte, len(body) + 4) + body


def _cstring(text: str) -> bytes:
    return text.encode("utf-8") + b"\0"


# --- authentication ---------------------------------------------------------

AUTH_OK, AUTH_CLEARTEXT, AUTH_MD5, AUTH_SASL, AUTH_SASL_CONTINUE, AUTH_SASL_FINAL = 0, 3, 5, 10, 11, 12


def authentication_ok() -> bytes:
    return _message(b"R", _INT32.pack(AUTH_OK))


def authentication_cleartext_password() -> bytes:
    return _message(b"R", _INT32.pack(AUTH_CLEARTEXT))


def authentication_sasl(mechanisms: Iterable[str]) -> bytes:
    return _message(b"R", _INT32.pack(AUTH_SASL) + b"".join(_cstring(m) for m in mechanisms) + b"\0")


def authentication_sasl_continue(data: bytes) -> bytes:
    return _message(b"R", _INT32.pack(AUTH_SASL_CONTINUE) + data)


def authentication_sasl_final(data: bytes) -> bytes:
    return _message(b"R", _INT32.pack(AUTH_SASL_FINAL) + data)


# --- session ----------------------------------------------------------------


def parameter_status(name: str, value: str) -> bytes:
    return _message(b"S", _cstring(name) + _cstring(value))


def backend_key_data(process_id: int, secret_key: int) -> bytes:
    return _message(b"K", struct.pack(">ii", process_id, secret_key))


def ready_for_query(status: str) -> bytes:
    if status not in ("I", "T", "E"):
        raise ValueError(f"invalid transaction status {status!r}")
    return _message(b"Z", status.encode("ascii"))


def negotiate_protocol_version(newest_minor: int, unsupported_options: Sequence[str]) -> bytes:
    body = struct.pack(">ii", newest_minor, len(unsupported_options))
    return _message(b"v", body + b"".join(_cstring(o) for o in unsupported_options))


# --- query results ------------------------------------------------------------


@dataclass(frozen=True)
class FieldDescription:
    """One column of a RowDescription."""

    name: str
    type_oid: int
    typlen: int = -1
    typmod: int = -1
    format: int = 0  # 0 text, 1 binary
    table_oid: int = 0
    column_number: int = 0


_FIELD = struct.Struct(">IhIhih")


def row_description(fields: Sequence[FieldDescription]) -> bytes:
    parts = [struct.pack(">h", len(fields))]
    for f in fields:
        parts.append(_cstring(f.name))
        parts.append(_FIELD.pack(f.table_oid, f.column_number, f.type_oid, f.typlen, f.typmod, f.format))
    return _message(b"T", b"".join(parts))


def data_row(values: Sequence[bytes | None]) -> bytes:
    parts = [struct.pack(">h", len(values))]
    for value in values:
        if value is None:
            parts.append(_NULL)
        else:
            parts.append(_INT32.pack(len(value)))
            parts.append(value)
    body = b"".join(parts)
    return _HEADER.pack(b"D", len(body) + 4) + body


def command_complete(tag: str) -> bytes:
    return _message(b"C", _cstring(tag))


def empty_query_response() -> bytes:
    return _message(b"I")


def parse_complete() -> bytes:
    return _message(b"1")


def bind_complete() -> bytes:
    return _message(b"2")


def close_complete() -> bytes:
    return _message(b"3")


def no_data() -> bytes:
    return _message(b"n")


def portal_suspended() -> bytes:
    return _message(b"s")


def parameter_description(type_oids: Sequence[int]) -> bytes:
    return _message(b"t", struct.pack(f">h{len(type_oids)}I", len(type_oids), *type_oids))


# --- COPY -------------------------------------------------------------------


def copy_out_response(binary: bool, columns: int) -> bytes:
    """CopyOutResponse: the overall format and every column's (all text, or all binary)."""
    code = 1 if binary else 0
    return _message(b"H", struct.pack(f">bh{columns}h", code, columns, *([code] * columns)))


def copy_data(data: bytes) -> bytes:
    return _HEADER.pack(b"d", len(data) + 4) + data


def copy_done() -> bytes:
    return _message(b"c")


# --- errors and notices -------------------------------------------------------

# Field type codes (protocol "Error and Notice Message Fields").
SEVERITY, SEVERITY_NONLOCALIZED, CODE, MESSAGE, DETAIL, HINT, POSITION = "S", "V", "C", "M", "D", "H", "P"
INTERNAL_POSITION, INTERNAL_QUERY, WHERE, SCHEMA, TABLE, COLUMN, DATATYPE = "p", "q", "W", "s", "t", "c", "d"
CONSTRAINT, FILE, LINE, ROUTINE = "n", "F", "L", "R"


def error_fields(error: PgError) -> dict[str, str]:
    """The fields of an ErrorResponse/NoticeResponse for a PgError, in PostgreSQL's order."""
    fields = {
        SEVERITY: error.severity,
        SEVERITY_NONLOCALIZED: error.severity,
        CODE: error.sqlstate,
        MESSAGE: error.message,
    }
    if error.detail:
        fields[DETAIL] = error.detail
    if error.hint:
        fields[HINT] = error.hint
    if error.position:
        fields[POSITION] = str(error.position)
    return fields


def _fields_body(fields: Mapping[str, str]) -> bytes:
    parts = []
    for code, value in fields.items():
        if len(code) != 1:
            raise ValueError(f"invalid error field code {code!r}")
        parts.append(code.encode("ascii") + _cstring(value.replace("\0", "")))
    return b"".join(parts) + b"\0"


def error_response(error: PgError | Mapping[str, str]) -> bytes:
    fields = error_fields(error) if isinstance(error, PgError) else error
    return _message(b"E", _fields_body(fields))


def notice_response(fields: Mapping[str, str]) -> bytes:
    return _message(b"N", _fields_body(fields))


def notice(severity: str, sqlstate: str, message: str, detail: str | None = None, hint: str | None = None) -> bytes:
    fields = {SEVERITY: severity, SEVERITY_NONLOCALIZED: severity, CODE: sqlstate, MESSAGE: message}
    if detail:
        fields[DETAIL] = detail
    if hint:
        fields[HINT] = hint
    return notice_response(fields)
