package io.streambus.client.consumer;

/**
 * The group membership a transactional producer commits consumed offsets for
 * ({@link io.streambus.client.producer.Producer#sendOffsetsToTransaction}), as Kafka's {@code ConsumerGroupMetadata}; obtained from
 * {@link GroupConsumer#groupMetadata()}. The broker checks only the group id (spec B.7.5:
 * TxnOffsetCommit carries no generation or member id); generation and member id are kept for logs and fencing
 * decisions on the client. Immutable and thread-safe.
 *
 * @param groupId      consumer group id (non-empty)
 * @param generationId generation of the member, -1 if unknown
 * @param memberId     member id, empty if unknown
 */
public record ConsumerGroupMetadata(String groupId, int generationId, String memberId) {
    public ConsumerGroupMetadata {
        if (groupId == null || groupId.isEmpty()) {
            throw new IllegalArgumentException("group id must not be empty");
        }
        memberId = memberId == null ? "" : memberId;
    }

    /** Metadata naming only the group (generation -1, no member id). */
    public ConsumerGroupMetadata(String groupId) {
        this(groupId, -1, "");
    }
}
