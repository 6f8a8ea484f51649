package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.broker.EmbeddedBroker;
import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import io.streambus.client.serialization.Serdes;
import io.streambus.jms.Blocked;
import io.streambus.jms.BrokerSupport;
import io.streambus.jms.StreamBusConnectionFactory;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sends that do not wait for the broker (NON_PERSISTENT by default, PERSISTENT with {@code blockOnPersistentSend=false}):
 * order and ids, the bounded window, failures reported to the ExceptionListener and thrown by the next send, close
 * waiting for them; blocking PERSISTENT sends; transacted sessions unaffected. A stopped broker stands for one that
 * does not answer: the client keeps the records and sends them again once it is back.
 */
class UnconfirmedSendTest extends BrokerSupport {

    private static JmsSession internal(Session s) {
        return (JmsSession) s;
    }

    /** The JMSMessageID headers of the first {@code n} records of partition 0 of {@code topic}, in log order. */
    private static List<String> recordIds(String topic, int n) {
        try (StreamBusClient client = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:" + port));
             Consumer<byte[], byte[]> raw = client.newConsumer(Serdes.byteArrayDeserializer(),
                     Serdes.byteArrayDeserializer(), Map.of(ClientConfig.AUTO_OFFSET_RESET, "earliest"))) {
            raw.assign(List.of(new TopicPartition(topic, 0)));
            List<String> ids = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ids.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : raw.poll(Duration.ofMillis(100))) {
                    Header h = r.header(MessageCodec.MESSAGE_ID);
                    ids.add(h == null ? null : h.valueAsString());
                }
            }
            return ids;
        }
    }

    @Test
    void nonPersistentSendsArriveInSendOrderWithTheIdsSendSet() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("async-order"));
        MessageConsumer consumer = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(t);
        MessageProducer p = s.createProducer(t);
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        List<String> sentIds = new ArrayList<>();
        int n = 1000;
        for (int i = 0; i < n; i++) {
            TextMessage m = s.createTextMessage("m" + i);
            p.send(m);
            assertThat(m.getJMSMessageID()).as("set when send returns").startsWith("ID:");
            sentIds.add(m.getJMSMessageID());
        }
        assertThat(sentIds).doesNotHaveDuplicates();
        for (int i = 0; i < n; i++) {
            TextMessage got = (TextMessage) consumer.receive(10_000);
            assertThat(got).as("message " + i).isNotNull();
            assertThat(got.getText()).isEqualTo("m" + i);
            assertThat(got.getJMSMessageID()).isEqualTo(sentIds.get(i));
            assertThat(got.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        }
        await("every send confirmed").atMost(Duration.ofSeconds(10))
                .until(() -> internal(s).sendWindow().unconfirmed() == 0);
    }

    @Test
    void selectorsOnMessageAndCorrelationIdsAndRequestReplyWorkWithSendsThatDoNotWait() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue requests = s.createQueue(unique("async-requests"));
        TemporaryQueue replies = s.createTemporaryQueue();
        MessageConsumer server = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(requests);
        MessageProducer p = s.createProducer(null);
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TextMessage request = s.createTextMessage("q" + i);
            request.setJMSReplyTo(replies);
            p.send(requests, request);
            ids.add(request.getJMSMessageID());
        }
        Session serverSession = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer replier = serverSession.createProducer(null);
        replier.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        for (int i = 0; i < 3; i++) {
            Message request = server.receive(10_000);
            TextMessage reply = serverSession.createTextMessage("r-" + ((TextMessage) request).getText());
            reply.setJMSCorrelationID(request.getJMSMessageID());
            replier.send(request.getJMSReplyTo(), reply);
        }
        // The requester of the second request selects its reply by the id its send set.
        MessageConsumer second = s.createConsumer(replies, "JMSCorrelationID = '" + ids.get(1) + "'");
        assertThat(((TextMessage) second.receive(10_000)).getText()).isEqualTo("r-q1");

        // A consumer selects one message by the id its send set.
        Queue q = s.createQueue(unique("async-select-id"));
        TextMessage a = s.createTextMessage("a");
        TextMessage b = s.createTextMessage("b");
        p.send(q, a);
        p.send(q, b);
        MessageConsumer byB = s.createConsumer(q, "JMSMessageID = '" + b.getJMSMessageID() + "'");
        Message got = byB.receive(10_000);
        assertThat(((TextMessage) got).getText()).isEqualTo("b");
        assertThat(got.getJMSMessageID()).isEqualTo(b.getJMSMessageID()).isNotEqualTo(a.getJMSMessageID());
    }

    @Test
    void aFullWindowHoldsTheSendForAtMostSendTimeoutThenItThrows() throws Exception {
        StreamBusConnectionFactory f = new StreamBusConnectionFactory(url("sendWindow=4&sendTimeout=1000"));
        Connection c = track(f.createConnection(), true);
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String topic = unique("async-window");
        MessageProducer p = s.createProducer(s.createTopic(topic));
        p.send(s.createTextMessage("known")); // PERSISTENT: waits, so the partition count is known below
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        List<String> ids = new ArrayList<>();
        broker.stop();
        try {
            for (int i = 0; i < 4; i++) {
                TextMessage m = s.createTextMessage("w" + i);
                p.send(m); // returns although nothing is confirmed
                ids.add(m.getJMSMessageID());
            }
            assertThat(internal(s).sendWindow().unconfirmed()).isEqualTo(4);
            long start = System.nanoTime();
            assertThatThrownBy(() -> p.send(s.createTextMessage("refused")))
                    .isInstanceOf(JMSException.class)
                    .hasMessageContaining("has not confirmed 4 earlier sends")
                    .hasMessageContaining("sendWindow=4")
                    .hasMessageContaining("the message was not sent");
            assertThat(System.nanoTime() - start).as("waited sendTimeout")
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
        } finally {
            broker.start();
        }
        await("the window drains once the broker is back").atMost(Duration.ofSeconds(30))
                .until(() -> internal(s).sendWindow().unconfirmed() == 0);
        s.close(); // nothing failed
        List<String> stored = recordIds(topic, 5);
        assertThat(stored.subList(1, stored.size())).isEqualTo(ids);
    }

    @Test
    void closeWaitsForUnconfirmedSendsAndThrowsWhenTheyStayUnconfirmed() throws Exception {
        Connection c = connect(); // closeTimeout 5000
        Connection impatient = track(new StreamBusConnectionFactory(url("closeTimeout=300")).createConnection(),
                true);
        Session waits = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session givesUp = impatient.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String topic = unique("async-close");
        MessageProducer p = waits.createProducer(waits.createTopic(topic));
        MessageProducer q = givesUp.createProducer(givesUp.createTopic(topic));
        p.send(waits.createTextMessage("known"));
        q.send(givesUp.createTextMessage("known"));
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        q.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        broker.stop();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            q.send(givesUp.createTextMessage("late"));
            assertThatThrownBy(givesUp::close).isInstanceOf(JMSException.class)
                    .hasMessageContaining("1 sends of")
                    .hasMessageContaining("not confirmed by the broker within closeTimeout (300 ms)")
                    .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("send-failed"));
            assertThatThrownBy(() -> givesUp.createTextMessage("x")).as("closed all the same")
                    .isInstanceOf(jakarta.jms.IllegalStateException.class);

            p.send(waits.createTextMessage("pending"));
            Blocked.start(() -> {
                p.close();
                closed.complete(null);
            }, closed);
            assertThat(closed).as("close waits for the unconfirmed send").isNotDone();
        } finally {
            broker.start();
        }
        closed.get(10, TimeUnit.SECONDS); // returned once the send was confirmed, without an exception
        assertThat(internal(waits).sendWindow().unconfirmed()).isZero();
        // known, known, pending; "late" too unless the closed client gave up on it first
        assertThat(recordIds(topic, 3)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aFailedSendReachesTheExceptionListenerOnceAndTheNextSendThrowsIt() throws Exception {
        try (EmbeddedBroker strict = EmbeddedBroker.builder().temporary().autoCreateTopics(false).build()) {
            int strictPort = strict.start();
            try (StreamBusClient admin = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS,
                    "127.0.0.1:" + strictPort))) {
                admin.admin().createTopic("exists", 1).get(10, TimeUnit.SECONDS);
            }
            StreamBusConnectionFactory f = new StreamBusConnectionFactory("streambus://127.0.0.1:" + strictPort
                    + "?delivery.timeout.ms=1000&healthCheckInterval=0&sendTimeout=5000&closeTimeout=5000"
                    + "&requestTimeout=5000");
            Connection c = track(f.createConnection(), true);
            List<JMSException> reported = new CopyOnWriteArrayList<>();
            c.setExceptionListener(reported::add);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(null);
            p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
            TextMessage first = s.createTextMessage("lost");
            p.send(s.createQueue("missing"), first); // returns: the broker's refusal comes later
            p.send(s.createQueue("missing"), s.createTextMessage("lost too"));
            await("both refused").atMost(Duration.ofSeconds(10))
                    .until(() -> internal(s).sendWindow().unconfirmed() == 0);
            await("reported").atMost(Duration.ofSeconds(10)).until(() -> !reported.isEmpty());
            assertThat(reported).hasSize(1); // one report until the session throws it
            assertThat(reported.get(0).getMessage()).contains(first.getJMSMessageID()).contains("missing");
            assertThat(reported.get(0).getErrorCode()).isEqualTo("send-failed");

            TextMessage next = s.createTextMessage("not sent");
            assertThatThrownBy(() -> p.send(s.createQueue("exists"), next))
                    .isInstanceOf(JMSException.class)
                    .hasMessageContaining("2 sends of this session that did not wait for the broker failed")
                    .hasMessageContaining(first.getJMSMessageID())
                    .satisfies(e -> assertThat(((JMSException) e).getErrorCode()).isEqualTo("send-failed"));
            // Thrown once: the session sends again, and close has nothing to report.
            p.send(s.createQueue("exists"), s.createTextMessage("sent"));
            p.send(s.createQueue("missing"), s.createTextMessage("lost at close"));
            assertThatThrownBy(s::close).isInstanceOf(JMSException.class)
                    .hasMessageContaining("a send of this session that did not wait for the broker failed");
            await("the second episode reported").atMost(Duration.ofSeconds(10)).until(() -> reported.size() == 2);
            c.close();
        }
    }

    @Test
    void persistentSendsWaitForTheBrokerUnlessTheSettingRelaxesIt() throws Exception {
        Connection blocking = connect();
        Connection relaxed = track(new StreamBusConnectionFactory(url("blockOnPersistentSend=false"))
                .createConnection(), true);
        Session bs = blocking.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Session rs = relaxed.createSession(false, Session.AUTO_ACKNOWLEDGE);
        String topic = unique("persistent");
        MessageProducer bp = bs.createProducer(bs.createTopic(topic));
        MessageProducer rp = rs.createProducer(rs.createTopic(topic));
        MessageProducer nonPersistentButBlocking = track(new StreamBusConnectionFactory(
                url("blockOnNonPersistentSend=true")).createConnection(), true)
                .createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(bs.createTopic(topic));
        nonPersistentButBlocking.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        bp.send(bs.createTextMessage("known"));
        rp.send(rs.createTextMessage("known"));
        nonPersistentButBlocking.send(bs.createTextMessage("known"));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        CompletableFuture<Void> sentNonPersistent = new CompletableFuture<>();
        broker.stop();
        try {
            rp.send(rs.createTextMessage("relaxed")); // returns at once
            assertThat(internal(rs).sendWindow().unconfirmed()).isEqualTo(1);
            Blocked.start(() -> {
                bp.send(bs.createTextMessage("blocking"));
                sent.complete(null);
            }, sent);
            Blocked.start(() -> {
                nonPersistentButBlocking.send(bs.createTextMessage("blocking too"));
                sentNonPersistent.complete(null);
            }, sentNonPersistent);
            assertThat(sent).as("a PERSISTENT send waits for the broker").isNotDone();
            assertThat(sentNonPersistent).as("blockOnNonPersistentSend=true").isNotDone();
            assertThat(internal(bs).sendWindow().unconfirmed()).isZero();
        } finally {
            broker.start();
        }
        sent.get(20, TimeUnit.SECONDS);
        sentNonPersistent.get(20, TimeUnit.SECONDS);
        await("the relaxed send confirmed").atMost(Duration.ofSeconds(20))
                .until(() -> internal(rs).sendWindow().unconfirmed() == 0);
        assertThat(recordIds(topic, 6)).hasSize(6);
    }

    @Test
    void transactedSendsJoinTheTransactionAndNeverGoUnconfirmed() throws Exception {
        Connection c = connect();
        Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
        Topic t = tx.createTopic(unique("async-tx"));
        MessageConsumer consumer = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(t);
        MessageProducer p = tx.createProducer(t);
        p.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            TextMessage m = tx.createTextMessage("t" + i);
            p.send(m);
            ids.add(m.getJMSMessageID());
            assertThat(internal(tx).sendWindow().unconfirmed()).isZero();
        }
        assertThat(consumer.receive(300)).as("nothing visible before the commit").isNull();
        tx.commit();
        for (int i = 0; i < 50; i++) {
            Message m = consumer.receive(10_000);
            assertThat(((TextMessage) m).getText()).isEqualTo("t" + i);
            assertThat(m.getJMSMessageID()).isEqualTo(ids.get(i));
        }
    }
}
