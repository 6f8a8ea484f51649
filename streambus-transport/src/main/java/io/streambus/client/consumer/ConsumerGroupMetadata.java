package io.streambus.client.consumer;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * The group membership a transactional producer commits consumed offsets for
 * ({@link io.streambus.client.producer.Producer#sendOffsetsToTransaction}), as Kafka's {@code ConsumerGroupMetadata};
 * obtained from {@link GroupConsumer#groupMetadata()}. The broker checks only the group id (spec B.7.5:
 * TxnOffsetCommit carries no generation or member id), so the client does the fencing Kafka's broker does since
 * KIP-447: metadata obtained from a live {@link GroupConsumer} knows whether its member still holds that
 * generation ({@link #isHeld()}), and the producer refuses to send or commit offsets for one it lost, when another
 * member may already be reading the same partitions from the last commit. Equality ignores that link. Immutable and
 * thread-safe.
 */
public final class ConsumerGroupMetadata {
    private static final BooleanSupplier UNKNOWN = () -> true;

    private final String groupId;
    private final int generationId;
    private final String memberId;
    private final BooleanSupplier held;

    /**
     * Metadata built by the application: the client cannot tell whether the generation is still held.
     *
     * @param groupId      consumer group id (non-empty)
     * @param generationId generation of the member, -1 if unknown
     * @param memberId     member id, empty if unknown
     */
    public ConsumerGroupMetadata(String groupId, int generationId, String memberId) {
        this(groupId, generationId, memberId, UNKNOWN);
    }

    /** Metadata naming only the group (generation -1, no member id). */
    public ConsumerGroupMetadata(String groupId) {
        this(groupId, -1, "");
    }

    private ConsumerGroupMetadata(String groupId, int generationId, String memberId, BooleanSupplier held) {
        if (groupId == null || groupId.isEmpty()) {
            throw new IllegalArgumentException("group id must not be empty");
        }
        this.groupId = groupId;
        this.generationId = generationId;
        this.memberId = memberId == null ? "" : memberId;
        this.held = held;
    }

    /**
     * Metadata of a live member, for {@link GroupConsumer} implementations.
     *
     * @param held true while the member still holds {@code generationId} (must be thread-safe and cheap)
     */
    public static ConsumerGroupMetadata ofMember(String groupId, int generationId, String memberId,
                                                 BooleanSupplier held) {
        return new ConsumerGroupMetadata(groupId, generationId, memberId, Objects.requireNonNull(held, "held"));
    }

    /** The consumer group id. */
    public String groupId() {
        return groupId;
    }

    /** The member's generation, -1 if unknown. */
    public int generationId() {
        return generationId;
    }

    /** The member id, empty if unknown. */
    public String memberId() {
        return memberId;
    }

    /**
     * False once the member this metadata came from no longer holds its generation: it was removed or fenced by
     * the broker, its session ran out, or it rejoined. True while it does, and always for metadata built by the
     * application, which the client cannot check.
     */
    public boolean isHeld() {
        return held.getAsBoolean();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsumerGroupMetadata m && m.generationId == generationId && m.groupId.equals(groupId)
                && m.memberId.equals(memberId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(groupId, generationId, memberId);
    }

    @Override
    public String toString() {
        return "ConsumerGroupMetadata[groupId=" + groupId + ", generationId=" + generationId + ", memberId="
                + memberId + "]";
    }
}
