// pgjdbc against the protocol server (run by test_proto_jdbc.py with the fake engine).
// Prints one line per check; the Python test asserts on them.
import java.sql.*;
import java.util.Properties;

public class JdbcProbe {
    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", "demo");
        props.setProperty("password", "demo");
        props.setProperty("sslmode", args.length > 1 ? args[1] : "disable");
        try (Connection conn = DriverManager.getConnection(args[0], props)) {
            DatabaseMetaData meta = conn.getMetaData();
            System.out.println("version " + meta.getDatabaseMajorVersion());
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 2")) {
                while (rs.next()) {
                    System.out.println("row " + rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3) + "|"
                        + rs.getTimestamp(4).toInstant() + "|" + rs.getBoolean(5) + "|" + rs.getDate(7) + "|"
                        + rs.getString(8) + "|" + rs.getBytes(9).length + "|" + rs.getLong(10));
                }
            }
            // prepareThreshold=5: from the 5th execution a named server statement with binary results
            try (PreparedStatement ps = conn.prepareStatement("SELECT ?::int4, ?::text, ?::numeric")) {
                for (int i = 1; i <= 7; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "v" + i);
                    ps.setBigDecimal(3, new java.math.BigDecimal("1.5").multiply(java.math.BigDecimal.valueOf(i)));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        System.out.println("prepared " + rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3));
                    }
                }
            }
            conn.setAutoCommit(false);  // setFetchSize only streams inside a transaction
            try (Statement st = conn.createStatement()) {
                st.setFetchSize(4);
                int n = 0;
                try (ResultSet rs = st.executeQuery("SELECT 10")) {
                    while (rs.next()) n++;
                }
                System.out.println("fetched " + n);
            }
            conn.commit();
            conn.setAutoCommit(true);
            try (Statement st = conn.createStatement()) {
                st.executeQuery("FAIL 42P01 no such table");
            } catch (SQLException e) {
                System.out.println("error " + e.getSQLState());
            }
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
                System.out.println("after error " + rs.getInt(1));
            }
        }
    }
}
