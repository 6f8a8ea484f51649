package io.streambus.camel.internal.consumer;

import io.streambus.camel.StreamBusCapabilityException;
import io.streambus.camel.StreamBusConstants;
import io.streambus.camel.consumer.StreamBusManualCommit;
import io.streambus.camel.internal.ConsumerSettings;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.CommitState;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.PartitionInfo;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo.State;
import io.streambus.camel.internal.ConsumerSettings.Mode;
import io.streambus.camel.internal.PartitionTracker;
import io.streambus.camel.internal.SortedHeaders;
import io.streambus.client.ConfigException;
import io.streambus.client.StreamBusClient;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.Consumer;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.GroupConsumer;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.consumer.RecordConsumer;
import io.streambus.client.serialization.Deserializer;
import io.streambus.common.TopicPartition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread: owns one client consumer (a group member or a consumer of explicit partitions, behind
 * {@link RecordConsumer}) and runs the poll → process → commit loop for it. Records are processed synchronously, one
 * after the other, on this thread, so the order within a partition is kept and the commit state of each partition
 * ({@link PartitionTracker}) is only touched here. How offsets are committed is the {@link CommitManager}'s
 * business, what a failed poll leads to the {@link PollErrorStrategy}'s. Other threads talk to it through
 * {@link #submit commands} (manual commits) and flags (stop, pause), and read its {@link #info() snapshot}.
 * Thread-safe in that sense: the control methods may be called from any thread.
 */
public final class ConsumerTask implements ConsumerWorker {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerTask.class);

    private final ConsumerHost host;
    private final ConsumerSettings settings;
    private final String name;
    private final List<TopicPartition> assigned;
    private final Map<TopicPartition, PartitionTracker> trackers = new ConcurrentHashMap<>();
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean stopRequested;
    private volatile boolean pauseRequested;
    private volatile boolean paused;
    private volatile boolean done;
    private volatile Thread thread;
    private volatile RecordConsumer<Object, Object> source;
    private volatile TaskHealth health = TaskHealth.of(State.STARTING, "starting", null);
    private volatile long recordsProcessed;
    private volatile long lastPollMs;

    private final PollErrorStrategy onError;
    private final Loop loopControl = new Loop();
    private CommitTarget target;
    private CommitManager commits = new NoCommitManager();
    private Supplier<ConsumerGroupMetadata> groupMetadata;
    private boolean reconnectRequested;
    private boolean stopOnError;
    private Map<TopicPartition, Long> resumeFrom = new HashMap<>();
    private final Map<TopicPartition, Long> rewinds = new LinkedHashMap<>();
    private final Set<TopicPartition> untrusted = new HashSet<>();
    /** batching=true with batchingIntervalMs: the batch gathered over polls; null otherwise. */
    private final BatchAccumulator held;

    /**
     * @param assigned the partitions this thread reads in {@link Mode#ASSIGNED} mode (ignored for groups)
     */
    public ConsumerTask(ConsumerHost host, ConsumerSettings settings, String name, List<TopicPartition> assigned) {
        this.host = host;
        this.settings = settings;
        this.name = name;
        this.assigned = List.copyOf(assigned);
        this.onError = PollErrorStrategies.of(settings.pollOnError);
        this.held = settings.batching && settings.batchingInterval.toMillis() > 0
                ? new BatchAccumulator(settings.maxPollRecords, settings.batchingInterval, System::nanoTime,
                ConsumerTask::release)
                : null;
    }

    // ------------------------------------------------------------------ control from other threads

    /** Asks the thread to finish the record in progress, commit and close. Does not wait. */
    public void requestStop() {
        stopRequested = true;
        stopSignal.countDown();
        wakeSource();
    }

    /** Waits until the thread has closed its consumer. */
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the thread to stop delivering records after the one in progress (suspend). */
    public void requestPause() {
        pauseRequested = true;
        wakeSource();
    }

    /** Undoes {@link #requestPause()} and retries partitions parked by breakOnFirstErrorMaxAttempts. */
    public void requestResume() {
        pauseRequested = false;
        submit(this::unparkAll);
    }

    /** True once the thread delivers no more records (paused, or finished). */
    public boolean isPaused() {
        return paused || done;
    }

    /** True once the thread has finished (stopped or failed). */
    public boolean isDone() {
        return done;
    }

    /** The thread's name, for logs. */
    public String name() {
        return name;
    }

    /** An immutable snapshot of this thread: state, owned partitions with their commit state, last error. */
    public StreamBusConsumerTaskInfo info() {
        TaskHealth h = health;
        List<PartitionInfo> partitions = new ArrayList<>();
        for (PartitionTracker t : trackers.values()) {
            partitions.add(t.info());
        }
        return new StreamBusConsumerTaskInfo(name, h.state(), h.message(), h.error(), h.sinceMs(), isPaused(), done,
                recordsProcessed, lastPollMs, partitions);
    }

    /**
     * Runs {@code command} on this consumer thread: at once if called from it, else between two records or polls.
     * If the thread has finished, the command runs on the caller's thread (it then finds no partitions).
     */
    void submit(Runnable command) {
        if (Thread.currentThread() == thread) {
            command.run();
            return;
        }
        commands.add(command);
        wakeSource();
        if (done) {
            runCommands();
        }
    }

    /**
     * Commits {@code nextOffset} for {@code partition} from the route (manual commit).
     *
     * @return completed when committed
     */
    CompletableFuture<Void> manualCommit(TopicPartition partition, long nextOffset, boolean sync) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        submit(() -> {
            if (done) {
                result.completeExceptionally(CommitManager.notAssigned(partition, nextOffset));
                return;
            }
            commits.commitManually(partition, nextOffset, sync).whenComplete((v, e) -> {
                if (e == null) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(e);
                }
            });
        });
        return result;
    }

    Duration commitTimeout() {
        return settings.commitTimeout;
    }

    private void wakeSource() {
        RecordConsumer<Object, Object> s = source;
        if (s != null) {
            try {
                s.wakeup();
            } catch (RuntimeException e) {
                LOG.debug("wakeup failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ the loop

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            loop();
        } catch (Throwable t) {
            // Never let the thread end silently: health turns DOWN with the reason.
            LOG.error("{}: consumer thread failed: {}", name, t.toString(), t);
            stopOnError = true;
            setHealth(State.FAILED, "consumer thread failed: " + t, t);
        } finally {
            shutdown();
            done = true;
            finished.countDown();
            runCommands();
        }
    }

    private void loop() {
        while (!stopRequested) {
            if (source == null) {
                if (!open()) {
                    if (stopOnError) {
                        return;
                    }
                    backoff();
                }
                continue;
            }
            runCommands();
            applyPauseState();
            ConsumerRecords<Object, Object> records;
            Duration timeout = commits.pollTimeout(settings.pollTimeout);
            try {
                records = source.poll(held == null ? timeout : held.pollTimeout(timeout));
            } catch (WakeupException e) {
                continue;
            } catch (RuntimeException e) {
                if (!pollFailed(e)) {
                    return;
                }
                continue;
            }
            lastPollMs = System.currentTimeMillis();
            polledOk();
            if (held != null) {
                held.add(records);
                while (held.due() && !stopRequested && !pauseRequested && !reconnectRequested && !stopOnError) {
                    processBatch(held.take());
                }
            } else if (!records.isEmpty()) {
                process(records);
            }
            if (stopOnError) {
                return;
            }
            if (reconnectRequested) {
                reconnect();
                continue;
            }
            commits.maybeCommit();
        }
    }

    private void polledOk() {
        State want = State.RUNNING;
        for (PartitionTracker t : trackers.values()) {
            if (t.isParked()) {
                want = State.PARKED;
                break;
            }
        }
        if (health.state() != want) {
            setHealth(want, want == State.PARKED ? health.message() : null, want == State.PARKED ? health.error()
                    : null);
        }
    }

    private boolean open() {
        try {
            StreamBusClient client = host.client();
            if (settings.mode == Mode.GROUP) {
                GroupConsumer<Object, Object> gc = host.clientFactory().createGroupConsumer(client, settings.groupId,
                        keyDeserializer(), valueDeserializer(), settings.overrides);
                source = gc;
                groupMetadata = gc::groupMetadata;
                target = settings.offsetRepository != null ? CommitTarget.repository(settings.offsetRepository)
                        : CommitTarget.group(gc);
                commits = newCommitManager();
                RebalanceListener listener = new Listener();
                if (settings.pattern != null) {
                    gc.subscribe(settings.pattern, listener);
                } else {
                    gc.subscribe(settings.topics, listener);
                }
            } else {
                Consumer<Object, Object> c = host.clientFactory().createConsumer(client, keyDeserializer(),
                        valueDeserializer(), settings.overrides);
                source = c;
                groupMetadata = settings.groupId == null ? null : () -> new ConsumerGroupMetadata(settings.groupId);
                target = settings.offsetRepository != null ? CommitTarget.repository(settings.offsetRepository)
                        : settings.groupId != null ? CommitTarget.standalone(client.admin(), settings.groupId) : null;
                commits = newCommitManager();
                c.assign(assigned);
                onAssigned(assigned);
            }
            LOG.info("{}: consuming {} ({}{}, commits: {})", name, settings.mode == Mode.GROUP
                            ? settings.describeTopics() + " as a member of group " + settings.groupId : assigned,
                    host.describe(), settings.seekTo != null ? ", seekTo " + settings.seekTo : "", commits.describe());
            // Created, subscribed or assigned: healthy as far as this thread knows (the health check also asks the
            // broker itself); a failing poll turns it to ERROR.
            setHealth(State.RUNNING, null, null);
            return true;
        } catch (RuntimeException e) {
            closeSource();
            if (isFatal(e)) {
                failFatally(e);
                return false;
            }
            setHealth(State.ERROR, "cannot create consumer: " + e.getMessage(), e);
            LOG.warn("{}: cannot create consumer, retrying in {} ms: {}", name, settings.pollErrorBackoffMs,
                    e.toString());
            return false;
        }
    }

    private CommitManager newCommitManager() {
        return CommitManagers.create(settings, target, name, trackers, commands::add,
                (tp, offset) -> new DefaultManualCommit(this, tp, offset), groupMetadata);
    }

    @SuppressWarnings("unchecked")
    private Deserializer<Object> keyDeserializer() {
        return (Deserializer<Object>) settings.keyDeserializer;
    }

    @SuppressWarnings("unchecked")
    private Deserializer<Object> valueDeserializer() {
        return (Deserializer<Object>) settings.valueDeserializer;
    }

    /** New partitions: trackers, committed offsets, the one-time seekTo, resume positions, pause state. */
    private void onAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> committed = Map.of();
        // A group member starts from the group's commits by itself; other consumers are positioned here.
        boolean positionsFromTarget = target != null
                && (settings.mode == Mode.ASSIGNED || settings.offsetRepository != null);
        if (positionsFromTarget) {
            committed = target.fetch(new HashSet<>(partitions), settings.commitTimeout);
        }
        List<TopicPartition> toBeginning = new ArrayList<>();
        List<TopicPartition> toEnd = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionTracker t = new PartitionTracker(tp);
            Long c = committed.get(tp);
            if (c != null) {
                t.initCommitted(c);
            }
            trackers.put(tp, t);
            Long resume = resumeFrom.remove(tp);
            if (resume != null) {
                source.seek(tp, resume);
            } else if (settings.seekTo != null && host.claimSeek(tp)) {
                (settings.seekTo == io.streambus.camel.SeekPolicy.BEGINNING ? toBeginning : toEnd).add(tp);
            } else if (c != null) {
                source.seek(tp, c);
            }
        }
        if (!toBeginning.isEmpty()) {
            source.seekToBeginning(toBeginning);
        }
        if (!toEnd.isEmpty()) {
            source.seekToEnd(toEnd);
            // Resolve the end now, so that "END" means the end when the route started, not at the first fetch.
            for (TopicPartition tp : toEnd) {
                source.position(tp, settings.commitTimeout);
            }
        }
        if (paused) {
            source.pause(partitions);
        }
        LOG.debug("{}: assigned {}", name, partitions);
    }

    private final class Listener implements RebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Held records were not handled: the next owner reads them. If nothing of a partition was handled yet, its
            // first held record is where it was first read from, so that is committed: a partition without a
            // committed offset must not make the next owner start after them (autoOffsetReset=latest).
            dropHeld(partitions).forEach((tp, first) -> {
                PartitionTracker t = trackers.get(tp);
                if (t != null && t.handledOffset() < 0) {
                    t.handled(first - 1);
                }
            });
            runCommands();
            commits.commitHandled(partitions);
            for (TopicPartition tp : partitions) {
                PartitionTracker t = trackers.remove(tp);
                if (t != null) {
                    t.close();
                }
            }
            LOG.debug("{}: revoked {}", name, partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            onAssigned(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            dropHeld(partitions);
            for (TopicPartition tp : partitions) {
                PartitionTracker t = trackers.remove(tp);
                if (t != null) {
                    t.close();
                }
            }
            LOG.warn("{}: lost {} without the chance to commit; they are read again from the last commit", name,
                    partitions);
        }
    }

    // ------------------------------------------------------------------ processing

    private void process(ConsumerRecords<Object, Object> records) {
        if (settings.batching) {
            processBatch(records);
            return;
        }
        int total = records.count();
        int seen = 0;
        boolean halted = false;
        rewinds.clear();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<Object, Object>> list = records.records(tp);
            PartitionTracker tracker = trackers.computeIfAbsent(tp, PartitionTracker::new);
            int i = 0;
            boolean skipRest = tracker.isParked() || tracker.state() == CommitState.CLOSED;
            while (!halted && !skipRest && i < list.size()) {
                if (stopRequested || pauseRequested || reconnectRequested || stopOnError) {
                    halted = true;
                    break;
                }
                ConsumerRecord<Object, Object> rec = list.get(i);
                seen++;
                RecordOutcome o = processRecord(rec, tracker, i == list.size() - 1, seen == total);
                runCommands();
                commits.maybeCommit(); // also within a long poll batch, so slow routes commit as they go
                if (o == RecordOutcome.HALT) {
                    halted = true;
                } else {
                    i++;
                    if (o == RecordOutcome.REPOSITIONED) {
                        skipRest = true;
                    }
                }
            }
            if (i < list.size()) {
                if (!skipRest) {
                    rewinds.put(tp, list.get(i).offset());
                }
                for (int j = i; j < list.size(); j++) {
                    release(list.get(j));
                }
            }
        }
        if (!rewinds.isEmpty() && !stopRequested && !stopOnError) {
            if (reconnectRequested) {
                resumeFrom.putAll(rewinds);
            } else {
                rewinds.forEach(this::rewind);
            }
        }
    }

    /**
     * batching=true: the records of one poll (at most maxPollRecords, of partitions that are not parked) become one
     * exchange whose body is the list of their exchanges. Completed: every record counts as handled (committed as a
     * whole). Failed with breakOnFirstError: every partition of the batch is read again from its first record of the
     * batch (the whole batch comes again; breakOnFirstErrorMaxAttempts counts failures of that first record). Failed
     * otherwise: to the exception handler and the batch counts as handled, as a failed single record does.
     */
    private void processBatch(ConsumerRecords<Object, Object> records) {
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> polled = new LinkedHashMap<>();
        for (TopicPartition tp : records.partitions()) {
            polled.put(tp, records.records(tp));
        }
        processBatch(polled);
    }

    /** One batch exchange of these records (of one poll, or gathered over polls); see above. */
    private void processBatch(Map<TopicPartition, List<ConsumerRecord<Object, Object>>> records) {
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> batch = new LinkedHashMap<>();
        List<ConsumerRecord<Object, Object>> all = new ArrayList<>();
        for (Map.Entry<TopicPartition, List<ConsumerRecord<Object, Object>>> e : records.entrySet()) {
            TopicPartition tp = e.getKey();
            PartitionTracker tracker = trackers.computeIfAbsent(tp, PartitionTracker::new);
            List<ConsumerRecord<Object, Object>> list = e.getValue();
            if (tracker.isParked() || tracker.state() == CommitState.CLOSED || stopRequested) {
                list.forEach(ConsumerTask::release);
                continue;
            }
            batch.put(tp, list);
            all.addAll(list);
        }
        if (all.isEmpty()) {
            return;
        }
        Exchange exchange = host.createExchange();
        try {
            List<Exchange> items = new ArrayList<>(all.size());
            for (ConsumerRecord<Object, Object> rec : all) {
                Exchange item = host.createExchange();
                fill(item, rec, rec.topicPartition(), false, false);
                items.add(item);
            }
            exchange.getIn().setHeader(StreamBusConstants.BATCH_SIZE, items.size());
            if (settings.groupId != null) {
                exchange.getIn().setHeader(StreamBusConstants.GROUP_ID, settings.groupId);
            }
            exchange.getIn().setBody(items);
            Map<TopicPartition, Long> next = new LinkedHashMap<>();
            batch.forEach((tp, list) -> next.put(tp, list.get(list.size() - 1).offset() + 1));
            commits.prepare(exchange, next);
            host.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            all.forEach(ConsumerTask::release);
        }
        recordsProcessed += all.size();
        Exception failure = exchange.getException();
        if (commits.committedWith(exchange)) {
            if (failure != null) {
                LOG.warn("{}: the batch exchange of {} records from {} failed after its transaction committed "
                        + "them; they count as processed: {}", name, all.size(), batch.keySet(), failure.toString());
            }
        } else if (commits.inDoubt(exchange)) {
            List<ConsumerRecord<Object, Object>> firsts = new ArrayList<>();
            batch.values().forEach(list -> firsts.add(list.get(0)));
            positionFromCommitted(firsts, failure);
        } else if (failure != null && settings.breakOnFirstError) {
            for (List<ConsumerRecord<Object, Object>> list : batch.values()) {
                ConsumerRecord<Object, Object> first = list.get(0);
                breakOnError(first, trackers.get(first.topicPartition()), failure);
            }
        } else {
            if (failure != null) {
                host.exceptionHandler().handleException("Error processing the batch exchange of " + all.size()
                        + " records from " + batch.keySet(), exchange, failure);
            }
            for (ConsumerRecord<Object, Object> rec : all) {
                trackers.get(rec.topicPartition()).handled(rec.offset());
            }
        }
        host.releaseExchange(exchange);
        runCommands();
    }

    private void rewind(TopicPartition tp, long offset) {
        dropHeld(List.of(tp));
        PartitionTracker t = trackers.get(tp);
        if (t != null) {
            t.rewound(offset);
        }
        source.seek(tp, offset);
    }

    /**
     * Drops the records held for a batch of these partitions (their position changes, or they are given up).
     *
     * @return partition → offset of its first dropped record
     */
    private Map<TopicPartition, Long> dropHeld(Collection<TopicPartition> partitions) {
        return held == null ? Map.of() : held.drop(new ArrayList<>(partitions));
    }

    private RecordOutcome processRecord(ConsumerRecord<Object, Object> rec, PartitionTracker tracker,
                                  boolean lastInPartition, boolean lastInPoll) {
        Exchange exchange = null;
        try {
            exchange = host.createExchange();
            fill(exchange, rec, tracker.partition(), lastInPartition, lastInPoll);
        } catch (RuntimeException e) {
            if (exchange != null) {
                host.releaseExchange(exchange);
            }
            String msg = "record " + where(rec) + " cannot be turned into an exchange: " + e.getMessage();
            setHealth(State.ERROR, msg, e);
            RecordOutcome o = onError.onRecordError(loopControl, rec, tracker, e, msg);
            if (o != RecordOutcome.HALT) {
                release(rec); // a halted record counts as unprocessed and is released with the rest
            }
            return o;
        }
        try {
            commits.prepareOne(exchange, tracker.partition(), rec.offset() + 1);
            host.process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            release(rec);
        }
        recordsProcessed++;
        Exception failure = exchange.getException();
        RecordOutcome outcome = RecordOutcome.CONTINUE;
        if (commits.committedWith(exchange)) {
            if (failure != null) {
                LOG.warn("{}: the exchange of record {} failed after its transaction committed it; it counts as "
                        + "processed: {}", name, where(rec), failure.toString());
            }
        } else if (commits.inDoubt(exchange)) {
            outcome = positionFromCommitted(List.of(rec), failure);
        } else if (failure == null) {
            tracker.handled(rec.offset());
        } else if (settings.breakOnFirstError) {
            outcome = breakOnError(rec, tracker, failure);
        } else {
            host.exceptionHandler().handleException("Error processing the exchange of record " + where(rec),
                    exchange, failure);
            tracker.handled(rec.offset());
        }
        host.releaseExchange(exchange);
        return outcome;
    }

    /** Headers and body of the exchange of {@code rec}, which is of partition {@code tp}. */
    private void fill(Exchange exchange, ConsumerRecord<Object, Object> rec, TopicPartition tp,
                      boolean lastInPartition, boolean lastInPoll) {
        SortedHeaders h = RecordExchanges.common(rec.topic(), rec.partition(), rec.offset(), rec.key(),
                rec.timestamp());
        h.set(RecordExchanges.GROUP_ID, settings.groupId);
        if (settings.lastRecordFlags) {
            h.set(RecordExchanges.LAST_RECORD_BEFORE_COMMIT, lastInPartition);
            h.set(RecordExchanges.LAST_POLL_RECORD, lastInPoll);
        }
        h.set(RecordExchanges.MANUAL_COMMIT, commits.manualCommitHandle(tp, rec.offset()));
        RecordExchanges.apply(exchange, settings, rec.headers(), h).setBody(rec.value());
    }

    /**
     * The exchange of these records (the first of each partition) ended its transaction without knowing whether it
     * committed. The group's committed offsets, which the transaction commits atomically with its records, tell:
     * each partition continues from there (after the records if it committed, at them if not). If they cannot be
     * read now, the consumer reconnects and starts these partitions from the committed offsets.
     */
    private RecordOutcome positionFromCommitted(List<ConsumerRecord<Object, Object>> firsts, Exception failure) {
        Set<TopicPartition> tps = new HashSet<>();
        firsts.forEach(r -> tps.add(r.topicPartition()));
        Map<TopicPartition, Long> committed;
        try {
            committed = target.fetch(tps, settings.commitTimeout);
        } catch (RuntimeException e) {
            LOG.warn("{}: the transaction of the exchange of {} may or may not have committed and the committed "
                    + "offsets cannot be read ({}); reconnecting, to continue from them: {}", name, tps,
                    e.toString(), failure == null ? "" : failure.toString());
            untrusted.addAll(tps);
            reconnectRequested = true;
            return RecordOutcome.HALT;
        }
        for (ConsumerRecord<Object, Object> first : firsts) {
            TopicPartition tp = first.topicPartition();
            PartitionTracker t = trackers.get(tp);
            Long c = committed.get(tp);
            long at = c != null && c > first.offset() ? c : first.offset();
            if (t != null) {
                if (at > first.offset()) {
                    t.handled(at - 1);
                    t.commitStarted(at);
                    t.commitSucceeded(at);
                } else {
                    t.rewound(at);
                }
            }
            dropHeld(List.of(tp));
            source.seek(tp, at);
            LOG.warn("{}: the transaction of the exchange of {} got no answer to its commit; the committed offsets "
                    + "say it {}, so {} continues at {}", name, where(first), at > first.offset() ? "committed"
                    : "did not commit", tp, at);
        }
        return RecordOutcome.REPOSITIONED;
    }

    private RecordOutcome breakOnError(ConsumerRecord<Object, Object> rec, PartitionTracker tracker,
                                       Exception failure) {
        TopicPartition tp = rec.topicPartition();
        int attempts = tracker.failed(rec.offset());
        tracker.rewound(rec.offset());
        dropHeld(List.of(tp));
        source.seek(tp, rec.offset());
        commits.commitHandled(List.of(tp));
        int max = settings.breakOnFirstErrorMaxAttempts;
        if (max > 0 && attempts >= max) {
            source.pause(List.of(tp));
            tracker.park();
            String msg = "record " + where(rec) + " failed " + attempts + " times in a row "
                    + "(breakOnFirstErrorMaxAttempts=" + max + "); partition " + tp + " is paused at it until the "
                    + "route is resumed or restarted";
            setHealth(State.PARKED, msg, failure);
            LOG.error("{}: {}: {}", name, msg, failure.toString());
        } else {
            LOG.warn("{}: breakOnFirstError: the exchange of record {} failed (attempt {}); partition {} is read "
                    + "again from this record: {}", name, where(rec), attempts, tp, failure.toString());
        }
        return RecordOutcome.REPOSITIONED;
    }

    /** @return false if the loop must end */
    private boolean pollFailed(RuntimeException e) {
        if (isFatal(e)) {
            failFatally(e);
            return false;
        }
        String msg = "poll failed: " + e.getMessage();
        setHealth(State.ERROR, msg, e);
        return onError.onPollError(loopControl, e, msg);
    }

    /** Errors that no retry can fix: a missing broker capability, invalid configuration. */
    private static boolean isFatal(RuntimeException e) {
        return e instanceof UnsupportedFeatureException || e instanceof StreamBusCapabilityException
                || e instanceof ConfigException || e instanceof IllegalArgumentException;
    }

    private void failFatally(RuntimeException e) {
        String msg = e instanceof UnsupportedFeatureException || e instanceof StreamBusCapabilityException
                ? "the broker cannot serve this consumer: " + e.getMessage()
                + (settings.mode == Mode.GROUP || settings.groupId != null ? " (consumer groups and committed "
                + "offsets need a broker that serves them; for a core-only broker use partitions=... with "
                + "offsetRepository and no groupId)" : "")
                : e.getMessage();
        LOG.error("{}: {}; this consumer stops", name, msg, e);
        stopOnError = true;
        setHealth(State.FAILED, msg, e);
    }

    /** Closes the client consumer and creates a new one, continuing from the first record not yet processed. */
    private void reconnect() {
        reconnectRequested = false;
        // Records held for a batch were not handled: read them again (the position is already past them).
        Map<TopicPartition, Long> resume = new HashMap<>(held == null ? Map.of() : held.dropAll());
        for (PartitionTracker t : trackers.values()) {
            if (t.handledOffset() >= 0) {
                resume.put(t.partition(), t.handledOffset());
            } else if (resume.containsKey(t.partition())) {
                continue;
            } else if (source != null) {
                // Nothing handled yet: keep the position (for example a seekTo at start), if it is known.
                try {
                    resume.put(t.partition(), source.position(t.partition(), Duration.ofMillis(500)));
                } catch (RuntimeException e) {
                    LOG.debug("{}: position of {} unknown before reconnecting: {}", name, t.partition(), e.toString());
                }
            }
        }
        resume.putAll(resumeFrom);
        // Partitions whose transaction outcome is unknown start again from their committed offsets.
        untrusted.forEach(resume::remove);
        untrusted.clear();
        commits.commitHandled(trackers.keySet());
        closeTrackers();
        closeSource();
        resumeFrom = resume;
        backoff();
    }

    // ------------------------------------------------------------------ pause / resume

    private void applyPauseState() {
        if (pauseRequested && !paused) {
            // A suspended route routes nothing more: a batch being gathered is given back, to be read again.
            if (held != null) {
                held.dropAll().forEach(this::rewind);
            }
            source.pause(source.assignment());
            paused = true;
            LOG.debug("{}: paused", name);
        } else if (!pauseRequested && paused) {
            List<TopicPartition> resume = new ArrayList<>();
            for (TopicPartition tp : source.assignment()) {
                PartitionTracker t = trackers.get(tp);
                if (t == null || !t.isParked()) {
                    resume.add(tp);
                }
            }
            source.resume(resume);
            paused = false;
            LOG.debug("{}: resumed", name);
        }
    }

    private void unparkAll() {
        List<TopicPartition> unparked = new ArrayList<>();
        for (PartitionTracker t : trackers.values()) {
            if (t.isParked()) {
                t.unpark();
                unparked.add(t.partition());
            }
        }
        if (!unparked.isEmpty() && source != null && !paused) {
            source.resume(unparked);
            LOG.info("{}: retrying parked partitions {}", name, unparked);
        }
    }

    private void runCommands() {
        Runnable r;
        while ((r = commands.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("{}: command failed: {}", name, e.toString(), e);
            }
        }
    }

    // ------------------------------------------------------------------ shutdown

    private void shutdown() {
        if (held != null) {
            held.dropAll(); // not handled, so not committed: read again after a restart
        }
        try {
            runCommands();
            if (source != null) {
                commits.commitHandled(trackers.keySet());
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: final commit failed: {}", name, e.toString());
        }
        closeTrackers();
        closeSource();
        if (!stopOnError) {
            setHealth(State.STOPPED, null, null);
        }
        LOG.debug("{}: stopped", name);
    }

    private void closeTrackers() {
        trackers.values().forEach(PartitionTracker::close);
        trackers.clear();
    }

    private void closeSource() {
        RecordConsumer<Object, Object> s = source;
        source = null;
        if (s != null) {
            try {
                s.close(settings.shutdownTimeout);
            } catch (RuntimeException e) {
                LOG.warn("{}: closing the consumer failed: {}", name, e.toString());
            }
        }
        paused = false;
    }

    private void backoff() {
        if (settings.pollErrorBackoffMs > 0) {
            try {
                stopSignal.await(settings.pollErrorBackoffMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopRequested = true;
            }
        }
    }

    private void setHealth(State state, String message, Throwable error) {
        health = TaskHealth.of(state, message, error);
    }

    private static void release(ConsumerRecord<Object, Object> rec) {
        RecordExchanges.release(rec.key(), rec.value());
    }

    private static String where(ConsumerRecord<?, ?> rec) {
        return RecordExchanges.where(rec.topic(), rec.partition(), rec.offset());
    }

    @Override
    public String toString() {
        return name;
    }

    /** What the poll-error strategies may do to this thread; consumer thread only. */
    private final class Loop implements PollErrorStrategy.ConsumerLoop {
        @Override
        public String name() {
            return name;
        }

        @Override
        public long backoffMs() {
            return settings.pollErrorBackoffMs;
        }

        @Override
        public void backoff() {
            ConsumerTask.this.backoff();
        }

        @Override
        public ExceptionHandler exceptionHandler() {
            return host.exceptionHandler();
        }

        @Override
        public String describeSource() {
            return host.describe();
        }

        @Override
        public void seekToHandled() {
            Map<TopicPartition, Long> dropped = held == null ? Map.of() : held.dropAll();
            for (PartitionTracker t : trackers.values()) {
                long at = t.handledOffset() >= 0 ? t.handledOffset() : dropped.getOrDefault(t.partition(), -1L);
                if (at >= 0 && !t.isParked()) {
                    try {
                        source.seek(t.partition(), at);
                    } catch (RuntimeException se) {
                        LOG.debug("seek failed", se);
                    }
                }
            }
        }

        @Override
        public void rewind(TopicPartition partition, long offset) {
            ConsumerTask.this.rewind(partition, offset);
        }

        @Override
        public void reconnectNow() {
            reconnect();
        }

        @Override
        public void reconnectAfterPoll() {
            reconnectRequested = true;
        }

        @Override
        public void fail(String message, Throwable error) {
            stopOnError = true;
            setHealth(State.FAILED, message, error);
        }
    }
}
