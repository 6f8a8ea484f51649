package io.streambus.jms;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.UserTransaction;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.UnaryOperator;
import javax.transaction.xa.XAResource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Test support for the JTA tests: Narayana as the transaction manager, and an H2 database enlisted in the current
 * transaction the way a JCA/XA connection pool does it ({@link XaDatabase}). Not thread-safe beyond what Narayana and
 * H2 are.
 */
final class JtaSupport {
    private JtaSupport() {
    }

    /**
     * Narayana's transaction manager with its object store under {@code dir}. Narayana reads its settings once per
     * JVM, when it first starts: a test class that runs after another one (same surefire fork) keeps the first one's
     * store, which Narayana recreates if that class's temporary directory is gone.
     */
    static TransactionManager transactionManager(Path dir) throws Exception {
        for (String store : new String[] {null, "communicationStore", "stateStore"}) {
            ObjectStoreEnvironmentBean bean = store == null
                    ? BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class)
                    : BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, store);
            bean.setObjectStoreDir(dir.resolve("narayana").toString());
        }
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("1");
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    /** Narayana's UserTransaction (Spring's JtaTransactionManager takes both). */
    static UserTransaction userTransaction() {
        return com.arjuna.ats.jta.UserTransaction.userTransaction();
    }

    /** An H2 database with one table {@code orders(id)}, written inside JTA transactions through H2's XADataSource. */
    static final class XaDatabase {
        private final JdbcDataSource source = new JdbcDataSource();
        private final TransactionManager tm;

        XaDatabase(TransactionManager tm, String name) throws SQLException {
            this.tm = tm;
            source.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
            try (java.sql.Connection c = source.getConnection()) {
                c.createStatement().execute("create table orders (id varchar(64) primary key)");
            }
        }

        /** Inserts {@code id} in the current transaction. */
        void insert(String id) throws Exception {
            insert(id, UnaryOperator.identity());
        }

        /**
         * Inserts {@code id} in the current transaction, enlisting a new XA connection's resource ({@code wrap}ped);
         * the connection is closed when the transaction completes.
         */
        void insert(String id, UnaryOperator<XAResource> wrap) throws Exception {
            Transaction tx = tm.getTransaction();
            if (tx == null || tx.getStatus() != Status.STATUS_ACTIVE) {
                throw new IllegalStateException("no active JTA transaction: " + tx);
            }
            javax.sql.XAConnection xc = source.getXAConnection();
            tx.registerSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    try {
                        xc.close();
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            tx.enlistResource(wrap.apply(xc.getXAResource()));
            try (PreparedStatement st = xc.getConnection().prepareStatement("insert into orders values (?)")) {
                st.setString(1, id);
                st.executeUpdate();
            }
        }

        /** Whether {@code id} is committed. */
        boolean exists(String id) throws SQLException {
            try (java.sql.Connection c = source.getConnection();
                 PreparedStatement st = c.prepareStatement("select count(*) from orders where id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == 1;
                }
            }
        }
    }
}
