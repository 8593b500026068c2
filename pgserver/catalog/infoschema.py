"""information_schema rows for our objects, as PostgreSQL 15's views would compute them.

Why rows rather than PostgreSQL's view definitions: those definitions lean on
PostgreSQL internals (_pg_* helpers, privileges, pg_node_tree) that DuckDB cannot
run; computing the rows from the Catalog is simpler and exact for our objects.
Built-in rows (pg_catalog and information_schema relations) come from the dump.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pgserver import types as pgtypes

if TYPE_CHECKING:
    from pgserver.catalog.catalog import Catalog

MAX_OCTETS = 1073741824
_INT_PRECISION = {21: 16, 23: 32, 20: 64, 700: 24, 701: 53}
_DATETIME = {1082, 1083, 1114, 1184, 1266, 1186}


def _type_facts(typoid: int, typmod: int) -> dict[str, Any]:
    """data_type, lengths, precisions of one column type (information_schema._pg_* helpers)."""
    t = pgtypes.find_by_oid(typoid)
    facts: dict[str, Any] = {
        "data_type": "ARRAY" if t is not None and t.is_array else pgtypes.format_type(typoid),
        "character_maximum_length": None, "character_octet_length": None, "numeric_precision": None,
        "numeric_precision_radix": None, "numeric_scale": None, "datetime_precision": None,
        "interval_type": None, "interval_precision": None,
    }
    if typoid in (1042, 1043, 25):
        length = typmod - 4 if typmod >= 4 and typoid != 25 else None
        facts["character_maximum_length"] = length
        facts["character_octet_length"] = length * 4 if length is not None else MAX_OCTETS
    elif typoid in _INT_PRECISION:
        facts.update(numeric_precision=_INT_PRECISION[typoid], numeric_precision_radix=2,
                     numeric_scale=0 if typoid in (20, 21, 23) else None)
    elif typoid == 1700:
        ps = pgtypes.numeric_precision_scale(typmod)
        facts.update(numeric_precision=ps[0] if ps else None, numeric_precision_radix=10,
                     numeric_scale=ps[1] if ps else None)
    elif typoid in _DATETIME:
        if typoid == 1082:
            facts["datetime_precision"] = 0
        elif typoid == 1186:
            facts["datetime_precision"] = (typmod & 0xFFFF) if typmod >= 0 and (typmod & 0xFFFF) != 0xFFFF else 6
        else:
            facts["datetime_precision"] = typmod if typmod >= 0 else 6
    return facts


def build(cat: Catalog) -> dict[str, list[dict[str, Any]]]:
    """Rows of our objects for each information_schema relation we answer."""
    db = cat.database
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in (
        "schemata", "tables", "columns", "table_constraints", "key_column_usage", "referential_constraints",
        "constraint_column_usage", "constraint_table_usage", "routines", "parameters", "table_privileges")}
    roles = {r["oid"]: r["rolname"] for r in cat.base.rows_as_dicts("pg_catalog.pg_authid")}
    for nsp in sorted(cat.all_rows("pg_catalog.pg_namespace"), key=lambda r: r["nspname"]):
        owner = cat.user if nsp["nspowner"] == 10 else roles.get(nsp["nspowner"], str(nsp["nspowner"]))
        out["schemata"].append(dict(catalog_name=db, schema_name=nsp["nspname"], schema_owner=owner))
    constraints = list(cat.rows.get("pg_catalog.pg_constraint", ()))
    for oid, spec in sorted(cat.table_specs.items(), key=lambda kv: (kv[1].schema, kv[1].name)):
        where = dict(table_catalog=db, table_schema=spec.schema, table_name=spec.name)
        writes = spec.writes
        insertable = writes is not None and writes.can_insert
        out["tables"].append(dict(**where, table_type="BASE TABLE", is_insertable_into="YES" if insertable else "NO",
                                  is_typed="NO"))
        for privilege in _privileges(spec):  # PostgreSQL lists them in this order (INSERT, SELECT, UPDATE, DELETE)
            out["table_privileges"].append(dict(grantor=cat.user, grantee=cat.user, **where,
                                                privilege_type=privilege, is_grantable="YES",
                                                with_hierarchy="YES" if privilege == "SELECT" else "NO"))
        for attnum, col in enumerate(spec.columns, start=1):
            typoid, typmod = _column_type(cat, oid, attnum)
            nullable = col.nullable and not col.is_key
            written = writes.column(col.name) if writes is not None else None
            out["columns"].append(dict(
                **where, column_name=col.name, ordinal_position=attnum, column_default=None,
                is_nullable="YES" if nullable else "NO", **_type_facts(typoid, typmod),
                udt_catalog=db, udt_schema="pg_catalog", udt_name=cat.types[typoid]["typname"],
                dtd_identifier=str(attnum), is_self_referencing="NO", is_identity="NO", identity_cycle="NO",
                is_generated="NEVER", is_updatable="YES" if written is not None and written.updatable else "NO",
            ))
            if not nullable:
                name = f"{cat.classes[oid].namespace_oid}_{oid}_{attnum}_not_null"
                out["table_constraints"].append(dict(
                    constraint_catalog=db, constraint_schema=spec.schema, constraint_name=name, **where,
                    constraint_type="CHECK", is_deferrable="NO", initially_deferred="NO", enforced="YES"))
    for con in sorted(constraints, key=lambda c: c["conname"]):
        spec = cat.table_specs[con["conrelid"]]
        where = dict(table_catalog=db, table_schema=spec.schema, table_name=spec.name)
        named = dict(constraint_catalog=db, constraint_schema=spec.schema, constraint_name=con["conname"])
        kind = "PRIMARY KEY" if con["contype"] == "p" else "FOREIGN KEY"
        out["table_constraints"].append(dict(**named, **where, constraint_type=kind, is_deferrable="NO",
                                             initially_deferred="NO", enforced="YES"))
        for pos, attnum in enumerate(con["conkey"], start=1):
            out["key_column_usage"].append(dict(
                **named, **where, column_name=spec.columns[attnum - 1].name, ordinal_position=pos,
                position_in_unique_constraint=pos if con["contype"] == "f" else None))
        used_oid, used_keys = (con["confrelid"], con["confkey"]) if con["contype"] == "f" else (con["conrelid"], con["conkey"])
        used = cat.table_specs[used_oid]
        used_where = dict(table_catalog=db, table_schema=used.schema, table_name=used.name)
        out["constraint_table_usage"].append(dict(**used_where, **named))
        for attnum in used_keys:
            out["constraint_column_usage"].append(dict(**used_where, column_name=used.columns[attnum - 1].name,
                                                       **named))
        if con["contype"] == "f":
            target = next(c for c in constraints if c["contype"] == "p" and c["conrelid"] == con["confrelid"])
            out["referential_constraints"].append(dict(
                **named, unique_constraint_catalog=db, unique_constraint_schema=used.schema,
                unique_constraint_name=target["conname"], match_option="NONE", update_rule="NO ACTION",
                delete_rule="NO ACTION"))
    _routines(cat, out)
    return out


def _privileges(spec: Any) -> list[str]:
    writes = spec.writes
    if writes is None:
        return ["SELECT"]
    return [p for p, on in (("INSERT", writes.can_insert), ("SELECT", True), ("UPDATE", writes.can_update),
                            ("DELETE", writes.can_delete)) if on]


def _column_type(cat: Catalog, relid: int, attnum: int) -> tuple[int, int]:
    return cat.attribute_types[(relid, attnum)]


def _routines(cat: Catalog, out: dict[str, list[dict[str, Any]]]) -> None:
    db = cat.database
    for proc in cat.rows.get("pg_catalog.pg_proc", ()):
        schema = cat.namespace_names[proc["pronamespace"]]
        specific = f"{proc['proname']}_{proc['oid']}"
        ident = dict(specific_catalog=db, specific_schema=schema, specific_name=specific)
        out["routines"].append(dict(
            **ident, routine_catalog=db, routine_schema=schema, routine_name=proc["proname"],
            routine_type="FUNCTION", data_type="record", type_udt_catalog=db, type_udt_schema="pg_catalog",
            type_udt_name="record", dtd_identifier="0", routine_body="EXTERNAL", external_language="SQL",
            parameter_style="GENERAL", is_deterministic="NO", sql_data_access="MODIFIES", is_null_call="NO",
            schema_level_routine="YES", is_user_defined_cast="NO", is_implicitly_invocable="NO",
            security_type="INVOKER", as_locator="NO", is_udt_dependent="NO",
        ))
        types = proc["proallargtypes"] or proc["proargtypes"]
        modes = proc["proargmodes"] or ["i"] * len(types)
        names = proc["proargnames"] or [None] * len(types)
        for pos, (typoid, mode, name) in enumerate(zip(types, modes, names, strict=True), start=1):
            out["parameters"].append(dict(
                **ident, ordinal_position=pos, parameter_mode="IN" if mode == "i" else "OUT", is_result="NO",
                as_locator="NO", parameter_name=name, data_type=pgtypes.format_type(typoid), udt_catalog=db,
                udt_schema="pg_catalog", udt_name=cat.types[typoid]["typname"], dtd_identifier=str(pos),
            ))
