package io.streambus.jms.internal;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code transactional.id}s of transacted sessions: {@code jms.tx.<base>.<n>}, where the base is the
 * connection's client id (or its random id when it has none) and {@code n} the lowest number not used by an open
 * transacted session of that base in this JVM. An application restarted with the same client id and the same
 * sessions gets the same ids again, so its first transaction fences the producers of its previous, possibly still
 * running incarnation and aborts their open transactions (spec B.7.2), as Kafka applications do with a stable
 * {@code transactional.id}. Reusing the lowest free number keeps the ids bounded for containers that open and close
 * sessions all the time. Thread-safe (its class monitor).
 */
final class TransactionalIds {
    private static final Map<String, BitSet> IN_USE = new HashMap<>();

    private TransactionalIds() {
    }

    /** Takes the lowest free id of {@code base}; {@link #release} gives it back. */
    static synchronized String acquire(String base) {
        BitSet used = IN_USE.computeIfAbsent(base, b -> new BitSet());
        int n = used.nextClearBit(0);
        used.set(n);
        return id(base, n);
    }

    /** Gives back an id {@link #acquire} returned. */
    static synchronized void release(String transactionalId) {
        int dot = transactionalId.lastIndexOf('.');
        String base = transactionalId.substring("jms.tx.".length(), dot);
        BitSet used = IN_USE.get(base);
        if (used != null) {
            used.clear(Integer.parseInt(transactionalId.substring(dot + 1)));
            if (used.isEmpty()) {
                IN_USE.remove(base);
            }
        }
    }

    private static String id(String base, int n) {
        return "jms.tx." + base + "." + n;
    }
}
