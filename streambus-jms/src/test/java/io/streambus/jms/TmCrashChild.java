package io.streambus.jms;

import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import io.streambus.jms.internal.DelegatingXAResource;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;
import org.jboss.narayana.jta.jms.JmsXAResourceRecoveryHelper;

/**
 * The transaction manager's own JVM, for {@link XaTransactionManagerCrashTest}. {@code crash <url> <xaPrefix>
 * <storeParent> <jdbcUrl> <topic> <id>}: Narayana runs one JTA transaction that inserts {@code id} into H2 and sends it
 * to {@code topic}; once both resources are prepared and the decision is logged, the first commit the TM sends halts
 * this JVM (exit 77, as abrupt as SIGKILL: no shutdown hooks, nothing flushed). {@code recover <url> <xaPrefix>
 * <storeParent> <jdbcUrl>}: a new Narayana on the same object store runs its recovery manager over both resources,
 * as an application server does at start, and exits 0.
 */
public final class TmCrashChild {
    static final int HALTED = 77;

    private TmCrashChild() {
    }

    /**
     * Runs one mode.
     *
     * @param args the mode and its arguments (class Javadoc)
     */
    public static void main(String[] args) throws Exception {
        String url = args[1];
        String prefix = args[2];
        Path storeParent = Path.of(args[3]);
        JdbcDataSource database = new JdbcDataSource();
        database.setURL(args[4]);
        TransactionManager tm = narayana(storeParent);
        StreamBusXAConnectionFactory factory = new StreamBusXAConnectionFactory(url);
        factory.setXaPrefix(prefix);
        if (args[0].equals("crash")) {
            crash(tm, factory, database, args[5], args[6]);
        } else {
            recover(factory, database);
        }
    }

    /** Narayana on the object store {@code storeParent/narayana}, as the JTA tests configure it, recovering node 1. */
    private static TransactionManager narayana(Path storeParent) throws Exception {
        TransactionManager tm = JtaSupport.transactionManager(storeParent);
        jtaPropertyManager.getJTAEnvironmentBean().setXaRecoveryNodes(List.of("1"));
        recoveryPropertyManager.getRecoveryEnvironmentBean().setRecoveryBackoffPeriod(1);
        recoveryPropertyManager.getRecoveryEnvironmentBean().setPeriodicRecoveryPeriod(3600); // scanned by hand
        return tm;
    }

    private static void crash(TransactionManager tm, StreamBusXAConnectionFactory factory, JdbcDataSource database,
                              String topic, String id) throws Exception {
        XAConnection jms = factory.createXAConnection();
        XASession session = jms.createXASession();
        javax.sql.XAConnection sql = database.getXAConnection();
        tm.begin();
        Transaction tx = tm.getTransaction();
        tx.enlistResource(new HaltOnCommit(sql.getXAResource()));
        try (PreparedStatement st = sql.getConnection().prepareStatement("insert into orders values (?)")) {
            st.setString(1, id);
            st.executeUpdate();
        }
        tx.enlistResource(new HaltOnCommit(session.getXAResource()));
        session.createProducer(session.createTopic(topic)).send(session.createTextMessage(id));
        tm.commit();
        System.err.println("TmCrashChild: the commit returned without reaching a resource");
        System.exit(1);
    }

    private static void recover(StreamBusXAConnectionFactory factory, JdbcDataSource database) throws Exception {
        RecoveryManager recovery = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        recovery.initialize();
        XARecoveryModule module = XARecoveryModule.getRegisteredXARecoveryModule();
        module.addXAResourceRecoveryHelper(new JmsXAResourceRecoveryHelper(factory));
        H2Recovery h2 = new H2Recovery(database);
        module.addXAResourceRecoveryHelper(h2);
        // The first pass lists the in-doubt branches; the second finishes them (Narayana's two-pass scan).
        recovery.scan();
        recovery.scan();
        h2.close();
        recovery.terminate();
        System.exit(0);
    }

    /** Halts the JVM on the TM's first commit: both branches are prepared and the decision is in the log. */
    private static final class HaltOnCommit extends DelegatingXAResource {
        HaltOnCommit(XAResource delegate) {
            super(delegate);
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            if (onePhase) {
                throw new IllegalStateException("the TM chose one-phase commit: there is no crash window to test");
            }
            Runtime.getRuntime().halt(HALTED);
        }
    }

    /** H2's XAResource for Narayana's recovery scan: a new XA connection per scan, closed at the end. */
    private static final class H2Recovery implements XAResourceRecoveryHelper {
        private final JdbcDataSource database;
        private final Set<javax.sql.XAConnection> open = ConcurrentHashMap.newKeySet();

        H2Recovery(JdbcDataSource database) {
            this.database = database;
        }

        @Override
        public boolean initialise(String p) {
            return true;
        }

        @Override
        public XAResource[] getXAResources() throws Exception {
            javax.sql.XAConnection c = database.getXAConnection();
            open.add(c);
            return new XAResource[] {c.getXAResource()};
        }

        void close() throws Exception {
            List<Exception> errors = new ArrayList<>();
            for (javax.sql.XAConnection c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    errors.add(e);
                }
            }
            if (!errors.isEmpty()) {
                throw errors.get(0);
            }
        }
    }
}
