package io.streambus.client.internal.producer;

import io.netty.buffer.ByteBuf;
import io.streambus.client.ClientConfig;
import io.streambus.client.ConfigException;
import io.streambus.client.producer.Partitioner;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in partitioners and the resolution of the {@code partitioner} setting.
 *
 * <p>The built-in partitioners are thread-safe (the sticky state is per topic, read and counted without a lock on
 * the record path).
 */
public final class Partitioners {
    private Partitioners() {
    }

    /** Partitioners that want to know how many bytes went to which partition (sticky switching). */
    public interface AppendAware {
        void onAppend(String topic, int partition, int bytes);
    }

    /**
     * Resolves {@code partitioner}: a built-in name, a class name or {@link Class} with a public no-argument
     * constructor, or an instance.
     */
    public static Partitioner create(Object setting, int batchSize) {
        if (setting instanceof Partitioner p) {
            return p;
        }
        if (setting instanceof Class<?> c) {
            return instantiate(c, setting);
        }
        String name = String.valueOf(setting).trim();
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "murmur2", "default":
                return new Murmur2(batchSize);
            case "roundrobin", "round-robin", "round_robin":
                return new RoundRobin();
            case "sticky":
                return new Sticky(batchSize);
            default:
                try {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    Class<?> c = Class.forName(name, true, cl != null ? cl : Partitioners.class.getClassLoader());
                    return instantiate(c, setting);
                } catch (ClassNotFoundException e) {
                    throw new ConfigException(ClientConfig.PARTITIONER, setting,
                            "neither murmur2, roundrobin, sticky nor a class on the class path");
                }
        }
    }

    private static Partitioner instantiate(Class<?> c, Object setting) {
        if (!Partitioner.class.isAssignableFrom(c)) {
            throw new ConfigException(ClientConfig.PARTITIONER, setting, c.getName() + " does not implement "
                    + Partitioner.class.getName());
        }
        try {
            return (Partitioner) c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ConfigException(ClientConfig.PARTITIONER, setting, "cannot instantiate " + c.getName()
                    + " with a public no-argument constructor: " + e);
        }
    }

    /** Keyed records: Kafka's murmur2 hash; keyless records: sticky. */
    public static final class Murmur2 implements Partitioner, AppendAware {
        private final StickyCache sticky;

        public Murmur2(int batchSize) {
            this.sticky = new StickyCache(batchSize);
        }

        @Override
        public int partition(String topic, Object key, ByteBuf keyBytes, int numPartitions) {
            if (keyBytes != null && keyBytes.isReadable()) {
                return Partitioner.murmur2Partition(keyBytes, numPartitions);
            }
            return sticky.partition(topic, numPartitions);
        }

        @Override
        public void onAppend(String topic, int partition, int bytes) {
            sticky.onAppend(topic, partition, bytes);
        }

        @Override
        public String toString() {
            return "murmur2";
        }
    }

    /** Every record to the next partition of its topic in turn, keys ignored. */
    public static final class RoundRobin implements Partitioner {
        private final ConcurrentHashMap<String, AtomicInteger> counters = new ConcurrentHashMap<>();

        @Override
        public int partition(String topic, Object key, ByteBuf keyBytes, int numPartitions) {
            int n = counters.computeIfAbsent(topic, t -> new AtomicInteger()).getAndIncrement();
            return (n & 0x7fffffff) % numPartitions;
        }

        @Override
        public String toString() {
            return "roundrobin";
        }
    }

    /** Every record, keyed or not, to the topic's current sticky partition (switching after batch.size bytes). */
    public static final class Sticky implements Partitioner, AppendAware {
        private final StickyCache sticky;

        public Sticky(int batchSize) {
            this.sticky = new StickyCache(batchSize);
        }

        @Override
        public int partition(String topic, Object key, ByteBuf keyBytes, int numPartitions) {
            return sticky.partition(topic, numPartitions);
        }

        @Override
        public void onAppend(String topic, int partition, int bytes) {
            sticky.onAppend(topic, partition, bytes);
        }

        @Override
        public String toString() {
            return "sticky";
        }
    }

    /**
     * One current partition per topic, kept until {@code batch.size} bytes were appended to it, then a different
     * one is chosen at random (Kafka's KIP-794 idea, without the load-based weighting).
     */
    static final class StickyCache {
        private final int switchBytes;
        private final ConcurrentHashMap<String, State> topics = new ConcurrentHashMap<>();
        /** The state looked up last: a producer mostly sends to one topic, so most records skip the map. */
        private volatile State last;

        StickyCache(int switchBytes) {
            this.switchBytes = switchBytes;
        }

        /**
         * A topic's sticky partition. The record path reads {@link #partition} and adds to {@link #bytes} without a
         * lock or an atomic update (they would be taken per record); only a switch, once per {@code batch.size}
         * bytes, locks the state. The byte count is a heuristic: the producer reports a partition's appends under
         * that partition's lock, so they do not race, but an append racing a switch may count towards the new
         * partition, and concurrent reports from elsewhere may lose some bytes (delaying a switch).
         */
        private static final class State {
            private static final VarHandle BYTES;

            static {
                try {
                    BYTES = MethodHandles.lookup().findVarHandle(State.class, "bytes", long.class);
                } catch (ReflectiveOperationException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }

            final String topic;
            /** The current partition; -1 none yet; {@code -2 - p}: switch away from p. Written under the lock. */
            volatile int partition = -1;
            /** Bytes appended to {@link #partition} since it was chosen; accessed through {@link #BYTES}. */
            long bytes;

            State(String topic) {
                this.topic = topic;
            }
        }

        private State state(String topic, boolean create) {
            State s = last;
            if (s != null && s.topic.equals(topic)) {
                return s;
            }
            s = create ? topics.computeIfAbsent(topic, State::new) : topics.get(topic);
            if (s != null) {
                last = s;
            }
            return s;
        }

        int partition(String topic, int numPartitions) {
            State s = state(topic, true);
            int p = s.partition;
            if (p >= 0 && p < numPartitions) {
                return p;
            }
            synchronized (s) {
                if (s.partition <= -2) {
                    State.BYTES.setOpaque(s, 0L);
                    s.partition = next(s.partition, numPartitions);
                } else if (s.partition < 0 || s.partition >= numPartitions) {
                    State.BYTES.setOpaque(s, 0L);
                    s.partition = ThreadLocalRandom.current().nextInt(numPartitions);
                }
                return s.partition;
            }
        }

        void onAppend(String topic, int partition, int bytes) {
            State s = state(topic, false);
            if (s == null || s.partition != partition) {
                return;
            }
            long now = (long) State.BYTES.getOpaque(s) + bytes;
            State.BYTES.setOpaque(s, now);
            if (now >= switchBytes) {
                synchronized (s) {
                    if (s.partition == partition && (long) State.BYTES.getOpaque(s) >= switchBytes) {
                        s.partition = -2 - partition; // "switch away from partition" marker, resolved above
                        State.BYTES.setOpaque(s, 0L);
                    }
                }
            }
        }

        /** Resolves a pending switch: a random partition other than the previous one when there are several. */
        static int next(int marker, int numPartitions) {
            int prev = -2 - marker;
            if (numPartitions == 1) {
                return 0;
            }
            if (prev >= numPartitions) {
                return ThreadLocalRandom.current().nextInt(numPartitions);
            }
            int p = ThreadLocalRandom.current().nextInt(numPartitions - 1);
            return p >= prev ? p + 1 : p;
        }
    }
}
