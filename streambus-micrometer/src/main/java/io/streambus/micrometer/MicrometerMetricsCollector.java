package io.streambus.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.common.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A {@link MetricsCollector} that records into a Micrometer {@link MeterRegistry}. Give one to one client:
 * {@code StreamBusClient.builder().clientId("orders").metrics(new MicrometerMetricsCollector(registry, "orders",
 * Tags.empty()))}, and {@link #close()} it after the client to remove its meters.
 *
 * <p>Names follow Micrometer's Kafka binder with {@code kafka.} replaced by {@code streambus.} (for example
 * {@code streambus.producer.record.send.total}); every meter carries {@code client.id} plus the caller's tags, and
 * per-topic meters {@code topic} (lag also {@code partition}, connection meters {@code broker}). Cumulative values
 * are counters, sizes and states are gauges, latencies are timers (Kafka's {@code -avg}/{@code -max} pairs are what a
 * Micrometer timer already gives). Tag values are bounded by topics, partitions, brokers and exception types.
 *
 * <p>Thread-safe: the client calls it from I/O and application threads; meters are looked up in concurrent maps
 * so the hot path allocates nothing once a topic's meters exist.
 */
public final class MicrometerMetricsCollector implements MetricsCollector, AutoCloseable {

    /** Gauge value of the circuit-breaker state a broker is in; the other states of that broker read 0. */
    private static final List<String> CIRCUIT_STATES = List.of("CLOSED", "OPEN", "HALF_OPEN");

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, TopicMeters> producerTopics = new ConcurrentHashMap<>();
    private final Map<String, TopicMeters> consumerTopics = new ConcurrentHashMap<>();
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> circuit = new ConcurrentHashMap<>();
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final List<Buffer> buffers = new CopyOnWriteArrayList<>();
    private final List<Meter> meters = new CopyOnWriteArrayList<>();

    /**
     * @param registry where the meters go
     * @param clientId the client's {@code client.id}, the {@code client.id} tag
     * @param extraTags added to every meter
     */
    public MicrometerMetricsCollector(MeterRegistry registry, String clientId, Iterable<Tag> extraTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of("client.id", Objects.requireNonNull(clientId, "clientId")).and(extraTags);
        // Summed over the client's producers: Kafka reports one buffer per producer client.
        keep(Gauge.builder("streambus.producer.buffer.total.bytes", buffers, bs -> bs.stream()
                        .mapToLong(b -> b.total).sum())
                .description("The total send buffer memory of the client's producers (buffer.memory)")
                .baseUnit(BaseUnits.BYTES).tags(tags).register(registry));
        keep(Gauge.builder("streambus.producer.buffer.available.bytes", buffers, bs -> bs.stream()
                        .mapToLong(b -> b.available.getAsLong()).sum())
                .description("The send buffer memory not in use by records waiting to be sent")
                .baseUnit(BaseUnits.BYTES).tags(tags).register(registry));
    }

    @Override
    public void recordSend(TopicPartition partition, int records, int bytes, long latencyNanos) {
        TopicMeters m = producerTopics.computeIfAbsent(partition.topic(), t -> new TopicMeters("producer",
                "record.send.total", "The records acknowledged by the broker",
                "byte.total", "The encoded bytes of the batches acknowledged by the broker",
                "request.latency", "From a batch's first send call to its acknowledgement", t));
        m.record(records, bytes, latencyNanos);
    }

    @Override
    public void recordSendRetry(TopicPartition partition, Throwable cause) {
        counter("streambus.producer.record.retry.total", "Produce batches retried after a retriable error",
                "topic", partition.topic()).increment();
    }

    @Override
    public void recordFetch(TopicPartition partition, int records, int bytes, long latencyNanos) {
        TopicMeters m = consumerTopics.computeIfAbsent(partition.topic(), t -> new TopicMeters(
                "consumer.fetch.manager", "records.consumed.total", "The records fetched",
                "bytes.consumed.total", "The encoded bytes fetched", "fetch.latency",
                "Fetch request round trips", t));
        m.record(records, bytes, latencyNanos);
    }

    @Override
    public void recordError(String operation, String broker, Throwable error) {
        counter("streambus.client.request.error.total", "Requests that failed (they may still be retried)",
                "operation", operation, "broker", broker, "exception", error.getClass().getSimpleName())
                .increment();
    }

    @Override
    public void inFlight(String broker, int value) {
        gaugeValue(inFlight, broker, "streambus.client.requests.in.flight",
                "Requests written and not yet answered").set(value);
    }

    @Override
    public void connections(String broker, int open) {
        gaugeValue(connections, broker, "streambus.client.connection.count",
                "Connections open or being set up").set(open);
    }

    @Override
    public void circuitState(String broker, String state) {
        for (String s : CIRCUIT_STATES) {
            circuit.computeIfAbsent(broker + '\n' + s, k -> {
                AtomicLong v = new AtomicLong();
                keep(Gauge.builder("streambus.client.circuit.state", v, AtomicLong::get)
                        .description("1 for the circuit-breaker state the broker's connections are in, else 0")
                        .tags(tags).tag("broker", broker).tag("state", s.toLowerCase(java.util.Locale.ROOT))
                        .register(registry));
                return v;
            }).set(s.equals(state) ? 1 : 0);
        }
    }

    @Override
    public void bufferMemory(LongSupplier availableBytes, long totalBytes) {
        buffers.add(new Buffer(availableBytes, totalBytes));
    }

    @Override
    public void consumerLag(TopicPartition partition, long value) {
        lag.computeIfAbsent(partition, tp -> {
            AtomicLong v = new AtomicLong();
            keep(Gauge.builder("streambus.consumer.fetch.manager.records.lag", v, AtomicLong::get)
                    .description("Records between the next offset to fetch and the high-water mark")
                    .baseUnit("records").tags(tags).tag("topic", tp.topic())
                    .tag("partition", Integer.toString(tp.partition())).register(registry));
            return v;
        }).set(value);
    }

    @Override
    public void recordShareAcknowledge(TopicPartition partition, String type, int records) {
        counter("streambus.consumer.share.records.acknowledged.total",
                "Share-group records whose acknowledgement the broker confirmed", "topic", partition.topic(),
                "type", type.toLowerCase(java.util.Locale.ROOT)).increment(records);
    }

    /**
     * Removes every meter this collector registered (call it after closing the client). Producers still alive
     * keep reporting into meters that are no longer registered.
     */
    @Override
    public void close() {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }

    private Counter counter(String name, String description, String... tagPairs) {
        List<String> key = new java.util.ArrayList<>(tagPairs.length + 1);
        key.add(name);
        key.addAll(List.of(tagPairs));
        return counters.computeIfAbsent(key, k -> keep(Counter.builder(name).description(description)
                .tags(tags).tags(tagPairs).register(registry)));
    }

    private AtomicLong gaugeValue(Map<String, AtomicLong> values, String broker, String name, String description) {
        return values.computeIfAbsent(broker, b -> {
            AtomicLong v = new AtomicLong();
            keep(Gauge.builder(name, v, AtomicLong::get).description(description).tags(tags).tag("broker", b)
                    .register(registry));
            return v;
        });
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** One producer's buffer: total size and a reader of the free bytes. */
    private record Buffer(LongSupplier available, long total) {
    }

    /** The record counter, byte counter and latency timer of one topic on one side (producer or consumer). */
    private final class TopicMeters {
        private final Counter records;
        private final Counter bytes;
        private final Timer latency;

        TopicMeters(String group, String recordsName, String recordsDescription, String bytesName,
                    String bytesDescription, String latencyName, String latencyDescription, String topic) {
            String prefix = "streambus." + group + '.';
            Tags t = tags.and("topic", topic);
            this.records = keep(Counter.builder(prefix + recordsName).description(recordsDescription)
                    .baseUnit("records").tags(t).register(registry));
            this.bytes = keep(Counter.builder(prefix + bytesName).description(bytesDescription)
                    .baseUnit(BaseUnits.BYTES).tags(t).register(registry));
            this.latency = keep(Timer.builder(prefix + latencyName).description(latencyDescription).tags(t)
                    .register(registry));
        }

        void record(int recordCount, int byteCount, long latencyNanos) {
            records.increment(recordCount);
            bytes.increment(byteCount);
            latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }
}
