package io.streambus.jms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.streambus.jms.BrokerSupport;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

/**
 * What closing does to acknowledgements and transactions (API Javadoc of {@code Connection.close},
 * {@code Session.close}, {@code Message.acknowledge}; spec §6.1.8 closing a connection, §6.2.12 message
 * acknowledgment).
 */
class AcknowledgeRulesTest extends BrokerSupport {

    private static void send(Session s, Queue q, String text) throws Exception {
        s.createProducer(q).send(s.createTextMessage(text));
    }

    @Test
    void closingAConnectionDoesNotAcknowledgeClientAcknowledgedMessages() throws Exception {
        Connection c = track(factory().createConnection(), true);
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue q = s.createQueue(unique("close-no-ack"));
        send(s, q, "x");
        assertThat(((TextMessage) s.createConsumer(q).receive(10_000)).getText()).isEqualTo("x");
        c.close();
        Session next = connect().createSession(false, Session.AUTO_ACKNOWLEDGE);
        Message again = next.createConsumer(q).receive(10_000);
        assertThat(((TextMessage) again).getText()).isEqualTo("x");
        assertThat(again.getJMSRedelivered()).isTrue();
    }

    @Test
    void closingATransactedSessionRollsBackItsSendsAndReceives() throws Exception {
        Connection c = connect();
        Session plain = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue in = plain.createQueue(unique("tx-close-in"));
        Queue out = plain.createQueue(unique("tx-close-out"));
        send(plain, in, "input");
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        assertThat(tx.createConsumer(in).receive(10_000)).isNotNull();
        tx.createProducer(out).send(tx.createTextMessage("output"));
        tx.close();
        Message again = plain.createConsumer(in).receive(10_000);
        assertThat(((TextMessage) again).getText()).isEqualTo("input");
        assertThat(plain.createConsumer(out).receive(300)).as("the held send was rolled back").isNull();
    }

    @Test
    void closingAConnectionRollsBackItsTransactions() throws Exception {
        Connection c = track(factory().createConnection(), true);
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue out = tx.createQueue(unique("tx-conn-close"));
        tx.createProducer(out).send(tx.createTextMessage("never"));
        c.close();
        Session check = connect().createSession();
        assertThat(check.createConsumer(out).receive(300)).isNull();
    }

    @Test
    void acknowledgeIsIgnoredOutsideClientAcknowledge() throws Exception {
        Connection c = connect();
        for (int mode : new int[] {Session.AUTO_ACKNOWLEDGE, Session.DUPS_OK_ACKNOWLEDGE}) {
            Session s = c.createSession(false, mode);
            Queue q = s.createQueue(unique("ack-ignored"));
            send(s, q, "x");
            Message m = s.createConsumer(q).receive(10_000);
            assertThatCode(m::acknowledge).doesNotThrowAnyException();
        }
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Queue q = tx.createQueue(unique("ack-ignored-tx"));
        tx.createProducer(q).send(tx.createTextMessage("x"));
        tx.commit();
        MessageConsumer txConsumer = tx.createConsumer(q);
        Message m = txConsumer.receive(10_000);
        assertThatCode(m::acknowledge).doesNotThrowAnyException();
        tx.rollback();
        // acknowledge() did not commit the transaction: the rollback delivers the message again.
        Message again = txConsumer.receive(10_000);
        assertThat(again.getJMSRedelivered()).isTrue();
        tx.commit();
    }

    @Test
    void clientAcknowledgeAcknowledgesEverythingTheSessionConsumed() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue a = s.createQueue(unique("ack-all-a"));
        Queue b = s.createQueue(unique("ack-all-b"));
        send(s, a, "a1");
        send(s, b, "b1");
        MessageConsumer ca = s.createConsumer(a);
        MessageConsumer cb = s.createConsumer(b);
        Message first = ca.receive(10_000);
        assertThat(cb.receive(10_000)).isNotNull();
        first.acknowledge(); // acknowledges b1 too, consumed by another consumer of the session
        s.recover();
        assertThat(ca.receive(300)).isNull();
        assertThat(cb.receive(300)).isNull();
    }
}
