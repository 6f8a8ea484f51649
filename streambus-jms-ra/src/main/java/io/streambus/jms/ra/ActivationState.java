package io.streambus.jms.ra;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of an endpoint activation. {@link #canMoveTo} lists the legal transitions; {@link Activation} refuses the
 * others. Immutable.
 */
enum ActivationState {
    /** Created, setup not started yet. */
    NEW,
    /** Connecting and opening the sessions (again after a connection failure), retrying per setupAttempts. */
    CONNECTING,
    /** Sessions deliver messages. */
    ACTIVE,
    /** Setup gave up after setupAttempts; nothing is delivered until the endpoint is activated again. */
    FAILED,
    /** Deactivation: sessions finish their delivery and close. */
    STOPPING,
    /** Everything closed and released. */
    STOPPED;

    private Set<ActivationState> next() {
        return switch (this) {
            case NEW -> EnumSet.of(CONNECTING, STOPPING);
            case CONNECTING -> EnumSet.of(ACTIVE, FAILED, STOPPING);
            case ACTIVE -> EnumSet.of(CONNECTING, STOPPING);
            case FAILED -> EnumSet.of(STOPPING);
            case STOPPING -> EnumSet.of(STOPPED);
            case STOPPED -> EnumSet.noneOf(ActivationState.class);
        };
    }

    boolean canMoveTo(ActivationState target) {
        return next().contains(target);
    }
}
