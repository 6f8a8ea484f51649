package io.streambus.jms.internal;

import io.streambus.common.Header;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.jms.StreamBusDestination;
import io.streambus.jms.message.DeserializationPolicy;
import io.streambus.jms.message.StreamBusBytesMessage;
import io.streambus.jms.message.StreamBusMapMessage;
import io.streambus.jms.message.StreamBusMessage;
import io.streambus.jms.message.StreamBusObjectMessage;
import io.streambus.jms.message.StreamBusStreamMessage;
import io.streambus.jms.message.StreamBusTextMessage;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps JMS messages to StreamBus records and back (documented in MAPPING.md).
 *
 * <ul>
 * <li>Body → record value (text as UTF-8, bytes as is, map/stream in the {@code TypedValues} layout, object as Java
 * serialization). The body type travels in header {@value #BODY_TYPE}; its presence marks a JMS record.</li>
 * <li>JMS header fields → record headers named like the fields ({@code JMSCorrelationID}, {@code JMSReplyTo} as a
 * destination URI, {@code JMSType}, {@code JMSDeliveryMode}, {@code JMSPriority}, {@code JMSExpiration},
 * {@code JMSDeliveryTime}); defaults are left out. {@code JMSMessageID} is header {@value #MESSAGE_ID}, set by the
 * sending producer ({@code ID:<connection id>-<sequence>}); a record without it (not sent through JMS) gets
 * {@code ID:<topic>-<partition>-<offset>}. {@code JMSTimestamp} is the record timestamp, {@code JMSDestination} is
 * the consumer's.</li>
 * <li>Properties → one record header each, named like the property, value as text (so non-JMS consumers can read
 * them); the types of non-String properties are listed in header {@value #PROPERTY_TYPES} as {@code name:T,...}
 * with T one of Z B S I J F D (and {@code b} for a binary correlation id).</li>
 * <li>{@code JMSXGroupID} → record key as well (partition affinity).</li>
 * <li>The sending connection's id → header {@value #CONNECTION_ID} (noLocal).</li>
 * </ul>
 * Stateless, thread-safe.
 */
public final class MessageCodec {
    private static final Logger LOG = LoggerFactory.getLogger(MessageCodec.class);

    public static final String BODY_TYPE = "JMS_SB_Type";
    public static final String PROPERTY_TYPES = "JMS_SB_PropTypes";
    public static final String CONNECTION_ID = "JMS_SB_ConnectionID";
    public static final String MESSAGE_ID = "JMSMessageID";
    public static final String CORRELATION_ID = "JMSCorrelationID";
    public static final String REPLY_TO = "JMSReplyTo";
    public static final String TYPE = "JMSType";
    public static final String DELIVERY_MODE = "JMSDeliveryMode";
    public static final String PRIORITY = "JMSPriority";
    public static final String EXPIRATION = "JMSExpiration";
    public static final String DELIVERY_TIME = "JMSDeliveryTime";

    // Header keys whose UTF-8 form is kept, so that the producer copies it instead of encoding it per record.
    private static final Header BODY_TYPE_KEY = Header.withEncodedKey(BODY_TYPE, null);
    private static final Header PROPERTY_TYPES_KEY = Header.withEncodedKey(PROPERTY_TYPES, null);
    private static final Header CONNECTION_ID_KEY = Header.withEncodedKey(CONNECTION_ID, null);
    private static final Header MESSAGE_ID_KEY = Header.withEncodedKey(MESSAGE_ID, null);
    private static final Header CORRELATION_ID_KEY = Header.withEncodedKey(CORRELATION_ID, null);
    private static final Header REPLY_TO_KEY = Header.withEncodedKey(REPLY_TO, null);
    private static final Header TYPE_KEY = Header.withEncodedKey(TYPE, null);
    private static final Header DELIVERY_MODE_KEY = Header.withEncodedKey(DELIVERY_MODE, null);
    private static final Header PRIORITY_KEY = Header.withEncodedKey(PRIORITY, null);
    private static final Header EXPIRATION_KEY = Header.withEncodedKey(EXPIRATION, null);
    private static final Header DELIVERY_TIME_KEY = Header.withEncodedKey(DELIVERY_TIME, null);

    /** The body type names {@link StreamBusMessage#bodyType()} returns; each one's header is made once. */
    private static final String[] BODY_TYPES = {"message", "text", "null-text", "bytes", "map", "stream", "object",
        "null-object"};
    private static final Header[] BODY_TYPE_HEADERS = new Header[BODY_TYPES.length];
    /** JMSPriority headers for 0..9 (the default, 4, is not sent). */
    private static final Header[] PRIORITY_HEADERS = new Header[10];
    private static final Header NON_PERSISTENT_HEADER =
            DELIVERY_MODE_KEY.withValue(Integer.toString(DeliveryMode.NON_PERSISTENT));

    static {
        for (int i = 0; i < BODY_TYPES.length; i++) {
            BODY_TYPE_HEADERS[i] = BODY_TYPE_KEY.withValue(BODY_TYPES[i]);
        }
        for (int p = 0; p < PRIORITY_HEADERS.length; p++) {
            PRIORITY_HEADERS[p] = PRIORITY_KEY.withValue(Integer.toString(p));
        }
    }

    // What decode recognises in a header key (OTHER: a property).
    private static final int OTHER = 0;
    private static final int K_BODY_TYPE = 1;
    private static final int K_PROPERTY_TYPES = 2;
    private static final int K_CONNECTION_ID = 3;
    private static final int K_MESSAGE_ID = 4;
    private static final int K_CORRELATION_ID = 5;
    private static final int K_REPLY_TO = 6;
    private static final int K_TYPE = 7;
    private static final int K_DELIVERY_MODE = 8;
    private static final int K_PRIORITY = 9;
    private static final int K_EXPIRATION = 10;
    private static final int K_DELIVERY_TIME = 11;
    private static final int K_DEAD_LETTER_TOPIC = 12;
    /** The known keys by length, each with its code: a fetched key (a new String) is compared with the few of its
     * length, so it is neither hashed nor compared with the others. */
    private static final String[][] KEYS_BY_LENGTH;
    private static final int[][] CODES_BY_LENGTH;

    static {
        String[] keys = {BODY_TYPE, PROPERTY_TYPES, CONNECTION_ID, MESSAGE_ID, CORRELATION_ID, REPLY_TO, TYPE,
            DELIVERY_MODE, PRIORITY, EXPIRATION, DELIVERY_TIME, DeadLetterProperties.TOPIC_HEADER};
        int[] codes = {K_BODY_TYPE, K_PROPERTY_TYPES, K_CONNECTION_ID, K_MESSAGE_ID, K_CORRELATION_ID, K_REPLY_TO,
            K_TYPE, K_DELIVERY_MODE, K_PRIORITY, K_EXPIRATION, K_DELIVERY_TIME, K_DEAD_LETTER_TOPIC};
        int max = 0;
        for (String k : keys) {
            max = Math.max(max, k.length());
        }
        KEYS_BY_LENGTH = new String[max + 1][0];
        CODES_BY_LENGTH = new int[max + 1][0];
        for (int i = 0; i < keys.length; i++) {
            int len = keys[i].length();
            int n = KEYS_BY_LENGTH[len].length;
            KEYS_BY_LENGTH[len] = Arrays.copyOf(KEYS_BY_LENGTH[len], n + 1);
            KEYS_BY_LENGTH[len][n] = keys[i];
            CODES_BY_LENGTH[len] = Arrays.copyOf(CODES_BY_LENGTH[len], n + 1);
            CODES_BY_LENGTH[len][n] = codes[i];
        }
    }

    private MessageCodec() {
    }

    /** The header that names the sending connection: made once per connection and passed to {@link #encode}. */
    public static Header connectionIdHeader(String connectionId) {
        return CONNECTION_ID_KEY.withValue(connectionId);
    }

    /** As {@link #encode(StreamBusMessage, String, Header)} with the header made from {@code connectionId}. */
    public static ProducerRecord<byte[], byte[]> encode(StreamBusMessage m, String topic, String connectionId)
            throws JMSException {
        return encode(m, topic, connectionIdHeader(connectionId));
    }

    /**
     * The record for a message whose header fields (timestamp, expiration, delivery time, mode, priority) the
     * producer has already set.
     *
     * @param connectionId the sending connection's {@link #connectionIdHeader}
     */
    public static ProducerRecord<byte[], byte[]> encode(StreamBusMessage m, String topic, Header connectionId)
            throws JMSException {
        // The header fields first, so that the array is allocated once at its final size (no list growth, no copy
        // to trim it).
        String messageId = m.getJMSMessageID();
        Header id = messageId == null ? null : MESSAGE_ID_KEY.withValue(messageId);
        Header corr = null;
        boolean binaryCorrelation = m.hasBinaryCorrelationId();
        if (binaryCorrelation) {
            corr = CORRELATION_ID_KEY.withValue(m.getJMSCorrelationIDAsBytes());
        } else if (m.getJMSCorrelationID() != null) {
            corr = CORRELATION_ID_KEY.withValue(m.getJMSCorrelationID());
        }
        Header replyTo = m.getJMSReplyTo() == null ? null
                : REPLY_TO_KEY.withValue(toDestination(m.getJMSReplyTo()).toURI());
        Header type = m.getJMSType() == null ? null : TYPE_KEY.withValue(m.getJMSType());
        int mode = m.getJMSDeliveryMode();
        Header deliveryMode = mode == DeliveryMode.PERSISTENT ? null
                : mode == DeliveryMode.NON_PERSISTENT ? NON_PERSISTENT_HEADER
                : DELIVERY_MODE_KEY.withValue(Integer.toString(mode));
        int prio = m.getJMSPriority();
        Header priority = prio == Message.DEFAULT_PRIORITY ? null
                : prio >= 0 && prio < PRIORITY_HEADERS.length ? PRIORITY_HEADERS[prio]
                : PRIORITY_KEY.withValue(Integer.toString(prio));
        Header expiration = m.getJMSExpiration() == 0 ? null
                : EXPIRATION_KEY.withValue(Long.toString(m.getJMSExpiration()));
        Header deliveryTime = m.getJMSDeliveryTime() == 0 || m.getJMSDeliveryTime() == m.getJMSTimestamp() ? null
                : DELIVERY_TIME_KEY.withValue(Long.toString(m.getJMSDeliveryTime()));
        Map<String, Object> properties = m.properties();
        int propertyHeaders = 0;
        boolean typed = binaryCorrelation;
        if (!properties.isEmpty()) {
            for (Object v : properties.values()) {
                if (v != null) {
                    propertyHeaders++;
                    typed |= !(v instanceof String);
                }
            }
        }
        Header[] headers = new Header[2 + count(id) + count(corr) + count(replyTo) + count(type)
                + count(deliveryMode) + count(priority) + count(expiration) + count(deliveryTime) + propertyHeaders
                + (typed ? 1 : 0)];
        int n = 0;
        headers[n++] = bodyTypeHeader(m.bodyType());
        headers[n++] = connectionId;
        n = add(headers, n, id);
        n = add(headers, n, corr);
        n = add(headers, n, replyTo);
        n = add(headers, n, type);
        n = add(headers, n, deliveryMode);
        n = add(headers, n, priority);
        n = add(headers, n, expiration);
        n = add(headers, n, deliveryTime);
        StringBuilder types = binaryCorrelation ? new StringBuilder(CORRELATION_ID).append(":b") : null;
        byte[] key = null;
        if (propertyHeaders > 0) {
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                Object v = e.getValue();
                if (v == null) {
                    continue;
                }
                String name = e.getKey();
                String text = v.toString();
                headers[n++] = Header.of(name, text);
                char t = typeCode(v);
                if (t != 'T') {
                    types = (types == null ? new StringBuilder() : types.append(',')).append(name).append(':')
                            .append(t);
                }
                if (name.equals(StreamBusMessage.JMSX_GROUP_ID)) {
                    key = text.getBytes(StandardCharsets.UTF_8);
                }
            }
        }
        if (types != null) {
            headers[n++] = PROPERTY_TYPES_KEY.withValue(types.toString());
        }
        // List.of copies once; the record keeps that list as it is (it is already immutable).
        return new ProducerRecord<>(topic, null, m.getJMSTimestamp() == 0 ? null : m.getJMSTimestamp(), key,
                m.encodeBody(), List.of(headers));
    }

    private static int count(Header h) {
        return h == null ? 0 : 1;
    }

    private static int add(Header[] headers, int n, Header h) {
        if (h == null) {
            return n;
        }
        headers[n] = h;
        return n + 1;
    }

    private static Header bodyTypeHeader(String bodyType) {
        for (int i = 0; i < BODY_TYPES.length; i++) {
            // bodyType() returns these literals: identity finds them; equals covers any other instance
            if (BODY_TYPES[i] == bodyType) {
                return BODY_TYPE_HEADERS[i];
            }
        }
        for (int i = 0; i < BODY_TYPES.length; i++) {
            if (BODY_TYPES[i].equals(bodyType)) {
                return BODY_TYPE_HEADERS[i];
            }
        }
        return BODY_TYPE_KEY.withValue(bodyType);
    }

    private static char typeCode(Object v) {
        if (v instanceof String) {
            return 'T';
        } else if (v instanceof Integer) {
            return 'I';
        } else if (v instanceof Long) {
            return 'J';
        } else if (v instanceof Boolean) {
            return 'Z';
        } else if (v instanceof Double) {
            return 'D';
        } else if (v instanceof Float) {
            return 'F';
        } else if (v instanceof Short) {
            return 'S';
        } else if (v instanceof Byte) {
            return 'B';
        }
        throw new IllegalArgumentException("not a JMS property type: " + v.getClass().getName());
    }

    /**
     * Builds the message for a fetched record.
     *
     * @param destination      the consumer's destination (JMSDestination)
     * @param policy           ObjectMessage allowlist
     * @param foreignAsText    deliver records without JMS headers as TextMessages
     */
    public static StreamBusMessage decode(ConsumerRecord<byte[], byte[]> r, Destination destination,
                                          DeserializationPolicy policy, boolean foreignAsText) throws JMSException {
        List<Header> headers = r.headers();
        int count = headers.size();
        // Each key is recognised once; indexed loops: no iterator per record.
        byte[] codes = new byte[count];
        String bodyType = null;
        String types = null;
        Header messageId = null;
        boolean deadLetter = false;
        for (int i = 0; i < count; i++) {
            Header h = headers.get(i);
            int code = keyCode(h.key());
            codes[i] = (byte) code;
            switch (code) {
                case K_BODY_TYPE -> bodyType = bodyType(h.value());
                case K_PROPERTY_TYPES -> types = h.valueAsString();
                case K_MESSAGE_ID -> messageId = h;
                case K_DEAD_LETTER_TOPIC -> deadLetter = true;
                default -> {
                    // read in the second pass
                }
            }
        }
        Map<String, Character> typeMap = parseTypes(types);
        StreamBusMessage m = newMessage(bodyType, foreignAsText);
        byte[] value = r.value() == null ? new byte[0] : r.value();
        if (m instanceof StreamBusObjectMessage om) {
            om.setDeserializationPolicy(policy);
        }
        if ("null-text".equals(bodyType)) {
            ((StreamBusTextMessage) m).decodeNullBody();
        } else if ("null-object".equals(bodyType)) {
            ((StreamBusObjectMessage) m).decodeNullBody();
        } else {
            m.decodeBody(value);
        }
        boolean jms = bodyType != null;
        for (int i = 0; i < count; i++) {
            Header h = headers.get(i);
            if (jms) {
                switch (codes[i]) {
                    case K_BODY_TYPE, K_PROPERTY_TYPES, K_CONNECTION_ID, K_MESSAGE_ID -> {
                        continue;
                    }
                    case K_CORRELATION_ID -> {
                        Character t = typeMap.get(CORRELATION_ID);
                        if (t != null && t == 'b') {
                            m.setJMSCorrelationIDAsBytes(h.value());
                        } else {
                            m.setJMSCorrelationID(h.valueAsString());
                        }
                        continue;
                    }
                    case K_REPLY_TO -> {
                        try {
                            m.setJMSReplyTo(StreamBusDestination.fromURI(h.valueAsString()));
                        } catch (InvalidDestinationException e) {
                            LOG.debug("record {}-{}@{}: ignoring unparsable JMSReplyTo '{}'", r.topic(),
                                    r.partition(), r.offset(), h.valueAsString());
                        }
                        continue;
                    }
                    case K_TYPE -> {
                        m.setJMSType(h.valueAsString());
                        continue;
                    }
                    case K_DELIVERY_MODE -> {
                        m.setJMSDeliveryMode((int) parseLong(h.value(), DeliveryMode.PERSISTENT));
                        continue;
                    }
                    case K_PRIORITY -> {
                        long p = parseLong(h.value(), Message.DEFAULT_PRIORITY);
                        m.setJMSPriority(p < 0 || p > 9 ? Message.DEFAULT_PRIORITY : (int) p);
                        continue;
                    }
                    case K_EXPIRATION -> {
                        m.setJMSExpiration(parseLong(h.value(), 0));
                        continue;
                    }
                    case K_DELIVERY_TIME -> {
                        m.setJMSDeliveryTime(parseLong(h.value(), 0));
                        continue;
                    }
                    default -> {
                        // a property
                    }
                }
            }
            String k = h.key();
            String text = h.valueAsString();
            Character t = typeMap.isEmpty() ? null : typeMap.get(k);
            m.putPropertyUnchecked(k, t == null ? text : typed(k, text, t, r));
        }
        if (deadLetter) {
            DeadLetterProperties.apply(headers, m);
        }
        long ts = r.timestamp() == ConsumerRecord.NO_TIMESTAMP ? 0 : r.timestamp();
        m.setJMSTimestamp(ts);
        if (m.getJMSDeliveryTime() == 0) {
            m.setJMSDeliveryTime(ts);
        }
        // The sender's id; records written otherwise (or by a provider version before client ids) get their position.
        m.setJMSMessageID(jms && messageId != null ? messageId.valueAsString()
                : messageId(r.topic(), r.partition(), r.offset()));
        m.setJMSDestination(destination);
        return m;
    }

    /** What {@code key} is to decode: one of the K_ codes, or {@link #OTHER}. */
    private static int keyCode(String key) {
        int len = key.length();
        if (len >= KEYS_BY_LENGTH.length) {
            return OTHER;
        }
        String[] candidates = KEYS_BY_LENGTH[len];
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i].equals(key)) {
                return CODES_BY_LENGTH[len][i];
            }
        }
        return OTHER;
    }

    /** The body type named by a header value: one of the known names without decoding, else the decoded text. */
    private static String bodyType(byte[] value) {
        for (int i = 0; i < BODY_TYPE_HEADERS.length; i++) {
            if (Arrays.equals(BODY_TYPE_HEADERS[i].value(), value)) {
                return BODY_TYPES[i];
            }
        }
        return new String(value, StandardCharsets.UTF_8);
    }

    /** {@code ID:<topic>-<partition>-<offset>}: the id of a record that does not carry one (not sent through JMS). */
    public static String messageId(String topic, int partition, long offset) {
        return "ID:" + topic + "-" + partition + "-" + offset;
    }

    /** The connection id a record was sent from, or null for records not sent through JMS. */
    public static String connectionIdOf(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.header(CONNECTION_ID);
        return h == null ? null : h.valueAsString();
    }

    private static StreamBusMessage newMessage(String bodyType, boolean foreignAsText) {
        if (bodyType == null) {
            return foreignAsText ? new StreamBusTextMessage() : new StreamBusBytesMessage();
        }
        return switch (bodyType) {
            case "text", "null-text" -> new StreamBusTextMessage();
            case "bytes" -> new StreamBusBytesMessage();
            case "map" -> new StreamBusMapMessage();
            case "stream" -> new StreamBusStreamMessage();
            case "object", "null-object" -> new StreamBusObjectMessage();
            default -> new StreamBusMessage();
        };
    }

    /**
     * The header value as {@link Long#parseLong} reads its text, or {@code dflt} where that throws. Plain digits (the
     * values the provider writes, apart from negative ones) are read from the bytes: no String per header.
     */
    static long parseLong(byte[] value, long dflt) {
        int n = value.length;
        if (n == 1 && value[0] >= '0' && value[0] <= '9') { // a delivery mode, a priority
            return value[0] - '0';
        }
        if (n > 0 && n <= 18) { // 18 digits cannot overflow
            long v = 0;
            int i = 0;
            while (i < n) {
                int d = value[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                v = v * 10 + d;
                i++;
            }
            if (i == n) {
                return v;
            }
        }
        try {
            return Long.parseLong(new String(value, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static Map<String, Character> parseTypes(String types) {
        if (types == null || types.isEmpty()) {
            return Map.of();
        }
        Map<String, Character> m = new HashMap<>();
        for (String entry : types.split(",")) {
            int c = entry.lastIndexOf(':');
            if (c > 0 && c == entry.length() - 2) {
                m.put(entry.substring(0, c), entry.charAt(c + 1));
            }
        }
        return m;
    }

    private static Object typed(String name, String text, char t, ConsumerRecord<?, ?> r) {
        try {
            return switch (t) {
                case 'Z' -> Boolean.parseBoolean(text);
                case 'B' -> Byte.parseByte(text);
                case 'S' -> Short.parseShort(text);
                case 'I' -> Integer.parseInt(text);
                case 'J' -> Long.parseLong(text);
                case 'F' -> Float.parseFloat(text);
                case 'D' -> Double.parseDouble(text);
                default -> text;
            };
        } catch (NumberFormatException e) {
            // A damaged header must not make the record undeliverable: keep the text.
            LOG.debug("record {}-{}@{}: property {} is not a valid {} ('{}'), delivered as String", r.topic(),
                    r.partition(), r.offset(), name, t, text);
            return text;
        }
    }

    /** Our destination for any JMS destination (foreign ones by their queue or topic name). */
    public static StreamBusDestination toDestination(Destination d) throws JMSException {
        if (d == null) {
            return null;
        }
        if (d instanceof StreamBusDestination sd) {
            return sd;
        }
        if (d instanceof TemporaryQueue || d instanceof TemporaryTopic) {
            throw new InvalidDestinationException("a temporary destination of another JMS provider cannot be used: "
                    + d);
        }
        if (d instanceof Queue q) {
            return io.streambus.jms.StreamBusQueue.of(q.getQueueName());
        }
        if (d instanceof Topic t) {
            return io.streambus.jms.StreamBusTopic.of(t.getTopicName());
        }
        throw new InvalidDestinationException("unsupported destination type " + d.getClass().getName());
    }

    /**
     * A copy of a message of another JMS provider (or of a plain {@link Message} implementation) as one of ours, so
     * that it can be sent. Body, properties and the header fields an application sets are copied.
     */
    public static StreamBusMessage fromForeign(Message foreign) throws JMSException {
        StreamBusMessage m;
        if (foreign instanceof TextMessage t) {
            m = new StreamBusTextMessage(t.getText());
        } else if (foreign instanceof BytesMessage b) {
            StreamBusBytesMessage bm = new StreamBusBytesMessage();
            b.reset();
            byte[] buf = new byte[(int) b.getBodyLength()];
            b.readBytes(buf);
            bm.writeBytes(buf);
            m = bm;
        } else if (foreign instanceof MapMessage fm) {
            StreamBusMapMessage mm = new StreamBusMapMessage();
            for (Enumeration<?> e = fm.getMapNames(); e.hasMoreElements(); ) {
                String n = (String) e.nextElement();
                mm.setObject(n, fm.getObject(n));
            }
            m = mm;
        } else if (foreign instanceof StreamMessage fs) {
            StreamBusStreamMessage sm = new StreamBusStreamMessage();
            fs.reset();
            while (true) {
                Object o;
                try {
                    o = fs.readObject();
                } catch (jakarta.jms.MessageEOFException eof) {
                    break;
                }
                sm.writeObject(o);
            }
            m = sm;
        } else if (foreign instanceof ObjectMessage fo) {
            StreamBusObjectMessage om = new StreamBusObjectMessage();
            om.setObject(fo.getObject());
            m = om;
        } else {
            m = new StreamBusMessage();
        }
        for (Enumeration<?> e = foreign.getPropertyNames(); e.hasMoreElements(); ) {
            String n = (String) e.nextElement();
            m.setObjectProperty(n, foreign.getObjectProperty(n));
        }
        byte[] corr = null;
        try {
            corr = foreign.getJMSCorrelationIDAsBytes();
        } catch (UnsupportedOperationException | JMSException ignored) {
            // providers may not support binary ids
        }
        if (foreign.getJMSCorrelationID() != null) {
            m.setJMSCorrelationID(foreign.getJMSCorrelationID());
        } else if (corr != null) {
            m.setJMSCorrelationIDAsBytes(corr);
        }
        m.setJMSReplyTo(toDestination(foreign.getJMSReplyTo()));
        m.setJMSType(foreign.getJMSType());
        return m;
    }
}
