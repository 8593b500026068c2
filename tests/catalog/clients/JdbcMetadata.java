// Calls the pgjdbc DatabaseMetaData / ResultSetMetaData methods BI tools and IDEs use
// (DBeaver, SQuirreL, Tableau, ...), so the server log shows the catalog queries pgjdbc sends.
// Usage: java -cp postgresql.jar:. JdbcMetadata <jdbc-url> <user> [password]
import java.sql.*;

public class JdbcMetadata {
    static void drain(String label, ResultSet rs) throws SQLException {
        int n = 0;
        while (rs.next()) n++;
        rs.close();
        System.out.println(label + ": " + n);
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], args[1], args.length > 2 ? args[2] : "")) {
            DatabaseMetaData md = c.getMetaData();
            String s = "StandardUK", t = "Customers";
            drain("getCatalogs", md.getCatalogs());
            drain("getSchemas", md.getSchemas());
            drain("getSchemasPattern", md.getSchemas(null, "Standard%"));
            drain("getTableTypes", md.getTableTypes());
            drain("getTables", md.getTables(null, s, "%", new String[] {"TABLE", "VIEW"}));
            drain("getTablesAll", md.getTables(null, null, "%", null));
            drain("getColumns", md.getColumns(null, s, t, "%"));
            drain("getPrimaryKeys", md.getPrimaryKeys(null, s, t));
            drain("getImportedKeys", md.getImportedKeys(null, s, t));
            drain("getExportedKeys", md.getExportedKeys(null, s, "Currencies"));
            drain("getCrossReference", md.getCrossReference(null, s, "Currencies", null, s, t));
            drain("getIndexInfo", md.getIndexInfo(null, s, t, false, true));
            drain("getBestRowIdentifier", md.getBestRowIdentifier(null, s, t, DatabaseMetaData.bestRowSession, true));
            drain("getVersionColumns", md.getVersionColumns(null, s, t));
            drain("getTablePrivileges", md.getTablePrivileges(null, s, t));
            drain("getColumnPrivileges", md.getColumnPrivileges(null, s, t, "%"));
            drain("getTypeInfo", md.getTypeInfo());
            drain("getUDTs", md.getUDTs(null, null, "%", null));
            drain("getProcedures", md.getProcedures(null, "sys", "%"));
            drain("getProcedureColumns", md.getProcedureColumns(null, "sys", "%", "%"));
            drain("getFunctions", md.getFunctions(null, "sys", "%"));
            drain("getFunctionColumns", md.getFunctionColumns(null, "sys", "%", "%"));
            System.out.println("keywords: " + md.getSQLKeywords().length());
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM \"StandardUK\".\"Customers\"")) {
                ResultSetMetaData rm = rs.getMetaData();
                for (int i = 1; i <= Math.min(3, rm.getColumnCount()); i++) {
                    System.out.println(rm.getColumnName(i) + " " + rm.getColumnTypeName(i) + " nullable="
                        + rm.isNullable(i) + " auto=" + rm.isAutoIncrement(i) + " table=" + rm.getTableName(i)
                        + " schema=" + rm.getSchemaName(i));
                }
            }
        }
    }
}
