package io.streambus.broker.txn;

import io.streambus.broker.group.CommitPartition;
import io.streambus.broker.group.TopicData;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the offsets a committed transaction staged go (the group coordinator's
 * {@code applyTransactionOffsets}, B.7.5). Thread-safe.
 */
@FunctionalInterface
public interface TxnOffsetSink {
    /** Makes {@code offsets} the committed offsets of {@code groupId}; completes once durable. */
    CompletableFuture<Void> apply(String groupId, List<TopicData<CommitPartition>> offsets);
}
