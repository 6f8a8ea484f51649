package io.streambus.jms.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.common.Header;
import io.streambus.jms.StreamBusQueue;
import io.streambus.jms.StreamBusTemporaryQueue;
import io.streambus.jms.StreamBusTopic;
import io.streambus.jms.message.DeserializationPolicy;
import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMapMessage;
import io.streambus.jms.message.StreamBusMessage;
import io.streambus.jms.message.StreamBusObjectMessage;
import io.streambus.jms.message.StreamBusStreamMessage;
import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The record mapping is unchanged by the codec's per-message savings: {@link MessageCodec} writes the very headers
 * that main's codec ({@link MainMessageCodec}, a frozen copy) wrote, and reads every record, the ones written the old
 * way and odd or damaged ones included, into the same message.
 */
class MessageCodecCompatTest {
    private static final DeserializationPolicy POLICY = DeserializationPolicy.defaultPolicy();

    private static ConsumerRecord<byte[], byte[]> fetched(ProducerRecord<byte[], byte[]> p) {
        return new ConsumerRecord<>(p.topic(), 2, 41, p.timestamp() == null ? ConsumerRecord.NO_TIMESTAMP
                : p.timestamp(), p.key(), p.value(), p.headers());
    }

    private static ConsumerRecord<byte[], byte[]> record(Header... headers) {
        return new ConsumerRecord<>("orders", 1, 9, 1_700_000_000_000L, null,
                "body".getBytes(StandardCharsets.UTF_8), List.of(headers));
    }

    /** Everything a receiver can see of a message, as text. */
    private static String snapshot(StreamBusMessage m) throws JMSException {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.properties().entrySet()) {
            props.put(e.getKey(), e.getValue() + " (" + e.getValue().getClass().getSimpleName() + ")");
        }
        return String.join("\n", m.getClass().getSimpleName(), m.bodyType(), Arrays.toString(m.encodeBody()),
                "id=" + m.getJMSMessageID(), "ts=" + m.getJMSTimestamp(), "corr=" + m.getJMSCorrelationID(),
                "corrBytes=" + Arrays.toString(m.getJMSCorrelationIDAsBytes()), "binary=" + m.hasBinaryCorrelationId(),
                "replyTo=" + m.getJMSReplyTo(), "dest=" + m.getJMSDestination(), "type=" + m.getJMSType(),
                "mode=" + m.getJMSDeliveryMode(), "prio=" + m.getJMSPriority(), "exp=" + m.getJMSExpiration(),
                "dt=" + m.getJMSDeliveryTime(), "props=" + props);
    }

    /** The message main's codec reads, or the exception it throws (the consumer delivers those raw). */
    private static String decodedByMain(ConsumerRecord<byte[], byte[]> r, boolean asText) {
        try {
            return snapshot(MainMessageCodec.decode(r, StreamBusQueue.of("orders"), POLICY, asText));
        } catch (JMSException | RuntimeException e) {
            return "threw " + e;
        }
    }

    private static String decoded(ConsumerRecord<byte[], byte[]> r, boolean asText) {
        try {
            return snapshot(MessageCodec.decode(r, StreamBusQueue.of("orders"), POLICY, asText));
        } catch (JMSException | RuntimeException e) {
            return "threw " + e;
        }
    }

    private static List<StreamBusMessage> messages() throws JMSException {
        List<StreamBusMessage> all = new ArrayList<>();
        StreamBusTextMessage full = new StreamBusTextMessage("b\u00f6dy \u20ac");
        full.setJMSMessageID("ID:0123456789abcdef-1");
        full.setJMSCorrelationID("corr-\u00e9");
        full.setJMSReplyTo(new StreamBusTemporaryQueue("jms.tmp.q1", null));
        full.setJMSType("order");
        full.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        full.setJMSPriority(7);
        full.setJMSTimestamp(1_700_000_000_000L);
        full.setJMSExpiration(1_700_000_060_000L);
        full.setJMSDeliveryTime(1_700_000_005_000L);
        full.setBooleanProperty("z", true);
        full.setByteProperty("b", (byte) -1);
        full.setShortProperty("s", (short) -300);
        full.setIntProperty("i", Integer.MIN_VALUE);
        full.setLongProperty("l", Long.MAX_VALUE);
        full.setFloatProperty("f", Float.NaN);
        full.setDoubleProperty("d", 0.1 + 0.2);
        full.setStringProperty("t", "a,b:c=d");
        full.setStringProperty("n\u00e4me", "v\u00e4lue");
        full.setStringProperty("JMSXGroupID", "group-\u00e9");
        all.add(full);

        StreamBusBytesMessage binary = new StreamBusBytesMessage();
        binary.writeBytes(new byte[] {0, 1, 2, (byte) 0xff});
        binary.setJMSCorrelationIDAsBytes(new byte[] {(byte) 0xc3, 0x28, 0, (byte) 0xff});
        binary.setJMSMessageID("ID:x-2");
        binary.setJMSTimestamp(5);
        binary.setJMSDeliveryTime(5);
        all.add(binary);
        StreamBusMessage binaryTyped = new StreamBusMessage();
        binaryTyped.setJMSCorrelationIDAsBytes(new byte[] {7});
        binaryTyped.setIntProperty("JMSXGroupID", 12);
        binaryTyped.setStringProperty("s", "x");
        all.add(binaryTyped);

        for (int prio = 0; prio <= 9; prio++) {
            for (int mode : new int[] {DeliveryMode.PERSISTENT, DeliveryMode.NON_PERSISTENT}) {
                StreamBusBytesMessage m = new StreamBusBytesMessage();
                m.writeBytes(new byte[100]);
                m.setJMSMessageID("ID:0123456789abcdef-" + (prio * 10 + mode));
                m.setJMSPriority(prio);
                m.setJMSDeliveryMode(mode);
                m.setJMSTimestamp(1_700_000_000_000L + prio);
                m.setJMSDeliveryTime(1_700_000_000_000L + prio + mode - 1);
                m.setJMSReplyTo(mode == 1 ? StreamBusTopic.of("replies") : StreamBusQueue.of("replies"));
                all.add(m);
            }
        }
        all.add(new StreamBusMessage());
        all.add(new StreamBusTextMessage());
        all.add(new StreamBusTextMessage(""));
        all.add(new StreamBusBytesMessage());
        StreamBusMapMessage map = new StreamBusMapMessage();
        map.setInt("k", 1);
        map.setString("s", "v");
        all.add(map);
        StreamBusStreamMessage stream = new StreamBusStreamMessage();
        stream.writeLong(3);
        stream.writeString("s");
        all.add(stream);
        StreamBusObjectMessage object = new StreamBusObjectMessage();
        object.setObject("an object");
        all.add(object);
        all.add(new StreamBusObjectMessage());
        return all;
    }

    @Test
    void encodeWritesTheHeadersMainWrote() throws Exception {
        for (StreamBusMessage m : messages()) {
            ProducerRecord<byte[], byte[]> now = MessageCodec.encode(m, "orders", "0123456789abcdef");
            ProducerRecord<byte[], byte[]> main = MainMessageCodec.encode(m, "orders", "0123456789abcdef");
            assertThat(now.headers()).as(snapshot(m)).containsExactlyElementsOf(main.headers());
            assertThat(now.key()).isEqualTo(main.key());
            assertThat(now.value()).isEqualTo(main.value());
            assertThat(now.timestamp()).isEqualTo(main.timestamp());
            assertThat(now.partition()).isEqualTo(main.partition());
            // and what is written now reads as main read it
            assertThat(decoded(fetched(now), false)).isEqualTo(decodedByMain(fetched(main), false));
        }
    }

    @Test
    void aRecordWrittenTheOldWayReadsAsBefore() throws Exception {
        // The headers exactly as main's JmsMessageProducer sent a NON_PERSISTENT BytesMessage with properties.
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("orders", 1, 9, 1_700_000_000_000L,
                "g1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, List.of(
                Header.of("JMS_SB_Type", "bytes"),
                Header.of("JMS_SB_ConnectionID", "0123456789abcdef"),
                Header.of("JMSMessageID", "ID:0123456789abcdef-17"),
                new Header("JMSCorrelationID", new byte[] {(byte) 0xff, 0}),
                Header.of("JMSReplyTo", "queue://replies"),
                Header.of("JMSType", "t\u00e9"),
                Header.of("JMSDeliveryMode", "1"),
                Header.of("JMSPriority", "9"),
                Header.of("JMSExpiration", "1700000060000"),
                Header.of("JMSDeliveryTime", "1700000005000"),
                Header.of("count", "42"),
                Header.of("JMSXGroupID", "g1"),
                Header.of("ratio", "0.5"),
                Header.of("JMS_SB_PropTypes", "JMSCorrelationID:b,count:I,ratio:D")));
        StreamBusMessage m = MessageCodec.decode(r, StreamBusQueue.of("orders"), POLICY, false);
        m.setReadOnly();
        assertThat(m).isInstanceOf(BytesMessage.class);
        assertThat(((BytesMessage) m).getBodyLength()).isEqualTo(3);
        assertThat(m.getJMSMessageID()).isEqualTo("ID:0123456789abcdef-17");
        assertThat(m.getJMSCorrelationIDAsBytes()).containsExactly(0xff, 0);
        assertThat(m.getJMSReplyTo()).isEqualTo(StreamBusQueue.of("replies"));
        assertThat(m.getJMSType()).isEqualTo("t\u00e9");
        assertThat(m.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
        assertThat(m.getJMSPriority()).isEqualTo(9);
        assertThat(m.getJMSTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(m.getJMSExpiration()).isEqualTo(1_700_000_060_000L);
        assertThat(m.getJMSDeliveryTime()).isEqualTo(1_700_000_005_000L);
        assertThat(m.getObjectProperty("count")).isEqualTo(42);
        assertThat(m.getObjectProperty("ratio")).isEqualTo(0.5);
        assertThat(m.getStringProperty("JMSXGroupID")).isEqualTo("g1");
        assertThat(m.properties().keySet()).containsExactly("count", "JMSXGroupID", "ratio");
        assertThat(decoded(r, false)).isEqualTo(decodedByMain(r, false));

        // the smallest: a PERSISTENT message with defaults only
        ConsumerRecord<byte[], byte[]> plain = record(Header.of("JMS_SB_Type", "text"),
                Header.of("JMS_SB_ConnectionID", "c"), Header.of("JMSMessageID", "ID:c-1"));
        StreamBusMessage p = MessageCodec.decode(plain, StreamBusQueue.of("orders"), POLICY, false);
        assertThat(p.getJMSDeliveryMode()).isEqualTo(DeliveryMode.PERSISTENT);
        assertThat(p.getJMSPriority()).isEqualTo(4);
        assertThat(p.getJMSDeliveryTime()).isEqualTo(p.getJMSTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(p.properties()).isEmpty();
        assertThat(decoded(plain, false)).isEqualTo(decodedByMain(plain, false));
    }

    @Test
    void oddAndDamagedRecordsReadAsBefore() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String n : List.of("12", "-1", "+5", "abc", "", "\u0663", "007", "99999999999999999999",
                "9223372036854775807", "9223372036854775808", "-9223372036854775808", "123456789012345678",
                "1234567890123456789", "0", " 1", "1 ")) {
            records.add(record(Header.of("JMS_SB_Type", "message"), Header.of("JMSPriority", n),
                    Header.of("JMSDeliveryMode", n), Header.of("JMSExpiration", n), Header.of("JMSDeliveryTime", n)));
        }
        for (String bodyType : List.of("", "weird", "TEXT", "text", "null-text", "bytes", "map", "stream",
                "null-object", "message", "t\u00e9xt")) {
            records.add(record(Header.of("JMS_SB_Type", bodyType), Header.of("JMSMessageID", "ID:\u00e9-1")));
        }
        // keys as long as known ones, but not them
        records.add(record(Header.of("JMS_SB_Type", "text"), Header.of("JMSPriorit_", "1"),
                Header.of("JMS_SB_Typo", "x"), Header.of("JMSMessageIX", "y"), Header.of("sb_dlq_topix", "z"),
                Header.of("JMSCorrelationIE", "c"), Header.of("JMS_SB_ConnectionIE", "d")));
        // dead-letter copies, of a JMS message and of a foreign record; a reason without the topic adds nothing
        Header[] dlq = {Header.of("sb_dlq_group", "g"), Header.of("sb_dlq_topic", "orders"),
            Header.of("sb_dlq_partition", "0"), Header.of("sb_dlq_offset", "5"), Header.of("sb_dlq_reason", "REJECT")};
        List<Header> jmsDlq = new ArrayList<>(List.of(Header.of("JMS_SB_Type", "text"), Header.of("p", "1"),
                Header.of("JMS_SB_PropTypes", "p:I")));
        jmsDlq.addAll(List.of(dlq));
        records.add(record(jmsDlq.toArray(new Header[0])));
        records.add(record(dlq));
        records.add(record(Header.of("sb_dlq_reason", "REJECT")));
        // foreign records carrying JMS-looking keys: all properties
        records.add(record(Header.of("JMSMessageID", "ID:forged"), Header.of("JMSPriority", "1"),
                Header.of("JMS_SB_ConnectionID", "c"), Header.of("JMS_SB_PropTypes", "JMSPriority:I")));
        records.add(record());
        // damaged type lists, a string correlation id
        records.add(record(Header.of("JMS_SB_Type", "message"), Header.of("a", "1"), Header.of("b", "x"),
                Header.of("JMSCorrelationID", "plain"), Header.of("JMS_SB_PropTypes", "a:I,,b:J,c:,:Z,JMSCorrelationID:T")));
        // the same key twice (the wire refuses it, a hand-made record may have it): the last one counts
        records.add(record(Header.of("JMS_SB_Type", "bytes"), Header.of("JMS_SB_Type", "text"),
                Header.of("JMSMessageID", "ID:a"), Header.of("JMSMessageID", "ID:b"), Header.of("x", "1"),
                Header.of("x", "2")));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            for (boolean asText : new boolean[] {false, true}) {
                assertThat(decoded(r, asText)).as(r.headers().toString()).isEqualTo(decodedByMain(r, asText));
            }
        }
    }

    @Test
    void numbersReadFromBytesAsLongParseLongReadsTheirText() {
        for (String n : List.of("0", "1", "4", "9", "10", "007", "-1", "+1", "-0", "", "-", "+", "a", "1a", "\u0663",
                "\uff11", "123456789012345678", "999999999999999999", "1234567890123456789", "9223372036854775807",
                "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1.5", " 1")) {
            long expected;
            try {
                expected = Long.parseLong(n);
            } catch (NumberFormatException e) {
                expected = -77;
            }
            assertThat(MessageCodec.parseLong(n.getBytes(StandardCharsets.UTF_8), -77)).as(n).isEqualTo(expected);
        }
    }
}
