package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.broker.txn.EosConfig;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TransactionRolledBackException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic local transactions over real sockets: a transacted session's sends and the acknowledgements of what it
 * consumed commit or roll back together (spec B.7, TxnOffsetCommit for subscriptions, B.13.15 for share-group
 * queues); brokers that cannot make a transaction atomic refuse it.
 */
class TransactedSessionTest extends BrokerSupport {

    /** A read_committed subscriber: it sees only what committed transactions wrote. */
    private MessageConsumer committedReader(Topic t) throws JMSException {
        Connection c = track(factory("isolation.level=read_committed").createConnection(), true);
        return c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(t);
    }

    private static String text(Message m) throws JMSException {
        return m == null ? null : ((TextMessage) m).getText();
    }

    private static void send(Session s, Queue q, String... texts) throws JMSException {
        MessageProducer p = s.createProducer(q);
        for (String t : texts) {
            p.send(s.createTextMessage(t));
        }
        p.close();
    }

    @Test
    void aShareQueueTransactionCommitsItsSendsAndAcknowledgementsTogether() throws Exception {
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("tx-in"));
        Topic out = plain.createTopic(unique("tx-out"));
        MessageConsumer reader = committedReader(out);
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = tx.createConsumer(in);
        MessageProducer forward = tx.createProducer(out);
        send(plain, in, "a", "b");

        for (int i = 0; i < 2; i++) {
            Message m = consumer.receive(5000);
            forward.send(tx.createTextMessage("out-" + text(m)));
        }
        assertThat(reader.receive(300)).as("invisible before the commit").isNull();
        tx.commit();
        assertThat(text(reader.receive(5000))).isEqualTo("out-a");
        assertThat(text(reader.receive(5000))).isEqualTo("out-b");

        // Acknowledged with the commit: closing the consumer or a rollback brings nothing back.
        tx.rollback();
        consumer.close();
        MessageConsumer other = plain.createConsumer(in);
        assertThat(other.receive(500)).as("accepted by the commit").isNull();
    }

    @Test
    void aShareQueueRollbackDropsTheSendsAndRedeliversWithTheBrokersCount() throws Exception {
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("tx-in"));
        Topic out = plain.createTopic(unique("tx-out"));
        MessageConsumer reader = committedReader(out);
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = tx.createConsumer(in);
        MessageProducer forward = tx.createProducer(out);
        send(plain, in, "x");

        Message first = consumer.receive(5000);
        assertThat(first.getJMSRedelivered()).isFalse();
        forward.send(tx.createTextMessage("dropped"));
        tx.rollback();
        Message second = consumer.receive(5000);
        assertThat(text(second)).isEqualTo("x");
        assertThat(second.getJMSRedelivered()).isTrue();
        assertThat(second.getIntProperty("JMSXDeliveryCount")).isEqualTo(2);
        forward.send(tx.createTextMessage("kept"));
        // Staged in the transaction, then aborted by the rollback: the broker counts one more delivery again.
        tx.commit();
        assertThat(text(reader.receive(5000))).isEqualTo("kept");
        assertThat(reader.receive(300)).as("the rolled back send never shows").isNull();
    }

    @Test
    void aDurableSubscriptionsPositionsCommitWithTheSends() throws Exception {
        String clientId = unique("tx-client");
        Topic in;
        Topic out;
        MessageConsumer reader;
        Connection c = track(factory("clientID=" + clientId).createConnection(), true);
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        in = plain.createTopic(unique("tx-sub-in"));
        out = plain.createTopic(unique("tx-sub-out"));
        reader = committedReader(out);
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer sub = tx.createDurableSubscriber(in, "sub");
        awaitGroupStable("jms.d." + clientId + ".sub");
        MessageProducer publish = plain.createProducer(in);
        publish.send(plain.createTextMessage("1"));
        publish.send(plain.createTextMessage("2"));
        MessageProducer forward = tx.createProducer(out);

        Message one = sub.receive(5000);
        assertThat(text(one)).isEqualTo("1");
        forward.send(tx.createTextMessage("out-1"));
        tx.commit(); // offset 1 staged with TxnOffsetCommit
        Message two = sub.receive(5000);
        assertThat(text(two)).isEqualTo("2");
        forward.send(tx.createTextMessage("out-2"));
        tx.rollback();
        assertThat(text(reader.receive(5000))).isEqualTo("out-1");
        assertThat(reader.receive(300)).isNull();
        c.close();

        // A new connection continues from the committed position: "2" again, "1" never.
        Connection again = track(factory("clientID=" + clientId).createConnection(), true);
        Session s = again.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer resumed = s.createDurableSubscriber(in, "sub");
        assertThat(text(resumed.receive(10000))).isEqualTo("2");
        s.commit();
    }

    @Test
    void aFailedSendRollsTheWholeTransactionBack() throws Exception {
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("tx-in"));
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        MessageConsumer consumer = tx.createConsumer(in);
        send(plain, in, "m");
        assertThat(text(consumer.receive(5000))).isEqualTo("m");
        // A record larger than the broker accepts fails in the transaction: the commit rolls everything back.
        MessageProducer p = tx.createProducer(tx.createTopic(unique("tx-big")));
        jakarta.jms.BytesMessage big = tx.createBytesMessage();
        big.writeBytes(new byte[20 * 1024 * 1024]);
        p.send(big); // fails in the transaction (larger than a frame), noticed at commit
        Topic small = tx.createTopic(unique("tx-small"));
        MessageConsumer reader = committedReader(small);
        tx.createProducer(small).send(tx.createTextMessage("small"));
        assertThatThrownBy(tx::commit).isInstanceOf(TransactionRolledBackException.class)
                .hasMessageContaining("rolled back");
        Message again = consumer.receive(5000);
        assertThat(text(again)).as("the consumed message comes again").isEqualTo("m");
        assertThat(again.getJMSRedelivered()).isTrue();
        assertThat(reader.receive(300)).as("the other send of the transaction is discarded").isNull();
        tx.commit();
    }

    @Test
    void aBrokerWithoutTransactionsRefusesTransactedSessions(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker plain = EmbeddedBroker.builder().port(0).dataDir(dir)
                .exactlyOnce(EosConfig.defaults().withTransactions(false)).build()) {
            StreamBusConnectionFactory f = new StreamBusConnectionFactory("streambus://127.0.0.1:" + plain.start()
                    + "?requestTimeout=5000");
            Connection c = f.createConnection();
            try {
                assertThatThrownBy(() -> c.createSession(true, Session.SESSION_TRANSACTED))
                        .isInstanceOf(JMSException.class).hasMessageContaining("transactions")
                        .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("transactions"));
                assertThatThrownBy(() -> c.createSession(Session.SESSION_TRANSACTED)).isInstanceOf(JMSException.class);
                c.createSession(false, Session.CLIENT_ACKNOWLEDGE).close();
            } finally {
                c.close();
            }
        }
    }

    @Test
    void aBrokerWithoutTransactionalShareAcknowledgementsRefusesShareQueuesInTransactions(@TempDir Path dir)
            throws Exception {
        try (EmbeddedBroker noTxnAcks = EmbeddedBroker.builder().port(0).dataDir(dir).txnShareAcks(false).build()) {
            StreamBusConnectionFactory f = new StreamBusConnectionFactory("streambus://127.0.0.1:"
                    + noTxnAcks.start() + "?requestTimeout=5000");
            Connection c = f.createConnection();
            try {
                Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
                assertThatThrownBy(() -> tx.createConsumer(tx.createQueue(unique("q"))))
                        .isInstanceOf(JMSException.class).hasMessageContaining("TXN_SHARE_ACKS")
                        .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("txn-share-acks"));
                tx.createConsumer(tx.createTopic(unique("t"))).close();
                tx.createProducer(tx.createQueue(unique("q-out"))).send(tx.createTextMessage("x"));
                tx.commit();
                // Non-transacted sessions still consume the queue.
                c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(tx.createQueue(unique("q"))).close();
            } finally {
                c.close();
            }
        }
    }
}
