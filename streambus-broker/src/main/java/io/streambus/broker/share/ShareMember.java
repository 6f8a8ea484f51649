package io.streambus.broker.share;

import java.util.List;

/**
 * One member of a share group (spec B.13.4): its id, client id, subscription and session deadline. Not persisted.
 * Not thread-safe: guarded by the lock of its {@link ShareGroup}.
 */
final class ShareMember {
    final String id;
    String clientId;
    List<String> subscription;
    /** Broker time (ms) at which the session ends unless renewed. */
    long deadlineMs;
    /** ShareFetch requests of this member being held: it does not expire meanwhile. */
    int heldFetches;

    ShareMember(String id, String clientId, List<String> subscription, long deadlineMs) {
        this.id = id;
        this.clientId = clientId;
        this.subscription = subscription;
        this.deadlineMs = deadlineMs;
    }
}
