package io.streambus.broker.group;

import java.util.LinkedHashMap;
import java.util.Map;

/** Mutable state of one group; guarded by its own monitor ({@code synchronized (group)}). */
final class Group {
    final String id;
    GroupState state = GroupState.EMPTY;
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
    /** Offset writes queued but not yet durable. */
    int pendingWrites;

    Group(String id) {
        this.id = id;
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
