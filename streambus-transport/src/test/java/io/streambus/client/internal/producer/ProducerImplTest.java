package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.BufferExhaustedException;
import io.streambus.client.StreamBusException;
import io.streambus.client.StreamBusTimeoutException;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.internal.net.ManualTime;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import io.streambus.common.Header;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.message.MessageCursor;
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
 * The producer engine over the scripted {@link FakeNetwork} and its manual clock: batching, linger, retries and
 * their order, memory bounds, delivery timeout, flush and close. Every buffer the producer allocates must be released
 * by the end of each test ({@link TrackingAllocator}).
 */
class ProducerImplTest {
    private static final String TOPIC = "t";
    /** Encoded size of a record with key "k" and a 100-byte value. */
    private static final int RECORD_SIZE = MessageBlock.messageSize(1, 100, 0);

    private final TrackingAllocator alloc = new TrackingAllocator();
    private FakeNetwork net;
    private ProducerImpl<String, String> producer;

    private void start(Map<String, ?> settings) {
        Map<String, Object> m = new HashMap<>(Map.of("linger.ms", 0, "retries", 5, "retry.backoff.ms", 100,
                "retry.backoff.max.ms", 100));
        m.putAll(settings);
        net = new FakeNetwork(FakeNetwork.config(m), new ManualTime(), alloc);
        ClientContext ctx = net.newContext();
        producer = new ProducerImpl<>(ctx, Serdes.stringSerializer(), Serdes.stringSerializer(), ctx.config());
    }

    @AfterEach
    void tearDown() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            net.disconnectAll(); // in-flight batches give their buffers back when the network reports
            assertThat(producer.bufferedBytes()).as("buffer.memory all given back").isZero();
            net.close();
            alloc.assertAllReleased();
        }
    }

    private static String value(int i) {
        return String.format("%-100s", "v" + i);
    }

    private CompletableFuture<RecordMetadata> send(int partition, int i) {
        return producer.send(new ProducerRecord<>(TOPIC, partition, "k", value(i)));
    }

    /** The record numbers in a recorded Produce, read back from its decoded block. */
    private static List<Integer> records(FakeNetwork.Request r) {
        List<Integer> out = new ArrayList<>();
        MessageCursor c = r.body(ProduceRequest.class).messages().cursor();
        while (c.next()) {
            out.add(Integer.parseInt(new String(c.valueBytes(), StandardCharsets.UTF_8).trim().substring(1)));
        }
        return out;
    }

    private static void ack(FakeNetwork.Request r, long baseOffset) {
        int n = r.body(ProduceRequest.class).messages().count();
        r.respond(new ProduceResponse(baseOffset, n, baseOffset + n));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return Errors.unwrap(f.handle((v, e) -> e).join());
    }

    @Test
    void batchesCloseAtBatchSizeAndGoOneAtATimePerPartition() {
        start(Map.of("batch.size", MessageBlock.BLOCK_OVERHEAD + 5 * RECORD_SIZE, "linger.ms", 60_000));
        List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fs.add(send(0, i));
        }
        assertThat(net.requests()).as("4 records do not fill the batch; linger is long").isEmpty();
        for (int i = 4; i < 12; i++) {
            fs.add(send(0, i));
        }
        FakeNetwork.Request first = net.next(ApiKey.PRODUCE);
        assertThat(records(first)).containsExactly(0, 1, 2, 3, 4);
        assertThat(first.flags() & Frames.FLAG_REQUIRE_ACK).isNotZero();
        assertThat(net.requests()).as("the second full batch waits for the first (one in flight)").hasSize(1);

        ack(first, 0);
        FakeNetwork.Request second = net.next(ApiKey.PRODUCE);
        assertThat(records(second)).containsExactly(5, 6, 7, 8, 9);
        ack(second, 5);
        assertThat(net.pending()).as("records 10 and 11 are in an open batch, lingering").isEmpty();
        for (int i = 0; i < 10; i++) {
            assertThat(fs.get(i).join().offset()).isEqualTo(i);
        }
        assertThat(fs.get(10)).isNotDone();
    }

    @Test
    void lingerSendsAPartialBatchWhenItsTimeIsUp() {
        start(Map.of("linger.ms", 100));
        CompletableFuture<RecordMetadata> a = send(0, 1);
        net.advanceMs(40);
        CompletableFuture<RecordMetadata> b = send(0, 2);
        net.advanceMs(59);
        assertThat(net.requests()).as("99 ms after the batch opened").isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request r = net.next(ApiKey.PRODUCE);
        assertThat(records(r)).containsExactly(1, 2);
        assertThat(r.sentAtNanos() - ManualTime.START_NANOS).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        ack(r, 40);
        assertThat(a.join().offset()).isEqualTo(40);
        assertThat(b.join().offset()).isEqualTo(41);
        assertThat(a.join().timestamp()).as("timestamps come from the engine's clock")
                .isEqualTo(ManualTime.START_EPOCH_MILLIS);
        assertThat(b.join().timestamp()).isEqualTo(ManualTime.START_EPOCH_MILLIS + 40);
    }

    @Test
    void retriableFailuresAreRetriedAfterTheBackoffWithTheSameRecords() {
        start(Map.of());
        CompletableFuture<RecordMetadata> f = send(0, 7);
        FakeNetwork.Request attempt1 = net.next(ApiKey.PRODUCE);
        attempt1.respondError(ErrorCode.STORAGE_ERROR, "disk busy");
        assertThat(net.pending()).isEmpty();
        net.advanceMs(79);
        assertThat(net.pending()).as("backoff 100 ms +- 20 % jitter").isEmpty();
        net.advanceMs(41);
        FakeNetwork.Request attempt2 = net.next(ApiKey.PRODUCE);
        assertThat(records(attempt2)).containsExactly(7);
        attempt2.disconnect();
        net.advanceMs(120);
        FakeNetwork.Request attempt3 = net.next(ApiKey.PRODUCE);
        assertThat(attempt3.body(ProduceRequest.class).messages().sizeInBytes())
                .isEqualTo(attempt1.body(ProduceRequest.class).messages().sizeInBytes());
        ack(attempt3, 3);
        assertThat(f.join().offset()).isEqualTo(3);
        assertThat(net.requests(ApiKey.PRODUCE)).hasSize(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void callbacksRunOnceEachBeforeTheirFutureWithMetadataOrTheUnwrappedError() {
        start(Map.of("linger.ms", 60_000));
        List<String> calls = new ArrayList<>();
        List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            CompletableFuture<RecordMetadata>[] own = new CompletableFuture[1];
            own[0] = producer.send(new ProducerRecord<>(TOPIC, 0, null, i == 1 ? null : "k", value(i),
                    List.of(Header.of("h", "v"))), (md, e) -> {
                        // "pending": the callback runs before its future completes (as Kafka orders them)
                        calls.add(n + ":" + (own[0].isDone() ? "done " : "pending ") + (e == null ? md.offset() + "/"
                                + md.serializedKeySize() + "/" + md.serializedValueSize() + "/" + md.timestamp()
                                : e.getClass().getSimpleName()));
                        if (n == 0) {
                            throw new IllegalStateException("a throwing callback does not stop the others");
                        }
                    });
            fs.add(own[0]);
        }
        net.advanceMs(60_000);
        ack(net.next(ApiKey.PRODUCE), 10);
        long ts = ManualTime.START_EPOCH_MILLIS;
        assertThat(calls).containsExactly("0:pending 10/1/100/" + ts, "1:pending 11/0/100/" + ts,
                "2:pending 12/1/100/" + ts);
        assertThat(fs.get(1).join().serializedKeySize()).isZero();

        calls.clear();
        CompletableFuture<RecordMetadata> failed = producer.send(new ProducerRecord<>(TOPIC, 0, "k", value(3)),
                (md, e) -> calls.add((md == null) + " " + e.getClass().getSimpleName()));
        net.advanceMs(60_000);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.TOPIC_NOT_FOUND, "gone");
        assertThat(failure(failed)).isInstanceOf(BrokerErrorException.class);
        assertThat(calls).containsExactly("true BrokerErrorException");

        calls.clear();
        producer.close(Duration.ZERO);
        producer.send(new ProducerRecord<>(TOPIC, 0, "k", value(4)),
                (md, e) -> calls.add("early " + e.getClass().getSimpleName()));
        assertThat(calls).as("a send failing at once calls back at once").containsExactly("early StreamBusException");
    }

    @Test
    void retriesEndAfterRetriesAttemptsAndFinalErrorsAreNotRetried() {
        start(Map.of("retries", 1));
        CompletableFuture<RecordMetadata> f = send(0, 1);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.STORAGE_ERROR, "busy");
        net.advanceMs(120);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.STORAGE_ERROR, "still busy");
        assertThat(failure(f)).isInstanceOfSatisfying(BrokerErrorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_ERROR));
        net.advanceMs(1000);
        assertThat(net.requests(ApiKey.PRODUCE)).hasSize(2);

        CompletableFuture<RecordMetadata> g = send(0, 2);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.TOPIC_NOT_FOUND, "gone");
        assertThat(failure(g)).isInstanceOf(BrokerErrorException.class);
        assertThat(net.scheduledCount()).as("only the sweeper").isEqualTo(1);
    }

    @Test
    void aRetriedBatchStaysAheadOfLaterBatchesOfItsPartitionButNotOfOtherPartitions() {
        start(Map.of());
        CompletableFuture<RecordMetadata> a = send(0, 1);
        CompletableFuture<RecordMetadata> b = send(0, 2);
        FakeNetwork.Request first = net.next(ApiKey.PRODUCE);
        assertThat(records(first)).containsExactly(1);
        first.respondError(ErrorCode.STORAGE_ERROR, "busy");
        assertThat(net.pending()).as("record 2 waits while record 1 backs off").isEmpty();

        CompletableFuture<RecordMetadata> c = send(1, 3);
        FakeNetwork.Request other = net.next(ApiKey.PRODUCE);
        assertThat(other.body(ProduceRequest.class).partition()).isEqualTo(1);
        ack(other, 0);

        net.advanceMs(120);
        FakeNetwork.Request retry = net.next(ApiKey.PRODUCE);
        assertThat(records(retry)).containsExactly(1);
        assertThat(net.pending()).hasSize(1);
        ack(retry, 10);
        FakeNetwork.Request then = net.next(ApiKey.PRODUCE);
        assertThat(records(then)).containsExactly(2);
        ack(then, 11);
        assertThat(List.of(a.join().offset(), b.join().offset(), c.join().offset())).containsExactly(10L, 11L, 0L);
    }

    @Test
    void aFullBufferFailsAtOnceWithMaxBlockZeroAndFreesOnAcknowledgement() {
        start(Map.of("buffer.memory", 1024, "max.block.ms", 0));
        int fit = 1024 / RECORD_SIZE;
        List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
        for (int i = 0; i < fit; i++) {
            fs.add(send(0, i));
        }
        assertThat(fs).noneMatch(CompletableFuture::isCompletedExceptionally);
        CompletableFuture<RecordMetadata> over = send(0, 99);
        assertThat(failure(over)).isInstanceOf(BufferExhaustedException.class).hasMessageContaining("max.block.ms");

        ack(net.next(ApiKey.PRODUCE), 0); // record 0 alone (linger 0); the rest follows as one batch
        ack(net.next(ApiKey.PRODUCE), 1);
        assertThat(producer.bufferedBytes()).isZero();
        assertThat(send(0, 100)).isNotCompleted();
        assertThat(failure(producer.send(new ProducerRecord<>(TOPIC, 0, "k", "x".repeat(2000)))))
                .as("larger than buffer.memory: never fits").isInstanceOf(BufferExhaustedException.class);
    }

    @Test
    void anOpenBatchHoldsMemoryAheadAndGivesBackWhatItDidNotUseWhenSent() {
        start(Map.of("linger.ms", 60_000, "batch.size", 16384));
        CompletableFuture<RecordMetadata> a = send(0, 1);
        CompletableFuture<RecordMetadata> b = send(0, 2);
        assertThat(producer.bufferedBytes()).as("taken ahead for the batch's next records, up to batch.size")
                .isGreaterThan(2L * RECORD_SIZE).isLessThanOrEqualTo(16384L);
        net.advanceMs(60_000);
        FakeNetwork.Request r = net.next(ApiKey.PRODUCE);
        assertThat(records(r)).containsExactly(1, 2);
        assertThat(producer.bufferedBytes()).as("sent: only its records' bytes are held").isEqualTo(2L * RECORD_SIZE);
        ack(r, 0);
        assertThat(List.of(a.join().offset(), b.join().offset())).containsExactly(0L, 1L);
        assertThat(producer.bufferedBytes()).isZero();
    }

    @Test
    void aBlockedSenderProceedsWhenAnAcknowledgementFreesMemory() throws Exception {
        start(Map.of("buffer.memory", 1024, "max.block.ms", 30_000));
        int fit = 1024 / RECORD_SIZE;
        for (int i = 0; i < fit; i++) {
            send(0, i);
        }
        CompletableFuture<CompletableFuture<RecordMetadata>> blocked = new CompletableFuture<>();
        Thread sender = new Thread(() -> blocked.complete(send(0, 50)), "blocked-sender");
        sender.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> sender.getState() == Thread.State.TIMED_WAITING);
        assertThat(blocked).isNotDone();
        ack(net.next(ApiKey.PRODUCE), 0);
        CompletableFuture<RecordMetadata> late = blocked.get(10, TimeUnit.SECONDS);
        sender.join(10_000);
        ack(net.next(ApiKey.PRODUCE), 1);
        ack(net.next(ApiKey.PRODUCE), fit);
        assertThat(late.join().offset()).isEqualTo(fit);
    }

    @Test
    void aBatchWaitingBehindAnUnansweredOneExpiresAtTheDeliveryTimeout() {
        start(Map.of("delivery.timeout.ms", 1000, "request.timeout.ms", 30_000));
        CompletableFuture<RecordMetadata> a = send(0, 1);
        FakeNetwork.Request r = net.next(ApiKey.PRODUCE);
        assertThat(r.deadlineNanos() - r.sentAtNanos()).as("the attempt is bounded by the delivery deadline")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1000));
        net.advanceMs(500);
        CompletableFuture<RecordMetadata> b = send(0, 2);
        net.advanceMs(500);
        assertThat(a).isNotDone();
        net.advanceMs(1);
        assertThat(failure(a)).isInstanceOf(StreamBusTimeoutException.class)
                .hasMessageContaining("not acknowledged within delivery.timeout.ms");
        FakeNetwork.Request rb = net.next(ApiKey.PRODUCE);
        assertThat(records(rb)).containsExactly(2);
        net.advanceMs(500);
        assertThat(failure(b)).isInstanceOf(StreamBusTimeoutException.class);
    }

    @Test
    void theSweeperFailsABatchWhoseDeliveryTimeoutPassesBeforeItIsSent() {
        start(Map.of("delivery.timeout.ms", 300, "linger.ms", 10_000));
        CompletableFuture<RecordMetadata> a = send(0, 1);
        net.advanceMs(349);
        assertThat(a).as("the sweeper runs every 50 ms; at 300 ms the deadline is not passed yet").isNotDone();
        net.advanceMs(1);
        assertThat(failure(a)).isInstanceOf(StreamBusTimeoutException.class)
                .hasMessageContaining("expired after delivery.timeout.ms=300 while waiting to be sent");
        assertThat(producer.bufferedBytes()).isZero();
        net.advanceMs(10_000);
        assertThat(net.requests()).as("the linger timer finds nothing to send").isEmpty();
    }

    @Test
    void flushSendsLingeringBatchesAndWaitsForEveryAcknowledgement() throws Exception {
        start(Map.of("linger.ms", 60_000));
        CompletableFuture<RecordMetadata> a = send(0, 1);
        CompletableFuture<RecordMetadata> b = send(1, 2);
        CompletableFuture<Void> flushed = CompletableFuture.runAsync(() -> producer.flush(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> net.pending().size() == 2);
        assertThat(flushed).isNotDone();
        ack(net.next(ApiKey.PRODUCE), 0);
        assertThat(flushed).isNotDone();
        ack(net.next(ApiKey.PRODUCE), 0);
        flushed.get(10, TimeUnit.SECONDS);
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
    }

    @Test
    void flushTimesOutWhenAcknowledgementsDoNotCome() {
        start(Map.of("linger.ms", 60_000));
        send(0, 1);
        assertThatThrownBy(() -> producer.flush(Duration.ofMillis(20)))
                .isInstanceOf(StreamBusTimeoutException.class).hasMessageContaining("flush of 1 batch(es)");
        assertThat(net.pending()).hasSize(1);
    }

    @Test
    void closeDeliversAcceptedRecordsWithinItsTimeout() throws Exception {
        start(Map.of("linger.ms", 60_000));
        CompletableFuture<RecordMetadata> a = send(0, 1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> producer.close(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> net.pending().size() == 1);
        ack(net.next(ApiKey.PRODUCE), 5);
        closed.get(10, TimeUnit.SECONDS);
        assertThat(a.join().offset()).isEqualTo(5);
        assertThat(failure(send(0, 2))).isInstanceOf(StreamBusException.class)
                .hasMessageContaining("producer is closed");
    }

    @Test
    void closeFailsEveryRecordItCouldNotDeliverQueuedInFlightOrBackingOff() {
        start(Map.of());
        CompletableFuture<RecordMetadata> backingOff = send(0, 1);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.STORAGE_ERROR, "busy");
        CompletableFuture<RecordMetadata> queued = send(0, 2);
        CompletableFuture<RecordMetadata> inFlight = send(1, 3);
        FakeNetwork.Request r = net.next(ApiKey.PRODUCE);

        producer.close(Duration.ZERO);
        for (CompletableFuture<RecordMetadata> f : List.of(backingOff, queued, inFlight)) {
            assertThat(failure(f)).isInstanceOf(StreamBusException.class)
                    .hasMessageContaining("producer closed before the record was acknowledged");
        }
        assertThat(producer.bufferedBytes()).as("the in-flight batch is still held by the network")
                .isEqualTo(RECORD_SIZE);
        ack(r, 0);
        assertThat(inFlight).as("completed once, by close").isCompletedExceptionally();
        assertThat(producer.bufferedBytes()).isZero();
        net.advanceMs(1000);
        assertThat(net.requests(ApiKey.PRODUCE)).as("the backed-off batch is not retried after close").hasSize(2);
    }
}
