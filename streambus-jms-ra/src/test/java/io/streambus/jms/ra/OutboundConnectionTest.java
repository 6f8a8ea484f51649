package io.streambus.jms.ra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionInProgressException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.TransactionSupport;
import jakarta.transaction.TransactionManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Outbound managed connections without a server: connection events, the Jakarta EE session rules, XA sends in a
 * Narayana transaction (commit and rollback), the server's local transactions, matching, the non-managed factory
 * with JMSContext, and admin objects as destinations.
 */
class OutboundConnectionTest extends RaTestSupport {

    private StreamBusManagedConnectionFactory mcf() throws Exception {
        StreamBusManagedConnectionFactory mcf = new StreamBusManagedConnectionFactory();
        mcf.setResourceAdapter(startAdapter());
        return mcf;
    }

    /** Records the events a managed connection sends its listeners. */
    static final class Events implements ConnectionEventListener {
        final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void connectionClosed(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
            events.add(event);
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            events.add(event);
        }
    }

    /**
     * A read_committed subscriber of the queue's StreamBus topic, from its end. (A topic subscriber, not a queue
     * consumer: this broker's share-group queue consumers currently see transactional sends before their commit.)
     */
    private MessageConsumer reader(Queue q) throws Exception {
        Connection c = plainConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        return s.createConsumer(s.createTopic(q.getQueueName()));
    }

    @Test
    void closingAHandleSendsConnectionClosedAndTheConnectionIsReusable() throws Exception {
        StreamBusManagedConnectionFactory mcf = mcf();
        assertThat(mcf.getTransactionSupport()).isEqualTo(TransactionSupport.TransactionSupportLevel.XATransaction);
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf.createManagedConnection(null, null);
        try {
            Events events = new Events();
            mc.addConnectionEventListener(events);
            Connection h = (Connection) mc.getConnection(null, null);
            h.createSession(false, Session.AUTO_ACKNOWLEDGE);
            h.close();
            assertThat(events.events).hasSize(1);
            assertThat(events.events.get(0).getId()).isEqualTo(ConnectionEvent.CONNECTION_CLOSED);
            assertThat(events.events.get(0).getConnectionHandle()).isSameAs(h);
            assertThatThrownBy(() -> h.createSession()).isInstanceOf(IllegalStateException.class);

            mc.cleanup(); // back in the pool, then handed out again
            assertThat(mcf.matchManagedConnections(Set.of(mc), null, null)).isSameAs(mc);
            assertThat(mcf.matchManagedConnections(Set.of(mc), null,
                    new StreamBusConnectionRequestInfo("someone", "else"))).isNull();
            Connection again = (Connection) mc.getConnection(null, null);
            again.createSession().close();
            mc.cleanup();
            assertThatThrownBy(again::createSession).isInstanceOf(IllegalStateException.class);
        } finally {
            mc.destroy();
        }
    }

    @Test
    void aContainerCredentialWithoutAUserNameMeansNoCredentials() throws Exception {
        StreamBusManagedConnectionFactory mcf = mcf();
        javax.security.auth.Subject subject = new javax.security.auth.Subject();
        jakarta.resource.spi.security.PasswordCredential blank =
                new jakarta.resource.spi.security.PasswordCredential("", new char[0]);
        blank.setManagedConnectionFactory(mcf);
        subject.getPrivateCredentials().add(blank);
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf.createManagedConnection(subject, null);
        try {
            assertThat(mc.credentials()).isEqualTo(new StreamBusConnectionRequestInfo(null, null));
            assertThat(mcf.matchManagedConnections(Set.of(mc), subject, null)).isSameAs(mc);
        } finally {
            mc.destroy();
        }
    }

    @Test
    void aMalformedActivationIsRefusedAtActivation() throws Exception {
        StreamBusActivationSpec spec = new StreamBusActivationSpec();
        spec.setDestination("q");
        spec.setConnectionProperties("noSuchSetting=1");
        StreamBusResourceAdapter ra = startAdapter();
        TestEndpointFactory mef = new TestEndpointFactory(false, tm(), (m, e) -> { });
        assertThatThrownBy(() -> ra.endpointActivation(mef, spec))
                .isInstanceOf(jakarta.resource.spi.InvalidPropertyException.class)
                .hasMessageContaining("noSuchSetting");
        assertThat(ra.activations()).isEmpty();
    }

    @Test
    void containerRulesForConnectionsAndSessions() throws Exception {
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf().createManagedConnection(null, null);
        try {
            Connection h = (Connection) mc.getConnection(null, null);
            Session s = h.createSession(true, Session.CLIENT_ACKNOWLEDGE); // arguments ignored outside a transaction
            assertThat(s.getTransacted()).isFalse();
            assertThat(s.getAcknowledgeMode()).isEqualTo(Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> h.createSession()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("one active session");
            assertThatThrownBy(() -> h.setClientID("x")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> h.setExceptionListener(e -> { })).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(h::stop).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> s.setMessageListener(m -> { })).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(s::commit).isInstanceOf(IllegalStateException.class);
            MessageConsumer c = s.createConsumer(s.createQueue(unique("rules")));
            assertThatThrownBy(() -> c.setMessageListener(m -> { })).isInstanceOf(IllegalStateException.class);
            s.close();
            h.createSession().close(); // a new one once the first is closed
            h.close();
        } finally {
            mc.destroy();
        }
    }

    @Test
    void aSessionInAJtaTransactionSendsInItCommitAndRollback() throws Exception {
        TransactionManager tm = tm();
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf().createManagedConnection(null, null);
        Queue q = new StreamBusRaQueue(unique("ra-out-xa")); // the admin object works as a destination
        MessageConsumer reader = reader(q);
        try {
            for (boolean commit : new boolean[] {false, true}) {
                tm.begin();
                tm.getTransaction().enlistResource(mc.getXAResource());
                Connection h = (Connection) mc.getConnection(null, null);
                Session s = h.createSession(false, Session.AUTO_ACKNOWLEDGE); // ignored: in the transaction
                assertThat(s.getTransacted()).isTrue();
                assertThatThrownBy(s::commit).isInstanceOf(TransactionInProgressException.class);
                assertThatThrownBy(s::rollback).isInstanceOf(TransactionInProgressException.class);
                assertThatThrownBy(s::recover).isInstanceOf(IllegalStateException.class);
                s.createProducer(q).send(s.createTextMessage(commit ? "committed" : "rolled back"));
                h.close();
                assertThat(reader.receive(200)).as("invisible before the decision").isNull();
                if (commit) {
                    tm.commit();
                } else {
                    tm.rollback();
                }
                mc.cleanup();
            }
            Message m = reader.receive(10_000);
            assertThat(m).isNotNull();
            assertThat(((TextMessage) m).getText()).isEqualTo("committed");
            assertThat(reader.receive(300)).isNull();
        } finally {
            mc.destroy();
        }
    }

    @Test
    void aReceiveInARolledBackTransactionComesAgain() throws Exception {
        TransactionManager tm = tm();
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf().createManagedConnection(null, null);
        String name = unique("ra-out-receive");
        Session plain = plainConnection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        plain.createProducer(plain.createQueue(name)).send(plain.createTextMessage("once"));
        try {
            tm.begin();
            tm.getTransaction().enlistResource(mc.getXAResource());
            Connection h = (Connection) mc.getConnection(null, null);
            h.start();
            Session s = h.createSession();
            Message m = s.createConsumer(s.createQueue(name)).receive(10_000);
            assertThat(m).isNotNull();
            h.close();
            tm.rollback();
            mc.cleanup();
            Message again = plain.createConsumer(plain.createQueue(name)).receive(10_000);
            assertThat(again).isNotNull();
            assertThat(again.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        } finally {
            mc.destroy();
        }
    }

    @Test
    void localTransactionsOfTheServer() throws Exception {
        StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf().createManagedConnection(null, null);
        Queue q = new StreamBusRaQueue(unique("ra-out-local"));
        MessageConsumer reader = reader(q);
        try {
            LocalTransaction lt = mc.getLocalTransaction();
            for (boolean commit : new boolean[] {false, true}) {
                lt.begin();
                Connection h = (Connection) mc.getConnection(null, null);
                Session s = h.createSession();
                assertThat(s.getTransacted()).isTrue();
                s.createProducer(q).send(s.createTextMessage(commit ? "committed" : "rolled back"));
                h.close();
                if (commit) {
                    lt.commit();
                } else {
                    lt.rollback();
                }
                mc.cleanup();
            }
            Message m = reader.receive(10_000);
            assertThat(((TextMessage) m).getText()).isEqualTo("committed");
            assertThat(reader.receive(300)).isNull();
        } finally {
            mc.destroy();
        }
    }

    @Test
    void theNonManagedFactoryAndJmsContext() throws Exception {
        ConnectionFactory cf = (ConnectionFactory) mcf().createConnectionFactory();
        String name = unique("ra-out-context");
        try (JMSContext ctx = cf.createContext()) {
            Queue q = ctx.createQueue(name);
            ctx.createProducer().setProperty("kind", "test").send(q, "hello");
            assertThat(ctx.createConsumer(q).receiveBody(String.class, 10_000)).isEqualTo("hello");
            assertThatThrownBy(ctx::stop).isInstanceOf(IllegalStateRuntimeException.class);
            assertThatThrownBy(() -> ctx.createContext(JMSContext.AUTO_ACKNOWLEDGE))
                    .isInstanceOf(IllegalStateRuntimeException.class);
        }
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession();
            s.createProducer(new StreamBusRaTopic(name + "-t")); // a topic admin object too
            assertThat(s.createConsumer(s.createQueue(name)).receive(300)).as("consumed above").isNull();
        }
    }

    @Test
    void aBrokenConnectionSendsConnectionErrorOccurred() throws Exception {
        try (EmbeddedBroker own = EmbeddedBroker.builder().port(0).dataDir(dataDir.resolve(unique("own")))
                .build()) {
            int ownPort = own.start();
            StreamBusManagedConnectionFactory mcf = mcf();
            mcf.setBrokerURL(url(ownPort));
            StreamBusManagedConnection mc = (StreamBusManagedConnection) mcf.createManagedConnection(null, null);
            try {
                Events events = new Events();
                mc.addConnectionEventListener(events);
                own.stop();
                await().atMost(Duration.ofSeconds(15)).until(() -> events.events.stream()
                        .anyMatch(e -> e.getId() == ConnectionEvent.CONNECTION_ERROR_OCCURRED));
                assertThat(mcf.getInvalidConnections(Set.of(mc))).containsExactly(mc);
            } finally {
                mc.destroy();
            }
        }
    }
}
