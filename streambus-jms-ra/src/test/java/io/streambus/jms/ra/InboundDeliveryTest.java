package io.streambus.jms.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.XAConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Message-driven delivery through the adapter against a real broker: non-transacted (acknowledged after onMessage,
 * redelivered when it throws), XA with Narayana as the container's transaction manager (the bean's database work
 * and the acknowledgement commit or roll back together; rollbacks redeliver with JMSXDeliveryCount 2 and then
 * dead-letter), maxSession sessions sharing a one-partition queue, failed setup, and deactivation.
 */
class InboundDeliveryTest extends RaTestSupport {
    private static JdbcDataSource database;

    @BeforeAll
    static void database() throws Exception {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:ra-inbound;DB_CLOSE_DELAY=-1");
        try (java.sql.Connection c = database.getConnection()) {
            c.createStatement().execute("create table orders (id varchar(64) primary key)");
        }
    }

    private static StreamBusActivationSpec spec(String queue) {
        StreamBusActivationSpec spec = new StreamBusActivationSpec();
        spec.setDestination(queue);
        spec.setDestinationType("jakarta.jms.Queue");
        spec.setMaxSession(2);
        return spec;
    }

    private void send(String queue, String... texts) throws JMSException {
        Session s = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(queue));
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
    }

    /** What is still on the queue (each receive waits up to {@code waitMs}). */
    private int drain(String queue, long waitMs) throws JMSException {
        Connection c = plainConnection();
        MessageConsumer mc = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).createQueue(queue));
        int n = 0;
        while (mc.receive(waitMs) != null) {
            n++;
        }
        mc.close();
        return n;
    }

    private static int rows(String id) throws Exception {
        try (java.sql.Connection c = database.getConnection();
             PreparedStatement st = c.prepareStatement("select count(*) from orders where id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The bean's database work: an insert through an XA connection enlisted in the delivery's transaction. */
    private static void insert(TestEndpointFactory.Endpoint endpoint, String id) throws Exception {
        XAConnection xc = database.getXAConnection();
        try {
            endpoint.tm().getTransaction().enlistResource(xc.getXAResource());
            try (PreparedStatement st = xc.getConnection().prepareStatement("insert into orders values (?)")) {
                st.setString(1, id);
                st.executeUpdate();
            }
        } finally {
            // H2 keeps the branch's work after the handle closes; the TM completes it through the XAResource.
            endpoint.tm().getTransaction().registerSynchronization(new jakarta.transaction.Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    try {
                        xc.close();
                    } catch (java.sql.SQLException ignored) {
                        // test cleanup
                    }
                }
            });
        }
    }

    @Test
    void nonTransactedDeliveryAcknowledgesAfterOnMessageAndRedeliversWhenItThrows() throws Exception {
        String queue = unique("ra-plain");
        List<String> seen = new CopyOnWriteArrayList<>();
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> {
            String text = ((TextMessage) m).getText();
            seen.add(text);
            counts.put(text, m.getIntProperty("JMSXDeliveryCount"));
            if (text.equals("boom") && m.getIntProperty("JMSXDeliveryCount") == 1) {
                throw new IllegalStateException("first delivery fails (test)");
            }
        });
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec(queue);
        ra.endpointActivation(mef, spec);
        send(queue, "a", "boom", "b");

        await().atMost(Duration.ofSeconds(15)).until(() -> counts.size() == 3 && counts.get("boom") == 2);
        assertThat(seen).containsOnly("a", "boom", "b");
        assertThat(counts).containsEntry("a", 1).containsEntry("b", 1).containsEntry("boom", 2);

        ra.endpointDeactivation(mef, spec);
        assertThat(ra.activations()).isEmpty();
        assertThat(mef.released.get()).isEqualTo(mef.endpoints.size()).isPositive();
        assertThat(drain(queue, 300)).isZero(); // everything was acknowledged
    }

    @Test
    void aJndiStyleDestinationThatIsNotBoundFallsBackToItsLastSegment() throws Exception {
        String queue = unique("ra-jndi");
        List<String> seen = new CopyOnWriteArrayList<>();
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> seen.add(((TextMessage) m).getText()));
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec("java:/jms/queue/" + queue); // an Artemis useJNDI-style name
        ra.endpointActivation(mef, spec);
        send(queue, "found");
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.contains("found"));
        ra.endpointDeactivation(mef, spec);
    }

    @Test
    void xaDeliveryCommitsTheAcknowledgementWithTheBeansDatabaseWork() throws Exception {
        String queue = unique("ra-xa-commit");
        TestEndpointFactory mef = new TestEndpointFactory(true, tm(), (m, e) -> insert(e,
                ((TextMessage) m).getText()));
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec(queue);
        ra.endpointActivation(mef, spec);
        String id = queue + "-order";
        send(queue, id);

        await().atMost(Duration.ofSeconds(15)).until(() -> mef.commits.get() == 1);
        assertThat(rows(id)).isEqualTo(1);
        ra.endpointDeactivation(mef, spec);
        assertThat(mef.rollbacks.get()).isZero();
        assertThat(drain(queue, 300)).isZero(); // acknowledged by the commit
    }

    @Test
    void xaRollbackRedeliversWithTheNextDeliveryCountAndTheLimitDeadLetters() throws Exception {
        String queue = unique("ra-xa-rollback");
        List<Integer> counts = new CopyOnWriteArrayList<>();
        TestEndpointFactory mef = new TestEndpointFactory(true, tm(), (m, e) -> {
            int count = m.getIntProperty("JMSXDeliveryCount");
            counts.add(count);
            insert(e, ((TextMessage) m).getText() + "-" + count);
            if (count == 1) {
                e.tm().setRollbackOnly(); // the bean rolls back
            } else {
                throw new IllegalStateException("the bean fails (test)"); // a system exception rolls back
            }
        });
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec(queue);
        spec.setMaxSession(1);
        spec.setMaxDeliveryAttempts(2);
        spec.setDeadLetterQueue("DLQ.{queue}");
        ra.endpointActivation(mef, spec);
        send(queue, "poison");

        Connection c = plainConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer dlq = s.createConsumer(s.createQueue("DLQ." + queue));
        Message dead = dlq.receive(20_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo("poison");
        assertThat(dead.getStringProperty("JMS_SB_OriginalDestination")).isEqualTo("queue://" + queue);
        assertThat(counts).containsExactly(1, 2);
        // The dead-letter copy is made by the broker while it aborts the second branch, so the copy may arrive
        // before the transaction manager's rollback call has returned to the endpoint.
        await().atMost(Duration.ofSeconds(10)).until(() -> mef.rollbacks.get() == 2);
        assertThat(mef.commits.get()).isZero();
        assertThat(rows("poison-1") + rows("poison-2")).isZero(); // the database work rolled back with it
        ra.endpointDeactivation(mef, spec);
    }

    @Test
    void maxSessionSessionsShareAOnePartitionQueue() throws Exception {
        String queue = unique("ra-sessions");
        int sessions = 4;
        CountDownLatch allIn = new CountDownLatch(sessions);
        Set<Object> endpointsIn = ConcurrentHashMap.newKeySet();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> {
            if (endpointsIn.add(e)) {
                allIn.countDown();
            }
            // Every session holds its first message until all four have one: only possible if all get work.
            allIn.await(15, TimeUnit.SECONDS);
            seen.add(((TextMessage) m).getText());
        });
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec(queue);
        spec.setMaxSession(sessions);
        ra.endpointActivation(mef, spec);
        String[] texts = new String[200];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = "m" + i;
        }
        send(queue, texts);

        assertThat(allIn.await(20, TimeUnit.SECONDS)).as("all %d sessions received", sessions).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == texts.length);
        // (A reconnect after a health-check timeout on a loaded machine makes new sessions, hence "at least".)
        assertThat(mef.endpoints.stream().filter(e -> e.delivered.get() > 0).count()).isGreaterThanOrEqualTo(sessions);
        ra.endpointDeactivation(mef, spec);
    }

    @Test
    void aDurableTopicSubscriptionSharedByTheSessionsKeepsMessagesWhileDeactivated() throws Exception {
        String topic = unique("ra-durable");
        List<String> seen = new CopyOnWriteArrayList<>();
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> seen.add(((TextMessage) m).getText()));
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec(topic);
        spec.setDestinationType("jakarta.jms.Topic");
        spec.setSubscriptionDurability("Durable");
        spec.setSubscriptionName("audit");
        ra.endpointActivation(mef, spec);
        await().atMost(Duration.ofSeconds(15)).until(() -> ra.activations().get(0).state() == ActivationState.ACTIVE);
        Session s = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createTopic(topic));
        for (int i = 0; i < 5; i++) {
            p.send(s.createTextMessage("before-" + i));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() == 5);
        ra.endpointDeactivation(mef, spec);
        for (int i = 0; i < 3; i++) {
            p.send(s.createTextMessage("while-down-" + i));
        }
        ra.endpointActivation(mef, spec);
        await().atMost(Duration.ofSeconds(15)).until(() -> seen.size() >= 8);
        assertThat(seen).hasSize(8).doesNotHaveDuplicates()
                .contains("before-0", "before-4", "while-down-0", "while-down-2");
        ra.endpointDeactivation(mef, spec);
    }

    @Test
    void anActivationReconnectsWhenTheBrokerComesBack() throws Exception {
        int ownPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            ownPort = s.getLocalPort();
        }
        String ownUrl = url(ownPort).replace("requestTimeout=5000", "requestTimeout=1000");
        try (io.streambus.broker.EmbeddedBroker own = io.streambus.broker.EmbeddedBroker.builder().port(ownPort)
                .dataDir(dataDir.resolve(unique("own"))).build()) {
            own.start();
            String queue = unique("ra-reconnect");
            List<String> seen = new CopyOnWriteArrayList<>();
            TestEndpointFactory mef = new TestEndpointFactory(false, tm(),
                    (m, e) -> seen.add(((TextMessage) m).getText()));
            StreamBusResourceAdapter ra = startAdapter();
            StreamBusActivationSpec spec = spec(queue);
            spec.setBrokerURL(ownUrl);
            ra.endpointActivation(mef, spec);
            Activation a = ra.activations().get(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> a.state() == ActivationState.ACTIVE);

            own.stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> a.state() == ActivationState.CONNECTING);
            own.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> a.state() == ActivationState.ACTIVE);
            try (Connection c = new io.streambus.jms.StreamBusConnectionFactory(
                    ownUrl).createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue(queue)).send(s.createTextMessage("after the restart"));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.contains("after the restart"));
            ra.endpointDeactivation(mef, spec);
            assertThat(mef.released.get()).isEqualTo(mef.endpoints.size());
        }
    }

    @Test
    void setupRetriesWithoutBlockingAndGivesUpAfterSetupAttempts() throws Exception {
        StreamBusResourceAdapter ra = startAdapter();
        StreamBusActivationSpec spec = spec(unique("ra-nobroker"));
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        spec.setBrokerURL(url(closedPort).replace("requestTimeout=5000", "requestTimeout=500"));
        spec.setSetupAttempts(2);
        spec.setSetupInterval(50L);
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> { });
        long start = System.nanoTime();
        ra.endpointActivation(mef, spec);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        Activation a = ra.activations().get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> a.state() == ActivationState.FAILED);
        assertThat(mef.endpoints).isEmpty();
        ra.endpointDeactivation(mef, spec);
        assertThat(a.state()).isEqualTo(ActivationState.STOPPED);
    }

    @Test
    void adapterStopDeactivatesEverything() throws Exception {
        String queue = unique("ra-stop");
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> { });
        StreamBusResourceAdapter ra = startAdapter();
        ra.endpointActivation(mef, spec(queue));
        send(queue, "x");
        await().atMost(Duration.ofSeconds(15)).until(() -> mef.endpoints.stream()
                .mapToInt(e -> e.delivered.get()).sum() == 1);
        Activation a = ra.activations().get(0);
        ra.stop();
        assertThat(a.state()).isEqualTo(ActivationState.STOPPED);
        assertThat(mef.released.get()).isEqualTo(mef.endpoints.size());
    }
}
