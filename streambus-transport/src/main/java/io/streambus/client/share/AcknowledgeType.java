package io.streambus.client.share;

/**
 * How the application settles a record it received from a {@link ShareConsumer} (spec B.13.8; Kafka's
 * {@code AcknowledgeType}). Immutable and thread-safe.
 *
 * <p>The consumer RETURNs the prefetched records it never handed out itself, when it closes or unsubscribes
 * (B.13.12 rule 6); {@link #RETURN} is for a layered client (the JMS provider) that buffers polled records on top of
 * the consumer and never passes some of them on to its own application.
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
    RENEW,
    /**
     * Give back a record that was polled but never reached the application (a layered client's buffer), without
     * counting a delivery (spec B.13.8): it is delivered again as if this delivery had not happened. Never for a
     * record the application has seen (B.13.12 rule 4); never staged in a transaction.
     */
    RETURN
}
