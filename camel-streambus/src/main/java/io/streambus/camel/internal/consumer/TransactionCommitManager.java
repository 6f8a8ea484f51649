package io.streambus.camel.internal.consumer;

import io.streambus.camel.internal.PartitionTracker;
import io.streambus.camel.internal.txn.ConsumedOffsets;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.common.TopicPartition;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * {@code TRANSACTION} commits (transacted=true): each exchange carries its records' next offsets
 * ({@link ConsumedOffsets}) to the transaction of its transacted producer, which commits them with the records it
 * sent. Offsets of exchanges that did not commit them in a transaction (nothing sent, or a failure the route
 * handled) are committed directly and synchronously before the next record, so that commits never overtake each
 * other (an asynchronous commit landing after a later transaction's would move the group back). Not thread-safe:
 * consumer thread only.
 */
final class TransactionCommitManager implements CommitManager {

    private final TrackedCommits commits;
    private final String name;
    private final Supplier<ConsumerGroupMetadata> group;

    TransactionCommitManager(TrackedCommits commits, String name, Supplier<ConsumerGroupMetadata> group) {
        this.commits = commits;
        this.name = name;
        this.group = group;
    }

    @Override
    public void prepareOne(Exchange exchange, TopicPartition partition, long nextOffset) {
        prepare(exchange, Map.of(partition, nextOffset));
    }

    @Override
    public void prepare(Exchange exchange, Map<TopicPartition, Long> nextOffsets) {
        exchange.setProperty(ConsumedOffsets.PROPERTY, new ConsumedOffsets(group.get(), nextOffsets));
    }

    @Override
    public boolean committedWith(Exchange exchange) {
        ConsumedOffsets offsets = exchange.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class);
        if (offsets == null || offsets.state() != ConsumedOffsets.State.COMMITTED) {
            return false;
        }
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.offsets().entrySet()) {
            PartitionTracker t = commits.tracker(e.getKey());
            if (t != null) {
                long next = e.getValue().offset();
                t.handled(next - 1);
                t.commitStarted(next);
                t.commitSucceeded(next);
            }
        }
        return true;
    }

    @Override
    public boolean inDoubt(Exchange exchange) {
        ConsumedOffsets offsets = exchange.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class);
        return offsets != null && offsets.state() == ConsumedOffsets.State.IN_DOUBT;
    }

    @Override
    public void maybeCommit() {
        commitHandled(commits.trackers().keySet());
    }

    @Override
    public void commitHandled(Collection<TopicPartition> partitions) {
        // synchronous: an asynchronous commit landing after a later transaction's would move the group back
        commits.commitHandled(partitions, true, name);
    }

    @Override
    public String describe() {
        return "in the exchange's transaction, else directly, to " + commits.target().describe();
    }
}
