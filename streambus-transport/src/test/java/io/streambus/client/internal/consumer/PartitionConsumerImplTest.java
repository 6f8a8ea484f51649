package io.streambus.client.internal.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.client.AuthorizationException;
import io.streambus.client.StreamBusException;
import io.streambus.client.WakeupException;
import io.streambus.client.consumer.ConsumerRecord;
import io.streambus.client.consumer.ConsumerRecords;
import io.streambus.client.consumer.NoOffsetException;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.internal.net.ManualTime;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.core.FetchRequest;
import io.streambus.protocol.core.FetchResponse;
import io.streambus.protocol.core.GetOffsetRequest;
import io.streambus.protocol.core.GetOffsetResponse;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageBlockWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fetch engine over the scripted {@link FakeNetwork} and its manual clock: position resolution, prefetch within
 * {@code fetch.queue.max.bytes}, offset gaps, seeks, out-of-range handling, empty-fetch pacing, errors, pause and
 * resume, wakeup. Every fetched block must be released by the end of each test ({@link TrackingAllocator}).
 */
class PartitionConsumerImplTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    private final TrackingAllocator alloc = new TrackingAllocator();
    private FakeNetwork net;
    private PartitionConsumerImpl<String, String> consumer;

    private void start(Map<String, ?> settings) {
        Map<String, Object> m = new HashMap<>(Map.of("auto.offset.reset", "earliest", "fetch.backoff.ms", 100));
        m.putAll(settings);
        net = new FakeNetwork(FakeNetwork.config(m), new ManualTime(), alloc);
        ClientContext ctx = net.newContext();
        consumer = ctx.newPartitionConsumer(Serdes.stringDeserializer(), Serdes.stringDeserializer(), ctx.config());
        consumer.assign(List.of(TP));
    }

    @AfterEach
    void tearDown() {
        if (consumer != null) {
            consumer.close(Duration.ZERO);
            assertThat(consumer.bufferedBytes()).isZero();
            for (FakeNetwork.Request r : net.pending(ApiKey.FETCH)) {
                // a late reply after close is dropped and released
                r.respond(new FetchResponse(100, block(99)));
            }
            net.close();
            alloc.assertAllReleased();
        }
    }

    private MessageBlock block(long... offsets) {
        MessageBlockWriter w = new MessageBlockWriter(alloc, 64);
        for (long o : offsets) {
            w.append(o, TimeUnit.MILLISECONDS.toNanos(1_700_000_000_000L + o), "k".getBytes(StandardCharsets.UTF_8),
                    ("v" + o).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return w.finish();
    }

    /** The newest unanswered Fetch (older ones belong to positions given up), checked to ask for {@code offset}. */
    private FakeNetwork.Request fetchAt(long offset) {
        List<FakeNetwork.Request> pending = net.pending(ApiKey.FETCH);
        assertThat(pending).as("an unanswered Fetch").isNotEmpty();
        FakeNetwork.Request r = pending.get(pending.size() - 1);
        assertThat(r.body(FetchRequest.class).offset()).as("offset of " + r).isEqualTo(offset);
        return r;
    }

    private void reply(FakeNetwork.Request fetch, long hwm, long... offsets) {
        fetch.respond(new FetchResponse(hwm, block(offsets)));
    }

    private void answerGetOffset(long start, long end) {
        FakeNetwork.Request r = net.next(ApiKey.GET_OFFSET);
        GetOffsetRequest q = r.body(GetOffsetRequest.class);
        r.respond(new GetOffsetResponse(q.topic(), q.partition(), start, end, end));
    }

    private List<Long> pollOffsets() {
        List<Long> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ZERO)) {
            out.add(r.offset());
        }
        return out;
    }

    @Test
    void thePositionIsResolvedWithGetOffsetThenPrefetchRunsAheadOfPoll() {
        start(Map.of());
        assertThat(pollOffsets()).isEmpty();
        answerGetOffset(3, 9);
        assertThat(consumer.position(TP, Duration.ZERO)).isEqualTo(3);
        reply(fetchAt(3), 9, 3, 4);
        reply(fetchAt(5), 9, 5, 6);
        assertThat(net.pending(ApiKey.FETCH)).as("prefetch goes on without a poll").hasSize(1);
        ConsumerRecords<String, String> records = consumer.poll(Duration.ZERO);
        assertThat(records.records(TP)).extracting(ConsumerRecord::offset).containsExactly(3L, 4L, 5L, 6L);
        assertThat(records.records(TP).get(0).value()).isEqualTo("v3");
        assertThat(records.records(TP).get(0).timestamp()).isEqualTo(1_700_000_000_003L);
        assertThat(consumer.position(TP, Duration.ZERO)).isEqualTo(7);
    }

    @Test
    void prefetchStopsAtFetchQueueMaxBytesAndResumesWhenPollFreesIt() {
        start(Map.of("fetch.queue.max.bytes", 1, "max.poll.records", 2));
        consumer.seek(TP, 0);
        FakeNetwork.Request first = fetchAt(0);
        reply(first, 10, 0, 1, 2);
        assertThat(consumer.bufferedBytes()).isPositive();
        assertThat(net.pending(ApiKey.FETCH)).as("the queue is over its bound: no prefetch").isEmpty();
        assertThat(pollOffsets()).as("max.poll.records").containsExactly(0L, 1L);
        assertThat(net.pending(ApiKey.FETCH)).as("one record still buffered").isEmpty();
        assertThat(pollOffsets()).containsExactly(2L);
        assertThat(consumer.bufferedBytes()).isZero();
        fetchAt(3);
    }

    @Test
    void offsetGapsAreFollowedAndOffsetsBelowThePositionSkipped() {
        start(Map.of());
        consumer.seek(TP, 6);
        reply(fetchAt(6), 20, 5, 7, 10);
        assertThat(pollOffsets()).as("5 is below the position 6").containsExactly(7L, 10L);
        assertThat(consumer.position(TP, Duration.ZERO)).isEqualTo(11);
        fetchAt(11);
    }

    @Test
    void seekDropsWhatWasFetchedForTheOldPosition() {
        start(Map.of());
        consumer.seek(TP, 0);
        FakeNetwork.Request old = fetchAt(0);
        consumer.seek(TP, 100);
        FakeNetwork.Request current = net.pending(ApiKey.FETCH).get(1);
        assertThat(current.body(FetchRequest.class).offset()).isEqualTo(100);
        reply(old, 200, 0, 1, 2);
        assertThat(pollOffsets()).as("the reply for offset 0 came after the seek").isEmpty();
        assertThat(consumer.bufferedBytes()).isZero();
        reply(current, 200, 100, 101);
        assertThat(pollOffsets()).containsExactly(100L, 101L);
    }

    @Test
    void seekToBeginningAndEndResolveThroughGetOffset() {
        start(Map.of());
        consumer.seek(TP, 5);
        reply(fetchAt(5), 9, 5, 6);
        consumer.seekToBeginning(List.of(TP));
        assertThat(consumer.bufferedBytes()).as("buffered records of the old position dropped").isZero();
        assertThat(consumer.positions()).as("unknown while resetting").isEmpty();
        answerGetOffset(2, 9);
        assertThat(consumer.position(TP, Duration.ZERO)).isEqualTo(2);
        fetchAt(2).respond(new FetchResponse(9, block(2)));
        consumer.seekToEnd(List.of());
        answerGetOffset(2, 9);
        assertThat(consumer.position(TP, Duration.ZERO)).isEqualTo(9);
        fetchAt(9);
        assertThat(pollOffsets()).isEmpty();
    }

    @Test
    void aPositionBeyondTheLogEndIsResetByAutoOffsetReset() {
        start(Map.of());
        consumer.seek(TP, 50);
        reply(fetchAt(50), 10);
        answerGetOffset(4, 10);
        assertThat(consumer.position(TP, Duration.ZERO)).as("earliest").isEqualTo(4);
        fetchAt(4);
    }

    @Test
    void aPositionBelowTheLogStartIsDetectedAndReset() {
        start(Map.of("auto.offset.reset", "latest"));
        consumer.seek(TP, 1);
        reply(fetchAt(1), 10);
        answerGetOffset(4, 10); // the log-start check: 1 < 4, out of range
        answerGetOffset(4, 10); // the reset to latest
        assertThat(consumer.position(TP, Duration.ZERO)).isEqualTo(10);
        fetchAt(10);
    }

    @Test
    void withAutoOffsetResetNoneOutOfRangeAndMissingPositionsFailPoll() {
        start(Map.of("auto.offset.reset", "none"));
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(NoOffsetException.class);
        consumer.seek(TP, 50);
        net.advanceMs(100); // fetching resumes fetch.backoff.ms after an error was reported
        reply(fetchAt(50), 10);
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(StreamBusException.class)
                .hasMessageContaining("out of range").hasMessageContaining("auto.offset.reset=none");
    }

    @Test
    void emptyFetchesArePacedWithABackoffDoublingUpToFetchBackoffMs() {
        start(Map.of());
        consumer.seek(TP, 10);
        List<Long> gapsMs = new ArrayList<>();
        long repliedAt = -1;
        for (int i = 0; i < 10; i++) {
            FakeNetwork.Request r = fetchAt(10);
            if (repliedAt >= 0) {
                gapsMs.add(TimeUnit.NANOSECONDS.toMillis(r.sentAtNanos() - repliedAt));
            }
            repliedAt = net.time().nanoTime();
            reply(r, 10);
            assertThat(net.pending(ApiKey.FETCH)).isEmpty();
            net.advanceMs(100);
        }
        assertThat(gapsMs).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 100L, 100L);
        reply(fetchAt(10), 11, 10);
        assertThat(pollOffsets()).containsExactly(10L);
        assertThat(fetchAt(11).sentAtNanos()).as("after records, the next fetch goes at once").isEqualTo(
                net.time().nanoTime());
    }

    @Test
    void retriableFetchErrorsAreRetriedAfterTheBackoffAndFinalOnesSurfaceInPoll() {
        start(Map.of());
        consumer.seek(TP, 0);
        fetchAt(0).respondError(ErrorCode.STORAGE_ERROR, "busy");
        assertThat(pollOffsets()).isEmpty();
        net.advanceMs(99);
        assertThat(net.pending(ApiKey.FETCH)).isEmpty();
        net.advanceMs(1);
        fetchAt(0).respondError(ErrorCode.AUTHORIZATION_FAILED, "not allowed");
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(AuthorizationException.class);
        net.advanceMs(100);
        reply(fetchAt(0), 1, 0);
        assertThat(pollOffsets()).as("fetching resumes after the error was reported").containsExactly(0L);
    }

    @Test
    void pausedPartitionsKeepTheirRecordsAndStopFetchingUntilResumed() {
        start(Map.of());
        consumer.seek(TP, 0);
        reply(fetchAt(0), 10, 0, 1);
        FakeNetwork.Request prefetch = fetchAt(2);
        consumer.pause(List.of(TP));
        assertThat(consumer.paused()).containsExactly(TP);
        assertThat(pollOffsets()).isEmpty();
        reply(prefetch, 10, 2, 3);
        assertThat(net.pending(ApiKey.FETCH)).as("no fetch while paused").isEmpty();
        consumer.resume(List.of(TP));
        fetchAt(4);
        assertThat(pollOffsets()).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void wakeupInterruptsOnePollOnly() throws Exception {
        start(Map.of());
        consumer.seek(TP, 0);
        consumer.wakeup();
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(WakeupException.class);
        assertThat(pollOffsets()).isEmpty();

        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread poller = new Thread(() -> {
            try {
                consumer.poll(Duration.ofSeconds(60));
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(e);
            }
        }, "poller");
        poller.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> poller.getState() == Thread.State.TIMED_WAITING);
        consumer.wakeup();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(WakeupException.class);
        poller.join(10_000);
    }
}
