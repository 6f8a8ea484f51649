package io.streambus.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.client.ClientConfig;
import io.streambus.client.StreamBusClient;
import io.streambus.common.TopicPartition;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.serialization.Serdes;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every message type, header field and property type through a real broker; TTL and delivery delay enforced at
 * the consumer; JMSXGroupID as the record key.
 */
class MessageDeliveryTest extends BrokerSupport {

    @Test
    void everyTypeHeaderAndPropertySurvivesTheBroker() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("types"));
        MessageConsumer consumer = s.createConsumer(t);
        MessageProducer p = s.createProducer(t);

        TextMessage text = s.createTextMessage("héllo");
        text.setJMSCorrelationID("corr");
        text.setJMSType("kind");
        text.setJMSReplyTo(s.createTopic("replies"));
        text.setBooleanProperty("z", true);
        text.setByteProperty("b", (byte) 7);
        text.setShortProperty("s", (short) 300);
        text.setIntProperty("i", -5);
        text.setLongProperty("l", 1L << 50);
        text.setFloatProperty("f", 2.5f);
        text.setDoubleProperty("d", Math.PI);
        text.setStringProperty("str", "value");
        p.send(text, DeliveryMode.NON_PERSISTENT, 8, 0);

        BytesMessage bytes = s.createBytesMessage();
        bytes.writeInt(42);
        bytes.writeUTF("x");
        p.send(bytes);

        MapMessage map = s.createMapMessage();
        map.setChar("c", 'q');
        map.setBytes("raw", new byte[] {1, 2});
        map.setLong("n", 9L);
        p.send(map);

        StreamMessage stream = s.createStreamMessage();
        stream.writeBoolean(false);
        stream.writeDouble(1.5);
        stream.writeString("end");
        p.send(stream);

        p.send(s.createObjectMessage(new ArrayList<>(List.of("a", 1))));
        p.send(s.createMessage());

        TextMessage gotText = (TextMessage) consumer.receive(5000);
        assertThat(gotText.getText()).isEqualTo("héllo");
        assertThat(gotText.getJMSCorrelationID()).isEqualTo("corr");
        assertThat(gotText.getJMSType()).isEqualTo("kind");
        assertThat(gotText.getJMSReplyTo()).isEqualTo(s.createTopic("replies"));
        assertThat(gotText.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(gotText.getJMSPriority()).isEqualTo(8);
        assertThat(gotText.getJMSTimestamp()).isEqualTo(text.getJMSTimestamp()).isPositive();
        assertThat(gotText.getJMSExpiration()).isZero();
        assertThat(gotText.getObjectProperty("z")).isEqualTo(true);
        assertThat(gotText.getObjectProperty("b")).isEqualTo((byte) 7);
        assertThat(gotText.getObjectProperty("s")).isEqualTo((short) 300);
        assertThat(gotText.getObjectProperty("i")).isEqualTo(-5);
        assertThat(gotText.getObjectProperty("l")).isEqualTo(1L << 50);
        assertThat(gotText.getObjectProperty("f")).isEqualTo(2.5f);
        assertThat(gotText.getObjectProperty("d")).isEqualTo(Math.PI);
        assertThat(gotText.getStringProperty("str")).isEqualTo("value");
        // Conversion rules on received properties.
        assertThat(gotText.getLongProperty("s")).isEqualTo(300L);
        assertThat(gotText.getStringProperty("d")).isEqualTo(String.valueOf(Math.PI));

        BytesMessage gotBytes = (BytesMessage) consumer.receive(5000);
        assertThat(gotBytes.readInt()).isEqualTo(42);
        assertThat(gotBytes.readUTF()).isEqualTo("x");
        MapMessage gotMap = (MapMessage) consumer.receive(5000);
        assertThat(gotMap.getChar("c")).isEqualTo('q');
        assertThat(gotMap.getBytes("raw")).containsExactly(1, 2);
        assertThat(gotMap.getString("n")).isEqualTo("9");
        StreamMessage gotStream = (StreamMessage) consumer.receive(5000);
        assertThat(gotStream.readBoolean()).isFalse();
        assertThat(gotStream.readDouble()).isEqualTo(1.5);
        assertThat(gotStream.readString()).isEqualTo("end");
        ObjectMessage gotObject = (ObjectMessage) consumer.receive(5000);
        assertThat(gotObject.getObject()).isEqualTo(List.of("a", 1));
        Message plain = consumer.receive(5000);
        assertThat(plain).isNotInstanceOf(TextMessage.class).isNotInstanceOf(BytesMessage.class);
    }

    @Test
    void expiredMessagesAreNotDelivered() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("ttl"));
        MessageConsumer consumer = s.createConsumer(t);
        c.stop(); // hold delivery so that the short-lived message expires before anyone can take it
        MessageProducer p = s.createProducer(t);
        TextMessage shortLived = s.createTextMessage("short");
        p.send(shortLived, DeliveryMode.PERSISTENT, 4, 50);
        TextMessage longLived = s.createTextMessage("long");
        p.setTimeToLive(60_000);
        p.send(longLived);
        assertThat(longLived.getJMSExpiration()).isBetween(longLived.getJMSTimestamp() + 59_000,
                longLived.getJMSTimestamp() + 61_000);
        await("short-lived message expired").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.currentTimeMillis() > shortLived.getJMSExpiration());
        c.start();
        TextMessage got = (TextMessage) consumer.receive(5000);
        assertThat(got.getText()).isEqualTo("long");
        assertThat(got.getJMSExpiration()).isEqualTo(longLived.getJMSExpiration());
        assertThat(consumer.receive(100)).isNull();
    }

    @Test
    void deliveryDelayHoldsAMessageWithoutBlockingLaterOnes() throws Exception {
        Connection c = connect();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic t = s.createTopic(unique("delay"));
        MessageConsumer consumer = s.createConsumer(t);
        MessageProducer delayed = s.createProducer(t);
        delayed.setDeliveryDelay(700);
        long sentAt = System.currentTimeMillis();
        TextMessage d = s.createTextMessage("delayed");
        delayed.send(d);
        assertThat(d.getJMSDeliveryTime()).isGreaterThanOrEqualTo(d.getJMSTimestamp() + 700);
        s.createProducer(t).send(s.createTextMessage("now"));

        TextMessage first = (TextMessage) consumer.receive(5000);
        assertThat(first.getText()).isEqualTo("now");
        assertThat(System.currentTimeMillis() - sentAt).isLessThan(700);
        TextMessage second = (TextMessage) consumer.receive(5000);
        assertThat(second.getText()).isEqualTo("delayed");
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(d.getJMSDeliveryTime());
        assertThat(second.getJMSDeliveryTime()).isEqualTo(d.getJMSDeliveryTime());
    }

    @Test
    void groupIdIsTheRecordKeySoAGroupStaysOnOnePartition() throws Exception {
        String topic = unique("groups");
        try (StreamBusClient client = StreamBusClient.create(Map.of(ClientConfig.BOOTSTRAP_SERVERS, "127.0.0.1:" + port))) {
            client.admin().createTopic(topic, 4).get();
            Connection c = connect();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createTopic(topic));
            for (int i = 0; i < 40; i++) {
                TextMessage m = s.createTextMessage("m" + i);
                m.setStringProperty("JMSXGroupID", "g" + (i % 5));
                p.send(m);
            }

            // Seen from a plain StreamBus consumer: key = group id, properties are readable headers.
            try (Consumer<byte[], byte[]> raw = client.newConsumer(Serdes.byteArrayDeserializer(),
                    Serdes.byteArrayDeserializer(), Map.of(ClientConfig.AUTO_OFFSET_RESET, "earliest"))) {
                raw.assign(List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                        new TopicPartition(topic, 2), new TopicPartition(topic, 3)));
                Map<String, Set<Integer>> partitionsByGroup = new HashMap<>();
                ConsumerRecord<byte[], byte[]> r = null;
                int read = 0;
                long deadline = System.currentTimeMillis() + 5000;
                while (read < 40 && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> rec : raw.poll(Duration.ofMillis(100))) {
                        read++;
                        String group = new String(rec.key(), StandardCharsets.UTF_8);
                        partitionsByGroup.computeIfAbsent(group, k -> new HashSet<>()).add(rec.partition());
                        if (group.equals("g0")) {
                            r = rec;
                        }
                    }
                }
                assertThat(read).isEqualTo(40);
                assertThat(partitionsByGroup).hasSize(5);
                assertThat(partitionsByGroup.values()).allSatisfy(set -> assertThat(set).hasSize(1));
                assertThat(r).isNotNull();
                assertThat(r.header("JMSXGroupID").valueAsString()).isEqualTo("g0");
                assertThat(r.header("JMS_SB_Type").valueAsString()).isEqualTo("text");
            }
        }
    }
}
