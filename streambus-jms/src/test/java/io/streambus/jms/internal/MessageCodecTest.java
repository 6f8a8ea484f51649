package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.common.Header;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.StreamBusQueue;
import io.streambus.jms.StreamBusTemporaryQueue;
import io.streambus.jms.message.DeserializationPolicy;
import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMapMessage;
import io.streambus.jms.message.StreamBusMessage;
import io.streambus.jms.message.StreamBusObjectMessage;
import io.streambus.jms.message.StreamBusStreamMessage;
import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Message ⇄ record mapping of every type, header field and property type. */
class MessageCodecTest {
    private static final DeserializationPolicy POLICY = DeserializationPolicy.defaultPolicy();

    private static ConsumerRecord<byte[], byte[]> fetched(ProducerRecord<byte[], byte[]> p, long offset) {
        return new ConsumerRecord<>(p.topic(), 2, offset, p.timestamp() == null ? -1 : p.timestamp(), p.key(),
                p.value(), p.headers());
    }

    private static StreamBusMessage roundTrip(StreamBusMessage m) throws Exception {
        ProducerRecord<byte[], byte[]> p = MessageCodec.encode(m, "orders", "conn-1");
        StreamBusMessage back = MessageCodec.decode(fetched(p, 41), StreamBusQueue.of("orders"), POLICY, false);
        back.setReadOnly();
        return back;
    }

    @Test
    void headersAndTypedPropertiesSurvive() throws Exception {
        StreamBusTextMessage m = new StreamBusTextMessage("body");
        m.setJMSCorrelationID("corr-1");
        m.setJMSReplyTo(new StreamBusTemporaryQueue("jms.tmp.q1", null));
        m.setJMSType("order");
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSPriority(7);
        m.setJMSTimestamp(1_700_000_000_000L);
        m.setJMSExpiration(1_700_000_060_000L);
        m.setJMSDeliveryTime(1_700_000_005_000L);
        m.setBooleanProperty("z", true);
        m.setByteProperty("b", (byte) -1);
        m.setShortProperty("s", (short) -300);
        m.setIntProperty("i", Integer.MIN_VALUE);
        m.setLongProperty("l", Long.MAX_VALUE);
        m.setFloatProperty("f", Float.NaN);
        m.setDoubleProperty("d", 0.1 + 0.2);
        m.setStringProperty("t", "a,b:c=d");
        m.setStringProperty("JMSXGroupID", "group-7");
        ProducerRecord<byte[], byte[]> p = MessageCodec.encode(m, "orders", "conn-1");
        assertThat(p.key()).isEqualTo("group-7".getBytes(StandardCharsets.UTF_8));
        assertThat(p.timestamp()).isEqualTo(1_700_000_000_000L);
        // Properties are readable text for non-JMS consumers.
        assertThat(p.headers()).contains(Header.of("i", String.valueOf(Integer.MIN_VALUE)), Header.of("t", "a,b:c=d"));

        StreamBusMessage back = MessageCodec.decode(fetched(p, 41), StreamBusQueue.of("orders"), POLICY, false);
        assertThat(back).isInstanceOf(TextMessage.class);
        assertThat(((TextMessage) back).getText()).isEqualTo("body");
        assertThat(back.getJMSMessageID()).isEqualTo("ID:orders-2-41");
        assertThat(back.getJMSCorrelationID()).isEqualTo("corr-1");
        assertThat(back.getJMSReplyTo()).isEqualTo(new StreamBusTemporaryQueue("jms.tmp.q1", null));
        assertThat(back.getJMSType()).isEqualTo("order");
        assertThat(back.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(back.getJMSPriority()).isEqualTo(7);
        assertThat(back.getJMSTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(back.getJMSExpiration()).isEqualTo(1_700_000_060_000L);
        assertThat(back.getJMSDeliveryTime()).isEqualTo(1_700_000_005_000L);
        assertThat(back.getJMSDestination()).isEqualTo(StreamBusQueue.of("orders"));
        assertThat(back.getObjectProperty("z")).isEqualTo(true);
        assertThat(back.getObjectProperty("b")).isEqualTo((byte) -1);
        assertThat(back.getObjectProperty("s")).isEqualTo((short) -300);
        assertThat(back.getObjectProperty("i")).isEqualTo(Integer.MIN_VALUE);
        assertThat(back.getObjectProperty("l")).isEqualTo(Long.MAX_VALUE);
        assertThat((Float) back.getObjectProperty("f")).isNaN();
        assertThat(back.getObjectProperty("d")).isEqualTo(0.1 + 0.2);
        assertThat(back.getObjectProperty("t")).isEqualTo("a,b:c=d");
        assertThat(back.getStringProperty("JMSXGroupID")).isEqualTo("group-7");
        assertThat(Collections.list(back.getPropertyNames()))
                .containsExactlyInAnyOrder("z", "b", "s", "i", "l", "f", "d", "t", "JMSXGroupID");
        assertThat(MessageCodec.connectionIdOf(fetched(p, 1))).isEqualTo("conn-1");
    }

    @Test
    void theSendersMessageIdTravelsInAHeaderAndRecordsWithoutOneGetTheirPosition() throws Exception {
        StreamBusTextMessage m = new StreamBusTextMessage("x");
        m.setJMSMessageID("ID:0123456789abcdef-42");
        ProducerRecord<byte[], byte[]> p = MessageCodec.encode(m, "orders", "conn-1");
        assertThat(p.headers()).contains(Header.of(MessageCodec.MESSAGE_ID, "ID:0123456789abcdef-42"));
        StreamBusMessage back = MessageCodec.decode(fetched(p, 41), StreamBusQueue.of("orders"), POLICY, false);
        assertThat(back.getJMSMessageID()).isEqualTo("ID:0123456789abcdef-42");
        assertThat(Collections.list(back.getPropertyNames())).isEmpty(); // not a property

        ConsumerRecord<byte[], byte[]> foreign = new ConsumerRecord<>("orders", 2, 7, 1L, null,
                "raw".getBytes(StandardCharsets.UTF_8), List.of(Header.of(MessageCodec.MESSAGE_ID, "ID:forged")));
        StreamBusMessage f = MessageCodec.decode(foreign, StreamBusQueue.of("orders"), POLICY, false);
        assertThat(f.getJMSMessageID()).isEqualTo("ID:orders-2-7"); // only JMS records carry the sender's id
    }

    @Test
    void defaultsAreLeftOutAndRestored() throws Exception {
        StreamBusMessage m = new StreamBusMessage();
        m.setJMSTimestamp(5);
        ProducerRecord<byte[], byte[]> p = MessageCodec.encode(m, "t", "c");
        assertThat(p.headers()).extracting(Header::key).containsExactly(MessageCodec.BODY_TYPE,
                MessageCodec.CONNECTION_ID);
        StreamBusMessage back = MessageCodec.decode(fetched(p, 0), StreamBusQueue.of("t"), POLICY, false);
        assertThat(back.getClass()).isEqualTo(StreamBusMessage.class);
        assertThat(back.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(back.getJMSPriority()).isEqualTo(4);
        assertThat(back.getJMSExpiration()).isZero();
        assertThat(back.getJMSDeliveryTime()).isEqualTo(5);
        assertThat(back.getJMSCorrelationID()).isNull();
    }

    @Test
    void binaryCorrelationId() throws Exception {
        StreamBusMessage m = new StreamBusMessage();
        m.setJMSCorrelationIDAsBytes(new byte[] {0, (byte) 0xff, 7});
        StreamBusMessage back = roundTrip(m);
        assertThat(back.getJMSCorrelationIDAsBytes()).containsExactly(0, 0xff, 7);
    }

    @Test
    void everyBodyType() throws Exception {
        StreamBusBytesMessage b = new StreamBusBytesMessage();
        b.writeInt(99);
        b.writeUTF("u");
        BytesMessage bb = (BytesMessage) roundTrip(b);
        assertThat(bb.readInt()).isEqualTo(99);
        assertThat(bb.readUTF()).isEqualTo("u");

        StreamBusMapMessage mm = new StreamBusMapMessage();
        mm.setDouble("d", 1.25);
        mm.setBytes("raw", new byte[] {4});
        MapMessage mb = (MapMessage) roundTrip(mm);
        assertThat(mb.getDouble("d")).isEqualTo(1.25);
        assertThat(mb.getBytes("raw")).containsExactly(4);

        StreamBusStreamMessage sm = new StreamBusStreamMessage();
        sm.writeLong(-5);
        sm.writeString("s");
        sm.writeChar('c');
        StreamMessage sb = (StreamMessage) roundTrip(sm);
        assertThat(sb.readLong()).isEqualTo(-5);
        assertThat(sb.readString()).isEqualTo("s");
        assertThat(sb.readChar()).isEqualTo('c');

        StreamBusObjectMessage om = new StreamBusObjectMessage();
        om.setObject(new java.util.HashMap<>(java.util.Map.of("k", 1)));
        ObjectMessage ob = (ObjectMessage) roundTrip(om);
        assertThat(ob.getObject()).isEqualTo(java.util.Map.of("k", 1));

        assertThat(((TextMessage) roundTrip(new StreamBusTextMessage())).getText()).isNull();
        assertThat(((TextMessage) roundTrip(new StreamBusTextMessage(""))).getText()).isEmpty();
        assertThat(((ObjectMessage) roundTrip(new StreamBusObjectMessage())).getObject()).isNull();
        StreamBusBytesMessage empty = (StreamBusBytesMessage) roundTrip(new StreamBusBytesMessage());
        assertThat(empty.getBodyLength()).isZero();
    }

    @Test
    void foreignRecordsBecomeBytesOrTextWithStringProperties() throws Exception {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("ext", 0, 3, ConsumerRecord.NO_TIMESTAMP, null,
                "plain".getBytes(StandardCharsets.UTF_8), List.of(Header.of("source", "camel"),
                Header.of("JMSType", "not-a-header-here")));
        StreamBusMessage asBytes = MessageCodec.decode(r, StreamBusQueue.of("ext"), POLICY, false);
        asBytes.setReadOnly();
        assertThat(asBytes).isInstanceOf(BytesMessage.class);
        assertThat(((BytesMessage) asBytes).getBodyLength()).isEqualTo(5);
        assertThat(asBytes.getStringProperty("source")).isEqualTo("camel");
        assertThat(asBytes.getJMSType()).isNull();
        assertThat(asBytes.getJMSTimestamp()).isZero();
        StreamBusMessage asText = MessageCodec.decode(r, StreamBusQueue.of("ext"), POLICY, true);
        assertThat(((TextMessage) asText).getText()).isEqualTo("plain");
    }

    @Test
    void damagedTypedHeaderIsDeliveredAsString() throws Exception {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 0, 0, 1, null, new byte[0], List.of(
                Header.of(MessageCodec.BODY_TYPE, "message"), Header.of("n", "NaN-ish"),
                Header.of(MessageCodec.PROPERTY_TYPES, "n:I"), Header.of(MessageCodec.REPLY_TO, "garbage")));
        StreamBusMessage m = MessageCodec.decode(r, StreamBusQueue.of("t"), POLICY, false);
        assertThat(m.getObjectProperty("n")).isEqualTo("NaN-ish");
        assertThat(m.getJMSReplyTo()).isNull();
    }

    @Test
    void destinationUris() throws Exception {
        for (String uri : List.of("queue://a", "topic://b.c", "temp-queue://x-1", "temp-topic://y_2")) {
            assertThat(StreamBusDestination.fromURI(uri).toURI()).isEqualTo(uri);
        }
    }
}
