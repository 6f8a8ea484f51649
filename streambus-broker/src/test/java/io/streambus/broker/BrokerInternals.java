package io.streambus.broker;

import io.streambus.broker.group.GroupCoordinator;

/**
 * Test-only access to a running {@link EmbeddedBroker}'s internals, so that broker tests can wait for a state
 * change that the wire does not show (instead of sleeping). Thread-safe as the accessed objects are.
 */
public final class BrokerInternals {
    private BrokerInternals() {
    }

    /** The group coordinator of a started broker. */
    public static GroupCoordinator groups(EmbeddedBroker broker) {
        return broker.runtime().groups();
    }
}
