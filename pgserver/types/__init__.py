"""The one home of PostgreSQL type knowledge (decision 0300; layout in decision 0305).

- registry.py   the pg_type table (OIDs, typarray, typlen …), typmods, format_type, type names as SQL
                writes them (type_for_sql) and the typed column type (ColumnType) parsed from DDL text
- values.py     the session's output settings (FormatContext) and PgInterval
- codec.py      what a codec family declares (Codec) and the errors they raise in PostgreSQL's words
- numeric.py, bool.py, string.py, uuid.py, json.py, datetime.py (+ datestyles.py), array.py, pseudo.py
                the codec families: text and binary, out and in, one module per family of types
- adapters.py   the families' codecs by OID and the functions below (encode_text, decode_binary …)
- arrow.py      PostgreSQL ⇄ Arrow ⇄ DuckDB types, and Arrow values as the codecs' Python values
- columns.py    whole Arrow columns to wire values with Arrow/numpy kernels (the DataRow hot path)

Adding a type: its pg_type row in registry.py (PostgreSQL 15 has them all) and its Codec in the
family module it belongs to. Everything but arrow.py and columns.py imports only the standard
library and pgserver.errors (tests/test_layers.py checks it with import-linter).

This module re-exports what the other packages use, so they import `pgserver.types` only.
"""

from __future__ import annotations

from pgserver.types.adapters import (
    binary_encoder,
    codec_kind,
    decode_binary,
    decode_text,
    encode_binary,
    encode_text,
    has_binary_format,
    infer_oid,
    text_encoder,
)
from pgserver.types.datetime import resolve_time_zone
from pgserver.types.registry import (
    ACLITEM,
    ANY,
    ANYARRAY,
    ANYELEMENT,
    BOOL,
    BPCHAR,
    BYTEA,
    CHAR,
    CID,
    CSTRING,
    DATE,
    FLOAT4,
    FLOAT8,
    INT2,
    INT2VECTOR,
    INT4,
    INT8,
    INTERVAL,
    INTERVAL_FULL_RANGE,
    JSON,
    JSONB,
    MONEY,
    NAME,
    NUMERIC,
    NUMERIC_TYPMOD_BASE,
    OID,
    OIDVECTOR,
    PG_NODE_TREE,
    RECORD,
    REGCLASS,
    REGNAMESPACE,
    REGOPER,
    REGOPERATOR,
    REGPROC,
    REGPROCEDURE,
    REGROLE,
    REGTYPE,
    TEXT,
    TIME,
    TIMESTAMP,
    TIMESTAMPTZ,
    TIMETZ,
    TYPES_BY_NAME,
    TYPES_BY_OID,
    UNKNOWN,
    UUID,
    VARCHAR,
    VOID,
    XID,
    XML,
    ColumnType,
    PgType,
    array_of,
    by_name,
    by_oid,
    find_by_oid,
    format_type,
    numeric_precision_scale,
    numeric_typmod,
    type_for_sql,
)
from pgserver.types.values import FormatContext, PgInterval

__all__ = [
    "ACLITEM", "ANY", "ANYARRAY", "ANYELEMENT", "BOOL", "BPCHAR", "BYTEA", "CHAR", "CID", "CSTRING", "DATE", "FLOAT4",
    "FLOAT8", "INT2", "INT2VECTOR", "INT4", "INT8", "INTERVAL", "INTERVAL_FULL_RANGE", "JSON", "JSONB", "MONEY",
    "NAME", "NUMERIC", "NUMERIC_TYPMOD_BASE", "OID", "OIDVECTOR", "PG_NODE_TREE", "RECORD", "REGCLASS",
    "REGNAMESPACE", "REGOPER", "REGOPERATOR", "REGPROC", "REGPROCEDURE", "REGROLE", "REGTYPE", "TEXT", "TIME",
    "TIMESTAMP", "TIMESTAMPTZ", "TIMETZ", "TYPES_BY_NAME", "TYPES_BY_OID", "UNKNOWN", "UUID", "VARCHAR", "VOID",
    "XID", "XML", "ColumnType", "FormatContext", "PgInterval", "PgType", "array_of", "binary_encoder", "by_name",
    "by_oid", "codec_kind", "decode_binary", "decode_text", "encode_binary", "encode_text", "find_by_oid",
    "format_type", "has_binary_format", "infer_oid", "numeric_precision_scale", "numeric_typmod",
    "resolve_time_zone", "text_encoder", "type_for_sql",
]
