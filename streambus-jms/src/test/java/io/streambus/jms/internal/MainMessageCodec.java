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
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record mapping exactly as main wrote and read it before the per-message work was cut (a frozen copy of that
 * MessageCodec's encode and decode): the reference that {@link MessageCodecCompatTest} holds the codec to.
 */
final class MainMessageCodec {
    private static final Logger LOG = LoggerFactory.getLogger(MainMessageCodec.class);

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

    private MainMessageCodec() {
    }

    /**
     * The record for a message whose header fields (timestamp, expiration, delivery time, mode, priority) the
     * producer has already set.
     */
    public static ProducerRecord<byte[], byte[]> encode(StreamBusMessage m, String topic, String connectionId)
            throws JMSException {
        List<Header> headers = new ArrayList<>(8 + m.properties().size());
        headers.add(Header.of(BODY_TYPE, m.bodyType()));
        headers.add(Header.of(CONNECTION_ID, connectionId));
        if (m.getJMSMessageID() != null) {
            headers.add(Header.of(MESSAGE_ID, m.getJMSMessageID()));
        }
        StringBuilder types = null;
        if (m.hasBinaryCorrelationId()) {
            headers.add(new Header(CORRELATION_ID, m.getJMSCorrelationIDAsBytes()));
            types = new StringBuilder(CORRELATION_ID).append(":b");
        } else if (m.getJMSCorrelationID() != null) {
            headers.add(Header.of(CORRELATION_ID, m.getJMSCorrelationID()));
        }
        if (m.getJMSReplyTo() != null) {
            headers.add(Header.of(REPLY_TO, MessageCodec.toDestination(m.getJMSReplyTo()).toURI()));
        }
        if (m.getJMSType() != null) {
            headers.add(Header.of(TYPE, m.getJMSType()));
        }
        if (m.getJMSDeliveryMode() != DeliveryMode.PERSISTENT) {
            headers.add(Header.of(DELIVERY_MODE, Integer.toString(m.getJMSDeliveryMode())));
        }
        if (m.getJMSPriority() != Message.DEFAULT_PRIORITY) {
            headers.add(Header.of(PRIORITY, Integer.toString(m.getJMSPriority())));
        }
        if (m.getJMSExpiration() != 0) {
            headers.add(Header.of(EXPIRATION, Long.toString(m.getJMSExpiration())));
        }
        if (m.getJMSDeliveryTime() != 0 && m.getJMSDeliveryTime() != m.getJMSTimestamp()) {
            headers.add(Header.of(DELIVERY_TIME, Long.toString(m.getJMSDeliveryTime())));
        }
        byte[] key = null;
        for (Map.Entry<String, Object> e : m.properties().entrySet()) {
            Object v = e.getValue();
            if (v == null) {
                continue;
            }
            String name = e.getKey();
            headers.add(Header.of(name, v.toString()));
            char t = typeCode(v);
            if (t != 'T') {
                types = (types == null ? new StringBuilder() : types.append(',')).append(name).append(':').append(t);
            }
            if (name.equals(StreamBusMessage.JMSX_GROUP_ID)) {
                key = v.toString().getBytes(StandardCharsets.UTF_8);
            }
        }
        if (types != null) {
            headers.add(Header.of(PROPERTY_TYPES, types.toString()));
        }
        return new ProducerRecord<>(topic, null, m.getJMSTimestamp() == 0 ? null : m.getJMSTimestamp(), key,
                m.encodeBody(), headers);
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
        String bodyType = null;
        String types = null;
        String messageId = null;
        for (Header h : r.headers()) {
            if (h.key().equals(BODY_TYPE)) {
                bodyType = h.valueAsString();
            } else if (h.key().equals(PROPERTY_TYPES)) {
                types = h.valueAsString();
            } else if (h.key().equals(MESSAGE_ID)) {
                messageId = h.valueAsString();
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
        for (Header h : r.headers()) {
            String k = h.key();
            if (jms) {
                switch (k) {
                    case BODY_TYPE, PROPERTY_TYPES, CONNECTION_ID, MESSAGE_ID -> {
                        continue;
                    }
                    case CORRELATION_ID -> {
                        Character t = typeMap.get(CORRELATION_ID);
                        if (t != null && t == 'b') {
                            m.setJMSCorrelationIDAsBytes(h.value());
                        } else {
                            m.setJMSCorrelationID(h.valueAsString());
                        }
                        continue;
                    }
                    case REPLY_TO -> {
                        try {
                            m.setJMSReplyTo(StreamBusDestination.fromURI(h.valueAsString()));
                        } catch (InvalidDestinationException e) {
                            LOG.debug("record {}-{}@{}: ignoring unparsable JMSReplyTo '{}'", r.topic(),
                                    r.partition(), r.offset(), h.valueAsString());
                        }
                        continue;
                    }
                    case TYPE -> {
                        m.setJMSType(h.valueAsString());
                        continue;
                    }
                    case DELIVERY_MODE -> {
                        m.setJMSDeliveryMode((int) parseLong(h, DeliveryMode.PERSISTENT));
                        continue;
                    }
                    case PRIORITY -> {
                        long p = parseLong(h, Message.DEFAULT_PRIORITY);
                        m.setJMSPriority(p < 0 || p > 9 ? Message.DEFAULT_PRIORITY : (int) p);
                        continue;
                    }
                    case EXPIRATION -> {
                        m.setJMSExpiration(parseLong(h, 0));
                        continue;
                    }
                    case DELIVERY_TIME -> {
                        m.setJMSDeliveryTime(parseLong(h, 0));
                        continue;
                    }
                    default -> {
                        // a property
                    }
                }
            }
            String text = h.valueAsString();
            Character t = typeMap.get(k);
            m.putPropertyUnchecked(k, t == null ? text : typed(k, text, t, r));
        }
        DeadLetterProperties.apply(r.headers(), m);
        long ts = r.timestamp() == ConsumerRecord.NO_TIMESTAMP ? 0 : r.timestamp();
        m.setJMSTimestamp(ts);
        if (m.getJMSDeliveryTime() == 0) {
            m.setJMSDeliveryTime(ts);
        }
        // The sender's id; records written otherwise (or by a provider version before client ids) get their position.
        m.setJMSMessageID(jms && messageId != null ? messageId : messageId(r.topic(), r.partition(), r.offset()));
        m.setJMSDestination(destination);
        return m;
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

    private static long parseLong(Header h, long dflt) {
        try {
            return Long.parseLong(h.valueAsString());
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

}
