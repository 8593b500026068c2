-- Power BI navigator (M engine over Npgsql): information_schema queries, copied from
-- tests/catalog/corpus/powerbi.sql (written after the description in client-traffic/npgsql.sql [5]:
-- tables excluding the system schemas, columns by ordinal position, foreign keys from
-- REFERENTIAL_CONSTRAINTS joined twice with KEY_COLUMN_USAGE, names built with ||). Not a capture.

-- [1] action: navigator: list tables
select TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE
from INFORMATION_SCHEMA.tables
where TABLE_SCHEMA not in ('information_schema', 'pg_catalog')
order by TABLE_SCHEMA, TABLE_NAME;

-- [2] action: navigator: columns of one table
--      params: ['StandardUK', 'Customers']
select COLUMN_NAME, ORDINAL_POSITION, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE
from INFORMATION_SCHEMA.columns
where TABLE_SCHEMA = $1 and TABLE_NAME = $2
order by ORDINAL_POSITION;

-- [3] action: 'Select related tables': foreign keys of one table
--      params: ['StandardUK', 'Customers']
select
    pk.TABLE_SCHEMA as PK_TABLE_SCHEMA,
    pk.TABLE_NAME as PK_TABLE_NAME,
    pk.COLUMN_NAME as PK_COLUMN_NAME,
    fk.COLUMN_NAME as FK_COLUMN_NAME,
    fk.ORDINAL_POSITION as ORDINAL,
    rc.CONSTRAINT_SCHEMA || '_' || fk.TABLE_NAME || '_' || pk.TABLE_NAME || '_' || rc.CONSTRAINT_NAME as FK_NAME
from (select distinct CONSTRAINT_SCHEMA, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME
      from INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS) rc
    join INFORMATION_SCHEMA.KEY_COLUMN_USAGE fk
        on rc.CONSTRAINT_SCHEMA = fk.CONSTRAINT_SCHEMA and rc.CONSTRAINT_NAME = fk.CONSTRAINT_NAME
    join INFORMATION_SCHEMA.KEY_COLUMN_USAGE pk
        on rc.UNIQUE_CONSTRAINT_SCHEMA = pk.CONSTRAINT_SCHEMA and rc.UNIQUE_CONSTRAINT_NAME = pk.CONSTRAINT_NAME
       and pk.ORDINAL_POSITION = fk.ORDINAL_POSITION
where fk.TABLE_SCHEMA = $1 and fk.TABLE_NAME = $2
order by FK_NAME, fk.ORDINAL_POSITION;

-- [4] action: 'Select related tables': tables referencing one table
--      params: ['StandardUK', 'Currencies']
select fk.TABLE_SCHEMA, fk.TABLE_NAME, fk.COLUMN_NAME, tc.CONSTRAINT_TYPE
from INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc
    join INFORMATION_SCHEMA.CONSTRAINT_COLUMN_USAGE ccu
        on ccu.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA and ccu.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
    join INFORMATION_SCHEMA.KEY_COLUMN_USAGE fk
        on fk.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA and fk.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
where tc.CONSTRAINT_TYPE = 'FOREIGN KEY' and ccu.TABLE_SCHEMA = $1 and ccu.TABLE_NAME = $2;

-- [5] action: schema list
select SCHEMA_NAME, SCHEMA_OWNER from INFORMATION_SCHEMA.SCHEMATA order by SCHEMA_NAME;
