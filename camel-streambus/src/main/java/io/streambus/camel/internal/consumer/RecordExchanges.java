package io.streambus.camel.internal.consumer;

import io.netty.util.ReferenceCountUtil;
import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.common.Header;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The part of turning a polled record into an exchange that the group ({@link ConsumerTask}) and the share
 * ({@link ShareConsumerTask}) consumer threads have in common: the record's own headers (through the header
 * filter), the position and key/timestamp headers, releasing a record's buffers and naming a record in messages.
 * Each task adds its own mode-specific headers and the body after {@link #fillCommon}.
 *
 * <p>Stateless; thread-safe.
 */
final class RecordExchanges {
    private RecordExchanges() {
    }

    /**
     * Sets on the in message of {@code exchange} the record headers that pass the filter of {@code settings},
     * then the topic, partition, offset, key (when present) and timestamp (when present) headers.
     */
    static Message fillCommon(Exchange exchange, ConsumerSettings settings, List<Header> headers, String topic,
                              int partition, long offset, Object key, long timestamp) {
        Message m = exchange.getIn();
        if (!headers.isEmpty()) {
            HeaderFilterStrategy filter = settings.headerFilterStrategy;
            for (Map.Entry<String, Object> h : settings.headerDeserializer.deserialize(headers).entrySet()) {
                if (filter == null || !filter.applyFilterToExternalHeaders(h.getKey(), h.getValue(), exchange)) {
                    m.setHeader(h.getKey(), h.getValue());
                }
            }
        }
        m.setHeader(StreamBusConstants.TOPIC, topic);
        m.setHeader(StreamBusConstants.PARTITION, partition);
        m.setHeader(StreamBusConstants.OFFSET, offset);
        if (key != null) {
            m.setHeader(StreamBusConstants.KEY, key);
        }
        if (timestamp != ConsumerRecord.NO_TIMESTAMP) {
            m.setHeader(StreamBusConstants.TIMESTAMP, timestamp);
            m.setHeader(Exchange.MESSAGE_TIMESTAMP, timestamp);
        }
        return m;
    }

    /** Releases the (possibly reference-counted) key and value of a record that will not be routed further. */
    static void release(Object key, Object value) {
        ReferenceCountUtil.release(value);
        ReferenceCountUtil.release(key);
    }

    /** {@code topic-partition@offset}, how log and error messages name a record. */
    static String where(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
