import java.sql.*;
import java.util.Properties;

/** pgjdbc writes, as Java applications and DBeaver send them: PreparedStatement.executeUpdate with parameters,
 *  RETURN_GENERATED_KEYS (pgjdbc appends RETURNING *), run past prepareThreshold (named statements, binary).
 *  Prints one tab-separated line per step: label, then values. */
public class JdbcWriteProbe {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        props.setProperty("password", args[2]);
        props.setProperty("sslmode", "disable");
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            String insert = "INSERT INTO \"StandardUK\".\"Customers\" (\"ExternalId\", \"Reference\", \"Name\", \"CreditLimit\") VALUES (?, ?, ?, ?)";
            long id = 0;
            for (int i = 0; i < 6; i++) {  // the same ExternalId each time: one customer, updated
                try (PreparedStatement ps = conn.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, "jdbc-1");
                    ps.setString(2, "JDBC1");
                    ps.setString(3, "Jdbc Writer " + i);
                    ps.setBigDecimal(4, new java.math.BigDecimal("99.995"));
                    int count = ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong("Id");
                        System.out.println("insert\t" + count + "\t" + id + "\t" + keys.getString("Reference") + "\t" + keys.getBigDecimal("CreditLimit"));
                    }
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("UPDATE \"StandardUK\".\"Customers\" SET \"Name\"=?, \"OnHold\"=? WHERE \"Id\"=?")) {
                for (int i = 0; i < 6; i++) {
                    ps.setString(1, "Jdbc Updated " + i);
                    ps.setBoolean(2, i % 2 == 0);
                    ps.setLong(3, id);
                    System.out.println("update\t" + ps.executeUpdate());
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("UPDATE \"StandardUK\".\"Customers\" SET \"ShortName\"=? WHERE \"Id\"=?")) {
                ps.setString(1, "NINECHARS");
                ps.setLong(2, id);
                ps.executeUpdate();
                System.out.println("toolong\tno error");
            } catch (SQLException e) {
                System.out.println("toolong\t" + e.getSQLState() + "\t" + e.getMessage().split("\n")[0]);
            }
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT \"Name\", \"OnHold\" FROM \"StandardUK\".\"Customers\" WHERE \"Id\" = " + id)) {
                rs.next();
                System.out.println("read\t" + rs.getString(1) + "\t" + rs.getBoolean(2));
            }
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM \"StandardUK\".\"Customers\" WHERE \"Id\"=?")) {
                ps.setLong(1, id);
                System.out.println("delete\t" + ps.executeUpdate());
                System.out.println("delete\t" + ps.executeUpdate());
            }
            dbeaverGrid(conn);
        }
    }

    /** DBeaver's grid edits, in the SQL its JDBCTable/ExecuteInsertBatchImpl build (dbeaver/dbeaver at 2428359b74:
     *  plugins/org.jkiss.dbeaver.model.jdbc/.../JDBCTable.java updateData/deleteData, model/impl/data/
     *  ExecuteInsertBatchImpl.java): "\n\t" before SET/WHERE/VALUES, no table alias (PostgreSQL's dialect does not
     *  support one in UPDATE), `col=?` criteria, NULL values left out of an INSERT, the new row's keys read back
     *  through RETURN_GENERATED_KEYS, manual-commit mode (DBeaver's default for "smart commit" off). */
    static void dbeaverGrid(Connection conn) throws SQLException {
        conn.setAutoCommit(false);
        long id;
        try (PreparedStatement ps = conn.prepareStatement(
                "INSERT INTO \"StandardUK\".\"Customers\" (\"Reference\",\"Name\",\"MainAddressCity\")\n\tVALUES (?,?,?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, "DBV1");
            ps.setString(2, "DBeaver Grid Row");
            ps.setString(3, "Leeds");
            int count = ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong("Id");
                System.out.println("dbeaver-insert\t" + count + "\t" + keys.getString("Reference"));
            }
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE \"StandardUK\".\"Customers\"\n\tSET \"Name\"=?\n\tWHERE \"Id\"=?")) {
            ps.setString(1, "DBeaver Grid Edited");
            ps.setLong(2, id);
            System.out.println("dbeaver-update\t" + ps.executeUpdate());
        }
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE \"StandardUK\".\"Suppliers\"\n\tSET \"Name\"=?\n\tWHERE \"Id\"=?")) {
            ps.setString(1, "Nope");
            ps.setLong(2, 1);
            ps.executeUpdate();
        } catch (SQLException e) {
            System.out.println("dbeaver-readonly\t" + e.getSQLState() + "\t" + e.getMessage().split("\n")[0]);
            conn.rollback();
        }
        conn.commit();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT \"Name\", \"MainAddressCity\" FROM \"StandardUK\".\"Customers\" WHERE \"Id\" = " + id)) {
            rs.next();
            System.out.println("dbeaver-read\t" + rs.getString(1) + "\t" + rs.getString(2));
        }
        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM \"StandardUK\".\"Customers\"\n\tWHERE \"Id\"=?")) {
            ps.setLong(1, id);
            System.out.println("dbeaver-delete\t" + ps.executeUpdate());
        }
        conn.commit();
    }
}
