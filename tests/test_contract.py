import pyarrow as pa

from pgserver.provider import Column, TableSpec, arrow_schema, arrow_type


def test_arrow_type_keeps_numeric_scale() -> None:
    assert arrow_type("numeric(18,2)") == pa.decimal128(18, 2)
    assert arrow_type("varchar(60)") == pa.string()
    assert arrow_type("timestamp") == pa.timestamp("us")


def test_arrow_schema_selects_columns_case_insensitively() -> None:
    spec = TableSpec("s", "t", (Column("Id", "bigint", is_key=True), Column("Name", "text")))
    assert arrow_schema(spec, ["name"]).names == ["Name"]
    assert [c.name for c in spec.key_columns] == ["Id"]
