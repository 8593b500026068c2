// pgjdbc (DBeaver's driver) browsing our server through DatabaseMetaData, then querying a view.
// Run by test_client_jdbc.py as: java -cp /usr/share/java/postgresql.jar JdbcClientProbe.java <url> <user> <password> [customer id]
// Prints one tab-separated line per fact; the Python test asserts on them.
import java.sql.*;
import java.util.Properties;

public class JdbcClientProbe {
    static void rows(String label, ResultSet rs, String... columns) throws SQLException {
        try (rs) {
            int n = 0;
            while (rs.next()) {
                StringBuilder line = new StringBuilder(label);
                for (String c : columns) line.append('\t').append(rs.getString(c));
                System.out.println(line);
                n++;
            }
            System.out.println(label + "-count\t" + n);
        }
    }

    static void step(String label, Runnable0 body) {
        try {
            body.run();
        } catch (Exception e) {
            String state = e instanceof SQLException s ? s.getSQLState() : e.getClass().getSimpleName();
            System.out.println(label + "-error\t" + state + "\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
    }

    interface Runnable0 { void run() throws Exception; }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        props.setProperty("password", args[2]);
        props.setProperty("sslmode", "disable");
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            DatabaseMetaData meta = conn.getMetaData();
            System.out.println("product\t" + meta.getDatabaseProductName() + "\t" + meta.getDatabaseMajorVersion());
            step("catalogs", () -> rows("catalogs", meta.getCatalogs(), "TABLE_CAT"));
            step("schemas", () -> rows("schemas", meta.getSchemas(), "TABLE_SCHEM", "TABLE_CATALOG"));
            step("tables", () -> rows("tables", meta.getTables(null, "StandardUK", "Cust%", new String[]{"TABLE", "VIEW"}),
                "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS"));
            step("systables", () -> rows("systables", meta.getTables(null, "sys", "%", null), "TABLE_NAME", "TABLE_TYPE"));
            step("columns", () -> rows("columns", meta.getColumns(null, "StandardUK", "Customers", "%"),
                "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NULLABLE", "ORDINAL_POSITION", "REMARKS"));
            step("allcolumns", () -> rows("allcolumns", meta.getColumns(null, "%UK", "%", "%"),
                "TABLE_SCHEM", "TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "NULLABLE", "ORDINAL_POSITION"));
            step("allpks", () -> rows("allpks", meta.getPrimaryKeys(null, "StandardUK", null), "TABLE_NAME", "COLUMN_NAME", "KEY_SEQ", "PK_NAME"));
            step("pk", () -> rows("pk", meta.getPrimaryKeys(null, "StandardUK", "Customers"), "COLUMN_NAME", "KEY_SEQ", "PK_NAME"));
            step("imported", () -> rows("imported", meta.getImportedKeys(null, "StandardUK", "Customers"),
                "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME", "FKCOLUMN_NAME", "FK_NAME"));
            step("exported", () -> rows("exported", meta.getExportedKeys(null, "StandardUK", "Customers"),
                "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "PKCOLUMN_NAME", "FK_NAME"));
            step("index", () -> rows("index", meta.getIndexInfo(null, "StandardUK", "Customers", false, true),
                "INDEX_NAME", "NON_UNIQUE", "COLUMN_NAME", "ORDINAL_POSITION"));
            step("typeinfo", () -> rows("typeinfo", meta.getTypeInfo(), "TYPE_NAME", "DATA_TYPE"));
            step("functions", () -> rows("functions", meta.getFunctions(null, "StandardUK", "%"), "FUNCTION_NAME", "FUNCTION_TYPE"));
            if (args.length < 4) return;  // metadata only (the PostgreSQL mirror has no rows)

            step("select", () -> {
                try (Statement st = conn.createStatement();
                     ResultSet rs = st.executeQuery("SELECT \"Id\", \"Reference\", \"Name\", \"Balance\" FROM \"StandardUK\".\"Customers\" ORDER BY \"Id\" LIMIT 5")) {
                    ResultSetMetaData md = rs.getMetaData();
                    System.out.println("select-meta\t" + md.getColumnTypeName(1) + "\t" + md.getColumnTypeName(2) + "\t"
                        + md.getColumnTypeName(4) + "\t" + md.getPrecision(4) + "\t" + md.getScale(4) + "\t" + md.getTableName(2));
                    // pgjdbc looks these up in pg_attribute/pg_class by the RowDescription's table OID and attnum
                    System.out.println("select-base\t" + md.getSchemaName(1) + "\t" + md.getColumnName(1) + "\t"
                        + md.isNullable(1) + "\t" + md.isNullable(2) + "\t" + md.isAutoIncrement(1));
                    while (rs.next()) {
                        System.out.println("select\t" + rs.getLong(1) + "\t" + rs.getString(2) + "\t" + rs.getString(3) + "\t" + rs.getBigDecimal(4));
                    }
                }
            });
            // prepareThreshold=5: executions 5+ use a named server-side statement with binary results.
            step("prepared", () -> {
                try (PreparedStatement ps = conn.prepareStatement(
                        "SELECT \"Reference\", \"Balance\", \"DateTimeUpdated\" FROM \"StandardUK\".\"Customers\" WHERE \"Id\" = ?")) {
                    for (int i = 0; i < 7; i++) {
                        ps.setLong(1, Long.parseLong(args[3]));
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            System.out.println("prepared\t" + i + "\t" + rs.getString(1) + "\t" + rs.getBigDecimal(2) + "\t"
                                + (rs.getTimestamp(3) != null));
                        }
                    }
                }
            });
            // DBeaver's result viewer reads with a fetch size: inside a transaction pgjdbc then pulls the
            // portal in chunks (Execute with a row limit, PortalSuspended, Execute again).
            step("fetchsize", () -> {
                conn.setAutoCommit(false);
                try (Statement st = conn.createStatement()) {
                    st.setFetchSize(7);
                    long n = 0, last = Long.MIN_VALUE;
                    boolean ordered = true;
                    try (ResultSet rs = st.executeQuery("SELECT \"Id\" FROM \"StandardUK\".\"Customers\" ORDER BY \"Id\"")) {
                        while (rs.next()) {
                            ordered &= rs.getLong(1) > last;
                            last = rs.getLong(1);
                            n++;
                        }
                    }
                    System.out.println("fetchsize\t" + n + "\t" + ordered);
                } finally {
                    conn.commit();
                    conn.setAutoCommit(true);
                }
            });
            step("bad", () -> {
                try (Statement st = conn.createStatement()) {
                    st.executeQuery("SELECT * FROM \"StandardUK\".\"NoSuchView\"");
                }
            });
            step("after", () -> {
                try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM \"StandardUK\".\"Currencies\"")) {
                    rs.next();
                    System.out.println("after\t" + rs.getLong(1));
                }
            });
        }
    }
}
