package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.messaginghub.pooled.jms.JmsPoolXAConnectionFactory;

/**
 * Legacy XA usage through messaginghub pooled-jms's XA pool ({@link JmsPoolXAConnectionFactory}) over
 * {@link StreamBusXAConnectionFactory}, with Narayana as the transaction manager: the pool enlists each session it
 * hands out inside a JTA transaction and takes it back when the transaction completes. Sends and queue receives
 * commit or roll back with the transaction (and with an H2 row in the same transaction); one pooled XA session serves
 * a series of transactions; outside a transaction the pool's sessions acknowledge automatically.
 */
class PooledXaJmsTest extends BrokerSupport {
    @TempDir
    static Path jtaDir;
    private static TransactionManager tm;
    private static JtaSupport.XaDatabase database;

    private JmsPoolXAConnectionFactory pool;

    @BeforeAll
    static void startTransactionManager() throws Exception {
        tm = JtaSupport.transactionManager(jtaDir);
        database = new JtaSupport.XaDatabase(tm, unique("pooled-xa-db"));
    }

    @AfterAll
    static void noTransactionLeft() throws Exception {
        if (tm != null && tm.getTransaction() != null) {
            tm.rollback();
        }
    }

    /** A pool of one connection with one session, so that every transaction reuses the same XA session. */
    private JmsPoolXAConnectionFactory pool() {
        StreamBusXAConnectionFactory xa = new StreamBusXAConnectionFactory(url(""));
        xa.setXaPrefix(unique("pooled-xa"));
        pool = new JmsPoolXAConnectionFactory();
        pool.setConnectionFactory(xa);
        pool.setTransactionManager(tm);
        pool.setMaxConnections(1);
        pool.setMaxSessionsPerConnection(1);
        return pool;
    }

    @AfterEach
    void stopPool() throws Exception {
        if (tm.getTransaction() != null) {
            tm.rollback();
        }
        if (pool != null) {
            pool.stop();
            pool = null;
        }
    }

    /** Sends {@code text} to {@code destination} through a pooled connection and session, closing both. */
    private static void send(JmsPoolXAConnectionFactory pool, jakarta.jms.Destination destination, String text)
            throws JMSException {
        try (Connection c = pool.createConnection();
             Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            s.createProducer(destination).send(s.createTextMessage(text));
        }
    }

    private MessageConsumer reader(Topic t) throws JMSException {
        return connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(t);
    }

    private static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    @Test
    void pooledSessionsAreEnlistedAndReusedAcrossCommitsAndRollbacks() throws Exception {
        JmsPoolXAConnectionFactory pool = pool();
        Topic t = connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createTopic(unique("pooled-xa-out"));
        MessageConsumer reader = reader(t);
        for (int i = 0; i < 6; i++) {
            tm.begin();
            send(pool, t, "m" + i);
            // Closing the pooled session inside the transaction does not end its work: the pool keeps it enlisted.
            if (i % 2 == 0) {
                tm.commit();
            } else {
                tm.rollback();
            }
        }
        assertThat(text(reader.receive(5000))).isEqualTo("m0");
        assertThat(text(reader.receive(5000))).isEqualTo("m2");
        assertThat(text(reader.receive(5000))).isEqualTo("m4");
        assertThat(reader.receive(300)).as("the rolled back sends never show").isNull();
        assertThat(pool.getNumConnections()).isEqualTo(1);
    }

    @Test
    void aMessageAndADatabaseRowCommitOrRollBackTogether() throws Exception {
        JmsPoolXAConnectionFactory pool = pool();
        Topic t = connect().createSession(false, Session.AUTO_ACKNOWLEDGE).createTopic(unique("pooled-xa-db"));
        MessageConsumer reader = reader(t);
        String discarded = unique("order");
        tm.begin();
        send(pool, t, discarded);
        database.insert(discarded);
        tm.rollback();

        String kept = unique("order");
        tm.begin();
        send(pool, t, kept);
        database.insert(kept);
        tm.commit(); // two resources: two-phase

        assertThat(text(reader.receive(5000))).isEqualTo(kept);
        assertThat(database.exists(kept)).isTrue();
        assertThat(database.exists(discarded)).isFalse();
        assertThat(reader.receive(300)).isNull();
    }

    @Test
    void aQueueReceiveRolledBackIsRedeliveredWithItsDeliveryCountRaised() throws Exception {
        JmsPoolXAConnectionFactory pool = pool();
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = plain.createQueue(unique("pooled-xa-queue"));
        plain.createProducer(q).send(plain.createTextMessage("work"));

        Message first = receiveInTransaction(pool, q);
        String row = unique("row");
        database.insert(row);
        tm.rollback();
        assertThat(text(first)).isEqualTo("work");
        assertThat(first.getIntProperty("JMSXDeliveryCount")).isEqualTo(1);
        assertThat(first.getJMSRedelivered()).isFalse();

        Message second = receiveInTransaction(pool, q);
        database.insert(row);
        tm.commit();
        assertThat(text(second)).isEqualTo("work");
        assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        assertThat(second.getJMSRedelivered()).isTrue();
        assertThat(database.exists(row)).isTrue();

        assertThat(receiveInTransaction(pool, q, 300)).as("acknowledged by the commit").isNull();
        tm.commit();
    }

    @Test
    void outsideATransactionThePooledSessionsAcknowledgeAutomatically() throws Exception {
        JmsPoolXAConnectionFactory pool = pool();
        Session plain = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue q = plain.createQueue(unique("pooled-xa-auto"));
        plain.createProducer(q).send(plain.createTextMessage("once"));
        try (Connection c = pool.createConnection()) {
            c.start();
            try (Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                 MessageConsumer consumer = s.createConsumer(q)) {
                assertThat(text(consumer.receive(5000))).isEqualTo("once");
            }
        }
        assertThat(receiveInTransaction(pool, q, 300)).isNull();
        tm.commit();
    }

    /** Begins a transaction and receives one message of {@code q} in it through the pool (the consumer is closed). */
    private static Message receiveInTransaction(JmsPoolXAConnectionFactory pool, Queue q) throws Exception {
        Message m = receiveInTransaction(pool, q, 5000);
        assertThat(m).as("a message of " + q).isNotNull();
        return m;
    }

    private static Message receiveInTransaction(JmsPoolXAConnectionFactory pool, Queue q, long timeoutMs)
            throws Exception {
        tm.begin();
        try (Connection c = pool.createConnection()) {
            c.start();
            try (Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                 MessageConsumer consumer = s.createConsumer(q)) {
                Message m = consumer.receive(timeoutMs);
                if (m != null) {
                    m.getBody(String.class); // read in the transaction, as an application would
                }
                return m;
            }
        }
    }
}
