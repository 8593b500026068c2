"""pg_catalog rows for our own objects: namespaces, relations, columns, keys, comments, procedures.

Why these shapes: every value mirrors what PostgreSQL 15 stores after the equivalent
DDL (CREATE TABLE … PRIMARY KEY, FOREIGN KEY, COMMENT ON), so catalog queries written
for a real server (psql \\d, pgjdbc, DBeaver, SQLAlchemy) find what they expect.
Our relations are ordinary tables (relkind 'r'): see docs/decisions/0600-catalog-relkind.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgserver import types as pgtypes
from pgserver.provider import Column, ProcedureSpec, TableSpec

if TYPE_CHECKING:
    from pgserver.catalog.catalog import Catalog
    from pgserver.catalog.oids import OidAllocator

OWNER = 10
PG_CLASS, PG_PROC, PG_CONSTRAINT, PG_TYPE, PG_NAMESPACE = 1259, 1255, 2606, 1247, 2615
HEAP_AM, BTREE_AM = 2, 403
NAMEDATALEN = 64
RECORD_OID, RECORD_ARRAY_OID = 2249, 2287
# System columns of every heap table, as PostgreSQL 15 lists them in pg_attribute.
SYSTEM_COLUMNS = (("tableoid", -6, 26), ("cmax", -5, 29), ("xmax", -4, 28), ("cmin", -3, 29), ("xmin", -2, 28),
                  ("ctid", -1, 27))


def q(name: str) -> str:
    """Quote an identifier the way PostgreSQL's deparser does (quote_ident)."""
    plain = name and (name[0].islower() or name[0] == "_") and all(
        ch.islower() or ch.isdigit() or ch == "_" for ch in name) and name.isascii()
    return name if plain else '"' + name.replace('"', '""') + '"'


def object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: name1_name2_label, truncating the longer part to fit NAMEDATALEN."""
    parts = [name1, name2] if name2 else [name1]
    overhead = len(label) + len(parts)  # underscores
    while sum(len(p.encode()) for p in parts) + overhead > NAMEDATALEN - 1:
        longest = max(range(len(parts)), key=lambda i: len(parts[i].encode()))
        parts[longest] = parts[longest][:-1]
    return "_".join([*parts, label])


def build(cat: Catalog, alloc: OidAllocator) -> None:
    """Add rows for every table and procedure of the catalog (deterministic order)."""
    types = {r["oid"]: r for r in cat.base.rows_as_dicts("pg_catalog.pg_type")}
    opclasses = {r["opcintype"]: r["oid"] for r in cat.base.rows_as_dicts("pg_catalog.pg_opclass")
                 if r["opcmethod"] == BTREE_AM and r["opcdefault"]}
    eq_ops = {r["oprleft"]: r["oid"] for r in cat.base.rows_as_dicts("pg_catalog.pg_operator")
              if r["oprname"] == "=" and r["oprleft"] == r["oprright"] and r["oprkind"] == "b"}
    builtin_ns = {r["nspname"]: r["oid"] for r in cat.base.rows_as_dicts("pg_catalog.pg_namespace")}
    schemas = sorted({t.schema for t in cat.tables} | {p.schema for p in cat.procedures})
    ns_oid: dict[str, int] = {}
    for schema in schemas:
        if schema in builtin_ns:
            ns_oid[schema] = builtin_ns[schema]
            continue
        ns_oid[schema] = alloc.oid(f"namespace:{schema}")
        cat.add_row("pg_catalog.pg_namespace", oid=ns_oid[schema], nspname=schema, nspowner=OWNER, nspacl=None)

    cat.add_row(
        "pg_catalog.pg_database", oid=alloc.oid(f"database:{cat.database}"), datname=cat.database, datdba=OWNER,
        encoding=6, datlocprovider="c", datistemplate=False, datallowconn=True, datconnlimit=-1, datfrozenxid=716,
        datminmxid=1, dattablespace=1663, datcollate="C.UTF-8", datctype="C.UTF-8", daticulocale=None,
        datcollversion=None, datacl=None,
    )

    tables = sorted(cat.tables, key=lambda t: (t.schema, t.name))
    class_oids = {(t.schema, t.name): alloc.oid(f"class:{t.schema}.{t.name}") for t in tables}
    pkey_index: dict[tuple[str, str], tuple[int, list[int]]] = {}
    for spec in tables:
        oid = class_oids[(spec.schema, spec.name)]
        cat.table_specs[oid] = spec
        _table_rows(cat, alloc, spec, oid, ns_oid[spec.schema], types, opclasses, pkey_index)
    for spec in tables:
        _foreign_keys(cat, alloc, spec, class_oids, ns_oid[spec.schema], types, eq_ops, pkey_index)
    for proc in sorted(cat.procedures, key=lambda p: (p.schema, p.name)):
        _procedure_rows(cat, alloc, proc, ns_oid[proc.schema])


def _describe(cat: Catalog, objoid: int, classoid: int, subid: int, text: str) -> None:
    if text:
        cat.add_row("pg_catalog.pg_description", objoid=objoid, classoid=classoid, objsubid=subid, description=text)


def _depend(cat: Catalog, classid: int, objid: int, objsubid: int, refclassid: int, refobjid: int,
            refobjsubid: int, deptype: str) -> None:
    cat.add_row("pg_catalog.pg_depend", classid=classid, objid=objid, objsubid=objsubid, refclassid=refclassid,
                refobjid=refobjid, refobjsubid=refobjsubid, deptype=deptype)


def acl_letters(spec: TableSpec) -> str:
    """The owner's privileges on a relation: r (SELECT), and a/w/d where its WriteSpec allows writes."""
    writes = spec.writes
    if writes is None:
        return "r"
    return "a" * writes.can_insert + "r" + "w" * writes.can_update + "d" * writes.can_delete


def _class_row(oid: int, name: str, nsp: int, kind: str, natts: int, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        oid=oid, relname=name, relnamespace=nsp, reltype=0, reloftype=0, relowner=OWNER,
        relam=HEAP_AM if kind == "r" else BTREE_AM, relfilenode=oid, reltablespace=0, relpages=0,
        reltuples=-1.0 if kind == "r" else 0.0, relallvisible=0, reltoastrelid=0, relhasindex=False,
        relisshared=False, relpersistence="p", relkind=kind, relnatts=natts, relchecks=0, relhasrules=False,
        relhastriggers=False, relhassubclass=False, relrowsecurity=False, relforcerowsecurity=False,
        relispopulated=True, relreplident="d" if kind == "r" else "n", relispartition=False, relrewrite=0,
        relfrozenxid=0, relminmxid=0, relacl=None, reloptions=None, relpartbound=None,
    )
    row.update(extra)
    return row


def _attribute(oid: int, name: str, attnum: int, typ: dict[str, Any], typmod: int, notnull: bool) -> dict[str, Any]:
    return dict(
        attrelid=oid, attname=name, atttypid=typ["oid"], attstattarget=-1 if attnum > 0 else 0,
        attlen=typ["typlen"], attnum=attnum, attndims=0, attcacheoff=-1, atttypmod=typmod,
        attbyval=typ["typbyval"], attalign=typ["typalign"], attstorage=typ["typstorage"], attcompression="",
        attnotnull=notnull, atthasdef=False, atthasmissing=False, attidentity="", attgenerated="",
        attisdropped=False, attislocal=True, attinhcount=0, attcollation=typ["typcollation"], attacl=None,
        attoptions=None, attfdwoptions=None, attmissingval=None,
    )


def _table_rows(cat: Catalog, alloc: OidAllocator, spec: TableSpec, oid: int, nsp: int,
                types: dict[int, dict[str, Any]], opclasses: dict[int, int],
                pkey_index: dict[tuple[str, str], tuple[int, list[int]]]) -> None:
    rowtype = alloc.oid(f"type:{spec.schema}.{spec.name}")
    arraytype = alloc.oid(f"arraytype:{spec.schema}.{spec.name}")
    keys = [i for i, c in enumerate(spec.columns, start=1) if c.is_key]
    owner = q(cat.user)
    # Read-only: the owner holds only SELECT (r), so pgjdbc/ODBC privilege listings say so (decision 0600);
    # a writable table (Customers) adds what its WriteSpec allows: a(INSERT) w(UPDATE) d(DELETE) (decision 0731).
    cat.add_row("pg_catalog.pg_class", **_class_row(oid, spec.name, nsp, "r", len(spec.columns), reltype=rowtype,
                                                     relhasindex=bool(keys),
                                                     relacl=[f"{owner}={acl_letters(spec)}/{owner}"]))
    record, record_array = types[RECORD_OID], types[RECORD_ARRAY_OID]
    cat.add_row("pg_catalog.pg_type", **{**record, "oid": rowtype, "typname": spec.name, "typnamespace": nsp,
                                         "typtype": "c", "typcategory": "C", "typrelid": oid, "typarray": arraytype,
                                         "typowner": OWNER, "typispreferred": False})
    cat.add_row("pg_catalog.pg_type", **{**record_array, "oid": arraytype, "typname": ("_" + spec.name)[: NAMEDATALEN - 1], "typtype": "b",
                                         "typnamespace": nsp, "typelem": rowtype, "typowner": OWNER})
    _depend(cat, PG_TYPE, rowtype, 0, PG_CLASS, oid, 0, "i")
    _depend(cat, PG_TYPE, arraytype, 0, PG_TYPE, rowtype, 0, "i")
    _describe(cat, oid, PG_CLASS, 0, spec.description)
    for name, attnum, typoid in SYSTEM_COLUMNS:
        cat.add_row("pg_catalog.pg_attribute", **_attribute(oid, name, attnum, types[typoid], -1, True))
    for attnum, col in enumerate(spec.columns, start=1):
        typoid, typmod = col.type.oid, col.type.typmod
        notnull = (not col.nullable) or col.is_key
        cat.add_row("pg_catalog.pg_attribute", **_attribute(oid, col.name, attnum, types[typoid], typmod, notnull))
        _describe(cat, oid, PG_CLASS, attnum, col.description)
    if not keys:
        return
    pkname = object_name(spec.name, None, "pkey")
    con_oid = alloc.oid(f"constraint:{spec.schema}.{spec.name}.{pkname}")
    index_oid = alloc.oid(f"index:{spec.schema}.{spec.name}.{pkname}")
    key_types = [spec.columns[k - 1].type.oid for k in keys]
    cat.add_row("pg_catalog.pg_class", **_class_row(index_oid, pkname, nsp, "i", len(keys), relpages=1))
    cat.add_row(
        "pg_catalog.pg_index", indexrelid=index_oid, indrelid=oid, indnatts=len(keys), indnkeyatts=len(keys),
        indisunique=True, indnullsnotdistinct=False, indisprimary=True, indisexclusion=False, indimmediate=True,
        indisclustered=False, indisvalid=True, indcheckxmin=False, indisready=True, indislive=True,
        indisreplident=False, indkey=keys, indcollation=[types[t]["typcollation"] for t in key_types],
        indclass=[opclasses.get(t, opclasses[25] if types[t]["typcategory"] == "S" else 0) for t in key_types],
        indoption=[0] * len(keys), indexprs=None, indpred=None,
    )
    for k in keys:
        cat.add_row("pg_catalog.pg_attribute", **_attribute(index_oid, spec.columns[k - 1].name, keys.index(k) + 1,
                                                             types[spec.columns[k - 1].type.oid], -1,
                                                             False))
    cat.add_row("pg_catalog.pg_constraint", **_constraint_row(con_oid, pkname, nsp, "p", oid, index_oid, keys))
    cols = ", ".join(q(spec.columns[k - 1].name) for k in keys)
    cat.constraintdef[con_oid] = f"PRIMARY KEY ({cols})"
    cat.indexdef[index_oid] = f"CREATE UNIQUE INDEX {q(pkname)} ON {q(spec.schema)}.{q(spec.name)} USING btree ({cols})"
    for k in keys:
        _depend(cat, PG_CONSTRAINT, con_oid, 0, PG_CLASS, oid, k, "a")
    _depend(cat, PG_CLASS, index_oid, 0, PG_CONSTRAINT, con_oid, 0, "i")
    pkey_index[(spec.schema, spec.name)] = (index_oid, keys)


def _constraint_row(oid: int, name: str, nsp: int, contype: str, relid: int, indid: int, keys: list[int],
                    **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict(
        oid=oid, conname=name, connamespace=nsp, contype=contype, condeferrable=False, condeferred=False,
        convalidated=True, conrelid=relid, contypid=0, conindid=indid, conparentid=0, confrelid=0,
        confupdtype=" ", confdeltype=" ", confmatchtype=" ", conislocal=True, coninhcount=0, connoinherit=True,
        conkey=keys, confkey=None, conpfeqop=None, conppeqop=None, conffeqop=None, confdelsetcols=None,
        conexclop=None, conbin=None,
    )
    row.update(extra)
    return row


def _foreign_keys(cat: Catalog, alloc: OidAllocator, spec: TableSpec, class_oids: dict[tuple[str, str], int],
                  nsp: int, types: dict[int, dict[str, Any]], eq_ops: dict[int, int],
                  pkey_index: dict[tuple[str, str], tuple[int, list[int]]]) -> None:
    oid = class_oids[(spec.schema, spec.name)]
    by_lower = {(s, n.lower()): (s, n) for s, n in class_oids}
    for attnum, col in enumerate(spec.columns, start=1):
        target = _reference_target(col, spec, by_lower, cat)
        if target is None:
            continue
        target_key, target_attnum = target
        index = pkey_index.get(target_key)
        if index is None or index[1] != [target_attnum]:
            continue  # PostgreSQL requires a unique key on the referenced column: no constraint without one
        fkname = object_name(spec.name, col.name, "fkey")
        con_oid = alloc.oid(f"constraint:{spec.schema}.{spec.name}.{fkname}")
        typoid = col.type.oid
        op = eq_ops.get(typoid, eq_ops[25] if types[typoid]["typcategory"] == "S" else 0)
        target_oid = class_oids[target_key]
        cat.add_row("pg_catalog.pg_constraint", **_constraint_row(
            con_oid, fkname, nsp, "f", oid, index[0], [attnum], confrelid=target_oid, confupdtype="a",
            confdeltype="a", confmatchtype="s", confkey=[target_attnum], conpfeqop=[op], conppeqop=[op],
            conffeqop=[op]))
        target_spec = cat.table_specs[target_oid]
        cat.foreign_keys[con_oid] = (col.name, target_oid, target_spec.columns[target_attnum - 1].name)
        cat.constraintdef[con_oid] = (
            f"FOREIGN KEY ({q(col.name)}) REFERENCES {q(target_spec.schema)}.{q(target_spec.name)}"
            f"({q(target_spec.columns[target_attnum - 1].name)})"
        )
        # PostgreSQL enforces a foreign key with triggers on both tables; psql's \d only lists
        # foreign keys ("Foreign-key constraints", "Referenced by") when relhastriggers is set.
        for row in cat.rows["pg_catalog.pg_class"]:
            if row["oid"] in (oid, target_oid):
                row["relhastriggers"] = True
        _depend(cat, PG_CONSTRAINT, con_oid, 0, PG_CLASS, oid, attnum, "a")
        _depend(cat, PG_CONSTRAINT, con_oid, 0, PG_CLASS, index[0], 0, "n")
        _depend(cat, PG_CONSTRAINT, con_oid, 0, PG_CLASS, target_oid, target_attnum, "n")


def _reference_target(col: Column, spec: TableSpec, by_lower: dict[tuple[str, str], tuple[str, str]],
                      cat: Catalog) -> tuple[tuple[str, str], int] | None:
    """The (schema, table) and attnum a Column.references "Table.Column" points at, in the same schema."""
    if not col.references or "." not in col.references:
        return None
    table, _, column = col.references.rpartition(".")
    key = by_lower.get((spec.schema, table.lower()))
    if key is None:
        return None
    target_spec = next(t for t in cat.tables if (t.schema, t.name) == key)
    for attnum, target_col in enumerate(target_spec.columns, start=1):
        if target_col.name.lower() == column.lower():
            return key, attnum
    return None


def _procedure_rows(cat: Catalog, alloc: OidAllocator, proc: ProcedureSpec, nsp: int) -> None:
    """A procedure as a set-returning function: IN arguments, OUT parameters as TABLE columns."""
    oid = alloc.oid(f"proc:{proc.schema}.{proc.name}")
    ins = [p for p in proc.parameters if p.direction.upper() != "OUT"]
    outs = [p for p in proc.parameters if p.direction.upper() == "OUT"]
    all_params = ins + outs
    arg_types = [p.type.oid for p in all_params]
    # PostgreSQL only allows defaults on trailing arguments: count the trailing optional run.
    n_defaults = 0
    for p in reversed(ins):
        if p.required:
            break
        n_defaults += 1
    defaults = ", ".join(f"NULL::{pgtypes.format_type(p.type.oid)}" for p in ins[len(ins) - n_defaults:])
    cat.add_row(
        "pg_catalog.pg_proc", oid=oid, proname=proc.name, pronamespace=nsp, proowner=OWNER, prolang=14,
        procost=100.0, prorows=1000.0, provariadic=0, prosupport=0, prokind="f", prosecdef=False,
        proleakproof=False, proisstrict=False, proretset=True, provolatile="v", proparallel="u",
        pronargs=len(ins), pronargdefaults=n_defaults, prorettype=RECORD_OID, proargtypes=arg_types[: len(ins)],
        proallargtypes=arg_types if outs else None, proargmodes=(["i"] * len(ins) + ["t"] * len(outs)) if outs else None,
        proargnames=[p.name for p in all_params] or None, proargdefaults=defaults or None, protrftypes=None,
        prosrc=proc.name, probin=None, prosqlbody=None, proconfig=None, proacl=None,
    )
    _describe(cat, oid, PG_PROC, 0, proc.description)

    def arg(p: Any, with_default: bool) -> str:
        text = f"{q(p.name)} {p.type.sql}"
        return text + (f" DEFAULT NULL::{pgtypes.format_type(p.type.oid)}" if with_default else "")

    first_default = len(ins) - n_defaults
    arguments = ", ".join(arg(p, i >= first_default) for i, p in enumerate(ins))
    identity = ", ".join(arg(p, False) for p in ins)
    result = "TABLE(" + ", ".join(arg(p, False) for p in outs) + ")" if outs else "SETOF record"
    cat.functiondef[oid] = (result, arguments, identity)
