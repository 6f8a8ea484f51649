package io.streambus.broker.group;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Mutable state of one group. Not thread-safe by itself: guarded by its own monitor ({@code synchronized (group)}),
 * which every reader and writer holds. The state changes only through {@link #transitionTo}.
 */
final class Group {
    final String id;
    /** Every group starts Empty (a new group, or one recovered from the offsets log). */
    private GroupState state = GroupState.EMPTY;
    /** "" until the first member joins; "" forever for a group that only receives standalone commits. */
    String protocolType = "";
    int generation;
    String protocol;
    String leaderId;
    final Map<String, Member> members = new LinkedHashMap<>();

    /** Join phase bookkeeping. */
    long phaseStartMs;
    boolean phaseFromEmpty;
    long nextJoinSeq;

    /** The one join-or-sync phase timer; {@code phaseTimerSeq} invalidates stale firings. */
    GroupTimer.Cancellable phaseTimer;
    long phaseTimerSeq;
    long phaseTimerAtMs = Long.MAX_VALUE;

    /** Wall-clock time it became Empty (retention countdown). */
    long emptySinceWallMs;
    GroupTimer.Cancellable retentionTimer;
    long retentionTimerSeq;
    /**
     * The latest membership write of this group (completes when it is durable under the flush policy, or failed):
     * SyncGroup answers wait for it, so an answered generation is one a restart restores.
     */
    CompletableFuture<Void> membershipWritten = CompletableFuture.completedFuture(null);
    /** Offset writes queued but not yet durable. */
    int pendingWrites;

    Group(String id) {
        this.id = id;
    }

    /** The current state. */
    GroupState state() {
        return state;
    }

    /**
     * Moves the group to {@code next}.
     *
     * @throws IllegalStateException naming both states when {@code next} may not follow the current state
     *                               ({@link GroupState#validPreviousStates()})
     */
    void transitionTo(GroupState next) {
        if (!next.validPreviousStates().contains(state)) {
            throw new IllegalStateException("group " + id + ": illegal transition from " + state + " to " + next);
        }
        state = next;
    }

    /** Cancels the join/sync phase timer; a firing already under way sees the new sequence and does nothing. */
    void cancelPhaseTimer() {
        if (phaseTimer != null) {
            phaseTimer.cancel();
            phaseTimer = null;
        }
        phaseTimerAtMs = Long.MAX_VALUE;
        phaseTimerSeq++;
    }

    /** Cancels the retention countdown, likewise. */
    void cancelRetention() {
        if (retentionTimer != null) {
            retentionTimer.cancel();
            retentionTimer = null;
        }
        retentionTimerSeq++;
    }

    boolean isStandaloneOnly() {
        return protocolType.isEmpty();
    }

    int rebalanceTimeoutMs() {
        int max = 0;
        for (Member m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }
}
