package io.streambus.camel.repository;

import io.streambus.client.StreamBusClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * An {@link IdempotentRepository} kept in a StreamBus topic (as camel-kafka's {@code KafkaIdempotentRepository}):
 * every add and remove is published to the topic as a record keyed by the message id (value {@code add} or
 * {@code remove}), and a local cache answers {@link #contains}. When the repository starts, the cache is filled by
 * reading the topic from the beginning, so a restarted application (or another instance using the same topic)
 * knows every id seen before. The topic is created with one partition if missing; give it a compacting retention
 * for long-lived use. Thread-safe.
 *
 * <pre>{@code
 * from("streambus:orders?...").idempotentConsumer(header("orderId"),
 *         new StreamBusIdempotentRepository("orders-seen", "127.0.0.1:9092")).to("...");
 * }</pre>
 */
@ManagedResource(description = "StreamBus topic-backed idempotent repository")
public class StreamBusIdempotentRepository extends ServiceSupport implements IdempotentRepository {
    static final String ADD = "add";
    static final String REMOVE = "remove";

    private final TopicStore store;
    private final Set<String> cache = ConcurrentHashMap.newKeySet();

    /** A repository with its own client to {@code brokers} ({@code host:port,...}). */
    public StreamBusIdempotentRepository(String topic, String brokers) {
        this.store = new TopicStore("StreamBusIdempotentRepository", topic, brokers, "idempotent");
    }

    /** A repository on an existing client, which it does not close. */
    public StreamBusIdempotentRepository(String topic, StreamBusClient client) {
        this.store = new TopicStore("StreamBusIdempotentRepository", topic, client);
    }

    /** The bound of every broker operation (reading back, each publish); default 30 s. */
    public void setTimeout(Duration timeout) {
        store.timeout(timeout);
    }

    /** The topic the ids are kept in. */
    @ManagedAttribute(description = "The topic")
    public String getTopic() {
        return store.topic();
    }

    /** How many ids the local cache holds. */
    @ManagedAttribute(description = "Number of ids in the local cache")
    public int getCacheSize() {
        return cache.size();
    }

    @Override
    protected void doStart() {
        store.start(cache::clear, (key, value) -> {
            if (ADD.equals(value)) {
                cache.add(key);
            } else if (REMOVE.equals(value)) {
                cache.remove(key);
            }
        });
    }

    @Override
    protected void doStop() {
        store.stop();
    }

    /** Adds the id (published before it counts as seen); false if it was seen already. */
    @Override
    public boolean add(String key) {
        if (cache.contains(key)) {
            return false;
        }
        store.publish(key, ADD);
        return cache.add(key);
    }

    @Override
    public boolean contains(String key) {
        return cache.contains(key);
    }

    /** Removes the id (published first); false if it was not there. */
    @Override
    public boolean remove(String key) {
        if (!cache.contains(key)) {
            return false;
        }
        store.publish(key, REMOVE);
        return cache.remove(key);
    }

    /** Nothing to do: an id counts from {@link #add}. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Removes every id in the cache (one published removal each). */
    @Override
    public void clear() {
        for (String key : Set.copyOf(cache)) {
            remove(key);
        }
    }
}
