package io.streambus.broker;

import io.streambus.broker.group.GroupCoordinator;

/**
 * Test-only access to a running {@link EmbeddedBroker}'s internals, so that broker tests can wait for a state
 * change that the wire does not show (instead of sleeping). Thread-safe as the accessed objects are.
 */
public final class BrokerInternals {
    private BrokerInternals() {
    }

    /** The memory budget of a started broker: its counters are the broker's memory accounting. */
    public static io.streambus.broker.limits.MemoryBudget memoryBudget(EmbeddedBroker broker) {
        return broker.runtime().memoryBudget();
    }

    /** The group coordinator of a started broker. */
    public static GroupCoordinator groups(EmbeddedBroker broker) {
        return broker.runtime().groups();
    }
}
