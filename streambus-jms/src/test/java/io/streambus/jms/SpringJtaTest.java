package io.streambus.jms;

import io.streambus.jms.internal.DelegatingXAResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.protocol.txn.XaBranch;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.messaginghub.pooled.jms.JmsPoolXAConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;
import org.springframework.transaction.jta.JtaTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spring's {@link JtaTransactionManager} over Narayana, the way legacy Spring applications use XA: a
 * {@link DefaultMessageListenerContainer} and a {@link JmsTemplate} on pooled-jms's XA pool over
 * {@link StreamBusXAConnectionFactory} (the pool enlists the StreamBus session; Spring does not enlist resources
 * itself), with an H2 database as the second resource of each transaction. Covers: a listener's receive, its database
 * row and its forwarded message commit together; a listener that throws rolls all three back and the queue
 * redelivers with {@code JMSXDeliveryCount} + 1; and during the two-phase commit the StreamBus branch is Prepared as
 * seen through ListXaBranches and {@code XAResource.recover} before the database is asked to prepare.
 */
class SpringJtaTest extends BrokerSupport {
    @TempDir
    static Path jtaDir;
    private static TransactionManager narayana;
    private static JtaTransactionManager jta;
    private static JtaSupport.XaDatabase database;

    private String prefix;
    private JmsPoolXAConnectionFactory pool;
    private DefaultMessageListenerContainer container;

    @BeforeAll
    static void startTransactionManager() throws Exception {
        narayana = JtaSupport.transactionManager(jtaDir);
        jta = new JtaTransactionManager(JtaSupport.userTransaction(), narayana);
        jta.afterPropertiesSet();
        database = new JtaSupport.XaDatabase(narayana, unique("spring-jta-db"));
    }

    @AfterAll
    static void noTransactionLeft() throws Exception {
        if (narayana != null && narayana.getTransaction() != null) {
            narayana.rollback();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (container != null) {
            container.stop();
            container.destroy();
            container = null;
        }
        if (pool != null) {
            pool.stop();
            pool = null;
        }
    }

    private StreamBusXAConnectionFactory xaFactory() {
        StreamBusXAConnectionFactory xa = new StreamBusXAConnectionFactory(url(""));
        xa.setXaPrefix(prefix);
        return xa;
    }

    private JmsPoolXAConnectionFactory pool() {
        prefix = unique("spring-jta");
        pool = new JmsPoolXAConnectionFactory();
        pool.setConnectionFactory(xaFactory());
        pool.setTransactionManager(narayana);
        return pool;
    }

    /**
     * A container on {@code queue} whose listener inserts the row {@code <text>#<delivery count>}, forwards
     * {@code out-<text>#<count>} to topic {@code out} through a JmsTemplate, records {@code <text>/<count>}, and then
     * throws on the deliveries for which {@code fail} says so.
     */
    private DefaultMessageListenerContainer container(String queue, String out, List<String> seen,
                                                      java.util.function.IntPredicate fail) {
        JmsTemplate forward = new JmsTemplate(pool);
        forward.setPubSubDomain(true);
        AtomicInteger calls = new AtomicInteger();
        container = new DefaultMessageListenerContainer();
        container.setConnectionFactory(pool);
        container.setTransactionManager(jta);
        container.setDestinationName(queue);
        container.setReceiveTimeout(100);
        container.setMessageListener((SessionAwareMessageListener<Message>) (m, session) -> {
            String text = ((TextMessage) m).getText();
            int count = m.getIntProperty("JMSXDeliveryCount");
            try {
                database.insert(text + "#" + count);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            forward.convertAndSend(out, "out-" + text + "#" + count);
            seen.add(text + "/" + m.getJMSRedelivered() + "/" + count);
            if (fail.test(calls.incrementAndGet())) {
                throw new IllegalStateException("delivery " + calls.get() + " fails after its row and its send");
            }
        });
        container.afterPropertiesSet();
        container.start();
        return container;
    }

    private MessageConsumer reader(String topic) throws JMSException {
        Session s = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        return s.createConsumer(s.createTopic(topic));
    }

    private static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    @Test
    void theReceiveTheRowAndTheForwardedMessageCommitTogether() throws Exception {
        pool();
        String queue = unique("spring-jta-in");
        String out = unique("spring-jta-out");
        MessageConsumer reader = reader(out);
        List<String> seen = new CopyOnWriteArrayList<>();
        container(queue, out, seen, n -> false);
        // The sender's JmsTemplate in its own JTA transaction (StreamBus alone: one-phase).
        JmsTemplate template = new JmsTemplate(pool);
        new TransactionTemplate(jta).executeWithoutResult(status -> template.convertAndSend(queue, "a"));

        assertThat(text(reader.receive(10_000))).isEqualTo("out-a#1");
        await().atMost(Duration.ofSeconds(5)).until(() -> database.exists("a#1"));
        assertThat(seen).containsExactly("a/false/1");
        assertThat(reader.receive(500)).as("acknowledged once, in the committed transaction").isNull();
        assertThat(seen).containsExactly("a/false/1");
    }

    @Test
    void aThrowingListenerRollsBackItsRowAndItsSendAndTheQueueRedelivers() throws Exception {
        pool();
        String queue = unique("spring-jta-in");
        String out = unique("spring-jta-out");
        MessageConsumer reader = reader(out);
        List<String> seen = new CopyOnWriteArrayList<>();
        container(queue, out, seen, n -> n == 1);
        new TransactionTemplate(jta).executeWithoutResult(status -> new JmsTemplate(pool).convertAndSend(queue, "b"));

        assertThat(text(reader.receive(10_000))).as("only the second attempt's send").isEqualTo("out-b#2");
        await().atMost(Duration.ofSeconds(5)).until(() -> database.exists("b#2"));
        assertThat(seen).containsExactly("b/false/1", "b/true/2");
        assertThat(database.exists("b#1")).as("the failed attempt's row").isFalse();
        assertThat(reader.receive(300)).isNull();
    }

    @Test
    void theStreamBusBranchIsPreparedBeforeTheDatabasePrepares() throws Exception {
        pool();
        String topic = unique("spring-jta-2pc");
        String id = unique("order");
        // Read committed: a Prepared branch's message is not visible until the commit.
        Session s = track(factory("isolation.level=read_committed").createConnection(), true)
                .createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer reader = s.createConsumer(s.createTopic(topic));
        JmsTemplate template = new JmsTemplate(pool);
        template.setPubSubDomain(true);
        List<String> observed = new CopyOnWriteArrayList<>();
        new TransactionTemplate(jta).executeWithoutResult(status -> {
            template.convertAndSend(topic, id); // enlists StreamBus first: Narayana prepares in enlistment order
            try {
                database.insert(id, r -> new ObservingPrepare(r, xid -> observed.addAll(observe(xid, reader))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(observed).containsExactly("ListXaBranches: Prepared", "recover: listed",
                "read_committed reader: nothing");
        assertThat(text(reader.receive(5000))).isEqualTo(id);
        assertThat(database.exists(id)).isTrue();
        try (StreamBusClient raw = rawClient()) {
            assertThat(raw.admin().listXaBranches(prefix + ":xa:", List.of("Prepared")).get(5, TimeUnit.SECONDS))
                    .as("decided").isEmpty();
        }
        assertThat(recover()).isEmpty();
    }

    /**
     * What the broker shows of the transaction of {@code dbXid} (the database's branch: same global id as the
     * StreamBus branch) while the database is about to prepare.
     */
    private List<String> observe(Xid dbXid, MessageConsumer reader) {
        try (StreamBusClient raw = rawClient()) {
            List<XaBranch> prepared = raw.admin().listXaBranches(prefix + ":xa:", List.of("Prepared"))
                    .get(5, TimeUnit.SECONDS);
            boolean sameTransaction = prepared.size() == 1 && Arrays.equals(
                    prepared.get(0).xid().globalTransactionId(), dbXid.getGlobalTransactionId());
            boolean listed = Arrays.stream(recover()).anyMatch(x -> Arrays.equals(x.getGlobalTransactionId(),
                    dbXid.getGlobalTransactionId()) && x.getFormatId() == dbXid.getFormatId());
            Message early = reader.receive(200);
            return List.of("ListXaBranches: " + (sameTransaction ? "Prepared" : prepared),
                    "recover: " + (listed ? "listed" : "missing"),
                    "read_committed reader: " + (early == null ? "nothing" : text(early)));
        } catch (Exception e) {
            return List.of("failed: " + e);
        }
    }

    /** XAResource.recover of a fresh XA connection with no transaction (what a recovery manager does). */
    private Xid[] recover() throws Exception {
        try (jakarta.jms.XAConnection c = xaFactory().createXAConnection()) {
            return c.createXASession().getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        }
    }

    private static StreamBusClient rawClient() {
        return StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port));
    }

    /** Runs {@code before} with the branch's Xid when the transaction manager asks this resource to prepare. */
    private static final class ObservingPrepare extends DelegatingXAResource {
        private final java.util.function.Consumer<Xid> before;

        ObservingPrepare(XAResource delegate, java.util.function.Consumer<Xid> before) {
            super(delegate);
            this.before = before;
        }

        @Override
        public int prepare(Xid xid) throws XAException {
            before.accept(xid);
            return delegate.prepare(xid);
        }
    }
}
