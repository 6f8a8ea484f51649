package io.streambus.broker;

import io.streambus.broker.txn.EosService;

/**
 * Test-only access to a running {@link EmbeddedBroker}'s exactly-once service (fsync counts, the transaction
 * coordinator's states), so that tests can check what the wire does not show. Thread-safe as the service is.
 */
public final class EosInternals {
    private EosInternals() {
    }

    /** The exactly-once service of a started broker, or null when not served. */
    public static EosService eos(EmbeddedBroker broker) {
        return broker.runtime().eos();
    }
}
