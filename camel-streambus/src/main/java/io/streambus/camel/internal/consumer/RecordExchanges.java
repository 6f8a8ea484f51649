package io.streambus.camel.internal.consumer;

import io.netty.util.ReferenceCountUtil;
import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.internal.SortedHeaders;
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
 * filter), the position and key/timestamp headers (set together, see {@link SortedHeaders}), releasing a record's
 * buffers and naming a record in messages. Each task adds its own mode-specific headers to {@link #common}, {@link #apply}s them and sets the body.
 *
 * <p>Stateless; thread-safe.
 */
final class RecordExchanges {
    private RecordExchanges() {
    }

    /** Every header a consumer task sets from a record; the slots follow, in this order. */
    private static final SortedHeaders.Layout LAYOUT = new SortedHeaders.Layout(
            StreamBusConstants.TOPIC, StreamBusConstants.PARTITION, StreamBusConstants.OFFSET,
            StreamBusConstants.KEY, StreamBusConstants.TIMESTAMP, Exchange.MESSAGE_TIMESTAMP,
            StreamBusConstants.GROUP_ID, StreamBusConstants.LAST_RECORD_BEFORE_COMMIT,
            StreamBusConstants.LAST_POLL_RECORD, StreamBusConstants.MANUAL_COMMIT,
            StreamBusConstants.DELIVERY_COUNT);
    static final int TOPIC = 0;
    static final int PARTITION = 1;
    static final int OFFSET = 2;
    static final int KEY = 3;
    static final int TIMESTAMP = 4;
    static final int MESSAGE_TIMESTAMP = 5;
    static final int GROUP_ID = 6;
    static final int LAST_RECORD_BEFORE_COMMIT = 7;
    static final int LAST_POLL_RECORD = 8;
    static final int MANUAL_COMMIT = 9;
    static final int DELIVERY_COUNT = 10;

    /**
     * The topic, partition, offset, key (when present) and timestamp (when present) headers of a record; the task
     * adds its own (slots above) and then calls {@link #apply}.
     */
    static SortedHeaders common(String topic, int partition, long offset, Object key, long timestamp) {
        SortedHeaders h = LAYOUT.newHeaders()
                .set(TOPIC, topic)
                .set(PARTITION, partition)
                .set(OFFSET, offset)
                .set(KEY, key);
        if (timestamp != ConsumerRecord.NO_TIMESTAMP) {
            Long t = timestamp;
            h.set(TIMESTAMP, t).set(MESSAGE_TIMESTAMP, t);
        }
        return h;
    }

    /**
     * Sets on the in message of {@code exchange} the record headers that pass the filter of {@code settings}, then
     * {@code own} (which win over record headers of the same name).
     */
    static Message apply(Exchange exchange, ConsumerSettings settings, List<Header> headers, SortedHeaders own) {
        Message m = exchange.getIn();
        if (!headers.isEmpty()) {
            HeaderFilterStrategy filter = settings.headerFilterStrategy;
            for (Map.Entry<String, Object> h : settings.headerDeserializer.deserialize(headers).entrySet()) {
                if (filter == null || !filter.applyFilterToExternalHeaders(h.getKey(), h.getValue(), exchange)) {
                    m.setHeader(h.getKey(), h.getValue());
                }
            }
        }
        // Without record headers, the message gets all of them in one pass (see SortedHeaders); with, one by one.
        own.applyTo(m);
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
