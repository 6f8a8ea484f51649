package io.streambus.client.internal.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a group member stands in the eager protocol of spec B.6, with the transitions B.6.4–B.6.11 allow. Replaces
 * the flags "member", "rejoin needed" and "partitions lost" of a single-class consumer: each combination that can
 * occur is one state, so the coordinator thread and the consumer thread agree on what to do next by reading one
 * value.
 *
 * <pre>
 *   UNJOINED ──► JOINING ──► AWAITING_SYNC ──► STABLE ──► REBALANCE_PENDING ──► JOINING ...
 *      ▲            │              │             │               │
 *      └────────────┴──────────────┘             └──► FENCED ◄───┘ ──► JOINING ...
 *   every state but LEAVING/CLOSED ──► LEAVING ──► CLOSED (close), or ──► CLOSED (crash for tests);
 *   every state from JOINING to FENCED ──► UNJOINED (unsubscribe)
 * </pre>
 *
 * <p>Immutable; thread-safe.
 */
enum MemberState {
    /** Holds no assignment and is not joining: before the first JoinGroup, after a failed one, after unsubscribe. */
    UNJOINED,
    /** JoinGroup sent (B.6.4); owns no partitions (eager rebalancing, B.6.1). */
    JOINING,
    /** JoinGroup answered, SyncGroup sent (B.6.5); owns no partitions. */
    AWAITING_SYNC,
    /** SyncGroup answered: the generation's assignment is this member's until a rebalance. */
    STABLE,
    /**
     * The member must rejoin with its member id and may commit first: 22 RebalanceInProgress (B.6.11), a changed
     * subscription or pattern match, a changed partition count (leader, B.6.3), an unreadable assignment. Its
     * partitions are revoked ({@code onPartitionsRevoked}) before JoinGroup is sent.
     */
    REBALANCE_PENDING,
    /**
     * The member's generation is gone: 28 IllegalGeneration, or 20/24 (member id forgotten too) (B.6.11). Its
     * partitions are lost: given up without committing ({@code onPartitionsLost}) before it rejoins.
     */
    FENCED,
    /** close() under way: partitions given up, the coordinator stopping, LeaveGroup being sent (B.6.7). */
    LEAVING,
    /** Closed; terminal. */
    CLOSED;

    private Set<MemberState> next;

    static {
        UNJOINED.next = EnumSet.of(JOINING, LEAVING, CLOSED);
        JOINING.next = EnumSet.of(AWAITING_SYNC, UNJOINED, LEAVING, CLOSED);
        AWAITING_SYNC.next = EnumSet.of(STABLE, REBALANCE_PENDING, UNJOINED, LEAVING, CLOSED);
        STABLE.next = EnumSet.of(REBALANCE_PENDING, FENCED, UNJOINED, LEAVING, CLOSED);
        REBALANCE_PENDING.next = EnumSet.of(JOINING, FENCED, UNJOINED, LEAVING, CLOSED);
        FENCED.next = EnumSet.of(JOINING, UNJOINED, LEAVING, CLOSED);
        LEAVING.next = EnumSet.of(CLOSED);
        CLOSED.next = EnumSet.noneOf(MemberState.class);
    }

    /**
     * Checks that the member may go from this state to {@code target}.
     *
     * @return {@code target}
     * @throws IllegalStateException naming both states if the protocol does not allow it
     */
    MemberState to(MemberState target) {
        if (!next.contains(target)) {
            throw new IllegalStateException("group member cannot go from " + this + " to " + target);
        }
        return target;
    }

    /** True if the coordinator must send JoinGroup once the consumer thread has given up every partition. */
    boolean needsJoin() {
        return this == UNJOINED || this == REBALANCE_PENDING || this == FENCED;
    }

    /** True if the member's current generation was handed out to it (B.6.11 reactions apply to it). */
    boolean hasGeneration() {
        return this == STABLE || this == REBALANCE_PENDING || this == FENCED;
    }

    /** True once close() has started. */
    boolean isClosing() {
        return this == LEAVING || this == CLOSED;
    }
}
