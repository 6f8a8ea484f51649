package io.streambus.broker.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A member of a group. Not thread-safe: guarded by the group's monitor. */
final class Member {
    final String id;
    String clientId;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<Protocol> protocols;

    /** Joined with an empty member id and not yet told its id (removed if that connection closes). */
    boolean isNew;
    CompletableFuture<JoinResult> heldJoin;
    Object heldJoinConnection;
    CompletableFuture<SyncResult> heldSync;

    /** Order of its first JoinGroup in the current join phase (-1: none yet), for the leader choice. */
    long phaseJoinSeq = -1;
    /** Generation for which it sent a SyncGroup. */
    int syncedGeneration = -1;
    byte[] assignment = new byte[0];

    long sessionDeadlineMs;
    GroupTimer.Cancellable sessionTimer;
    long sessionTimerAtMs = Long.MAX_VALUE;
    long sessionTimerSeq;

    Member(String id) {
        this.id = id;
    }

    /** Cancels the session timer; a firing already under way sees the new sequence and does nothing. */
    void cancelSessionTimer() {
        if (sessionTimer != null) {
            sessionTimer.cancel();
            sessionTimer = null;
        }
        sessionTimerAtMs = Long.MAX_VALUE;
        sessionTimerSeq++;
    }

    boolean isHeld() {
        return heldJoin != null || heldSync != null;
    }

    byte[] metadataFor(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return new byte[0];
    }

    boolean supports(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return true;
            }
        }
        return false;
    }
}
