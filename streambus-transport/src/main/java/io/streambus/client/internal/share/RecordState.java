package io.streambus.client.internal.share;

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

    /** Whether the move to {@code to} is allowed: a switch, as it runs several times per record. */
    private boolean allows(RecordState to) {
        return switch (this) {
            case PREFETCHED -> to == DELIVERED || to == ACKNOWLEDGED || to == LOST;
            case DELIVERED -> to == ACKNOWLEDGED || to == STAGING || to == LOST;
            case STAGING -> to == DONE || to == ACKNOWLEDGED || to == LOST;
            case ACKNOWLEDGED -> to == ACKNOWLEDGED || to == SENDING || to == LOST;
            case SENDING -> to == DONE || to == LOST;
            case DONE, LOST -> false;
        };
    }

    /**
     * Checks the transition to {@code to}.
     *
     * @throws IllegalStateException naming both states if it is not allowed
     */
    RecordState moveTo(RecordState to) {
        if (!allows(to)) {
            throw new IllegalStateException("share record cannot move from " + this + " to " + to);
        }
        return to;
    }
}
