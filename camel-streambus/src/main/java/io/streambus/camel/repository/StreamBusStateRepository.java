package io.streambus.camel.repository;

import io.streambus.client.StreamBusClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A {@link StateRepository} kept in a StreamBus topic: each {@link #setState} publishes a record keyed by the state
 * key and waits for it, and a local map answers {@link #getState}; on start the map is filled by reading the topic
 * from the beginning (the last value of each key wins). Usable as the streambus consumer's {@code offsetRepository},
 * also against a core-only broker that keeps no committed offsets. The topic is created with one partition if
 * missing. Thread-safe.
 */
@ManagedResource(description = "StreamBus topic-backed state repository")
public class StreamBusStateRepository extends ServiceSupport implements StateRepository<String, String> {
    private final TopicStore store;
    private final Map<String, String> states = new ConcurrentHashMap<>();

    /** A repository with its own client to {@code brokers} ({@code host:port,...}). */
    public StreamBusStateRepository(String topic, String brokers) {
        this.store = new TopicStore("StreamBusStateRepository", topic, brokers, "state");
    }

    /** A repository on an existing client, which it does not close. */
    public StreamBusStateRepository(String topic, StreamBusClient client) {
        this.store = new TopicStore("StreamBusStateRepository", topic, client);
    }

    /** The bound of every broker operation (reading back, each publish); default 30 s. */
    public void setTimeout(Duration timeout) {
        store.timeout(timeout);
    }

    @Override
    protected void doStart() {
        store.start(states::clear, (key, value) -> {
            if (key != null && value != null) {
                states.put(key, value);
            }
        });
    }

    @Override
    protected void doStop() {
        store.stop();
    }

    /** Publishes {@code key=value} (waiting for the broker) and then remembers it. */
    @Override
    public void setState(String key, String value) {
        Objects.requireNonNull(value, "value");
        store.publish(key, value);
        states.put(key, value);
    }

    /** The last value of {@code key}, or null. */
    @Override
    public String getState(String key) {
        return states.get(key);
    }
}
