"""The pg_type table: every PostgreSQL 15 type's OID and attributes, typmods, format_type and the
parser of type names as SQL and DDL write them (`type_for_sql`, `ColumnType.parse`).

Every layer that names a PostgreSQL type goes through here, so OIDs, lengths and typmods match a
real PostgreSQL 15 (the table below was read from PG 15's pg_type). How values of each type look on
the wire is the business of the codec families beside this module (numeric.py, datetime.py …).

Dependency rule: the standard library and pgserver.errors (itself stdlib-only) only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pgserver.errors import PgError

UNDEFINED_OBJECT = "42704"
SYNTAX_ERROR = "42601"
INVALID_PARAMETER_VALUE = "22023"


@dataclass(frozen=True)
class PgType:
    """One row of pg_type, with the columns clients and the catalog need."""

    name: str  # typname: int4, _int4, varchar …
    oid: int
    array_oid: int  # typarray (0: no array type)
    typlen: int  # -1 varlena, -2 cstring
    byval: bool
    typtype: str  # b base, p pseudo, r range, m multirange
    category: str  # typcategory: N numeric, S string, D datetime, A array …
    elem_oid: int = 0  # typelem: element type of arrays (and of name/int2vector/oidvector)
    delimiter: str = ","
    align: str = "i"
    storage: str = "p"
    sql_name: str = ""  # format_type(oid, NULL): integer, character varying, "char" …
    preferred: bool = False

    @property
    def is_array(self) -> bool:
        """True for the _xxx array types (not for name/int2vector/oidvector)."""
        return self.category == "A" and self.name.startswith("_")


# (typname, oid, typarray, typlen, typbyval, typtype, typcategory, typelem, typdelim,
#  typalign, typstorage, format_type, typispreferred) — every non-array pg_catalog type of PG 15.
_ROWS: tuple[tuple[str, int, int, int, bool, str, str, int, str, str, str, str, bool], ...] = (
    ('bool', 16, 1000, 1, True, 'b', 'B', 0, ',', 'c', 'p', 'boolean', True),
    ('bytea', 17, 1001, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'bytea', False),
    ('char', 18, 1002, 1, True, 'b', 'Z', 0, ',', 'c', 'p', '"char"', False),
    ('name', 19, 1003, 64, False, 'b', 'S', 18, ',', 'c', 'p', 'name', False),
    ('int8', 20, 1016, 8, True, 'b', 'N', 0, ',', 'd', 'p', 'bigint', False),
    ('int2', 21, 1005, 2, True, 'b', 'N', 0, ',', 's', 'p', 'smallint', False),
    ('int2vector', 22, 1006, -1, False, 'b', 'A', 21, ',', 'i', 'p', 'int2vector', False),
    ('int4', 23, 1007, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'integer', False),
    ('regproc', 24, 1008, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regproc', False),
    ('text', 25, 1009, -1, False, 'b', 'S', 0, ',', 'i', 'x', 'text', True),
    ('oid', 26, 1028, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'oid', True),
    ('tid', 27, 1010, 6, False, 'b', 'U', 0, ',', 's', 'p', 'tid', False),
    ('xid', 28, 1011, 4, True, 'b', 'U', 0, ',', 'i', 'p', 'xid', False),
    ('cid', 29, 1012, 4, True, 'b', 'U', 0, ',', 'i', 'p', 'cid', False),
    ('oidvector', 30, 1013, -1, False, 'b', 'A', 26, ',', 'i', 'p', 'oidvector', False),
    ('pg_ddl_command', 32, 0, 8, True, 'p', 'P', 0, ',', 'd', 'p', 'pg_ddl_command', False),
    ('json', 114, 199, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'json', False),
    ('xml', 142, 143, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'xml', False),
    ('pg_node_tree', 194, 0, -1, False, 'b', 'Z', 0, ',', 'i', 'x', 'pg_node_tree', False),
    ('table_am_handler', 269, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'table_am_handler', False),
    ('index_am_handler', 325, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'index_am_handler', False),
    ('point', 600, 1017, 16, False, 'b', 'G', 701, ',', 'd', 'p', 'point', False),
    ('lseg', 601, 1018, 32, False, 'b', 'G', 600, ',', 'd', 'p', 'lseg', False),
    ('path', 602, 1019, -1, False, 'b', 'G', 0, ',', 'd', 'x', 'path', False),
    ('box', 603, 1020, 32, False, 'b', 'G', 600, ';', 'd', 'p', 'box', False),
    ('polygon', 604, 1027, -1, False, 'b', 'G', 0, ',', 'd', 'x', 'polygon', False),
    ('line', 628, 629, 24, False, 'b', 'G', 701, ',', 'd', 'p', 'line', False),
    ('cidr', 650, 651, -1, False, 'b', 'I', 0, ',', 'i', 'm', 'cidr', False),
    ('float4', 700, 1021, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'real', False),
    ('float8', 701, 1022, 8, True, 'b', 'N', 0, ',', 'd', 'p', 'double precision', True),
    ('unknown', 705, 0, -2, False, 'p', 'X', 0, ',', 'c', 'p', 'unknown', False),
    ('circle', 718, 719, 24, False, 'b', 'G', 0, ',', 'd', 'p', 'circle', False),
    ('macaddr8', 774, 775, 8, False, 'b', 'U', 0, ',', 'i', 'p', 'macaddr8', False),
    ('money', 790, 791, 8, True, 'b', 'N', 0, ',', 'd', 'p', 'money', False),
    ('macaddr', 829, 1040, 6, False, 'b', 'U', 0, ',', 'i', 'p', 'macaddr', False),
    ('inet', 869, 1041, -1, False, 'b', 'I', 0, ',', 'i', 'm', 'inet', True),
    ('aclitem', 1033, 1034, 12, False, 'b', 'U', 0, ',', 'i', 'p', 'aclitem', False),
    ('bpchar', 1042, 1014, -1, False, 'b', 'S', 0, ',', 'i', 'x', 'character', False),
    ('varchar', 1043, 1015, -1, False, 'b', 'S', 0, ',', 'i', 'x', 'character varying', False),
    ('date', 1082, 1182, 4, True, 'b', 'D', 0, ',', 'i', 'p', 'date', False),
    ('time', 1083, 1183, 8, True, 'b', 'D', 0, ',', 'd', 'p', 'time without time zone', False),
    ('timestamp', 1114, 1115, 8, True, 'b', 'D', 0, ',', 'd', 'p', 'timestamp without time zone', False),
    ('timestamptz', 1184, 1185, 8, True, 'b', 'D', 0, ',', 'd', 'p', 'timestamp with time zone', True),
    ('interval', 1186, 1187, 16, False, 'b', 'T', 0, ',', 'd', 'p', 'interval', True),
    ('timetz', 1266, 1270, 12, False, 'b', 'D', 0, ',', 'd', 'p', 'time with time zone', False),
    ('bit', 1560, 1561, -1, False, 'b', 'V', 0, ',', 'i', 'x', 'bit', False),
    ('varbit', 1562, 1563, -1, False, 'b', 'V', 0, ',', 'i', 'x', 'bit varying', True),
    ('numeric', 1700, 1231, -1, False, 'b', 'N', 0, ',', 'i', 'm', 'numeric', False),
    ('refcursor', 1790, 2201, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'refcursor', False),
    ('regprocedure', 2202, 2207, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regprocedure', False),
    ('regoper', 2203, 2208, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regoper', False),
    ('regoperator', 2204, 2209, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regoperator', False),
    ('regclass', 2205, 2210, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regclass', False),
    ('regtype', 2206, 2211, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regtype', False),
    ('record', 2249, 2287, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'record', False),
    ('cstring', 2275, 1263, -2, False, 'p', 'P', 0, ',', 'c', 'p', 'cstring', False),
    ('any', 2276, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', '"any"', False),
    ('anyarray', 2277, 0, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'anyarray', False),
    ('void', 2278, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'void', False),
    ('trigger', 2279, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'trigger', False),
    ('language_handler', 2280, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'language_handler', False),
    ('internal', 2281, 0, 8, True, 'p', 'P', 0, ',', 'd', 'p', 'internal', False),
    ('anyelement', 2283, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'anyelement', False),
    ('_record', 2287, 0, -1, False, 'p', 'P', 2249, ',', 'd', 'x', 'record[]', False),
    ('anynonarray', 2776, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'anynonarray', False),
    ('uuid', 2950, 2951, 16, False, 'b', 'U', 0, ',', 'c', 'p', 'uuid', False),
    ('txid_snapshot', 2970, 2949, -1, False, 'b', 'U', 0, ',', 'd', 'x', 'txid_snapshot', False),
    ('fdw_handler', 3115, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'fdw_handler', False),
    ('pg_lsn', 3220, 3221, 8, True, 'b', 'U', 0, ',', 'd', 'p', 'pg_lsn', False),
    ('tsm_handler', 3310, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'tsm_handler', False),
    ('pg_ndistinct', 3361, 0, -1, False, 'b', 'Z', 0, ',', 'i', 'x', 'pg_ndistinct', False),
    ('pg_dependencies', 3402, 0, -1, False, 'b', 'Z', 0, ',', 'i', 'x', 'pg_dependencies', False),
    ('anyenum', 3500, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'anyenum', False),
    ('tsvector', 3614, 3643, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'tsvector', False),
    ('tsquery', 3615, 3645, -1, False, 'b', 'U', 0, ',', 'i', 'p', 'tsquery', False),
    ('gtsvector', 3642, 3644, -1, False, 'b', 'U', 0, ',', 'i', 'p', 'gtsvector', False),
    ('regconfig', 3734, 3735, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regconfig', False),
    ('regdictionary', 3769, 3770, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regdictionary', False),
    ('jsonb', 3802, 3807, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'jsonb', False),
    ('anyrange', 3831, 0, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'anyrange', False),
    ('event_trigger', 3838, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'event_trigger', False),
    ('int4range', 3904, 3905, -1, False, 'r', 'R', 0, ',', 'i', 'x', 'int4range', False),
    ('numrange', 3906, 3907, -1, False, 'r', 'R', 0, ',', 'i', 'x', 'numrange', False),
    ('tsrange', 3908, 3909, -1, False, 'r', 'R', 0, ',', 'd', 'x', 'tsrange', False),
    ('tstzrange', 3910, 3911, -1, False, 'r', 'R', 0, ',', 'd', 'x', 'tstzrange', False),
    ('daterange', 3912, 3913, -1, False, 'r', 'R', 0, ',', 'i', 'x', 'daterange', False),
    ('int8range', 3926, 3927, -1, False, 'r', 'R', 0, ',', 'd', 'x', 'int8range', False),
    ('jsonpath', 4072, 4073, -1, False, 'b', 'U', 0, ',', 'i', 'x', 'jsonpath', False),
    ('regnamespace', 4089, 4090, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regnamespace', False),
    ('regrole', 4096, 4097, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regrole', False),
    ('regcollation', 4191, 4192, 4, True, 'b', 'N', 0, ',', 'i', 'p', 'regcollation', False),
    ('int4multirange', 4451, 6150, -1, False, 'm', 'R', 0, ',', 'i', 'x', 'int4multirange', False),
    ('nummultirange', 4532, 6151, -1, False, 'm', 'R', 0, ',', 'i', 'x', 'nummultirange', False),
    ('tsmultirange', 4533, 6152, -1, False, 'm', 'R', 0, ',', 'd', 'x', 'tsmultirange', False),
    ('tstzmultirange', 4534, 6153, -1, False, 'm', 'R', 0, ',', 'd', 'x', 'tstzmultirange', False),
    ('datemultirange', 4535, 6155, -1, False, 'm', 'R', 0, ',', 'i', 'x', 'datemultirange', False),
    ('int8multirange', 4536, 6157, -1, False, 'm', 'R', 0, ',', 'd', 'x', 'int8multirange', False),
    ('anymultirange', 4537, 0, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'anymultirange', False),
    ('anycompatiblemultirange', 4538, 0, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'anycompatiblemultirange', False),
    ('pg_brin_bloom_summary', 4600, 0, -1, False, 'b', 'Z', 0, ',', 'i', 'x', 'pg_brin_bloom_summary', False),
    ('pg_brin_minmax_multi_summary', 4601, 0, -1, False, 'b', 'Z', 0, ',', 'i', 'x', 'pg_brin_minmax_multi_summary', False),
    ('pg_mcv_list', 5017, 0, -1, False, 'b', 'Z', 0, ',', 'i', 'x', 'pg_mcv_list', False),
    ('pg_snapshot', 5038, 5039, -1, False, 'b', 'U', 0, ',', 'd', 'x', 'pg_snapshot', False),
    ('xid8', 5069, 271, 8, True, 'b', 'U', 0, ',', 'd', 'p', 'xid8', False),
    ('anycompatible', 5077, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'anycompatible', False),
    ('anycompatiblearray', 5078, 0, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'anycompatiblearray', False),
    ('anycompatiblenonarray', 5079, 0, 4, True, 'p', 'P', 0, ',', 'i', 'p', 'anycompatiblenonarray', False),
    ('anycompatiblerange', 5080, 0, -1, False, 'p', 'P', 0, ',', 'd', 'x', 'anycompatiblerange', False),
)


def _build() -> tuple[dict[str, PgType], dict[int, PgType]]:
    by_name: dict[str, PgType] = {}
    by_oid: dict[int, PgType] = {}
    for name, oid, array_oid, typlen, byval, typtype, cat, elem, delim, align, storage, sql, pref in _ROWS:
        t = PgType(name, oid, array_oid, typlen, byval, typtype, cat, elem, delim, align, storage, sql, pref)
        by_name[name] = t
        by_oid[oid] = t
        if array_oid:
            arr = PgType(
                "_" + name, array_oid, 0, -1, False, "b", "A", oid, delim,
                "d" if align == "d" else "i", "x", sql + "[]", False,
            )
            by_name[arr.name] = arr
            by_oid[array_oid] = arr
    return by_name, by_oid


TYPES_BY_NAME, TYPES_BY_OID = _build()


def by_name(name: str) -> PgType:
    """The type called `name` (typname, e.g. 'int4' or '_text'); KeyError if unknown."""
    return TYPES_BY_NAME[name]


def by_oid(oid: int) -> PgType:
    """The type with this OID; KeyError if unknown."""
    return TYPES_BY_OID[oid]


def find_by_oid(oid: int) -> PgType | None:
    return TYPES_BY_OID.get(oid)


def array_of(oid: int) -> PgType:
    """The array type whose elements are `oid` (KeyError if it has none)."""
    arr = TYPES_BY_OID[oid].array_oid
    if not arr:
        raise KeyError(oid)
    return TYPES_BY_OID[arr]


# OIDs used throughout the server, named like PostgreSQL's pg_type_d.h.
BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT2VECTOR, INT4, REGPROC, TEXT, OID = 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26
XID, CID, OIDVECTOR, JSON, XML, PG_NODE_TREE = 28, 29, 30, 114, 142, 194
FLOAT4, FLOAT8, UNKNOWN, MONEY, ACLITEM, BPCHAR, VARCHAR = 700, 701, 705, 790, 1033, 1042, 1043
DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL, TIMETZ, NUMERIC = 1082, 1083, 1114, 1184, 1186, 1266, 1700
REGPROCEDURE, REGOPER, REGOPERATOR, REGCLASS, REGTYPE, REGNAMESPACE, REGROLE = 2202, 2203, 2204, 2205, 2206, 4089, 4096
RECORD, CSTRING, ANY, ANYARRAY, VOID, ANYELEMENT, UUID, JSONB = 2249, 2275, 2276, 2277, 2278, 2283, 2950, 3802

NUMERIC_TYPMOD_BASE = 4  # VARHDRSZ: varchar(n) has typmod n + 4, numeric(p,s) ((p << 16) | s) + 4
INTERVAL_FULL_RANGE = 0x7FFF


def numeric_typmod(precision: int, scale: int = 0) -> int:
    return ((precision << 16) | (scale & 0xFFFF)) + NUMERIC_TYPMOD_BASE


def numeric_precision_scale(typmod: int) -> tuple[int, int] | None:
    """(precision, scale) of a numeric typmod, None for unconstrained numeric."""
    if typmod < NUMERIC_TYPMOD_BASE:
        return None
    tm = typmod - NUMERIC_TYPMOD_BASE
    scale = tm & 0xFFFF
    if scale >= 0x8000:  # PG 15 allows negative scales, stored as 11-bit two's complement
        scale -= 0x10000
    return tm >> 16, scale


def format_type(oid: int, typmod: int | None = None) -> str:
    """What PostgreSQL's format_type(oid, typmod) returns: 'character varying(60)', 'numeric(18,2)'
    (typmod None is SQL NULL: format_type(1042, NULL) is 'character', format_type(1042, -1) 'bpchar')."""
    t = TYPES_BY_OID.get(oid)
    if t is None:
        return "???"
    if t.is_array:
        return format_type(t.elem_oid, typmod) + "[]"
    base = t.sql_name
    if typmod is None or typmod < 0:
        return "bpchar" if oid == BPCHAR and typmod is not None else base
    if oid in (VARCHAR, BPCHAR):
        return f"{base}({typmod - NUMERIC_TYPMOD_BASE})"
    if oid == NUMERIC:
        ps = numeric_precision_scale(typmod)
        return f"numeric({ps[0]},{ps[1]})" if ps else base
    if oid in (TIMESTAMP, TIMESTAMPTZ, TIME, TIMETZ):
        head, _, tail = base.partition(" ")
        return f"{head}({typmod}) {tail}" if tail else f"{head}({typmod})"
    if oid == INTERVAL:
        precision = typmod & 0xFFFF
        return f"interval({precision})" if precision != 0xFFFF else base
    if oid in (1560, 1562):  # bit, varbit
        return f"{base}({typmod})"
    return base


# ---------------------------------------------------------------------------
# SQL type names -> (PgType, typmod)
# ---------------------------------------------------------------------------

_ALIASES: Mapping[str, str] = {
    "integer": "int4", "int": "int4", "serial": "int4", "serial4": "int4",
    "bigint": "int8", "bigserial": "int8", "serial8": "int8",
    "smallint": "int2", "smallserial": "int2", "serial2": "int2",
    "real": "float4", "double precision": "float8",
    "boolean": "bool", "decimal": "numeric", "dec": "numeric",
    "character varying": "varchar", "char varying": "varchar", "character": "bpchar", "char": "bpchar",
    "national character varying": "varchar", "national character": "bpchar", "nchar": "bpchar",
    "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamptz",
    "time without time zone": "time", "time with time zone": "timetz",
    '"char"': "char",
}
_TYPE_RE = re.compile(
    r"""^(?P<name>[a-z_"][a-z0-9_ ."]*?)\s*(?:\(\s*(?P<args>[-0-9 ,]*)\s*\))?
        \s*(?P<tz>with(?:out)?\s+time\s+zone)?\s*(?P<arr>(?:\[\s*\d*\s*\]\s*)*|\s+array(?:\s*\[\s*\d*\s*\])?)$""",
    re.VERBOSE,
)


def type_for_sql(text: str) -> tuple[PgType, int]:
    """Parse a type as written in SQL ('varchar(60)', 'numeric(18,2)', 'timestamp(3) with time zone',
    'integer[]') into the registry type and its typmod (-1 when unconstrained)."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned.startswith("pg_catalog."):
        cleaned = cleaned[len("pg_catalog."):]
    m = _TYPE_RE.match(cleaned)
    if not m:
        raise PgError(SYNTAX_ERROR, f'syntax error in type name "{text}"')
    name = m.group("name").strip()
    if name != '"char"':
        name = name.replace('"', "")
    if m.group("tz"):
        name = f"{name} {' '.join(m.group('tz').split())}"
    args_text = m.group("args")
    args = [int(a) for a in args_text.replace(" ", "").split(",") if a] if args_text is not None else []
    if name == "float" or name.startswith("float("):
        base = by_name("float8" if not args or args[0] > 24 else "float4")
        if args and not 1 <= args[0] <= 53:
            raise PgError(INVALID_PARAMETER_VALUE, "precision for type float must be between 1 and 53 bits")
        args = []
    else:
        typname = _ALIASES.get(name, name)
        base_t = TYPES_BY_NAME.get(typname)
        if base_t is None or base_t.is_array:
            raise PgError(UNDEFINED_OBJECT, f'type "{text.strip()}" does not exist')
        base = base_t
    typmod = _typmod_for(base, args, text)
    if m.group("arr"):
        if not base.array_oid:
            raise PgError(UNDEFINED_OBJECT, f'could not find array type for data type {base.sql_name}')
        return by_oid(base.array_oid), typmod
    return base, typmod


def _typmod_for(t: PgType, args: list[int], text: str) -> int:
    if t.oid == BPCHAR and not args and text.strip().lower().split("(")[0].strip() in ("char", "character"):
        return 1 + NUMERIC_TYPMOD_BASE  # bare CHAR means CHAR(1)
    if not args:
        return -1
    if t.oid in (VARCHAR, BPCHAR) and len(args) == 1:
        if args[0] < 1:
            raise PgError(INVALID_PARAMETER_VALUE, f"length for type {t.name} must be at least 1")
        return args[0] + NUMERIC_TYPMOD_BASE
    if t.oid == NUMERIC and len(args) in (1, 2):
        precision, scale = args[0], args[1] if len(args) == 2 else 0
        if not 1 <= precision <= 1000:
            raise PgError(INVALID_PARAMETER_VALUE, f"NUMERIC precision {precision} must be between 1 and 1000")
        if not -1000 <= scale <= 1000:
            raise PgError(INVALID_PARAMETER_VALUE, f"NUMERIC scale {scale} must be between -1000 and 1000")
        return numeric_typmod(precision, scale)
    if t.oid in (TIMESTAMP, TIMESTAMPTZ, TIME, TIMETZ) and len(args) == 1:
        if args[0] < 0:
            raise PgError(INVALID_PARAMETER_VALUE, f"{t.sql_name.upper()}({args[0]}) precision must not be negative")
        return min(args[0], 6)
    if t.oid == INTERVAL and len(args) == 1:
        return (INTERVAL_FULL_RANGE << 16) | min(max(args[0], 0), 6)
    if t.oid in (1560, 1562) and len(args) == 1:
        return args[0]
    raise PgError(SYNTAX_ERROR, f'invalid type modifier in "{text.strip()}"')


# ---------------------------------------------------------------------------
# A column's type: (OID, typmod), parsed once from DDL text
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnType:
    """A column's PostgreSQL type as RowDescription and pg_attribute carry it: the type OID and its
    typmod (-1: none). Declarations write DDL text ('varchar(60)', 'numeric(18,2)', 'timestamptz');
    `ColumnType.parse` reads it once, and everything else asks the parsed value."""

    oid: int
    typmod: int = -1

    @staticmethod
    def parse(text: str) -> ColumnType:
        """The type of a DDL type name; PgError 42704/42601/22023 as PostgreSQL reports a bad one."""
        return _parse_column_type(text)

    @property
    def pg(self) -> PgType:
        return TYPES_BY_OID[self.oid]

    @property
    def name(self) -> str:
        """typname: 'int4', 'varchar', '_text' …"""
        return self.pg.name

    @property
    def sql(self) -> str:
        """format_type(oid, typmod): 'character varying(60)', 'numeric(18,2)', 'integer[]'."""
        return format_type(self.oid, self.typmod)

    @property
    def category(self) -> str:
        """typcategory: N numeric, S string, B boolean, D date/time, T timespan, A array, U user …"""
        return self.pg.category

    @property
    def is_array(self) -> bool:
        return self.pg.is_array

    @property
    def element(self) -> ColumnType | None:
        """The element type of an array type (it keeps the typmod: varchar(10)[] has varchar(10) elements)."""
        return ColumnType(self.pg.elem_oid, self.typmod) if self.pg.is_array else None

    @property
    def length(self) -> int | None:
        """n of varchar(n) / char(n); None when unconstrained or not a character type."""
        if self.oid in (VARCHAR, BPCHAR) and self.typmod >= NUMERIC_TYPMOD_BASE:
            return self.typmod - NUMERIC_TYPMOD_BASE
        return None

    @property
    def precision_scale(self) -> tuple[int, int] | None:
        """(precision, scale) of numeric(p,s); None for unconstrained numeric or another type."""
        return numeric_precision_scale(self.typmod) if self.oid == NUMERIC else None


@functools.lru_cache(maxsize=4096)
def _parse_column_type(text: str) -> ColumnType:
    pg_type, typmod = type_for_sql(text)
    return ColumnType(pg_type.oid, typmod)
