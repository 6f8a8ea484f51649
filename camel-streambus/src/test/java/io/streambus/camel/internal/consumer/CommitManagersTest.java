package io.streambus.camel.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConfiguration;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.CommitState;
import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.client.StreamBusException;
import io.streambus.client.WakeupException;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import io.streambus.camel.internal.txn.ConsumedOffsets;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.processor.state.MemoryStateRepository;
import org.junit.jupiter.api.Test;

/** The auto, manual and no-commit managers against a recording commit target; no broker, no thread. */
class CommitManagersTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final TopicPartition TP1 = new TopicPartition("t", 1);

    /** Records commits; sync commits fail with the queued exceptions first, async ones return queued futures. */
    private static final class RecordingTarget implements CommitTarget {
        final List<Map<TopicPartition, Long>> syncCommits = new ArrayList<>();
        final List<Map<TopicPartition, Long>> asyncCommits = new ArrayList<>();
        final Queue<RuntimeException> syncFailures = new ConcurrentLinkedQueue<>();
        final Queue<CompletableFuture<Void>> asyncResults = new ConcurrentLinkedQueue<>();

        @Override
        public Map<TopicPartition, Long> fetch(Set<TopicPartition> partitions, Duration timeout) {
            return Map.of();
        }

        @Override
        public void commitSync(Map<TopicPartition, Long> offsets, Duration timeout) {
            syncCommits.add(Map.copyOf(offsets));
            RuntimeException e = syncFailures.poll();
            if (e != null) {
                throw e;
            }
        }

        @Override
        public CompletableFuture<Void> commitAsync(Map<TopicPartition, Long> offsets) {
            asyncCommits.add(Map.copyOf(offsets));
            CompletableFuture<Void> f = asyncResults.poll();
            return f != null ? f : CompletableFuture.completedFuture(null);
        }

        @Override
        public String describe() {
            return "recording target";
        }
    }

    private final RecordingTarget target = new RecordingTarget();
    private final Map<TopicPartition, PartitionTracker> trackers = new ConcurrentHashMap<>();
    private final Queue<Runnable> onThread = new ConcurrentLinkedQueue<>();

    private static ConsumerSettings settings(String options) {
        StreamBusConfiguration c = new StreamBusConfiguration();
        c.setTopic("t");
        c.setPartitions("0,1");
        if (options.contains("txn")) {
            c.setGroupId("g");
            c.setTransacted(true);
        } else {
            c.setOffsetRepository(new MemoryStateRepository());
        }
        c.setAutoCommitEnable(!options.contains("none"));
        c.setAllowManualCommit(options.contains("manual"));
        c.setAutoCommitIntervalMs(options.contains("fast") ? 1 : 60_000);
        return ConsumerSettings.of(c, null);
    }

    private CommitManager manager(String options) {
        return CommitManagers.create(settings(options), target, "task#0", trackers, onThread::add,
                (tp, offset) -> new StreamBusManualCommit() {
                    @Override
                    public void commitSync() {
                    }

                    @Override
                    public CompletableFuture<Void> commitAsync() {
                        return CompletableFuture.completedFuture(null);
                    }

                    @Override
                    public String getTopic() {
                        return tp.topic();
                    }

                    @Override
                    public int getPartition() {
                        return tp.partition();
                    }

                    @Override
                    public long getOffset() {
                        return offset;
                    }
                }, () -> new ConsumerGroupMetadata("g"));
    }

    private PartitionTracker handled(TopicPartition tp, long... offsets) {
        PartitionTracker t = trackers.computeIfAbsent(tp, PartitionTracker::new);
        for (long o : offsets) {
            t.handled(o);
        }
        return t;
    }

    private void runOnThread() {
        Runnable r;
        while ((r = onThread.poll()) != null) {
            r.run();
        }
    }

    @Test
    void theFactoryPicksTheManagerOfTheCommitMode() {
        assertThat(manager("auto")).isInstanceOf(AutoCommitManager.class);
        assertThat(manager("manual")).isInstanceOf(ManualCommitManager.class);
        assertThat(manager("none")).isInstanceOf(NoCommitManager.class);
        assertThat(manager("txn")).isInstanceOf(TransactionCommitManager.class);
        assertThat(CommitManagers.create(settings("auto"), null, "task#0", trackers, onThread::add, (tp, o) -> null,
                () -> new ConsumerGroupMetadata("g")))
                .as("nowhere to commit to").isInstanceOf(NoCommitManager.class);
        assertThat(manager("auto").describe()).isEqualTo("auto to recording target");
        assertThat(manager("manual").describe()).isEqualTo("manual to recording target");
        assertThat(manager("none").describe()).isEqualTo("none");
    }

    @Test
    void onlyTheTransactionManagerPreparesTheExchangeOfOneRecord() {
        Exchange txn = new DefaultExchange(new DefaultCamelContext());
        manager("txn").prepareOne(txn, TP, 7L);
        assertThat(txn.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class).offsets())
                .isEqualTo(Map.of(TP, new OffsetAndMetadata(7)));
        for (String mode : List.of("auto", "manual", "none")) {
            Exchange e = new DefaultExchange(new DefaultCamelContext());
            manager(mode).prepareOne(e, TP, 7L);
            assertThat(e.getProperties()).as(mode).doesNotContainKey(ConsumedOffsets.PROPERTY);
        }
    }

    @Test
    void transactedOffsetsRideTheExchangeAndOnlyOthersAreCommittedDirectlyAndAtOnce() {
        CommitManager m = manager("txn");
        PartitionTracker t0 = handled(TP);
        Exchange committed = new DefaultExchange(new DefaultCamelContext());
        m.prepare(committed, Map.of(TP, 5L));
        ConsumedOffsets offsets = committed.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class);
        assertThat(offsets.group().groupId()).isEqualTo("g");
        assertThat(offsets.offsets()).isEqualTo(Map.of(TP, new OffsetAndMetadata(5)));
        assertThat(m.committedWith(committed)).as("not committed yet").isFalse();
        assertThat(offsets.claim()).isTrue();
        assertThat(offsets.claim()).as("one transaction takes them").isFalse();
        offsets.committed();

        assertThat(m.committedWith(committed)).isTrue();
        assertThat(t0.committedOffset()).isEqualTo(5);
        assertThat(t0.state()).isEqualTo(CommitState.CLEAN);
        m.maybeCommit();
        assertThat(target.syncCommits).as("the transaction committed them").isEmpty();

        // an exchange that sent nothing in a transaction: committed directly, synchronously, before the next one
        Exchange plain = new DefaultExchange(new DefaultCamelContext());
        m.prepare(plain, Map.of(TP, 6L));
        assertThat(m.committedWith(plain)).isFalse();
        t0.handled(5);
        m.maybeCommit();
        assertThat(target.syncCommits).containsExactly(Map.of(TP, 6L));
        assertThat(target.asyncCommits).isEmpty();
        assertThat(m.describe()).isEqualTo("in the exchange's transaction, else directly, to recording target");
    }

    @Test
    void aCommitWithoutAnswerLeavesTheOffsetsInDoubtNotCommitted() {
        CommitManager m = manager("txn");
        PartitionTracker t0 = handled(TP);
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        m.prepare(e, Map.of(TP, 3L));
        ConsumedOffsets offsets = e.getProperty(ConsumedOffsets.PROPERTY, ConsumedOffsets.class);
        assertThat(m.inDoubt(e)).isFalse();
        offsets.claim();
        offsets.inDoubt();
        assertThat(m.inDoubt(e)).isTrue();
        assertThat(m.committedWith(e)).as("only the group's committed offsets can tell").isFalse();
        assertThat(t0.committedOffset()).isEqualTo(-1);
        org.assertj.core.api.Assertions.assertThatThrownBy(offsets::committed)
                .hasMessageContaining("IN_DOUBT to COMMITTED");
    }

    @Test
    void consumedOffsetsRefuseIllegalTransitionsNamingBothStates() {
        ConsumedOffsets o = new ConsumedOffsets(new ConsumerGroupMetadata("g"), Map.of(TP, 1L));
        org.assertj.core.api.Assertions.assertThatThrownBy(o::committed)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PENDING to COMMITTED");
        o.claim();
        o.aborted();
        org.assertj.core.api.Assertions.assertThatThrownBy(o::committed)
                .hasMessageContaining("ABORTED to COMMITTED");
    }

    @Test
    void autoCommitsWhatWasHandledBeforePartitionsAreGivenUp() {
        CommitManager m = manager("auto");
        PartitionTracker t0 = handled(TP, 0, 1, 2);
        handled(TP1);

        m.commitHandled(List.of(TP, TP1));

        assertThat(target.syncCommits).containsExactly(Map.of(TP, 3L));
        assertThat(t0.committedOffset()).isEqualTo(3);
        assertThat(t0.state()).isEqualTo(CommitState.CLEAN);
        m.commitHandled(List.of(TP));
        assertThat(target.syncCommits).as("nothing new to commit").hasSize(1);
        assertThat(m.manualCommitHandle(TP, 2)).isNull();
    }

    @Test
    void aWakeupDuringASyncCommitIsRetriedOnceAndAFailureLeavesTheOffsetsDue() {
        CommitManager m = manager("auto");
        PartitionTracker t0 = handled(TP, 0);
        target.syncFailures.add(new WakeupException());

        m.commitHandled(List.of(TP));
        assertThat(target.syncCommits).hasSize(2);
        assertThat(t0.committedOffset()).isEqualTo(1);

        handled(TP, 1);
        target.syncFailures.add(new StreamBusException("broker gone"));
        m.commitHandled(List.of(TP));
        assertThat(t0.committedOffset()).isEqualTo(1);
        assertThat(t0.state()).isEqualTo(CommitState.DIRTY);
        assertThat(t0.commitTarget()).as("retried with the next commit").isEqualTo(2);
    }

    @Test
    void autoCommitsOnTheIntervalWithoutWaitingAndUpdatesTrackersOnTheConsumerThread() {
        CommitManager m = manager("auto fast");
        PartitionTracker t0 = handled(TP, 0, 1);
        CompletableFuture<Void> answer = new CompletableFuture<>();
        target.asyncResults.add(answer);

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            m.maybeCommit();
            return !target.asyncCommits.isEmpty();
        });
        assertThat(target.asyncCommits).containsExactly(Map.of(TP, 2L));
        assertThat(t0.state()).isEqualTo(CommitState.COMMITTING);

        answer.complete(null);
        assertThat(t0.committedOffset()).as("only the consumer thread updates trackers").isEqualTo(-1);
        runOnThread();
        assertThat(t0.committedOffset()).isEqualTo(2);
        assertThat(t0.state()).isEqualTo(CommitState.CLEAN);
    }

    @Test
    void autoShortensThePollOnlyWhileACommitWaits() {
        Duration configured = Duration.ofSeconds(5);
        CommitManager slow = manager("auto");
        CommitManager fast = manager("auto fast");
        assertThat(fast.pollTimeout(configured)).as("nothing to commit").isEqualTo(configured);

        handled(TP, 0);
        assertThat(slow.pollTimeout(configured)).as("the commit is due after the poll").isEqualTo(configured);
        assertThat(fast.pollTimeout(configured)).isLessThanOrEqualTo(Duration.ofMillis(1));
        assertThat(manager("manual").pollTimeout(configured)).isEqualTo(configured);
        assertThat(manager("none").pollTimeout(configured)).isEqualTo(configured);
    }

    @Test
    void manualCommitsOnlyWhatTheRouteAsksFor() throws Exception {
        CommitManager m = manager("manual");
        PartitionTracker t0 = handled(TP, 0, 1, 2, 3);

        m.maybeCommit();
        m.commitHandled(List.of(TP));
        assertThat(target.syncCommits).as("nothing automatic").isEmpty();
        assertThat(m.manualCommitHandle(TP, 3).getOffset()).isEqualTo(3);

        m.commitManually(TP, 2, true).get();
        assertThat(target.syncCommits).containsExactly(Map.of(TP, 2L));
        assertThat(t0.committedOffset()).isEqualTo(2);

        assertThat(m.commitManually(TP, 1, true)).as("never backwards").isCompleted();
        assertThat(target.syncCommits).hasSize(1);
    }

    @Test
    void aFailedAsyncManualCommitFailsWithTheTargetsOwnException() {
        CommitManager m = manager("manual");
        PartitionTracker t0 = handled(TP, 0);
        StreamBusException refused = new StreamBusException("refused");
        target.asyncResults.add(CompletableFuture.failedFuture(refused));

        CompletableFuture<Void> f = m.commitManually(TP, 1, false);

        assertThat(f.handle((v, e) -> e).join()).as("not wrapped in a CompletionException").isSameAs(refused);
        runOnThread();
        assertThat(t0.committedOffset()).isEqualTo(-1);
        assertThat(t0.state()).isEqualTo(CommitState.DIRTY);
    }

    @Test
    void aManualCommitOfAPartitionNoLongerOwnedFails() {
        CommitManager manual = manager("manual");
        handled(TP, 0).close();

        for (CommitManager m : List.of(manual, manager("auto"), manager("none"))) {
            assertThat(m.commitManually(TP1, 5, true)).failsWithin(Duration.ZERO)
                    .withThrowableOfType(ExecutionException.class)
                    .withMessageContaining("offset 4 of t-1").withMessageContaining("no longer assigned");
        }
        assertThat(manual.commitManually(TP, 1, true)).as("closed (revoked)").isCompletedExceptionally();
        assertThat(target.syncCommits).isEmpty();
        assertThat(manager("none").manualCommitHandle(TP, 0)).isNull();
    }
}
