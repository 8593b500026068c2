-- Client: Npgsql (.NET ADO.NET provider) -- NOT captured live (no .NET runtime/NuGet reachable here);
-- SQL rendered from source with the flags a PostgreSQL 15 server produces;
-- every rendered query was run on PostgreSQL 15 (psql -f) without error.
-- Sources: github.com/npgsql/npgsql
--   * v4.0.17 (tag, commit 3a3d6841f9c1ac224fcbdd4b78edfb09e7d232f0, 2024-06-04): src/Npgsql/PostgresDatabaseInfo.cs GenerateTypesQuery,
--     src/Npgsql/NpgsqlConnector.cs WriteStartupMessage/GenerateResetMessage, src/Npgsql/NpgsqlCommand.cs.
--     Power BI Desktop's built-in PostgreSQL connector uses the Npgsql 4.0.x line (Microsoft docs tell users of
--     the related Power Platform connector to install Npgsql 4.0.10; newer Power BI builds bundle a 4.0.x Npgsql).
--     A third-party PostgreSQL server log of Power BI (github.com/datafusion-contrib/datafusion-postgres/issues/218)
--     shows exactly this '/*** Load all supported types ***/' text arriving as 'execute <unnamed>' (extended protocol).
--   * HEAD (main, commit 3cb5804b769b000a1fc88ad8e5e764667f0df4a1, 2026-08-18, ~v10.x): src/Npgsql/PostgresDatabaseInfo.cs GenerateLoadTypesQuery /
--     GenerateLoadCompositeTypesQuery / GenerateLoadEnumFieldsQuery + LoadBackendTypes; src/Npgsql/Internal/NpgsqlConnector.cs;
--     src/Npgsql/NpgsqlSchema.cs (GetSchema collections).
--
-- StartupMessage (protocol 3.0), both versions: user, client_encoding=UTF8 (or PGCLIENTENCODING), database,
--   application_name (only if set in the connection string / PGAPPNAME), search_path (only if SearchPath set),
--   TimeZone (only if Timezone set or PGTZ), v10: options (if set); v4 over SSL also ssl_renegotiation_limit=0.
-- Npgsql reads ParameterStatus server_version (parsed as a version number: gates feature flags such as range/multirange/enum)
--   and integer_datetimes (must be 'on' for binary timestamps); Npgsql 4 also keeps standard_conforming_strings, TimeZone.
-- The type list is loaded once per connection string (cached per data source/pool), on the first physical connection.

-- ===================== Npgsql 4.0.x (what Power BI runs) =====================
-- [1] action: first Open() of a connection string (type loading, LoadBackendTypes)
--      protocol: ONE NpgsqlCommand whose text holds 3 statements; Npgsql 4 splits it client-side at ';' and sends
--      Parse(unnamed)/Bind(all result columns text: AllResultTypesAreUnknown)/Describe(portal)/Execute for each, then one Sync.
--      The server version comes from ParameterStatus server_version, NOT from a query, in 4.0.x.
-- [1.1] (statement 1 of the split command; leading whitespace/comments are part of the statement text)

/*** Load all supported types ***/
SELECT ns.nspname, a.typname, a.oid, a.typrelid, a.typbasetype,
CASE WHEN pg_proc.proname='array_recv' THEN 'a' ELSE a.typtype END AS type,
CASE
  WHEN pg_proc.proname='array_recv' THEN a.typelem
  WHEN a.typtype='r' THEN rngsubtype
  ELSE 0
END AS elemoid,
CASE
  WHEN pg_proc.proname IN ('array_recv','oidvectorrecv') THEN 3    /* Arrays last */
  WHEN a.typtype='r' THEN 2                                        /* Ranges before */
  WHEN a.typtype='d' THEN 1                                        /* Domains before */
  ELSE 0                                                           /* Base types first */
END AS ord
FROM pg_type AS a
JOIN pg_namespace AS ns ON (ns.oid = a.typnamespace)
JOIN pg_proc ON pg_proc.oid = a.typreceive
LEFT OUTER JOIN pg_class AS cls ON (cls.oid = a.typrelid)
LEFT OUTER JOIN pg_type AS b ON (b.oid = a.typelem)
LEFT OUTER JOIN pg_class AS elemcls ON (elemcls.oid = b.typrelid)
LEFT OUTER JOIN pg_range ON (pg_range.rngtypid = a.oid) 
WHERE
  a.typtype IN ('b', 'r', 'e', 'd') OR         /* Base, range, enum, domain */
  (a.typtype = 'c' AND cls.relkind='c') OR /* User-defined free-standing composites (not table composites) by default */
  (pg_proc.proname='array_recv' AND (
    b.typtype IN ('b', 'r', 'e', 'd') OR       /* Array of base, range, enum, domain */
    (b.typtype = 'p' AND b.typname IN ('record', 'void')) OR /* Arrays of special supported pseudo-types */
    (b.typtype = 'c' AND elemcls.relkind='c')  /* Array of user-defined free-standing composites (not table composites) */
  )) OR
  (a.typtype = 'p' AND a.typname IN ('record', 'void'))  /* Some special supported pseudo-types */
ORDER BY ord;

-- [1.2] (statement 2 of the split command; leading whitespace/comments are part of the statement text)


/*** Load field definitions for (free-standing) composite types ***/
SELECT typ.oid, att.attname, att.atttypid
FROM pg_type AS typ
JOIN pg_namespace AS ns ON (ns.oid = typ.typnamespace)
JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
JOIN pg_attribute AS att ON (att.attrelid = typ.typrelid)
WHERE
  (typ.typtype = 'c' AND cls.relkind='c') AND
  attnum > 0 AND     /* Don't load system attributes */
  NOT attisdropped
ORDER BY typ.oid, att.attnum;

-- [1.3] (statement 3 of the split command; leading whitespace/comments are part of the statement text)



/*** Load enum fields ***/
SELECT pg_type.oid, enumlabel
FROM pg_enum
JOIN pg_type ON pg_type.oid=enumtypid
ORDER BY oid, enumsortorder;

-- [2] action: Open() of a pooled connection that was used before (connection reset when returned to the pool)
--      protocol: simple Query, prepended to the next command's messages (no ReadyForQuery wait in between)
DISCARD ALL;

-- [3] action: pool reset when the connection has prepared statements (Max Auto Prepare / Prepare()) - instead of DISCARD ALL
--      protocol: simple Query (one multi-statement string)
SET SESSION AUTHORIZATION DEFAULT;RESET ALL;CLOSE ALL;UNLISTEN *;SELECT pg_advisory_unlock_all();DISCARD SEQUENCES;DISCARD TEMP;

-- [4] action: NpgsqlConnection.BeginTransaction() (default isolation) -- prepended to the next command
--      protocol: simple Query
BEGIN;

-- [5] action: Power BI navigator (M engine, not Npgsql itself) -- observed in the third-party log cited above, not reproduced here:
--      after the type load Power BI lists tables from INFORMATION_SCHEMA.tables (TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE,
--      excluding information_schema/pg_catalog), columns from INFORMATION_SCHEMA.columns (ordered by ORDINAL_POSITION),
--      and for 'Select related tables' a foreign-key query joining INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS with
--      INFORMATION_SCHEMA.KEY_COLUMN_USAGE twice (FK_NAME built with || string concatenation); every reuse of the pooled
--      connection is preceded by 'DISCARD ALL' (simple protocol). All of these arrive as 'execute <unnamed>' (extended).
--      Data preview/load then sends  select "col", ... from "schema"."table" "$Table"  style SQL (Power Query folding).

-- ===================== Npgsql HEAD (6.x .. 10.x share this shape) =====================
-- [6] action: first Open() of a data source (type loading, LoadBackendTypes, non-replication connection)
--      protocol: ONE simple Query message holding 4 statements (lines joined with Environment.NewLine: \r\n on Windows,
--      \n on Linux); the server must return 4 result sets in order: version(), types, composite fields, enum labels.
--      The version() string is kept as LongVersion and searched for 'redshift' (case-insensitive).
SELECT version();

SELECT ns.nspname, t.oid, t.typname, t.typtype, t.typnotnull, t.elemtypoid
FROM (
    -- Arrays have typtype=b - this subquery identifies them by their typreceive and converts their typtype to a
    -- We first do this for the type (innerest-most subquery), and then for its element type
    -- This also returns the array element, range subtype and domain base type as elemtypoid
    SELECT
        typ.oid, typ.typnamespace, typ.typname, typ.typtype, typ.typrelid, typ.typnotnull, typ.relkind,
        elemtyp.oid AS elemtypoid, elemtyp.typname AS elemtypname, elemcls.relkind AS elemrelkind,
        CASE WHEN elemproc.proname='array_recv' THEN 'a' ELSE elemtyp.typtype END AS elemtyptype
        , typ.typcategory
    FROM (
        SELECT typ.oid, typnamespace, typname, typrelid, typnotnull, relkind, typelem AS elemoid,
            CASE WHEN proc.proname='array_recv' THEN 'a' ELSE typ.typtype END AS typtype,
            CASE
                WHEN proc.proname='array_recv' THEN typ.typelem
                WHEN typ.typtype='r' THEN rngsubtype
                WHEN typ.typtype='m' THEN (SELECT rngtypid FROM pg_range WHERE rngmultitypid = typ.oid)
                WHEN typ.typtype='d' THEN typ.typbasetype
            END AS elemtypoid
            , typ.typcategory
        FROM pg_type AS typ
        LEFT JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
        LEFT JOIN pg_proc AS proc ON proc.oid = typ.typreceive
        LEFT JOIN pg_range ON (pg_range.rngtypid = typ.oid)
    ) AS typ
    LEFT JOIN pg_type AS elemtyp ON elemtyp.oid = elemtypoid
    LEFT JOIN pg_class AS elemcls ON (elemcls.oid = elemtyp.typrelid)
    LEFT JOIN pg_proc AS elemproc ON elemproc.oid = elemtyp.typreceive
) AS t
JOIN pg_namespace AS ns ON (ns.oid = typnamespace)
WHERE
    
    (typtype IN ('b', 'r', 'm', 'e', 'd') OR -- Base, range, multirange, enum, domain
    (typtype = 'c' AND relkind='c') OR -- User-defined free-standing composites (not table composites) by default
    (typtype = 'p' AND typname IN ('record', 'void', 'unknown')) OR -- Some special supported pseudo-types
    (typtype = 'a' AND (  -- Array of...
        elemtyptype IN ('b', 'r', 'm', 'e', 'd') OR -- Array of base, range, multirange, enum, domain
        (elemtyptype = 'p' AND elemtypname IN ('record', 'void')) OR -- Arrays of special supported pseudo-types
        (elemtyptype = 'c' AND elemrelkind='c') -- Array of user-defined free-standing composites (not table composites) by default
    )))
ORDER BY CASE
       WHEN typtype IN ('b', 'e', 'p') THEN 0           -- First base types, enums, pseudo-types
       WHEN typtype = 'c' THEN 1                        -- Composites after (fields loaded later in 2nd pass)
       WHEN typtype = 'r' THEN 2                        -- Ranges after
       WHEN typtype = 'm' THEN 3                        -- Multiranges after
       WHEN typtype = 'd' AND elemtyptype <> 'a' THEN 4 -- Domains over non-arrays after
       WHEN typtype = 'a' THEN 5                        -- Arrays after
       WHEN typtype = 'd' AND elemtyptype = 'a' THEN 6  -- Domains over arrays last
END;

-- Load field definitions for (free-standing) composite types
SELECT typ.oid, att.attname, att.atttypid
FROM pg_type AS typ
JOIN pg_namespace AS ns ON (ns.oid = typ.typnamespace)
JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
JOIN pg_attribute AS att ON (att.attrelid = typ.typrelid)
WHERE
  (typ.typtype = 'c' AND cls.relkind='c') AND
  
  attnum > 0 AND     -- Don't load system attributes
  NOT attisdropped
ORDER BY typ.oid, att.attnum;

-- Load enum fields
SELECT typ.oid, enumlabel
FROM pg_enum
JOIN pg_type AS typ ON typ.oid = enumtypid
JOIN pg_namespace AS ns ON ns.oid = typ.typnamespace

ORDER BY oid, enumsortorder;

-- [7] action: pool reset / BeginTransaction - same as [2] [3] [4] (DISCARD ALL; or the SET SESSION AUTHORIZATION DEFAULT;RESET ALL;... string; BEGIN)

-- ===================== Npgsql GetSchema() collections (only when the host app calls DbConnection.GetSchema) =====================
-- Restrictions are appended as ' WHERE col = :param' / ' AND col = :param' and sent with parameters (extended protocol).
-- [8] action: conn.GetSchema("Databases")
SELECT d.datname, u.usename, pg_catalog.pg_encoding_to_char(d.encoding)
FROM pg_catalog.pg_database d
LEFT JOIN pg_catalog.pg_user u ON d.datdba = u.usesysid;

-- [9] action: conn.GetSchema("Schemata")
SELECT * FROM (
    SELECT current_database(), nspname, r.rolname
    FROM pg_catalog.pg_namespace
    LEFT JOIN pg_catalog.pg_roles r ON r.oid = nspowner
) tmp;

-- [10] action: conn.GetSchema("Tables")
SELECT table_catalog, table_schema, table_name, table_type
FROM information_schema.tables
WHERE
    table_type IN ('BASE TABLE', 'FOREIGN', 'FOREIGN TABLE') AND
    table_schema NOT IN ('pg_catalog', 'information_schema');

-- [11] action: conn.GetSchema("Columns", new[]{null, "standarduk", "customers"})
--      params: ['StandardUK', 'Customers']
SELECT
    table_catalog,
    table_schema,
    table_name,
    column_name,
    ordinal_position,
    column_default,
    is_nullable,
    CASE WHEN udt_schema is NULL THEN udt_name ELSE format_type(typ.oid, NULL) END,
    character_maximum_length,
    character_octet_length,
    numeric_precision,
    numeric_precision_radix,
    numeric_scale,
    datetime_precision,
    character_set_catalog,
    character_set_schema,
    character_set_name,
    collation_catalog
FROM information_schema.columns
JOIN pg_namespace AS ns ON ns.nspname = udt_schema
JOIN pg_type AS typ ON typnamespace = ns.oid AND typname = udt_name WHERE table_schema = :table_schema AND table_name = :table_name;

