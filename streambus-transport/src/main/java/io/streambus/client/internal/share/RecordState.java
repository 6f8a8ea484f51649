package io.streambus.client.internal.share;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where one acquired record stands in the consumer (spec B.13.8, B.13.12 rule 4), with checked transitions:
 *
 * <pre>
 * PREFETCHED --handed to the application--> DELIVERED --acknowledge--> ACKNOWLEDGED --sent--> SENDING
 * PREFETCHED --close/unsubscribe (RETURN)--> ACKNOWLEDGED
 * ACKNOWLEDGED --acknowledged again before sending--> ACKNOWLEDGED
 * SENDING --answered--> DONE   (a retriable failure, 6, 7, 25 or connection loss, keeps it SENDING: sent again)
 * DELIVERED --staged in a transaction (B.13.15)--> STAGING --staged--> DONE
 * STAGING --not staged--> ACKNOWLEDGED (RELEASE: the transaction must abort, the record is delivered again)
 * PREFETCHED, DELIVERED, ACKNOWLEDGED, SENDING, STAGING --member lost, partition lost, lock ended, failed--> LOST
 * </pre>
 * DONE and LOST are terminal: the record is forgotten. Immutable and thread-safe.
 */
enum RecordState {
    /** Acquired and buffered, not handed to the application yet. */
    PREFETCHED,
    /** Returned by poll; the application holds it. */
    DELIVERED,
    /** Acknowledged locally, waiting to be sent. */
    ACKNOWLEDGED,
    /** Its acknowledgement is on the wire. */
    SENDING,
    /** A transactional ShareAcknowledge staging it is on the wire (B.13.15). */
    STAGING,
    /** Its acknowledgement was answered (applied or reported as not applied). */
    DONE,
    /** No longer this member's: its acknowledgement is impossible or pointless. */
    LOST;

    private Set<RecordState> next() {
        return switch (this) {
            case PREFETCHED -> EnumSet.of(DELIVERED, ACKNOWLEDGED, LOST);
            case DELIVERED -> EnumSet.of(ACKNOWLEDGED, STAGING, LOST);
            case STAGING -> EnumSet.of(DONE, ACKNOWLEDGED, LOST);
            case ACKNOWLEDGED -> EnumSet.of(ACKNOWLEDGED, SENDING, LOST);
            case SENDING -> EnumSet.of(DONE, LOST);
            case DONE, LOST -> EnumSet.noneOf(RecordState.class);
        };
    }

    /**
     * Checks the transition to {@code to}.
     *
     * @throws IllegalStateException naming both states if it is not allowed
     */
    RecordState moveTo(RecordState to) {
        if (!next().contains(to)) {
            throw new IllegalStateException("share record cannot move from " + this + " to " + to);
        }
        return to;
    }
}
