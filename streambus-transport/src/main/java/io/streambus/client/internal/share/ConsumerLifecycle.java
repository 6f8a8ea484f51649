package io.streambus.client.internal.share;

import java.util.EnumSet;
import java.util.Set;

/**
 * The share consumer's own lifecycle, with checked transitions:
 * <pre>
 * OPEN --close()--> CLOSING --settled and left--> CLOSED
 * </pre>
 * Immutable and thread-safe.
 */
enum ConsumerLifecycle {
    /** In use by the application. */
    OPEN,
    /** {@code close} is settling acknowledgements and leaving the group. */
    CLOSING,
    /** Closed; nothing more is sent. */
    CLOSED;

    private Set<ConsumerLifecycle> next() {
        return switch (this) {
            case OPEN -> EnumSet.of(CLOSING);
            case CLOSING -> EnumSet.of(CLOSED);
            case CLOSED -> EnumSet.noneOf(ConsumerLifecycle.class);
        };
    }

    /**
     * Checks the transition to {@code to}.
     *
     * @throws IllegalStateException naming both states if it is not allowed
     */
    ConsumerLifecycle moveTo(ConsumerLifecycle to) {
        if (!next().contains(to)) {
            throw new IllegalStateException("share consumer cannot move from " + this + " to " + to);
        }
        return to;
    }
}
