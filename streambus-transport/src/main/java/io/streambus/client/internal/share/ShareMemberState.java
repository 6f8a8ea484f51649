package io.streambus.client.internal.share;

import java.util.EnumSet;
import java.util.Set;

/**
 * The membership of a share consumer in its group (spec B.13.4, B.13.12), with checked transitions:
 *
 * <pre>
 * UNSUBSCRIBED --subscribe--> JOINING --reply--> STABLE --20/24--> JOINING
 * JOINING, STABLE --unsubscribe/close--> LEAVING --leave answered--> UNSUBSCRIBED or CLOSED
 * UNSUBSCRIBED --close--> CLOSED
 * UNSUBSCRIBED, JOINING, STABLE --fatal error (27, 41, 50, 51)--> FAILED --close--> CLOSED
 * </pre>
 * Immutable and thread-safe.
 */
enum ShareMemberState {
    /** No subscription: no heartbeats. */
    UNSUBSCRIBED,
    /** Heartbeating with an empty member id (joining) until a reply assigns one. */
    JOINING,
    /** A member with an id and an assignment. */
    STABLE,
    /** Leave sent (leave = 1). */
    LEAVING,
    /** Failed for good; only close remains. */
    FAILED,
    /** Closed (terminal). */
    CLOSED;

    private Set<ShareMemberState> next() {
        return switch (this) {
            case UNSUBSCRIBED -> EnumSet.of(JOINING, CLOSED, FAILED);
            case JOINING -> EnumSet.of(STABLE, LEAVING, FAILED);
            case STABLE -> EnumSet.of(JOINING, LEAVING, FAILED);
            case LEAVING -> EnumSet.of(UNSUBSCRIBED, CLOSED);
            case FAILED -> EnumSet.of(CLOSED);
            case CLOSED -> EnumSet.noneOf(ShareMemberState.class);
        };
    }

    /** True if this state may move to {@code to}. */
    boolean canMoveTo(ShareMemberState to) {
        return next().contains(to);
    }

    /**
     * Checks the transition to {@code to}.
     *
     * @throws IllegalStateException naming both states if it is not allowed
     */
    ShareMemberState moveTo(ShareMemberState to) {
        if (!canMoveTo(to)) {
            throw new IllegalStateException("share member cannot move from " + this + " to " + to);
        }
        return to;
    }
}
