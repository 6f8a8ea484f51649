package io.streambus.client.internal;

import io.streambus.client.ClientConfig;
import io.streambus.client.internal.net.RequestSender;
import io.streambus.protocol.core.ListTopicsRequest;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.TopicInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Partition counts of topics, learnt from ListTopics (spec A.8.1: there is no server-side partitioner, so the client
 * must know the count) and shared by every producer of a client. Entries older than {@code metadata.max.age.ms} are
 * refreshed in the background while the old value keeps being used; a topic ListTopics does not list counts as one
 * partition, because Produce and Fetch auto-create topics with exactly one (A.6.1), and is checked again at the next
 * refresh. Concurrent refreshes are coalesced into one ListTopics. Thread-safe.
 */
public final class MetadataCache {
    private record Entry(int partitions, long fetchedAt, boolean assumed) {
    }

    private final RequestSender network;
    private final Time time;
    private final long maxAgeNanos;
    private final ConcurrentHashMap<String, Entry> topics = new ConcurrentHashMap<>();
    private CompletableFuture<Map<String, Integer>> refreshing;
    /** Counts changes of {@link #topics}, bumped after each: lets a producer keep a count without a lookup. */
    private final AtomicInteger version = new AtomicInteger();

    /** A cache asking {@code network}, with entries aged by {@code time} against {@code metadata.max.age.ms}. */
    public MetadataCache(RequestSender network, ClientConfig config, Time time) {
        this.network = network;
        this.time = time;
        this.maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(ClientConfig.METADATA_MAX_AGE_MS));
    }

    /**
     * A number that changes after every change of a cached count. A count read after {@code version()} returned v
     * may be kept while {@code version()} still returns v (it is then the cached count or a newer one), as long as
     * {@link #cachedPartitionCount} is still called now and then for the age-based refresh.
     */
    public int version() {
        return version.get();
    }

    /** The cached partition count, or -1 when unknown; triggers a background refresh when stale. */
    public int cachedPartitionCount(String topic) {
        Entry e = topics.get(topic);
        if (e == null) {
            return -1;
        }
        if (e.assumed || time.nanoTime() - e.fetchedAt > maxAgeNanos) {
            refresh();
        }
        return e.partitions;
    }

    /** The partition count, from the cache or from a ListTopics. */
    public CompletableFuture<Integer> partitionCount(String topic) {
        int n = cachedPartitionCount(topic);
        if (n > 0) {
            return CompletableFuture.completedFuture(n);
        }
        return refresh().thenApply(all -> {
            Integer c = all.get(topic);
            if (c != null && c > 0) {
                return c;
            }
            int assumed = topics.computeIfAbsent(topic, t -> new Entry(1, time.nanoTime(), true)).partitions;
            version.incrementAndGet();
            return assumed;
        });
    }

    /** Fetches every topic's partition count now (coalesced with a refresh already in flight). */
    public synchronized CompletableFuture<Map<String, Integer>> refresh() {
        if (refreshing != null && !refreshing.isDone()) {
            return refreshing;
        }
        CompletableFuture<Map<String, Integer>> f = network.call(ListTopicsRequest.INSTANCE, r -> {
            Map<String, Integer> m = new HashMap<>();
            for (TopicInfo t : r.body(ListTopicsResponse.class).topics()) {
                m.put(t.name(), t.partitionCount());
            }
            return m;
        });
        refreshing = f;
        f.thenAccept(m -> {
            long now = time.nanoTime();
            m.forEach((t, n) -> {
                if (n > 0) {
                    topics.put(t, new Entry(n, now, false));
                }
            });
            topics.entrySet().removeIf(e -> !m.containsKey(e.getKey()) && !e.getValue().assumed);
            version.incrementAndGet();
        });
        return f;
    }

    /** Forgets a topic (after TopicNotFound, or a delete), so that the next use asks the broker. */
    public void invalidate(String topic) {
        topics.remove(topic);
        version.incrementAndGet();
    }

    /** Records a count learnt otherwise (our own CreateTopic). */
    public void update(String topic, int partitions) {
        topics.put(topic, new Entry(partitions, time.nanoTime(), false));
        version.incrementAndGet();
    }
}
