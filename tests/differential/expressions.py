"""The expression corpus: statements that need no tables, generated from a fixed grid (deterministic).

Families, as PostgreSQL's manual groups them: literals and casts, operators over typed and unknown
literals (type resolution), comparisons, strings, pattern matching and regular expressions, numerics,
dates and times, booleans, arrays, JSON, conditional expressions, aggregates and set operations over
VALUES. Each statement is written the way a user would; none was tuned to pass. Labels are stable
(`family.n`), so a listed expected difference keeps naming the same statement.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

# typed and untyped operands: (sql, family of its type)
NUMBERS = ["0", "1", "-7", "42", "2147483647", "2147483648", "9223372036854775807", "3.5", "-2.25", "0.1",
           "1e3", "1.5e-3", "'12'", "12::int2", "12::int4", "12::int8", "12.5::numeric", "12.5::float8",
           "12.5::float4", "NULL::int"]
TEXTS = ["'abc'", "'Hello World'", "''", "' padded '", "'ÄÖü'", "'a,b,,c'", "'12'", "text 'typed'",
         "'x'::varchar(3)", "'ab'::char(4)", "NULL::text"]
DATES = ["DATE '2024-02-29'", "'2024-03-01'::date", "TIMESTAMP '2024-01-02 03:04:05'",
         "'2024-01-02 03:04:05.123456'::timestamp", "TIMESTAMPTZ '2024-06-30 23:59:59+02'",
         "INTERVAL '1 day 2 hours'", "'3 months'::interval", "TIME '12:34:56'", "DATE '1999-12-31'"]
BOOLS = ["true", "false", "NULL::boolean", "'t'::boolean", "'yes'::bool", "'off'::boolean"]


def _numeric_operators() -> Iterator[str]:
    operands = ["7", "-7", "2147483647", "3.5", "'4'", "2::int2", "5::int8", "7.25::numeric", "2.5::float8",
                "NULL", "0"]
    for a, b in itertools.product(operands, repeat=2):
        for op in ("+", "-", "*", "/", "%"):
            yield f"SELECT {a} {op} {b}"
    for a in operands:
        yield f"SELECT -{a}" if not a.startswith("-") else f"SELECT -({a})"
        yield f"SELECT @ {a}" if a != "NULL" else "SELECT @ NULL::int"
        yield f"SELECT {a} ^ 2"
        yield f"SELECT |/ {a}" if a not in ("NULL", "'4'") else "SELECT |/ 16"


def _comparisons() -> Iterator[str]:
    pairs = [("1", "1.0"), ("'1'", "1"), ("'abc'", "'abd'"), ("'a'", "'A'"), ("2::int8", "2::int2"),
             ("1.5::float8", "1.5::numeric"), ("NULL", "1"), ("'2024-01-01'::date", "'2024-01-01'"),
             ("TIMESTAMP '2024-01-01 00:00'", "DATE '2024-01-01'"), ("true", "'t'"), ("'10'", "'9'"),
             ("10", "'9'"), ("'abc'::varchar", "'abc'::text"), ("'ab '::char(3)", "'ab'::char(3)")]
    for a, b in pairs:
        for op in ("=", "<>", "<", ">", "<=", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"):
            yield f"SELECT {a} {op} {b}"
    for value in ("1", "'b'", "NULL", "2.5", "'2'"):
        yield f"SELECT {value} IN (1, 2, 3)" if value not in ("'b'",) else f"SELECT {value} IN ('a', 'b')"
        yield f"SELECT {value} NOT IN (1, 2, NULL)" if value != "'b'" else f"SELECT {value} NOT IN ('a', NULL)"
        yield f"SELECT {value} BETWEEN 1 AND 3" if value != "'b'" else f"SELECT {value} BETWEEN 'a' AND 'c'"
    for value in ("1", "NULL", "'x'", "0.0"):
        yield f"SELECT {value} IS NULL, {value} IS NOT NULL"


def _casts() -> Iterator[str]:
    sources = ["'42'", "'-42'", "' 42 '", "'4.2'", "'1e3'", "'abc'", "'2147483648'", "'true'", "'no'",
               "'2024-02-29'", "'2023-02-29'", "'12:34'", "'1 day'", "42", "4.5", "-4.5", "true", "''",
               "'NaN'", "'Infinity'", "'{1,2,3}'", "'0x1F'", "'1_000'"]
    targets = ["int2", "int4", "int8", "numeric", "numeric(5,2)", "float4", "float8", "text", "varchar(2)",
               "char(3)", "boolean", "date", "time", "interval", "int4[]", "bytea"]
    for source, target in itertools.product(sources, targets):
        yield f"SELECT CAST({source} AS {target})"
    for value in NUMBERS + TEXTS + DATES + BOOLS:
        yield f"SELECT {value}::text"
        yield f"SELECT pg_typeof({value})"


def _strings() -> Iterator[str]:
    for s in TEXTS:
        for call in ("length({})", "lower({})", "upper({})", "initcap({})", "reverse({})", "md5({})",
                     "octet_length({})", "char_length({})", "bit_length({})", "ascii({})", "btrim({})",
                     "ltrim({})", "rtrim({})", "trim({})", "quote_literal({})", "quote_ident({})",
                     "quote_nullable({})", "{} || 'z'", "{} || 1", "repeat({}, 2)", "left({}, 2)", "right({}, -1)",
                     "substr({}, 2)", "substr({}, 2, 2)", "substring({} from 2 for 3)", "position('b' in {})",
                     "strpos({}, 'l')", "replace({}, 'l', 'L')", "translate({}, 'abc', 'xy')", "lpad({}, 6, '*')",
                     "rpad({}, 6)", "split_part({}, ',', 2)", "starts_with({}, 'a')", "concat({}, NULL, 3)",
                     "concat_ws('-', {}, 'q', NULL)", "overlay({} placing 'ZZ' from 2 for 1)", "to_hex(length({}))",
                     "string_to_array({}, ',')", "format('[%s]', {})", "format('%I', {})", "format('%L', {})"):
            yield "SELECT " + call.format(s)
    for n in ("0", "65", "8364", "-1"):
        yield f"SELECT chr({n})"
    for spec in ("'%s-%s'", "'%1$s %1$s'", "'%5s|%-5s'", "'100%%'", "'%x'"):
        yield f"SELECT format({spec}, 'a', 'b')"


def _patterns() -> Iterator[str]:
    subjects = ["'hawkeye'", "'Hawkeye'", "'h%wk_eye'", "'abc123def'", "'foo bar  baz'", "''"]
    patterns = ["'h%'", "'H%'", "'%eye'", "'_awkeye'", "'h#%%' ESCAPE '#'", "'%\\_%'", "'%'"]
    for s, p in itertools.product(subjects, patterns):
        yield f"SELECT {s} LIKE {p}, {s} NOT LIKE {p}, {s} ILIKE {p}"
    regexes = ["'[0-9]+'", "'^h'", "'(b)(a)'", "'\\s+'", "'E$'", "'([a-z]+)([0-9]+)'", "'(?i)HAWK'"]
    for s, r in itertools.product(subjects, regexes):
        yield f"SELECT {s} ~ {r}, {s} ~* {r}, {s} !~ {r}"
        yield f"SELECT regexp_replace({s}, {r}, 'X'), regexp_replace({s}, {r}, 'X', 'g')"
        yield f"SELECT regexp_match({s}, {r})"
        yield f"SELECT substring({s} from {r})"
    for s in subjects:
        yield f"SELECT regexp_split_to_array({s}, '\\s+')"
        yield f"SELECT * FROM regexp_split_to_table({s}, 'e')"
        yield f"SELECT {s} SIMILAR TO '%(e|a)%'"


def _numerics() -> Iterator[str]:
    values = ["2.5", "-2.5", "3.14159", "0", "-0.5", "1e10", "7", "-7", "2.5::float8", "123.456::numeric(6,2)"]
    for v in values:
        for call in ("abs({})", "ceil({})", "floor({})", "round({})", "round({}, 1)", "trunc({})", "trunc({}, 1)",
                     "sign({})", "sqrt(abs({}))", "exp(least({}, 5))", "ln(abs({}) + 1)", "log(abs({}) + 1)",
                     "power({}, 2)", "mod(7, 3)", "{}::int", "{}::int8", "{}::numeric", "{}::float4",
                     "greatest({}, 1, 2)", "least({}, 1, 2)", "width_bucket({}, 0, 10, 5)", "div(17, 5)",
                     "scale({}::numeric)", "to_char({}, '999.99')", "cbrt(27)", "degrees(pi())", "gcd(12, 18)"):
            yield "SELECT " + call.format(v)
    for a, b in (("17", "5"), ("-17", "5"), ("17", "-5"), ("17.5", "5"), ("1", "3"), ("2", "0"), ("2.0", "0")):
        yield f"SELECT {a} / {b}, {a} % {b}, mod({a}, {b})"
    for x in ("10", "1000000", "0.000123", "-12345.678"):
        yield f"SELECT to_char({x}, 'FM999,999,990.000')"
        yield f"SELECT {x}::numeric * 3, {x}::numeric / 7, {x}::float8 * 3"


def _datetimes() -> Iterator[str]:
    stamps = ["TIMESTAMP '2024-02-29 13:45:30.5'", "DATE '2024-01-31'", "TIMESTAMP '1999-12-31 23:59:59'",
              "TIMESTAMPTZ '2024-06-30 23:59:59+02'", "DATE '2000-02-28'"]
    fields = ["year", "month", "day", "hour", "minute", "second", "dow", "doy", "quarter", "week", "epoch",
              "isodow", "century", "millennium", "decade"]
    for s, f in itertools.product(stamps, fields):
        yield f"SELECT extract({f} from {s})"
        yield f"SELECT date_part('{f}', {s})"
    for s, u in itertools.product(stamps, ["year", "quarter", "month", "week", "day", "hour", "minute"]):
        yield f"SELECT date_trunc('{u}', {s})"
    for s in stamps:
        for tail in (" + INTERVAL '1 day'", " - INTERVAL '1 month'", " + INTERVAL '36 hours'", "::date",
                     "::timestamp", "::text", " + 7" if s.startswith("DATE") else " - INTERVAL '1 year'"):
            yield f"SELECT {s}{tail}"
        for pattern in ("YYYY-MM-DD", "DD Mon YYYY", "HH24:MI:SS", "Day, DDth Month", "IYYY-IW", "Q", "J"):
            yield f"SELECT to_char({s}, '{pattern}')"
    for a, b in (("DATE '2024-03-01'", "DATE '2024-02-01'"), ("TIMESTAMP '2024-03-01'", "TIMESTAMP '2024-02-01'"),
                 ("DATE '2024-01-01'", "'2023-12-25'")):
        yield f"SELECT {a} - {b}"
        yield f"SELECT age({a}, {b})"
    for text in ("'2024-02-30'", "'2024-13-01'", "'20240229'", "'Feb 29 2024'", "'2024-02-29 25:00'", "'epoch'",
                 "'infinity'", "'today'" if False else "'2000-01-01 00:00:00+00'"):
        yield f"SELECT {text}::date"
        yield f"SELECT {text}::timestamp"
    for y, m, d in ((2024, 2, 29), (2023, 2, 29), (1, 1, 1)):
        yield f"SELECT make_date({y}, {m}, {d})"
        yield f"SELECT make_timestamp({y}, {m}, {d}, 12, 30, 15.5)"
    for iv in ("'1 day'", "'25 hours'", "'1 mon 35 days'", "'-1 year 2 months'", "'1.5 hours'", "'P1DT2H'"):
        yield f"SELECT INTERVAL {iv}, justify_hours(INTERVAL {iv}), justify_days(INTERVAL {iv})"
        yield f"SELECT extract(epoch from INTERVAL {iv}), INTERVAL {iv} * 2, INTERVAL {iv} / 2"
    for text, fmt in (("'05 Dec 2000'", "'DD Mon YYYY'"), ("'2000-12-05 13:14'", "'YYYY-MM-DD HH24:MI'"),
                      ("'20001205'", "'YYYYMMDD'")):
        yield f"SELECT to_date({text}, {fmt})"
        yield f"SELECT to_timestamp({text}, {fmt})"


def _booleans() -> Iterator[str]:
    for a, b in itertools.product(["true", "false", "NULL::boolean"], repeat=2):
        yield f"SELECT {a} AND {b}, {a} OR {b}, NOT {a}"
        yield f"SELECT {a} IS TRUE, {a} IS NOT FALSE, {a} IS UNKNOWN, {a} = {b}"
    for text in ("'t'", "'TRUE'", "'y'", "'on'", "'1'", "'off'", "'maybe'", "' yes '"):
        yield f"SELECT {text}::boolean"
    yield "SELECT bool_and(v), bool_or(v), every(v) FROM (VALUES (true), (false), (NULL)) AS t(v)"


def _arrays() -> Iterator[str]:
    arrays = ["ARRAY[1, 2, 3]", "ARRAY['a', 'b', NULL]", "'{1,2,3}'::int[]", "ARRAY[]::int[]", "ARRAY[1.5, 2]",
              "'{{1,2},{3,4}}'::int[]", "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]", "'{\"a b\",c}'::text[]"]
    for a in arrays:
        for call in ("array_length({}, 1)", "cardinality({})", "array_upper({}, 1)", "array_lower({}, 1)",
                     "array_ndims({})", "array_dims({})", "{}[1]", "{}[2:3]", "array_to_string({}, ',')",
                     "array_to_string({}, ',', '*')", "array_position({}, 2)", "{} || NULL", "array_cat({}, {})",
                     "array_remove({}, 2)", "2 = ANY({})", "2 <> ALL({})", "{} @> ARRAY[1]", "{}::text"):
            yield "SELECT " + call.format(a, a)
        yield f"SELECT unnest({a})"
        yield f"SELECT * FROM unnest({a}) WITH ORDINALITY AS t(v, n)"
    yield "SELECT array_append(ARRAY[1, 2], 3), array_prepend(0, ARRAY[1, 2]), ARRAY[1, 2] || 3, 0 || ARRAY[1]"
    yield "SELECT array_agg(v ORDER BY v DESC) FROM (VALUES (3), (1), (2)) AS t(v)"
    yield "SELECT string_to_array('a|b||c', '|', ''), array_fill(7, ARRAY[3])"
    yield "SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']) AS t(n, s)"
    yield "SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1)"


def _json() -> Iterator[str]:
    docs = ["'{\"a\": 1, \"b\": [1, 2, {\"c\": \"x\"}]}'", "'[1, \"two\", null, true]'", "'\"plain\"'", "'42'",
            "'{}'", "'null'"]
    for doc in docs:
        for kind in ("json", "jsonb"):
            value = f"{doc}::{kind}"
            for call in ("{} -> 'a'", "{} ->> 'a'", "{} -> 1", "{} ->> 1", "{} #> '{{b,2}}'", "{} #>> '{{b,2,c}}'",
                         "{}_typeof({})", "{}::text"):
                if "{}_typeof" in call:
                    yield f"SELECT {kind}_typeof({value})"
                else:
                    yield "SELECT " + call.format(value)
            yield f"SELECT {kind}_array_length({value})" if doc.startswith("'[") else f"SELECT {value} IS NULL"
    yield "SELECT json_build_object('a', 1, 'b', 'two'), jsonb_build_object('a', NULL)"
    yield "SELECT json_build_array(1, 'x', NULL, true), jsonb_build_array()"
    yield "SELECT to_json('text'::text), to_jsonb(42), to_json(ARRAY[1, 2])"
    yield "SELECT * FROM json_each('{\"a\": 1, \"b\": \"x\"}')"
    yield "SELECT * FROM jsonb_each_text('{\"a\": 1, \"b\": \"x\"}')"
    yield "SELECT jsonb_object_keys('{\"b\": 1, \"a\": 2}')"
    yield "SELECT * FROM json_array_elements('[1, [2], {\"x\": 3}]')"
    yield "SELECT '{\"a\": 1}'::jsonb @> '{\"a\": 1}', '{\"a\": 1}'::jsonb ? 'a', '{\"a\": 1}'::jsonb || '{\"b\": 2}'"
    yield "SELECT json_agg(v), jsonb_agg(v) FROM (VALUES (1), (2)) AS t(v)"
    yield "SELECT '{bad json'::json"


def _conditionals() -> Iterator[str]:
    branches = [("1", "2"), ("1", "2.5"), ("'a'", "'b'"), ("1", "'2'"), ("'x'", "NULL"), ("NULL", "NULL"),
                ("1", "'b'"), ("true", "1"), ("DATE '2024-01-01'", "'2024-01-02'")]
    for a, b in branches:
        yield f"SELECT CASE WHEN true THEN {a} ELSE {b} END"
        yield f"SELECT COALESCE({b}, {a})"
        yield f"SELECT COALESCE(NULL, {a}, {b})"
        yield f"SELECT NULLIF({a}, {b})"
        yield f"SELECT greatest({a}, {b}), least({a}, {b})"
        yield f"SELECT {a} UNION SELECT {b}"
        yield f"SELECT {a} UNION ALL SELECT {b} ORDER BY 1"
        yield f"SELECT * FROM (VALUES ({a}), ({b})) AS t(v)"
        yield f"SELECT {a} INTERSECT SELECT {b}"
    yield "SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"
    yield "SELECT CASE WHEN 1 / 1 = 1 THEN 'ok' ELSE 'no' END"


def _aggregates() -> Iterator[str]:
    sets = ["(VALUES (1), (2), (3), (NULL)) AS t(v)", "(VALUES (1.5), (2.25), (-1.0)) AS t(v)",
            "(VALUES (10::int8), (20::int8)) AS t(v)", "(VALUES (2.5::float8), (0.5::float8)) AS t(v)",
            "(VALUES ('b'), ('a'), ('c')) AS t(v)", "(VALUES (1) LIMIT 0) AS t(v)"]
    for source in sets:
        text = "'" in source
        calls = ["count(*)", "count(v)", "min(v)", "max(v)"] + (
            ["string_agg(v, ',')", "string_agg(v, ',' ORDER BY v DESC)", "array_agg(v)"] if text else
            ["sum(v)", "avg(v)", "stddev(v)", "variance(v)", "sum(v) FILTER (WHERE v > 1)", "array_agg(v ORDER BY v)"])
        for call in calls:
            yield f"SELECT {call} FROM {source}"
        yield f"SELECT v, count(*) FROM {source} GROUP BY v ORDER BY v NULLS FIRST"
        yield f"SELECT v FROM {source} ORDER BY v DESC NULLS LAST LIMIT 2"
        yield f"SELECT DISTINCT v FROM {source} ORDER BY 1"
        yield f"SELECT v, row_number() OVER (ORDER BY v), rank() OVER (ORDER BY v) FROM {source} ORDER BY 1, 2"
    yield "SELECT x, sum(x) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM generate_series(1, 5) AS x"
    yield "SELECT * FROM generate_series(1, 10, 3)"
    yield "SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-01-05', INTERVAL '2 days')"
    yield "SELECT generate_series(1, 3) AS a, generate_series(1, 2) AS b"
    yield "SELECT count(*) FROM generate_series(1, 1000) AS g(n) WHERE n % 7 = 0"


def _errors() -> Iterator[str]:
    yield from ("SELECT 1/0", "SELECT 1 +", "SELECT nosuchcolumn", "SELECT * FROM nosuchtable", "SELECT nosuchfunc(1)",
                "SELECT 'abc'::int", "SELECT 2147483647::int + 1", "SELECT 'x' + 1", "SELECT sqrt(-1)",
                "SELECT ln(0)", "SELECT ARRAY[1, 'a']", "SELECT (1, 2) = (1)", "SELECT 1 FROM (SELECT 1) s GROUP BY x",
                "SELECT count(*) OVER ()", "SELECT repeat('x', -1)", "SELECT substr('abc', 1, -1)",
                "SELECT 'a' LIKE 'b' ESCAPE 'cc'", "SELECT date '2024-02-30'", "SELECT '1 fortnight'::interval",
                "SELECT 10::numeric(2,1)", "SELECT 'abc'::varchar(2)", "SELECT chr(0)", "SELECT lpad('x', 2, NULL)",
                "SELECT CAST(NULL AS nosuchtype)", "SELECT 1 WHERE 1", "SELECT sum('a')", "SELECT 5 % 0",
                "SELECT 1.0 / 0.0", "SELECT 'NaN'::float8 / 0", "SELECT to_date('2024-99-01', 'YYYY-MM-DD')",
                "SELECT DISTINCT FROM generate_series(1, 3)", "SELECT upper(1, 2)", "SELECT upper()",
                "SELECT 'a'::text - 1", "SELECT -true", "SELECT lower(1)")


def _grammar() -> Iterator[str]:
    """PostgreSQL grammar forms DuckDB or sqlglot lack (pgserver/sql/text/grammar), and type-name literals."""
    yield from (
        "SELECT * FROM current_schema()", "SELECT * FROM current_schema() AS s", "SELECT * FROM upper('a') AS u(x)",
        "SELECT * FROM current_database() WITH ORDINALITY",
        "SELECT * FROM unnest(ARRAY[1, 2], ARRAY['a', 'b', 'c']) WITH ORDINALITY AS t(n, s, o)",
        "SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['x', 'y'])) AS r(a, b)",
        "SELECT * FROM ROWS FROM (generate_series(1, 2), upper('q')) WITH ORDINALITY",
        "SELECT g, o FROM generate_series(10, 30, 10) WITH ORDINALITY AS t(g, o)",
        "SELECT * FROM unnest(ARRAY[1, 2]) u", "SELECT u FROM unnest(ARRAY[1, 2]) u",
        "SELECT x.* FROM (SELECT 1 AS a) x, LATERAL unnest(ARRAY[x.a, x.a + 1]) WITH ORDINALITY AS y(v, n)",
        "SELECT 1 = ANY (ARRAY(SELECT generate_series(1, 3)))", "SELECT 5 = ANY (ARRAY(SELECT 1 WHERE false))",
        "SELECT 2 <> ALL (ARRAY(SELECT generate_series(3, 4)))", "SELECT NULL::int = ANY (ARRAY(SELECT 1))",
        "SELECT substring('abc123def' FROM '[0-9]+')", "SELECT substring('abc123def' FROM '([a-z])([0-9])')",
        "SELECT substring('abc' FROM 'z')", "SELECT substring('abc' FROM 2)", "SELECT substring('abcdef' FROM 2 FOR 3)",
        r"SELECT (regexp_match('key=value', '(\w+)=(\w+)'))[2]", "SELECT regexp_match('abc', 'B', 'i')",
        "SELECT '{int,int8}'::regtype[]", "SELECT 'int4'::regtype", "SELECT 'pg_class'::regclass",
        "SELECT 'pg_catalog.pg_type'::regclass::oid", "SELECT 'integer'::regtype::oid", "SELECT 'text'::regtype::text",
        "SELECT ('pg_' || 'class')::regclass", "SELECT (d).grantee IS NOT NULL FROM (SELECT aclexplode(NULL) d) x",
        "SELECT count(*) FROM pg_show_all_settings() WHERE name = 'bytea_output'",
        "SELECT name, setting FROM pg_show_all_settings() WHERE name IN ('DateStyle', 'IntervalStyle') ORDER BY 1",
        "SELECT @ -5, @ 2.5, |/ 16, ||/ 27, 2 ^ 10",
        "SELECT 'a' || 1, 1 || 'a', 'a' || NULL", "SELECT '5' + 3, 3 + '5', '5' * 2.5, '2024-01-01' + 1",
        "SELECT DATE '2024-01-01' + '3 days'::interval, '2024-01-01'::date - '2023-12-01'",
        "SELECT 1 IN ('1', '2'), 'a' IN ('a', NULL), 2.5 IN (1, 2.5)",
        "SELECT CASE WHEN false THEN '1' ELSE 2 END", "SELECT COALESCE(NULL, '3')::int + 1",
        "SELECT '1' UNION SELECT '2' ORDER BY 1", "SELECT 1 UNION SELECT NULL ORDER BY 1",
        "SELECT pg_typeof('abc'), pg_typeof(1), pg_typeof(1.5)",
        "SELECT pg_typeof(1) = 'int4'::regtype, pg_typeof(1.5) IN ('numeric'::regtype), pg_typeof('a') = pg_typeof('b')",
        "SELECT to_regtype('integer'), to_regtype('int4')::text, to_regclass('pg_class'), to_regtype('no_such_type')",
        "SELECT * FROM generate_subscripts(ARRAY[10, 20, 30], 1)", "SELECT s FROM generate_subscripts(ARRAY['a', 'b'], 1) AS s",
        "SELECT x[k], k FROM (SELECT ARRAY[5, 6, 7] AS x) v, generate_subscripts(v.x, 1) AS k ORDER BY k",
        "SELECT count(*) FROM generate_subscripts(NULL::int[], 1)",
        "SELECT amname, p, pg_indexam_has_property(a.oid, p) FROM pg_am a, unnest(ARRAY['can_order', 'can_unique', "
        "'can_multi_col', 'can_exclude', 'can_include', 'bogus']) p WHERE amtype = 'i' ORDER BY 1, 2",
        "SELECT p, pg_index_column_has_property('pg_class_oid_index'::regclass, 1, p), "
        "pg_index_column_has_property('pg_class_oid_index'::regclass, 2, p), "
        "pg_index_has_property('pg_class_oid_index'::regclass, p) FROM unnest(ARRAY['asc', 'DESC', 'nulls_first', "
        "'nulls_last', 'orderable', 'distance_orderable', 'returnable', 'search_array', 'search_nulls', "
        "'clusterable', 'index_scan', 'bitmap_scan', 'backward_scan', 'bogus']) p",
        "SELECT pg_index_has_property(0, 'clusterable'), pg_index_column_has_property(0, 1, 'asc'), "
        "pg_indexam_has_property(0, 'can_order'), pg_index_has_property('pg_class'::regclass, 'clusterable')",
        # PostgreSQL functions DuckDB has with another meaning (regexp_matches, encode, decode) or lacks
        "SELECT regexp_matches('a1b2', '[0-9]')",
        "SELECT regexp_matches('a1b2', '([a-z])([0-9])', 'g')",
        "SELECT regexp_matches('abc', 'z')",
        "SELECT regexp_matches('ABC', 'b', 'i')",
        "SELECT count(*) FROM regexp_matches('a1b2c3', '[0-9]', 'g')",
        "SELECT m FROM regexp_matches('x=1, y=2', '(\\w)=(\\d)', 'g') AS m",
        "SELECT (regexp_matches('foo123', '\\d+'))[1]",
        "SELECT encode('ab'::bytea, 'base64'), encode('ab'::bytea, 'hex'), encode('\\x5c00ff41'::bytea, 'escape')",
        "SELECT encode(convert_to(repeat('x', 100), 'UTF8'), 'base64')",
        "SELECT decode('YWI=', 'base64'), decode('6162', 'hex'), decode('a\\001b\\\\c', 'escape')",
        "SELECT decode('YW I=', 'base64'), decode('61 62', 'hex')",
        "SELECT decode('YW*=', 'base64')",
        "SELECT decode('abc', 'hex')",
        "SELECT decode('6g', 'hex')",
        "SELECT encode('a'::bytea, 'nope')",
        "SELECT convert_to('é', 'UTF8'), convert_to('é', 'LATIN1'), convert_from('\\xc3a9'::bytea, 'UTF8'), convert_from('\\xe9'::bytea, 'latin1')",
        "SELECT convert_from('\\xff'::bytea, 'UTF8')",
        "SELECT convert_to('a', 'nope')",
        "SELECT num_nulls(1, NULL, NULL), num_nonnulls(1, NULL, 'a'), pg_typeof(num_nulls(1))",
        "SELECT json_agg(g ORDER BY g DESC), jsonb_agg(g ORDER BY g), json_agg(x ORDER BY x) FROM generate_series(1, 3) g, (VALUES ('a')) v(x)",
        'SELECT json_agg(g ORDER BY g) FROM generate_series(1, 0) g',
        'SELECT jsonb_agg(g) FROM generate_series(1, 3) g',
        "SELECT log(2, 8), log(10, 1000), log(2, 8.5), log(1, 8)", "SELECT x, log(2, x) FROM (VALUES (8), (1024)) v(x)",
        "SELECT substr('abcdef', -1, 3), substr('abcdef', -3, 5), substring('abcdef', 0), substr('abcdef', -10, 3)",
        "SELECT substr(x, s, l) FROM (VALUES ('abcdef', -2, 4), ('abcdef', 3, 2), ('xy', 0, 1)) v(x, s, l)",
        "SELECT to_char(125, 'RN'), to_char(125, 'FMRN'), to_char(0, 'RN'), to_char(3.6, 'FMRN')",
        "SELECT to_char(1e6, '9.99EEEE'), to_char(0, '9.99EEEE'), to_char(1.5, '9EEEE'), to_char(1e100, '9.9EEEE')",
        "SELECT to_char(1.5, 'FM9.9EEEE')",
        "SELECT to_hex(-1), to_hex(255::bigint), to_hex(-255), to_hex(2147483647), to_hex(-1::bigint)",
        "SELECT string_agg(x, NULL), string_agg(x, NULL::text ORDER BY x DESC) FROM (VALUES ('a'), ('b')) v(x)",
        "SELECT 'a'::char(3) = 'a  ', 'a  ' = 'a'::char(3), 'a'::char(3) < 'b ', 'ab'::char(2) <> 'ab   '",
        "SELECT 32767::smallint + 1::smallint", "SELECT 9223372036854775807 + 1", "SELECT 2147483647 * 2",
        # quoted aliases of inner queries keep their case in the result's names (DBD::Pg's table_info)
        "SELECT * FROM (SELECT 1 AS \"TABLE_CAT\", 2 AS x, 3 AS \"y\") ti",
        "SELECT * FROM (SELECT 1 AS \"TABLE_CAT\") ti WHERE \"TABLE_CAT\" = 1 ORDER BY \"TABLE_CAT\"",
        "WITH t AS (SELECT 1 AS \"MixedCase\") SELECT * FROM t", "SELECT * FROM (VALUES (1, 2)) AS v(\"A\", b)",
        "SELECT a.*, b.* FROM (SELECT 1 AS \"Q\") a, (SELECT 2 AS \"Qq\") b",
        "SELECT * FROM (SELECT * FROM (SELECT 'x' AS \"Deep\") i) o",
        # an empty select list: rows without columns (DuckDB refuses the form; dialect.NO_COLUMN)
        "SELECT", "SELECT WHERE false", "SELECT FROM generate_series(1, 3)", "SELECT FROM generate_series(1, 3) LIMIT 2",
        "SELECT EXISTS (SELECT FROM generate_series(1, 3) g WHERE g > 2), EXISTS (SELECT WHERE false)",
        "SELECT count(*) FROM (SELECT FROM generate_series(1, 4)) s",
        "SELECT FROM generate_series(1, 3) UNION ALL SELECT FROM generate_series(1, 2)",
        "SELECT FROM generate_series(1, 3) UNION SELECT FROM generate_series(1, 2)",
        "SELECT * FROM (SELECT FROM generate_series(1, 2)) s, (SELECT 5 AS f) t",
        "SELECT FROM generate_series(1, 4) g GROUP BY g % 2 HAVING count(*) > 1",
    )


FAMILIES = {
    "numeric_operators": _numeric_operators, "comparisons": _comparisons, "casts": _casts, "strings": _strings,
    "patterns": _patterns, "numerics": _numerics, "datetimes": _datetimes, "booleans": _booleans, "arrays": _arrays,
    "json": _json, "conditionals": _conditionals, "aggregates": _aggregates, "errors": _errors, "grammar": _grammar,
}


def statements() -> list[tuple[str, str]]:
    """(label, sql) for every generated statement, duplicates removed (first label wins)."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for family, generate in FAMILIES.items():
        for index, sql in enumerate(generate(), 1):
            if sql not in seen:
                seen.add(sql)
                out.append((f"{family}.{index}", sql))
    return out
