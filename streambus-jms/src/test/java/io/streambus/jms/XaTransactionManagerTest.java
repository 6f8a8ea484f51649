package io.streambus.jms;

import io.streambus.jms.internal.DelegatingXAResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.Uid;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.ats.jta.xa.XidImple;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.testing.ChildBroker;
import io.streambus.broker.testing.LeakCheck;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.protocol.txn.XaBranch;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.XAConnection;
import jakarta.jms.XASession;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.h2.jdbcx.JdbcDataSource;
import org.jboss.narayana.jta.jms.JmsXAResourceRecoveryHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * StreamBus and an H2 database in one JTA transaction run by a real transaction manager (Narayana): both commit,
 * both roll back, a failed prepare of either rolls both back, the one-phase optimisation, and crash recovery (a
 * child-JVM broker is SIGKILLed between prepare and commit, comes back with the branch in doubt, and Narayana's
 * recovery manager commits it; a prepared branch the TM has no log for is rolled back by recovery).
 */
@ExtendWith(LeakCheck.class)
class XaTransactionManagerTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dir;
    private static EmbeddedBroker broker;
    private static int port;
    private static JdbcDataSource database;
    private static TransactionManager tm;
    private static RecoveryManager recovery;

    private final List<Connection> connections = new ArrayList<>();
    private final List<javax.sql.XAConnection> sqlConnections = new ArrayList<>();
    private JmsXAResourceRecoveryHelper recoveryHelper;

    @BeforeAll
    static void startAll() throws Exception {
        for (String store : new String[] {null, "communicationStore", "stateStore"}) {
            ObjectStoreEnvironmentBean bean = store == null
                    ? BeanPopulator.getDefaultInstance(ObjectStoreEnvironmentBean.class)
                    : BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, store);
            bean.setObjectStoreDir(dir.resolve("narayana").toString());
        }
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("1");
        jtaPropertyManager.getJTAEnvironmentBean().setXaRecoveryNodes(List.of("1"));
        jtaPropertyManager.getJTAEnvironmentBean().setOrphanSafetyInterval(0);
        recoveryPropertyManager.getRecoveryEnvironmentBean().setRecoveryBackoffPeriod(1);
        recoveryPropertyManager.getRecoveryEnvironmentBean().setPeriodicRecoveryPeriod(3600); // we scan by hand
        recovery = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        recovery.initialize();
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();

        database = new JdbcDataSource();
        database.setURL("jdbc:h2:" + dir.resolve("db") + ";DB_CLOSE_DELAY=-1");
        try (java.sql.Connection c = database.getConnection()) {
            c.createStatement().execute("create table orders (id varchar(64) primary key)");
        }
        broker = EmbeddedBroker.builder().port(0).dataDir(dir.resolve("broker")).build();
        port = broker.start();
    }

    @AfterAll
    static void stopAll() {
        if (broker != null) {
            broker.close();
        }
        if (recovery != null) {
            recovery.terminate();
        }
    }

    /** Closes what the test opened (also called by a test before the broker it used goes away). */
    @AfterEach
    void closeConnections() throws Exception {
        if (recoveryHelper != null) {
            XARecoveryModule.getRegisteredXARecoveryModule().removeXAResourceRecoveryHelper(recoveryHelper);
            recoveryHelper = null;
        }
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
        for (javax.sql.XAConnection c : sqlConnections) {
            c.close();
        }
        sqlConnections.clear();
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
    }

    private static String url(String extra) {
        return url(port, extra);
    }

    private static String url(int brokerPort, String extra) {
        return "streambus://127.0.0.1:" + brokerPort + "?fetch.backoff.ms=5&pollInterval=20&requestTimeout=5000"
                + "&closeTimeout=5000&sendTimeout=5000&reconnect.backoff.max.ms=200&circuit.breaker.open.ms=200"
                + (extra.isEmpty() ? "" : "&" + extra);
    }

    private static String unique(String base) {
        return base + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100000;
    }

    private static StreamBusXAConnectionFactory xaFactory(String prefix) {
        return xaFactory(port, prefix);
    }

    private static StreamBusXAConnectionFactory xaFactory(int brokerPort, String prefix) {
        StreamBusXAConnectionFactory f = new StreamBusXAConnectionFactory(url(brokerPort, ""));
        f.setXaPrefix(prefix);
        f.setXaRetryTimeout(500);
        return f;
    }

    private XASession xaSession(String prefix) throws JMSException {
        return xaSession(port, prefix);
    }

    private XASession xaSession(int brokerPort, String prefix) throws JMSException {
        XAConnection c = xaFactory(brokerPort, prefix).createXAConnection();
        connections.add(c);
        c.start();
        return c.createXASession();
    }

    /** A started read_committed connection with client id {@code clientId} to the broker at {@code brokerPort}. */
    private Connection readerConnection(int brokerPort, String clientId) throws JMSException {
        Connection c = new StreamBusConnectionFactory(url(brokerPort, "isolation.level=read_committed"))
                .createConnection();
        connections.add(c);
        c.setClientID(clientId);
        c.start();
        return c;
    }

    private static MessageConsumer durableSubscriber(Connection c, String topic) throws JMSException {
        Session session = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return session.createDurableSubscriber(session.createTopic(topic), "orders");
    }

    private MessageConsumer committedReader(Topic t) throws JMSException {
        Connection c = new StreamBusConnectionFactory(url("isolation.level=read_committed")).createConnection();
        connections.add(c);
        c.start();
        return c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(t);
    }

    /** Enlists the database's XAResource ({@code wrap}ped) in {@code tx} and inserts {@code id} there. */
    private XAResource insertOrder(Transaction tx, String id, UnaryOperator<XAResource> wrap) throws Exception {
        javax.sql.XAConnection xc = database.getXAConnection();
        sqlConnections.add(xc);
        XAResource r = wrap.apply(xc.getXAResource());
        tx.enlistResource(r);
        try (PreparedStatement st = xc.getConnection().prepareStatement("insert into orders values (?)")) {
            st.setString(1, id);
            st.executeUpdate();
        }
        return r;
    }

    /**
     * Begins a transaction that inserts order {@code id} and sends {@code id} to {@code t} through {@code s}, whose
     * resource is enlisted as {@code jms}.
     */
    private void beginOrderAndMessage(String id, XASession s, XAResource jms, Topic t) throws Exception {
        tm.begin();
        Transaction tx = tm.getTransaction();
        insertOrder(tx, id, UnaryOperator.identity());
        send(tx, s, jms, t, id);
    }

    private static boolean orderExists(String id) throws SQLException {
        try (java.sql.Connection c = database.getConnection();
             PreparedStatement st = c.prepareStatement("select count(*) from orders where id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    /** Sends {@code text} to {@code t} in {@code tx} through {@code s}, enlisting {@code resource} first. */
    private static void send(Transaction tx, XASession s, XAResource resource, Topic t, String text) throws Exception {
        tx.enlistResource(resource);
        s.createProducer(t).send(s.createTextMessage(text));
    }

    private static String text(jakarta.jms.Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    @Test
    void theRowAndTheMessageCommitTogether() throws Exception {
        XASession s = xaSession(unique("tm-commit"));
        Topic t = s.createTopic(unique("orders"));
        MessageConsumer reader = committedReader(t);
        String id = unique("order");
        beginOrderAndMessage(id, s, s.getXAResource(), t);
        assertThat(reader.receive(200)).as("nothing before the commit").isNull();
        tm.commit();
        assertThat(text(reader.receive(5000))).isEqualTo(id);
        assertThat(orderExists(id)).isTrue();
    }

    @Test
    void theRowAndTheMessageRollBackTogether() throws Exception {
        XASession s = xaSession(unique("tm-rollback"));
        Topic t = s.createTopic(unique("orders"));
        MessageConsumer reader = committedReader(t);
        String id = unique("order");
        beginOrderAndMessage(id, s, s.getXAResource(), t);
        tm.rollback();

        // The same session works in the next transaction; only its message arrives.
        String next = unique("order");
        beginOrderAndMessage(next, s, s.getXAResource(), t);
        tm.commit();
        assertThat(text(reader.receive(5000))).isEqualTo(next);
        assertThat(orderExists(id)).isFalse();
        assertThat(orderExists(next)).isTrue();
    }

    @Test
    void aFailedPrepareOfTheDatabaseRollsBackTheMessage() throws Exception {
        XASession s = xaSession(unique("tm-dbfail"));
        Topic t = s.createTopic(unique("orders"));
        MessageConsumer reader = committedReader(t);
        String id = unique("order");
        tm.begin();
        Transaction tx = tm.getTransaction();
        send(tx, s, s.getXAResource(), t, id); // prepared first, then rolled back by Xid
        insertOrder(tx, id, FailingPrepare::new);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(orderExists(id)).isFalse();
        assertThat(reader.receive(500)).isNull();
    }

    @Test
    void aFailedPrepareOfTheBrokerRollsBackTheRow() throws Exception {
        String prefix = unique("tm-sbfail");
        XASession s = xaSession(prefix);
        Topic t = s.createTopic(unique("orders"));
        MessageConsumer reader = committedReader(t);
        String id = unique("order");
        beginOrderAndMessage(id, s, s.getXAResource(), t);
        // An operator ends the open branch (B.7.8.7): the branch's PrepareTxn is then refused.
        try (StreamBusClient raw = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            List<XaBranch> open = raw.admin().listXaBranches(prefix + ":xa:", List.of("Ongoing"))
                    .get(5, TimeUnit.SECONDS);
            assertThat(open).hasSize(1);
            raw.admin().rollbackXaBranch(prefix, open.get(0).xid()).get(5, TimeUnit.SECONDS);
        }
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);
        assertThat(orderExists(id)).isFalse();
        assertThat(reader.receive(500)).isNull();
    }

    @Test
    void aTransactionWithTheBrokerAloneCommitsInOnePhase() throws Exception {
        XASession s = xaSession(unique("tm-1pc"));
        Topic t = s.createTopic(unique("orders"));
        MessageConsumer reader = committedReader(t);
        Recording recorded = new Recording(s.getXAResource());
        tm.begin();
        send(tm.getTransaction(), s, recorded, t, "alone");
        tm.commit();
        assertThat(recorded.calls).containsExactly("start", "end", "commit(onePhase=true)");
        assertThat(text(reader.receive(5000))).isEqualTo("alone");
    }

    @Test
    void aBrokerKilledBetweenPrepareAndCommitIsRecoveredByTheTransactionManager() throws Exception {
        String prefix = unique("tm-crash");
        Path data = dir.resolve(unique("killed"));
        String topic = unique("orders");
        String id = unique("order");
        String readerId = unique("reader");
        try (ChildBroker first = ChildBroker.start(data)) {
            // A read_committed durable subscription made before the transaction: it resumes after the restart.
            Connection before = readerConnection(first.port(), readerId);
            durableSubscriber(before, topic);
            before.close();

            XAConnection app = xaFactory(first.port(), prefix).createXAConnection();
            connections.add(app);
            XASession s = app.createXASession();
            // SIGKILL just before the TM's commit reaches the broker: that commit fails with XAER_RMFAIL.
            KillBeforeCommit killing = new KillBeforeCommit(s.getXAResource(), first);
            beginOrderAndMessage(id, s, killing, s.createTopic(topic));
            tm.commit(); // the decision is logged; the failed participant is left to recovery
            assertThat(killing.commitFailure).isNotNull();
            assertThat(killing.commitFailure.errorCode).isEqualTo(XAException.XAER_RMFAIL);
            assertThat(orderExists(id)).isTrue();
            // The application goes away too (its client would otherwise send the commit again once a broker is
            // back, which would also be correct, but would leave nothing for recovery to do).
            app.close();
        }
        try (ChildBroker second = ChildBroker.start(data)) {
            // In doubt after the restart: listed by a fresh resource, invisible to read_committed readers.
            XAResource fresh = xaSession(second.port(), prefix).getXAResource();
            assertThat(fresh.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).hasSize(1);
            MessageConsumer reader = durableSubscriber(readerConnection(second.port(), readerId), topic);
            assertThat(reader.receive(300)).isNull();

            recoveryHelper = new JmsXAResourceRecoveryHelper(xaFactory(second.port(), prefix));
            XARecoveryModule.getRegisteredXARecoveryModule().addXAResourceRecoveryHelper(recoveryHelper);
            recovery.scan();
            assertThat(text(reader.receive(10000))).isEqualTo(id);
            assertThat(fresh.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).isEmpty();
            closeConnections(); // before the broker goes
        }
    }

    @Test
    void aPreparedBranchWithoutATransactionLogIsRolledBackByRecovery() throws Exception {
        String prefix = unique("tm-orphan");
        XASession s = xaSession(prefix);
        Topic t = s.createTopic(unique("orders"));
        MessageConsumer reader = committedReader(t);
        // A TM of node "1" that crashed after the prepare, before it logged its decision: presumed abort.
        XAResource r = s.getXAResource();
        Xid orphan = new XidImple(new Uid());
        r.start(orphan, XAResource.TMNOFLAGS);
        s.createProducer(t).send(s.createTextMessage("orphan"));
        r.end(orphan, XAResource.TMSUCCESS);
        assertThat(r.prepare(orphan)).isEqualTo(XAResource.XA_OK);
        assertThat(Arrays.stream(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .anyMatch(x -> Arrays.equals(x.getGlobalTransactionId(), orphan.getGlobalTransactionId()))).isTrue();

        recoveryHelper = new JmsXAResourceRecoveryHelper(xaFactory(prefix));
        XARecoveryModule.getRegisteredXARecoveryModule().addXAResourceRecoveryHelper(recoveryHelper);
        recovery.scan();
        recovery.scan(); // the orphan is judged on the pass after the one that first saw it
        assertThat(r.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN)).isEmpty();
        s.createProducer(t).send(s.createTextMessage("after")); // outside a transaction: sent at once
        assertThat(text(reader.receive(5000))).isEqualTo("after");
    }

    /** A database whose prepare fails: it rolls its branch back and says so (XA_RBROLLBACK). */
    private static final class FailingPrepare extends DelegatingXAResource {
        FailingPrepare(XAResource delegate) {
            super(delegate);
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            delegate.rollback(xid);
            XAException x = new XAException("the database could not prepare");
            x.errorCode = XAException.XA_RBROLLBACK;
            throw x;
        }
    }

    /** Records the XA calls it passes on. */
    private static final class Recording extends DelegatingXAResource {
        final List<String> calls = new CopyOnWriteArrayList<>();

        Recording(XAResource delegate) {
            super(delegate);
        }

        @Override
        public void start(Xid xid, int flags) throws XAException {
            calls.add("start");
            super.start(xid, flags);
        }

        @Override
        public void end(Xid xid, int flags) throws XAException {
            calls.add("end");
            super.end(xid, flags);
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            calls.add("prepare");
            return super.prepare(xid);
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            calls.add("commit(onePhase=" + onePhase + ")");
            super.commit(xid, onePhase);
        }
    }

    /** SIGKILLs a broker when the TM's commit arrives, then passes the commit on (it cannot reach the broker). */
    private static final class KillBeforeCommit extends DelegatingXAResource {
        private final ChildBroker broker;
        volatile XAException commitFailure;

        KillBeforeCommit(XAResource delegate, ChildBroker broker) {
            super(delegate);
            this.broker = broker;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            try {
                broker.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                super.commit(xid, onePhase);
            } catch (XAException e) {
                commitFailure = e;
                throw e;
            }
        }
    }
}
