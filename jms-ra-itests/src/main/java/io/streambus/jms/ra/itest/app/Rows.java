package io.streambus.jms.ra.itest.app;

import jakarta.ejb.EJBException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Inserts one row through a container-managed data source (enlisted in the caller's transaction). Stateless. */
final class Rows {
    private Rows() {
    }

    /** INSERT INTO {@code table} VALUES (values...) with every value bound as an object. */
    static void insert(DataSource ds, String table, Object... values) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" VALUES (");
        for (int i = 0; i < values.length; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        sql.append(')');
        try (Connection db = ds.getConnection(); PreparedStatement insert = db.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new EJBException("insert into " + table + " failed", e);
        }
    }
}
