package io.streambus.camel.quarkus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.common.TopicPartition;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes the StreamBus client's measurements as Micrometer meters named {@code streambus.client.*}, tagged by
 * {@code topic} (sends and fetches) or {@code broker} (connections, in-flight requests, circuit state), with the
 * cumulative values as counters and latencies as timers. Tags are bounded by the topics and brokers the application
 * uses; partitions are not tagged. Thread-safe: meters are looked up through the registry, gauge values are atomics.
 */
public class MicrometerMetricsCollector implements MetricsCollector {

    /** Gauge value of each circuit-breaker state. */
    private static final Map<String, Integer> CIRCUIT_STATES = Map.of("CLOSED", 0, "HALF_OPEN", 1, "OPEN", 2);

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> circuits = new ConcurrentHashMap<>();

    /** @param registry where the meters go */
    public MicrometerMetricsCollector(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void recordSend(TopicPartition partition, int records, int bytes, long latencyNanos) {
        Tags tags = Tags.of("topic", partition.topic());
        Counter.builder("streambus.client.send.records").baseUnit("records").tags(tags).register(registry)
                .increment(records);
        Counter.builder("streambus.client.send.bytes").baseUnit("bytes").tags(tags).register(registry)
                .increment(bytes);
        Timer.builder("streambus.client.send.latency").tags(tags).register(registry)
                .record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordSendRetry(TopicPartition partition, Throwable cause) {
        registry.counter("streambus.client.send.retries", "topic", partition.topic()).increment();
    }

    @Override
    public void recordFetch(TopicPartition partition, int records, int bytes, long latencyNanos) {
        Tags tags = Tags.of("topic", partition.topic());
        Counter.builder("streambus.client.fetch.records").baseUnit("records").tags(tags).register(registry)
                .increment(records);
        Counter.builder("streambus.client.fetch.bytes").baseUnit("bytes").tags(tags).register(registry)
                .increment(bytes);
        Timer.builder("streambus.client.fetch.latency").tags(tags).register(registry)
                .record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void recordError(String operation, String broker, Throwable error) {
        registry.counter("streambus.client.errors", "operation", operation, "broker", broker).increment();
    }

    @Override
    public void inFlight(String broker, int value) {
        gauge(inFlight, "streambus.client.requests.in.flight", broker).set(value);
    }

    @Override
    public void connections(String broker, int open) {
        gauge(connections, "streambus.client.connections", broker).set(open);
    }

    @Override
    public void circuitState(String broker, String state) {
        gauge(circuits, "streambus.client.circuit.state", broker)
                .set(CIRCUIT_STATES.getOrDefault(state.toUpperCase(Locale.ROOT), -1));
    }

    private AtomicInteger gauge(Map<String, AtomicInteger> values, String name, String broker) {
        return values.computeIfAbsent(broker, b -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(name, value, AtomicInteger::get).tag("broker", b).register(registry);
            return value;
        });
    }
}
