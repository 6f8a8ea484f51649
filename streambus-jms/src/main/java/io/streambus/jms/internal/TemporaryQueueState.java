package io.streambus.jms.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a temporary queue remembers in its connection: the acknowledged position per partition (so that a later
 * consumer continues where the previous one stopped) and which consumer currently reads it (one at a time; the
 * others stand by, as with queue partitions). Thread-safe.
 */
final class TemporaryQueueState {
    private final ConcurrentHashMap<Integer, Long> acked = new ConcurrentHashMap<>();
    private final AtomicInteger consumers = new AtomicInteger();
    private Object owner;

    synchronized boolean acquire(Object candidate) {
        if (owner == null || owner == candidate) {
            owner = candidate;
            return true;
        }
        return false;
    }

    synchronized void release(Object candidate) {
        if (owner == candidate) {
            owner = null;
        }
    }

    long position(int partition) {
        return acked.getOrDefault(partition, 0L);
    }

    void acknowledged(int partition, long nextOffset) {
        acked.merge(partition, nextOffset, Math::max);
    }

    /** Open JMS consumers of this queue (delete() is refused while there are any). */
    AtomicInteger consumers() {
        return consumers;
    }
}
