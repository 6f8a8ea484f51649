package io.streambus.cli;

import io.streambus.client.StreamBusClient;
import io.streambus.client.admin.PartitionOffsets;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Finds the first offset of a partition whose record has a timestamp at or after a given time, by reading the
 * partition from its start. The wire protocol has no offset-by-timestamp lookup (GetOffset knows only start, end
 * and high-water mark), so this reads records: its cost grows with the partition. Records without a timestamp
 * (core-only brokers keep none) never match. Not thread-safe; close it.
 */
public final class TimestampSearch implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final StreamBusClient client;
    private final Duration timeout;
    private Consumer<byte[], byte[]> consumer;

    /**
     * A search with the client's connections.
     *
     * @param timeout how long one partition's search may take
     */
    public TimestampSearch(StreamBusClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * The offset of the first record at or after {@code timestampMs}, or the high-water mark if there is none.
     *
     * @throws CliFailure if the partition could not be read within the timeout
     */
    public long firstOffsetAtOrAfter(TopicPartition partition, long timestampMs, PartitionOffsets offsets) {
        if (offsets.highWaterMark() <= offsets.start()) {
            return offsets.highWaterMark();
        }
        Consumer<byte[], byte[]> c = consumer();
        c.assign(List.of(partition));
        c.seek(partition, offsets.start());
        long deadline = System.nanoTime() + timeout.toNanos();
        long next = offsets.start();
        while (System.nanoTime() < deadline) {
            ConsumerRecords<byte[], byte[]> records = c.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> r : records.records(partition)) {
                if (r.timestamp() != ConsumerRecord.NO_TIMESTAMP && r.timestamp() >= timestampMs) {
                    return r.offset();
                }
                next = r.offset() + 1;
            }
            if (next >= offsets.highWaterMark()
                    || (records.isEmpty() && c.position(partition, timeout) >= offsets.highWaterMark())) {
                return offsets.highWaterMark();
            }
        }
        throw new CliFailure("searching " + partition + " for a record at or after " + timestampMs
                + " ms took longer than " + timeout.toSeconds() + " s: use --to-offset instead");
    }

    private Consumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = client.newConsumer(Serdes.byteArrayDeserializer(), Serdes.byteArrayDeserializer(),
                    Map.of("auto.offset.reset", "earliest"));
        }
        return consumer;
    }

    /** Closes the consumer, if one was made. */
    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
