package io.streambus.client.share;

/**
 * How the application settles a record it received from a {@link ShareConsumer} (spec B.13.8; Kafka's
 * {@code AcknowledgeType}). Immutable and thread-safe.
 *
 * <p>The wire type RETURN (give back a record the application never saw, without counting a delivery) is not
 * offered here: the consumer uses it itself for prefetched records it never handed out, when it closes or
 * unsubscribes (B.13.12 rule 6).
 */
public enum AcknowledgeType {
    /** The record was processed: it is never delivered again. */
    ACCEPT,
    /** Deliver the record again (to any member), keeping its delivery count; archived at the delivery limit. */
    RELEASE,
    /** The record can never be processed: archived, and copied to the group's dead-letter topic if it has one. */
    REJECT,
    /**
     * Extend the acquisition lock while processing goes on (spec B.13.8, Kafka's KIP-1222). Not a settlement: the
     * record must still be acknowledged with one of the other types.
     */
    RENEW
}
