-- Client: Django 5.2 inspectdb (psycopg 3) and ORM queries on the inspected models
-- Captured live from a PostgreSQL 15 log (log_statement = 'all') by tests/differential/capture.py;
-- OID literals are the capturing server's (the differential test maps them to ours).

-- [1]
SELECT set_config('TimeZone', 'UTC', false);

-- [2]
SELECT
	                c.relname,
	                CASE
	                    WHEN c.relispartition THEN 'p'
	                    WHEN c.relkind IN ('m', 'v') THEN 'v'
	                    ELSE 't'
	                END,
	                obj_description(c.oid, 'pg_class')
	            FROM pg_catalog.pg_class c
	            LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
	            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
	                AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
	                AND pg_catalog.pg_table_is_visible(c.oid);

-- [3]
SELECT a1.attname, c2.relname, a2.attname
	            FROM pg_constraint con
	            LEFT JOIN pg_class c1 ON con.conrelid = c1.oid
	            LEFT JOIN pg_class c2 ON con.confrelid = c2.oid
	            LEFT JOIN
	                pg_attribute a1 ON c1.oid = a1.attrelid AND a1.attnum = con.conkey[1]
	            LEFT JOIN
	                pg_attribute a2 ON c2.oid = a2.attrelid AND a2.attnum = con.confkey[1]
	            WHERE
	                c1.relname = 'Customers' AND
	                con.contype = 'f' AND
	                c1.relnamespace = c2.relnamespace AND
	                pg_catalog.pg_table_is_visible(c1.oid);

-- [4]
SELECT
	                c.conname,
	                array(
	                    SELECT attname
	                    FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx)
	                    JOIN pg_attribute AS ca ON cols.colid = ca.attnum
	                    WHERE ca.attrelid = c.conrelid
	                    ORDER BY cols.arridx
	                ),
	                c.contype,
	                (SELECT fkc.relname || '.' || fka.attname
	                FROM pg_attribute AS fka
	                JOIN pg_class AS fkc ON fka.attrelid = fkc.oid
	                WHERE fka.attrelid = c.confrelid AND fka.attnum = c.confkey[1]),
	                cl.reloptions
	            FROM pg_constraint AS c
	            JOIN pg_class AS cl ON c.conrelid = cl.oid
	            WHERE cl.relname = 'Customers' AND pg_catalog.pg_table_is_visible(cl.oid);

-- [5]
SELECT
	                indexname,
	                array_agg(attname ORDER BY arridx),
	                indisunique,
	                indisprimary,
	                array_agg(ordering ORDER BY arridx),
	                amname,
	                exprdef,
	                s2.attoptions
	            FROM (
	                SELECT
	                    c2.relname as indexname, idx.*, attr.attname, am.amname,
	                    CASE
	                        WHEN idx.indexprs IS NOT NULL THEN
	                            pg_get_indexdef(idx.indexrelid)
	                    END AS exprdef,
	                    CASE am.amname
	                        WHEN 'btree' THEN
	                            CASE (option & 1)
	                                WHEN 1 THEN 'DESC' ELSE 'ASC'
	                            END
	                    END as ordering,
	                    c2.reloptions as attoptions
	                FROM (
	                    SELECT *
	                    FROM
	                        pg_index i,
	                        unnest(i.indkey, i.indoption)
	                            WITH ORDINALITY koi(key, option, arridx)
	                ) idx
	                LEFT JOIN pg_class c ON idx.indrelid = c.oid
	                LEFT JOIN pg_class c2 ON idx.indexrelid = c2.oid
	                LEFT JOIN pg_am am ON c2.relam = am.oid
	                LEFT JOIN
	                    pg_attribute attr ON attr.attrelid = c.oid AND attr.attnum = idx.key
	                WHERE c.relname = 'Customers' AND pg_catalog.pg_table_is_visible(c.oid)
	            ) s2
	            GROUP BY indexname, indisunique, indisprimary, amname, exprdef, attoptions;

-- [6]
SELECT
	                a.attname AS column_name,
	                NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS is_nullable,
	                pg_get_expr(ad.adbin, ad.adrelid) AS column_default,
	                CASE WHEN collname = 'default' THEN NULL ELSE collname END AS collation,
	                a.attidentity != '' AS is_autofield,
	                col_description(a.attrelid, a.attnum) AS column_comment
	            FROM pg_attribute a
	            LEFT JOIN pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
	            LEFT JOIN pg_collation co ON a.attcollation = co.oid
	            JOIN pg_type t ON a.atttypid = t.oid
	            JOIN pg_class c ON a.attrelid = c.oid
	            JOIN pg_namespace n ON c.relnamespace = n.oid
	            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
	                AND c.relname = 'Customers'
	                AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
	                AND pg_catalog.pg_table_is_visible(c.oid);

-- [7]
SELECT * FROM "Customers" LIMIT 1;

-- [8]
SELECT
	                c.conname,
	                array(
	                    SELECT attname
	                    FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx)
	                    JOIN pg_attribute AS ca ON cols.colid = ca.attnum
	                    WHERE ca.attrelid = c.conrelid
	                    ORDER BY cols.arridx
	                ),
	                c.contype,
	                (SELECT fkc.relname || '.' || fka.attname
	                FROM pg_attribute AS fka
	                JOIN pg_class AS fkc ON fka.attrelid = fkc.oid
	                WHERE fka.attrelid = c.confrelid AND fka.attnum = c.confkey[1]),
	                cl.reloptions
	            FROM pg_constraint AS c
	            JOIN pg_class AS cl ON c.conrelid = cl.oid
	            WHERE cl.relname = 'Currencies' AND pg_catalog.pg_table_is_visible(cl.oid);

-- [9]
SELECT
	                indexname,
	                array_agg(attname ORDER BY arridx),
	                indisunique,
	                indisprimary,
	                array_agg(ordering ORDER BY arridx),
	                amname,
	                exprdef,
	                s2.attoptions
	            FROM (
	                SELECT
	                    c2.relname as indexname, idx.*, attr.attname, am.amname,
	                    CASE
	                        WHEN idx.indexprs IS NOT NULL THEN
	                            pg_get_indexdef(idx.indexrelid)
	                    END AS exprdef,
	                    CASE am.amname
	                        WHEN 'btree' THEN
	                            CASE (option & 1)
	                                WHEN 1 THEN 'DESC' ELSE 'ASC'
	                            END
	                    END as ordering,
	                    c2.reloptions as attoptions
	                FROM (
	                    SELECT *
	                    FROM
	                        pg_index i,
	                        unnest(i.indkey, i.indoption)
	                            WITH ORDINALITY koi(key, option, arridx)
	                ) idx
	                LEFT JOIN pg_class c ON idx.indrelid = c.oid
	                LEFT JOIN pg_class c2 ON idx.indexrelid = c2.oid
	                LEFT JOIN pg_am am ON c2.relam = am.oid
	                LEFT JOIN
	                    pg_attribute attr ON attr.attrelid = c.oid AND attr.attnum = idx.key
	                WHERE c.relname = 'Currencies' AND pg_catalog.pg_table_is_visible(c.oid)
	            ) s2
	            GROUP BY indexname, indisunique, indisprimary, amname, exprdef, attoptions;

-- [10]
SELECT
	                c.conname,
	                array(
	                    SELECT attname
	                    FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx)
	                    JOIN pg_attribute AS ca ON cols.colid = ca.attnum
	                    WHERE ca.attrelid = c.conrelid
	                    ORDER BY cols.arridx
	                ),
	                c.contype,
	                (SELECT fkc.relname || '.' || fka.attname
	                FROM pg_attribute AS fka
	                JOIN pg_class AS fkc ON fka.attrelid = fkc.oid
	                WHERE fka.attrelid = c.confrelid AND fka.attnum = c.confkey[1]),
	                cl.reloptions
	            FROM pg_constraint AS c
	            JOIN pg_class AS cl ON c.conrelid = cl.oid
	            WHERE cl.relname = 'TaxCodes' AND pg_catalog.pg_table_is_visible(cl.oid);

-- [11]
SELECT
	                indexname,
	                array_agg(attname ORDER BY arridx),
	                indisunique,
	                indisprimary,
	                array_agg(ordering ORDER BY arridx),
	                amname,
	                exprdef,
	                s2.attoptions
	            FROM (
	                SELECT
	                    c2.relname as indexname, idx.*, attr.attname, am.amname,
	                    CASE
	                        WHEN idx.indexprs IS NOT NULL THEN
	                            pg_get_indexdef(idx.indexrelid)
	                    END AS exprdef,
	                    CASE am.amname
	                        WHEN 'btree' THEN
	                            CASE (option & 1)
	                                WHEN 1 THEN 'DESC' ELSE 'ASC'
	                            END
	                    END as ordering,
	                    c2.reloptions as attoptions
	                FROM (
	                    SELECT *
	                    FROM
	                        pg_index i,
	                        unnest(i.indkey, i.indoption)
	                            WITH ORDINALITY koi(key, option, arridx)
	                ) idx
	                LEFT JOIN pg_class c ON idx.indrelid = c.oid
	                LEFT JOIN pg_class c2 ON idx.indexrelid = c2.oid
	                LEFT JOIN pg_am am ON c2.relam = am.oid
	                LEFT JOIN
	                    pg_attribute attr ON attr.attrelid = c.oid AND attr.attnum = idx.key
	                WHERE c.relname = 'TaxCodes' AND pg_catalog.pg_table_is_visible(c.oid)
	            ) s2
	            GROUP BY indexname, indisunique, indisprimary, amname, exprdef, attoptions;

-- [12]
SELECT a1.attname, c2.relname, a2.attname
	            FROM pg_constraint con
	            LEFT JOIN pg_class c1 ON con.conrelid = c1.oid
	            LEFT JOIN pg_class c2 ON con.confrelid = c2.oid
	            LEFT JOIN
	                pg_attribute a1 ON c1.oid = a1.attrelid AND a1.attnum = con.conkey[1]
	            LEFT JOIN
	                pg_attribute a2 ON c2.oid = a2.attrelid AND a2.attnum = con.confkey[1]
	            WHERE
	                c1.relname = 'Currencies' AND
	                con.contype = 'f' AND
	                c1.relnamespace = c2.relnamespace AND
	                pg_catalog.pg_table_is_visible(c1.oid);

-- [13]
SELECT
	                a.attname AS column_name,
	                NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS is_nullable,
	                pg_get_expr(ad.adbin, ad.adrelid) AS column_default,
	                CASE WHEN collname = 'default' THEN NULL ELSE collname END AS collation,
	                a.attidentity != '' AS is_autofield,
	                col_description(a.attrelid, a.attnum) AS column_comment
	            FROM pg_attribute a
	            LEFT JOIN pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
	            LEFT JOIN pg_collation co ON a.attcollation = co.oid
	            JOIN pg_type t ON a.atttypid = t.oid
	            JOIN pg_class c ON a.attrelid = c.oid
	            JOIN pg_namespace n ON c.relnamespace = n.oid
	            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
	                AND c.relname = 'Currencies'
	                AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
	                AND pg_catalog.pg_table_is_visible(c.oid);

-- [14]
SELECT * FROM "Currencies" LIMIT 1;

-- [15]
SELECT a1.attname, c2.relname, a2.attname
	            FROM pg_constraint con
	            LEFT JOIN pg_class c1 ON con.conrelid = c1.oid
	            LEFT JOIN pg_class c2 ON con.confrelid = c2.oid
	            LEFT JOIN
	                pg_attribute a1 ON c1.oid = a1.attrelid AND a1.attnum = con.conkey[1]
	            LEFT JOIN
	                pg_attribute a2 ON c2.oid = a2.attrelid AND a2.attnum = con.confkey[1]
	            WHERE
	                c1.relname = 'TaxCodes' AND
	                con.contype = 'f' AND
	                c1.relnamespace = c2.relnamespace AND
	                pg_catalog.pg_table_is_visible(c1.oid);

-- [16]
SELECT
	                a.attname AS column_name,
	                NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS is_nullable,
	                pg_get_expr(ad.adbin, ad.adrelid) AS column_default,
	                CASE WHEN collname = 'default' THEN NULL ELSE collname END AS collation,
	                a.attidentity != '' AS is_autofield,
	                col_description(a.attrelid, a.attnum) AS column_comment
	            FROM pg_attribute a
	            LEFT JOIN pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
	            LEFT JOIN pg_collation co ON a.attcollation = co.oid
	            JOIN pg_type t ON a.atttypid = t.oid
	            JOIN pg_class c ON a.attrelid = c.oid
	            JOIN pg_namespace n ON c.relnamespace = n.oid
	            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
	                AND c.relname = 'TaxCodes'
	                AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
	                AND pg_catalog.pg_table_is_visible(c.oid);

-- [17]
SELECT * FROM "TaxCodes" LIMIT 1;

-- [18]
SELECT a1.attname, c2.relname, a2.attname
	            FROM pg_constraint con
	            LEFT JOIN pg_class c1 ON con.conrelid = c1.oid
	            LEFT JOIN pg_class c2 ON con.confrelid = c2.oid
	            LEFT JOIN
	                pg_attribute a1 ON c1.oid = a1.attrelid AND a1.attnum = con.conkey[1]
	            LEFT JOIN
	                pg_attribute a2 ON c2.oid = a2.attrelid AND a2.attnum = con.confkey[1]
	            WHERE
	                c1.relname = 'Banks' AND
	                con.contype = 'f' AND
	                c1.relnamespace = c2.relnamespace AND
	                pg_catalog.pg_table_is_visible(c1.oid);

-- [19]
SELECT
	                c.conname,
	                array(
	                    SELECT attname
	                    FROM unnest(c.conkey) WITH ORDINALITY cols(colid, arridx)
	                    JOIN pg_attribute AS ca ON cols.colid = ca.attnum
	                    WHERE ca.attrelid = c.conrelid
	                    ORDER BY cols.arridx
	                ),
	                c.contype,
	                (SELECT fkc.relname || '.' || fka.attname
	                FROM pg_attribute AS fka
	                JOIN pg_class AS fkc ON fka.attrelid = fkc.oid
	                WHERE fka.attrelid = c.confrelid AND fka.attnum = c.confkey[1]),
	                cl.reloptions
	            FROM pg_constraint AS c
	            JOIN pg_class AS cl ON c.conrelid = cl.oid
	            WHERE cl.relname = 'Banks' AND pg_catalog.pg_table_is_visible(cl.oid);

-- [20]
SELECT
	                indexname,
	                array_agg(attname ORDER BY arridx),
	                indisunique,
	                indisprimary,
	                array_agg(ordering ORDER BY arridx),
	                amname,
	                exprdef,
	                s2.attoptions
	            FROM (
	                SELECT
	                    c2.relname as indexname, idx.*, attr.attname, am.amname,
	                    CASE
	                        WHEN idx.indexprs IS NOT NULL THEN
	                            pg_get_indexdef(idx.indexrelid)
	                    END AS exprdef,
	                    CASE am.amname
	                        WHEN 'btree' THEN
	                            CASE (option & 1)
	                                WHEN 1 THEN 'DESC' ELSE 'ASC'
	                            END
	                    END as ordering,
	                    c2.reloptions as attoptions
	                FROM (
	                    SELECT *
	                    FROM
	                        pg_index i,
	                        unnest(i.indkey, i.indoption)
	                            WITH ORDINALITY koi(key, option, arridx)
	                ) idx
	                LEFT JOIN pg_class c ON idx.indrelid = c.oid
	                LEFT JOIN pg_class c2 ON idx.indexrelid = c2.oid
	                LEFT JOIN pg_am am ON c2.relam = am.oid
	                LEFT JOIN
	                    pg_attribute attr ON attr.attrelid = c.oid AND attr.attnum = idx.key
	                WHERE c.relname = 'Banks' AND pg_catalog.pg_table_is_visible(c.oid)
	            ) s2
	            GROUP BY indexname, indisunique, indisprimary, amname, exprdef, attoptions;

-- [21]
SELECT
	                a.attname AS column_name,
	                NOT (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) AS is_nullable,
	                pg_get_expr(ad.adbin, ad.adrelid) AS column_default,
	                CASE WHEN collname = 'default' THEN NULL ELSE collname END AS collation,
	                a.attidentity != '' AS is_autofield,
	                col_description(a.attrelid, a.attnum) AS column_comment
	            FROM pg_attribute a
	            LEFT JOIN pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
	            LEFT JOIN pg_collation co ON a.attcollation = co.oid
	            JOIN pg_type t ON a.atttypid = t.oid
	            JOIN pg_class c ON a.attrelid = c.oid
	            JOIN pg_namespace n ON c.relnamespace = n.oid
	            WHERE c.relkind IN ('f', 'm', 'p', 'r', 'v')
	                AND c.relname = 'Banks'
	                AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
	                AND pg_catalog.pg_table_is_visible(c.oid);

-- [22]
SELECT * FROM "Banks" LIMIT 1;

-- [23]
SELECT "Customers"."Id", "Customers"."Reference", "Customers"."Name", "Customers"."ShortName", "Customers"."Balance", "Customers"."OnHold", "Customers"."AccountStatusType", "Customers"."CurrencyId", "Customers"."ExchangeRateType", "Customers"."TelephoneCountryCode", "Customers"."TelephoneAreaCode", "Customers"."TelephoneSubscriberNumber", "Customers"."FaxCountryCode", "Customers"."FaxAreaCode", "Customers"."FaxSubscriberNumber", "Customers"."Website", "Customers"."CreditLimit", "Customers"."DefaultTaxCodeId", "Customers"."VatNumber", "Customers"."DunsCode", "Customers"."AnalysisCode1", "Customers"."AnalysisCode2", "Customers"."AnalysisCode3", "Customers"."AnalysisCode4", "Customers"."AnalysisCode5", "Customers"."AverageTimeToPay", "Customers"."ValueOfCurrentOrdersInSop", "Customers"."CountryCodeId", "Customers"."CountryCode", "Customers"."CountryCodeName", "Customers"."CountryCodeEuMember", "Customers"."MainAddress_1", "Customers"."MainAddress_2", "Customers"."MainAddress_3", "Customers"."MainAddress_4", "Customers"."MainAddressCity", "Customers"."MainAddressCounty", "Customers"."MainAddressPostcode", "Customers"."Contacts", "Customers"."DateTimeUpdated" FROM "Customers" ORDER BY "Customers"."Id" ASC LIMIT 3;

-- [24]
SELECT COUNT(*) FROM (SELECT "Customers"."Id" AS "col1" FROM "Customers" WHERE "Customers"."Id" >= 0 LIMIT 5) subquery;

-- [25]
SELECT "Customers"."Id" AS "id" FROM "Customers" ORDER BY 1 ASC LIMIT 3;

-- [26]
SELECT "Currencies"."Id", "Currencies"."Symbol", "Currencies"."Name", "Currencies"."CoreCurrencyRate", "Currencies"."EuroCurrencyRate", "Currencies"."CurrencyIsoCodeId", "Currencies"."CurrencyIsoCode", "Currencies"."CurrencyIsoCodeName", "Currencies"."IsBaseCurrency", "Currencies"."IsEuroCurrency", "Currencies"."DateTimeUpdated" FROM "Currencies" ORDER BY "Currencies"."Id" ASC LIMIT 3;

-- [27]
SELECT COUNT(*) FROM (SELECT "Currencies"."Id" AS "col1" FROM "Currencies" WHERE "Currencies"."Id" >= 0 LIMIT 5) subquery;

-- [28]
SELECT "Currencies"."Id" AS "id" FROM "Currencies" ORDER BY 1 ASC LIMIT 3;

-- [29]
SELECT "TaxCodes"."Id", "TaxCodes"."Code", "TaxCodes"."Name", "TaxCodes"."TaxRate", "TaxCodes"."Terms", "TaxCodes"."TermsDescription", "TaxCodes"."DateTimeUpdated" FROM "TaxCodes" ORDER BY "TaxCodes"."Id" ASC LIMIT 3;

-- [30]
SELECT COUNT(*) FROM (SELECT "TaxCodes"."Id" AS "col1" FROM "TaxCodes" WHERE "TaxCodes"."Id" >= 0 LIMIT 5) subquery;

-- [31]
SELECT "TaxCodes"."Id" AS "id" FROM "TaxCodes" ORDER BY 1 ASC LIMIT 3;

-- [32]
SELECT "Banks"."Id", "Banks"."Code", "Banks"."Description", "Banks"."SortCode", "Banks"."AccountNo", "Banks"."BankName", "Banks"."AccountType", "Banks"."AccountStatusType", "Banks"."Balance", "Banks"."BalanceInBase", "Banks"."OverdraftLimit", "Banks"."AccountName", "Banks"."Iban", "Banks"."Bic", "Banks"."StatementBalance", "Banks"."StatementDate", "Banks"."AccountCurrencyId", "Banks"."BankAddressId", "Banks"."BankAddressContact", "Banks"."BankAddressCountry", "Banks"."BankAddressCity", "Banks"."BankAddressPostcode", "Banks"."BankAddress_1", "Banks"."BankAddress_2", "Banks"."BankAddress_3", "Banks"."BankAddress_4", "Banks"."BankContacts", "Banks"."DateTimeUpdated" FROM "Banks" ORDER BY "Banks"."Id" ASC LIMIT 3;

-- [33]
SELECT COUNT(*) FROM (SELECT "Banks"."Id" AS "col1" FROM "Banks" WHERE "Banks"."Id" >= 0 LIMIT 5) subquery;

-- [34]
SELECT "Banks"."Id" AS "id" FROM "Banks" ORDER BY 1 ASC LIMIT 3;
