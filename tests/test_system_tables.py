"""The 14 sys_* tables: the spec's columns, true content from the data model, queried through DuckDB."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anyio
import duckdb
import pyarrow as pa
import pytest

from pgserver.properties import MASK, ConnectionProperties
from pgserver.provider import (
    Comparison,
    Op,
    ProcedureParameter,
    ProcedureSpec,
    Provider,
    ScanRequest,
    arrow_schema,
)
from providers.sage200.model import load_views
from providers.system import SYSTEM_SCHEMA, SYSTEM_TABLE_NAMES, system_providers

SPEC = Path("/work/shared/seeds/cdata-sage200-data-model.txt")

OAUTH_PROCEDURE = ProcedureSpec(
    schema="StandardUK",
    name="GetOAuthAccessToken",
    description="Gets an authentication token from Sage 200.",
    parameters=(
        ProcedureParameter("AuthMode", "text", "APP or WEB.", required=False),
        ProcedureParameter("Verifier", "text", "The verifier returned from Sage after the user has authorized."),
        ProcedureParameter("CallbackUrl", "text", "The URL the user will be redirected to.", required=True),
        ProcedureParameter("OAuthAccessToken", "text", "The access token.", direction="OUT"),
        ProcedureParameter("ExpiresIn", "integer", "The remaining lifetime of the token.", direction="OUT"),
    ),
)


class Ctx:
    """A scan context as the SQL layer provides it: property lookup plus the properties object."""

    def __init__(self, properties: ConnectionProperties | None = None, database: str | None = None) -> None:
        self.properties = properties or ConnectionProperties()
        if database is not None:
            self.database = database

    def property(self, name: str) -> Any:
        return self.properties.get(name)


def providers() -> dict[str, Provider]:
    return {p.spec.name: p for p in system_providers(load_views(), [OAUTH_PROCEDURE], catalog="sage200")}


def scan(provider: Provider, ctx: Ctx, columns: list[str] | None = None, quals: list | None = None) -> pa.Table:
    request = ScanRequest(columns=columns or [c.name for c in provider.spec.columns], quals=quals or [])
    plan = provider.plan(request, ctx)
    assert plan.pushed_quals == [] and plan.residual_quals == request.quals  # nothing is pushed

    async def collect() -> list[pa.RecordBatch]:
        return [b async for b in provider.scan(plan, ctx)]

    batches = anyio.run(collect)
    assert len(batches) == 1
    assert batches[0].schema == arrow_schema(provider.spec, request.columns)
    return pa.Table.from_batches(batches)


def query(sql: str, ctx: Ctx | None = None) -> list[tuple]:
    """Run SQL over all system tables with DuckDB, as the SQL layer does."""
    ctx = ctx or Ctx()
    con = duckdb.connect()
    for name, provider in providers().items():
        con.register(name, scan(provider, ctx))
    return con.execute(sql).fetchall()


def spec_columns(table: str) -> list[str]:
    """The column names the spec lists for a system table (read independently of the code)."""
    lines = SPEC.read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("You can query the system tables"))
    at = next(i for i in range(start, len(lines)) if re.search(rf"FROM {table}\b", lines[i]))
    header = next(i for i in range(at, len(lines)) if lines[i] == "| Name | Type | Description |")
    names = []
    for line in lines[header + 1:]:
        if not line.startswith("|") or line == "| Name | Type | Description |":
            break
        names.append(line.split("|")[1].strip())
    return names


def test_all_14_tables_in_schema_sys() -> None:
    provs = providers()
    assert sorted(provs) == sorted(SYSTEM_TABLE_NAMES) and len(provs) == 14
    assert all(p.spec.schema == SYSTEM_SCHEMA == "sys" for p in provs.values())


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not on this machine")
@pytest.mark.parametrize("table", SYSTEM_TABLE_NAMES)
def test_columns_are_exactly_the_specs(table: str) -> None:
    declared = [c.name for c in providers()[table].spec.columns]
    expected = spec_columns(table)
    if table == "sys_procedureparameters":
        expected = expected + ["IncludeResultColumns"]  # the spec's pseudo column
    assert declared == expected


def test_tables_and_schemas() -> None:
    assert query("SELECT CatalogName FROM sys_catalogs") == [("sage200",)]
    assert query("SELECT CatalogName FROM sys_catalogs", Ctx(database="books")) == [("books",)]
    assert query("SELECT SchemaName FROM sys_schemas ORDER BY 1") == [("ProfessionalUK",), ("StandardUK",)]
    assert query("SELECT count(*), count(DISTINCT TableName) FROM sys_tables") == [(78, 39)]
    assert query("SELECT TableType, IsUpdateable, Description FROM sys_tables "
                 "WHERE TableName = 'TaxCodes' AND SchemaName = 'StandardUK'") == [
        ("VIEW", False, next(v.description for v in load_views() if v.name == "TaxCodes"))]


def test_browsable_schemas_restrict_what_is_reported() -> None:
    props = ConnectionProperties({"Schema": "ProfessionalUK", "BrowsableSchemas": "ProfessionalUK"})
    ctx = Ctx(props)
    assert query("SELECT SchemaName FROM sys_schemas", ctx) == [("ProfessionalUK",)]
    assert query("SELECT count(*) FROM sys_tables", ctx) == [(39,)]
    assert query("SELECT DISTINCT SchemaName FROM sys_tablecolumns", ctx) == [("ProfessionalUK",)]


def test_tablecolumns_describe_every_column_truly() -> None:
    assert query("SELECT count(*) FROM sys_tablecolumns") == [(1887,)]  # the spec's 1885 and 2 ExternalId
    banks = query("SELECT ColumnName, DataTypeName, Ordinal FROM sys_tablecolumns "
                  "WHERE TableName = 'Banks' AND SchemaName = 'StandardUK' ORDER BY Ordinal")
    assert len(banks) == 28
    assert [r[2] for r in banks] == list(range(1, 29))
    assert banks[0][:2] == ("Id", "bigint") and banks[-1][:2] == ("DateTimeUpdated", "timestamp")
    row = query("SELECT DataTypeName, DataType, Length, DisplaySize, NumericPrecision, NumericScale, IsNullable, "
                "IsKey, IsReadOnly, ColumnType, Description FROM sys_tablecolumns "
                "WHERE SchemaName = 'StandardUK' AND TableName = 'Banks' AND ColumnName = 'Balance'")
    assert row == [("numeric", 1700, 18, 20, 18, 2, True, False, True, "REGULAR", "Bank balance.")]
    ident = query("SELECT IsKey, IsNullable, DataType FROM sys_tablecolumns "
                  "WHERE SchemaName = 'StandardUK' AND TableName = 'Banks' AND ColumnName = 'Id'")
    assert ident == [(True, False, 20)]
    name = query("SELECT DataTypeName, DataType, Length FROM sys_tablecolumns "
                 "WHERE SchemaName = 'StandardUK' AND TableName = 'Customers' AND ColumnName = 'Name'")
    assert name == [("varchar", 1043, 60)]
    ref = query("SELECT ColumnType FROM sys_tablecolumns "
                "WHERE SchemaName = 'StandardUK' AND TableName = 'Banks' AND ColumnName = 'AccountCurrencyId'")
    assert ref == [("REFERENCECOLUMN",)]


def test_keys() -> None:
    assert query("SELECT ColumnName, KeySeq, KeyName FROM sys_primarykeys WHERE SchemaName = 'StandardUK' "
                 "AND TableName = 'SalesOrderLines' ORDER BY KeySeq") == [
        ("SalesOrderId", "1", "SalesOrderLines_pkey"), ("LineId", "2", "SalesOrderLines_pkey")]
    assert query("SELECT count(*) FROM sys_primarykeys") == [(sum(len(v.key_columns) for v in load_views()),)]
    assert query("SELECT ColumnName FROM sys_keycolumns WHERE IsKey = 'True' AND TableName = 'Banks'") == [
        ("Id",), ("Id",)]
    fk = query("SELECT IsKey, IsForeignKey, ForeignKeyName, ReferencedTableName, ReferencedColumnName "
               "FROM sys_keycolumns WHERE SchemaName = 'ProfessionalUK' AND ColumnName = 'AccountCurrencyId'")
    assert fk == [(False, True, "Banks_AccountCurrencyId_fkey", "Currencies", "Id")]


def test_foreign_keys_import_and_export() -> None:
    refs = [(v, c) for v in load_views() for c in v.columns if c.references]
    assert query("SELECT ForeignKeyType, count(*) FROM sys_foreignkeys GROUP BY 1 ORDER BY 1") == [
        ("FOREIGNKEY_TYPE_EXPORT", len(refs)), ("FOREIGNKEY_TYPE_IMPORT", len(refs))]
    imported = query("SELECT TableName, ColumnName, ReferencedTableName, ReferencedColumnName, PrimaryKeyName "
                     "FROM sys_foreignkeys WHERE ForeignKeyType = 'FOREIGNKEY_TYPE_IMPORT' "
                     "AND SchemaName = 'StandardUK' AND TableName = 'WarehouseHoldings' ORDER BY ColumnName")
    assert imported == [("WarehouseHoldings", "ProductId", "Products", "Id", "Products_pkey"),
                        ("WarehouseHoldings", "WarehouseId", "Warehouses", "Id", "Warehouses_pkey")]
    exported = query("SELECT count(*) FROM sys_foreignkeys WHERE ForeignKeyType = 'FOREIGNKEY_TYPE_EXPORT' "
                     "AND TableName = 'Currencies' AND SchemaName = 'StandardUK'")
    assert exported == [(sum(1 for v, c in refs if v.schema == "StandardUK" and c.references == "Currencies.Id"),)]


def test_indexes_are_the_keys() -> None:
    rows = query("SELECT IndexName, ColumnName, IsUnique, IsPrimary, Type, SortOrder, OrdinalPosition "
                 "FROM sys_indexes WHERE SchemaName = 'StandardUK' AND TableName = 'Customers'")
    assert rows == [("Customers_pkey", "Id", True, True, 3, "A", 1)]
    assert query("SELECT count(*) FROM sys_indexes WHERE IsPrimary = 'false'") == [(0,)]


def test_procedures_and_parameters() -> None:
    assert query("SELECT SchemaName, ProcedureName, ProcedureType FROM sys_procedures") == [
        ("StandardUK", "GetOAuthAccessToken", "PROCEDURE")]
    inputs = query("SELECT ColumnName, Direction, IsRequired, Ordinal, DataTypeName FROM sys_procedureparameters "
                   "WHERE ProcedureName = 'GetOAuthAccessToken' ORDER BY Ordinal")
    assert inputs == [("AuthMode", 1, False, 1, "text"), ("Verifier", 1, False, 2, "text"),
                      ("CallbackUrl", 1, True, 3, "text")]


def test_include_result_columns_pseudo_column() -> None:
    provider = providers()["sys_procedureparameters"]
    ctx = Ctx()
    qual = Comparison("IncludeResultColumns", Op.EQ, "True")
    table = scan(provider, ctx, ["ColumnName", "Direction", "IncludeResultColumns"], [qual])
    con = duckdb.connect()
    con.register("p", table)
    # The residual qual, evaluated locally, keeps every row: they all carry the flag.
    rows = con.execute("SELECT ColumnName, Direction FROM p WHERE IncludeResultColumns = 'True'").fetchall()
    assert rows == [("AuthMode", 1), ("Verifier", 1), ("CallbackUrl", 1), ("OAuthAccessToken", 4),
                    ("ExpiresIn", 4)]
    plain = scan(provider, ctx, ["ColumnName", "IncludeResultColumns"])
    assert plain.column("IncludeResultColumns").to_pylist() == [False, False, False]


def test_connection_props_show_effective_values_with_secrets_masked() -> None:
    props = ConnectionProperties({"OAuthClientSecret": "hunter2", "MaxRows": 10})
    props.set("Timeout", "5")
    ctx = Ctx(props)
    rows = dict(query('SELECT Name, Value FROM sys_connection_props', ctx))
    assert rows["MaxRows"] == "10" and rows["Timeout"] == "5" and rows["MaxThreads"] == "20"
    assert rows["OAuthClientSecret"] == MASK and rows["SubscriptionKey"] == ""
    assert all("hunter2" not in str(r) for r in query("SELECT * FROM sys_connection_props", ctx))
    detail = query('SELECT Type, "Default", "Values", Category, Sensitivity, PropertyName FROM sys_connection_props '
                   "WHERE Name = 'Schema'", ctx)
    assert detail == [("string", "StandardUK", "StandardUK,ProfessionalUK", "Schema", "NONE", "schema")]
    secret = query("SELECT Sensitivity, PropertyName FROM sys_connection_props WHERE Name = 'OAuthClientSecret'")
    assert secret == [("SENSITIVE", "oauthClientSecret")]
    set_now = {r[0] for r in query("SELECT Name FROM sys_connection_props WHERE Value <> ''", ctx)}
    assert {"MaxRows", "Timeout", "OAuthClientSecret", "Schema"} <= set_now and "CompanyId" not in set_now


def test_connection_props_work_from_property_lookup_alone() -> None:
    class LookupOnly:
        def property(self, name: str) -> Any:
            return {"MaxRows": 3, "ProxyPassword": "pw"}.get(name, "")

    provider = providers()["sys_connection_props"]
    table = scan(provider, LookupOnly(), ["Name", "Value"])  # type: ignore[arg-type]
    values = dict(zip(table.column("Name").to_pylist(), table.column("Value").to_pylist(), strict=True))
    assert values["MaxRows"] == "3" and values["ProxyPassword"] == MASK


def test_sqlinfo_identity_information() -> None:
    operators = query("SELECT VALUE FROM sys_sqlinfo WHERE NAME = 'SUPPORTED_OPERATORS'")
    assert len(operators) == 1 and "LIKE" in operators[0][0] and "IS NOT NULL" in operators[0][0]
    assert query("SELECT VALUE FROM sys_sqlinfo WHERE NAME = 'DIALECT'") == [("PostgreSQL",)]
    assert query("SELECT count(*) FROM sys_identity") == [(0,)]
    info = query("SELECT Product, Version, Datasource FROM sys_information")
    assert len(info) == 1 and info[0][0] == "sage200-pgserver" and info[0][1] and "Sage 200" in info[0][2]


def test_column_subset_in_requested_order() -> None:
    provider = providers()["sys_tables"]
    table = scan(provider, Ctx(), ["tablename", "SchemaName"])
    assert table.column_names == ["TableName", "SchemaName"]
    assert table.num_rows == 78


# -- end to end through the SQL layer (the path a client's query takes) -------------------------------


async def _engine_rows(statements: list[str], options: str = "") -> list[list[tuple]]:
    from pgserver.sql.datasource import DataSource
    from pgserver.sql.factory import SqlEngineFactory

    source = DataSource.build(system_providers(load_views(), [OAUTH_PROCEDURE], catalog="sage200"),
                              properties={"OAuthClientSecret": "hunter2"})
    engine = await SqlEngineFactory({"sage200": source}).connect("demo", "sage200", {"options": options})
    results = []
    try:
        for sql in statements:
            prepared = await engine.prepare(sql, [])
            cursor = await engine.execute(prepared, [])
            results.append(await cursor.fetch(None))
            await cursor.close()
    finally:
        await engine.close()
    return results


def test_through_the_sql_engine() -> None:
    results = anyio.run(_engine_rows, [
        "SELECT ColumnName, DataTypeName FROM sys_tablecolumns WHERE TableName = 'Banks' "
        "AND SchemaName = 'StandardUK' ORDER BY Ordinal LIMIT 2",
        "SELECT Value FROM sys_connection_props WHERE Name IN ('MaxRows', 'OAuthClientSecret') ORDER BY Name",
        "SET Timeout = 9",
        "SELECT Value FROM sys_connection_props WHERE Name = 'Timeout'",
        "SET BrowsableSchemas = 'ProfessionalUK'",
        "SELECT SchemaName FROM sys.sys_schemas ORDER BY 1",
        "SELECT ColumnName, Direction FROM sys_procedureparameters "
        "WHERE ProcedureName = 'GetOAuthAccessToken' AND IncludeResultColumns = 'True' ORDER BY Ordinal",
    ], "-c MaxRows=50")
    assert results[0] == [("Id", "bigint"), ("Code", "text")]
    assert results[1] == [("50",), (MASK,)]
    assert results[3] == [("9",)]
    # The default Schema (StandardUK) stays visible, as in name resolution.
    assert results[5] == [("ProfessionalUK",), ("StandardUK",)]
    assert results[6] == [("AuthMode", 1), ("Verifier", 1), ("CallbackUrl", 1), ("OAuthAccessToken", 4),
                          ("ExpiresIn", 4)]
