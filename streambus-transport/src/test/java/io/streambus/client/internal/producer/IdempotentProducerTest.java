package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.internal.net.ManualTime;
import io.streambus.client.producer.InvalidProducerEpochException;
import io.streambus.client.producer.OutOfOrderSequenceException;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.serialization.Serdes;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.core.ProducerSequence;
import io.streambus.protocol.message.MessageBlock;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The idempotent producer (spec B.12) over the scripted {@link FakeNetwork}: producer id, per-partition sequences,
 * 5 batches in flight, every B.12.6 reaction (47 both ways, 48, 49, 30, retriable errors, no reply) and the
 * fallback to plain Produce on a broker without IDEMPOTENT_PRODUCE. One record per batch, so batch i carries
 * sequence i.
 */
class IdempotentProducerTest {
    private static final String TOPIC = "t";
    private static final int RECORD_SIZE = MessageBlock.messageSize(1, 100, 0);

    private final TrackingAllocator alloc = new TrackingAllocator();
    private FakeNetwork net;
    private ProducerImpl<String, String> producer;

    private void start(BrokerCapabilities caps, Map<String, ?> settings) {
        Map<String, Object> m = new HashMap<>(Map.of("linger.ms", 0, "retries", 5, "retry.backoff.ms", 100,
                "retry.backoff.max.ms", 100, "batch.size", MessageBlock.BLOCK_OVERHEAD + RECORD_SIZE));
        m.putAll(settings);
        net = new FakeNetwork(FakeNetwork.config(m), new ManualTime(), alloc);
        net.capabilities(caps);
        ClientContext ctx = net.newContext();
        producer = new ProducerImpl<>(ctx, Serdes.stringSerializer(), Serdes.stringSerializer(), ctx.config());
    }

    private void startIdempotent() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of());
        answerInitProducerId(1000);
    }

    private void answerInitProducerId(long pid) {
        FakeNetwork.Request init = net.next(ApiKey.INIT_PRODUCER_ID);
        assertThat(init.body(InitProducerIdRequest.class).transactionalId()).as("idempotent-only id (B.12.2)")
                .isEmpty();
        init.respond(new InitProducerIdResponse(pid, (short) 0));
    }

    @AfterEach
    void tearDown() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            net.disconnectAll();
            assertThat(producer.bufferedBytes()).as("buffer.memory all given back").isZero();
            net.close();
            alloc.assertAllReleased();
        }
    }

    private CompletableFuture<RecordMetadata> send(int partition, int i) {
        return producer.send(new ProducerRecord<>(TOPIC, partition, "k", String.format("%-100s", "v" + i)));
    }

    private static ProducerSequence seq(FakeNetwork.Request r) {
        return r.body(ProduceRequest.class).sequence();
    }

    private static void ack(FakeNetwork.Request r, long baseOffset) {
        int n = r.body(ProduceRequest.class).messages().count();
        r.respond(new ProduceResponse(baseOffset, n, baseOffset + n));
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        return Errors.unwrap(f.handle((v, e) -> e).join());
    }

    private List<FakeNetwork.Request> pendingProduce() {
        return net.pending(ApiKey.PRODUCE);
    }

    private List<CompletableFuture<RecordMetadata>> sendMany(int partition, int from, int to) {
        List<CompletableFuture<RecordMetadata>> fs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            fs.add(send(partition, i));
        }
        return fs;
    }

    @Test
    void fiveBatchesInFlightPerPartitionWithConsecutiveSequencesOnOneConnection() {
        startIdempotent();
        List<CompletableFuture<RecordMetadata>> fs = sendMany(0, 0, 7);
        sendMany(1, 0, 1);
        List<FakeNetwork.Request> p0 = new ArrayList<>();
        for (FakeNetwork.Request r : pendingProduce()) {
            if (r.body(ProduceRequest.class).partition() == 0) {
                p0.add(r);
            }
        }
        assertThat(p0).as("at most 5 unacknowledged batches per partition (B.12.1)").hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(seq(p0.get(i))).isEqualTo(new ProducerSequence(1000, (short) 0, i));
            assertThat(p0.get(i).flags() & Frames.FLAG_SEQUENCED).isNotZero();
            assertThat(p0.get(i).connection()).as("one connection, in sequence order").isNotNull()
                    .isSameAs(p0.get(0).connection());
        }
        FakeNetwork.Request other = net.next(r -> r.apiKey() == ApiKey.PRODUCE
                && r.body(ProduceRequest.class).partition() == 1, "partition 1");
        assertThat(seq(other).baseSequence()).as("sequences are per partition").isZero();
        ack(p0.get(0), 0);
        assertThat(fs.get(0)).isCompleted();
        FakeNetwork.Request sixth = pendingProduce().get(pendingProduce().size() - 1);
        assertThat(seq(sixth).baseSequence()).isEqualTo(5);
        for (int i = 1; i < 5; i++) {
            ack(p0.get(i), i);
        }
        ack(sixth, 5);
        ack(net.next(r -> r.apiKey() == ApiKey.PRODUCE && seq(r).baseSequence() == 6, "seq 6"), 6);
        ack(other, 0);
        for (int i = 0; i < 7; i++) {
            assertThat(fs.get(i).join().offset()).isEqualTo(i);
        }
        assertThat(net.requests(ApiKey.INIT_PRODUCER_ID)).hasSize(1);
    }

    @Test
    void brokerWithoutTheBitGetsPlainProduceOneInFlight() {
        start(FakeNetwork.FULL_CAPABILITIES, Map.of());
        assertThat(producer.idempotenceMode()).isEqualTo("PLAIN");
        sendMany(0, 0, 3);
        assertThat(net.requests(ApiKey.INIT_PRODUCER_ID)).isEmpty();
        assertThat(pendingProduce()).as("today's behaviour: one in flight per partition").hasSize(1);
        FakeNetwork.Request r = pendingProduce().get(0);
        assertThat(r.flags() & Frames.FLAG_SEQUENCED).as("0x0080 never sent to such a broker").isZero();
        assertThat(seq(r)).isNull();
        assertThat(r.connection()).as("shared connections as before").isNull();
        ack(r, 0);
        ack(net.next(ApiKey.PRODUCE), 1);
        ack(net.next(ApiKey.PRODUCE), 2);
    }

    @Test
    void explicitIdempotenceFailsOnABrokerWithoutIt() {
        start(FakeNetwork.FULL_CAPABILITIES, Map.of("enable.idempotence", true));
        Throwable e = failure(send(0, 0));
        assertThat(e).isInstanceOf(UnsupportedFeatureException.class);
        assertThat(((UnsupportedFeatureException) e).capability()).isEqualTo(BrokerCapabilities.CAP_IDEMPOTENCE);
        assertThat(net.requests()).isEmpty();
    }

    @Test
    void aCapabilityProbeThatCannotSucceedFailsTheSendsAtOnce() {
        net = new FakeNetwork(FakeNetwork.config(Map.of("linger.ms", 0)), new ManualTime(), alloc);
        net.failCapabilities(new UnsupportedFeatureException(BrokerCapabilities.CAP_SASL, FakeNetwork.ADDRESS));
        ClientContext ctx = net.newContext();
        producer = new ProducerImpl<>(ctx, Serdes.stringSerializer(), Serdes.stringSerializer(), ctx.config());
        Throwable e = failure(send(0, 0));
        assertThat(e).isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("sasl");
        assertThat(net.requests()).isEmpty();
    }

    @Test
    void idempotenceOffSendsPlainProduceEvenToAnEosBroker() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of("enable.idempotence", false));
        send(0, 0);
        assertThat(net.requests(ApiKey.INIT_PRODUCER_ID)).isEmpty();
        FakeNetwork.Request r = net.next(ApiKey.PRODUCE);
        assertThat(seq(r)).isNull();
        ack(r, 0);
    }

    @Test
    void duplicateSequenceCompletesAsStoredWithUnknownOffsets() {
        startIdempotent();
        CompletableFuture<RecordMetadata> f = send(0, 0);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.DUPLICATE_SEQUENCE, "behind");
        assertThat(f).isCompleted();
        assertThat(f.join().offset()).as("48: stored, offsets unknown (B.12.6)").isEqualTo(-1);
    }

    @Test
    void retriableErrorResendsTheBatchThenTheLaterOnesInOrderWithTheirSequences() {
        startIdempotent();
        List<CompletableFuture<RecordMetadata>> fs = sendMany(0, 0, 3);
        List<FakeNetwork.Request> first = pendingProduce();
        assertThat(first).hasSize(3);
        first.get(0).respondError(ErrorCode.STORAGE_ERROR, "disk");
        first.get(1).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "gap");
        first.get(2).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "gap");
        assertThat(fs).as("47 behind an unresolved batch is retriable").noneMatch(CompletableFuture::isDone);
        assertThat(pendingProduce()).as("nothing before the backoff").isEmpty();
        net.advanceMs(100);
        List<FakeNetwork.Request> retry = pendingProduce();
        assertThat(retry).as("the failed batch goes alone first").hasSize(1);
        assertThat(seq(retry.get(0)).baseSequence()).isZero();
        ack(retry.get(0), 10);
        FakeNetwork.Request second = net.next(ApiKey.PRODUCE);
        assertThat(seq(second).baseSequence()).isEqualTo(1);
        assertThat(pendingProduce()).as("retries one at a time, in order").hasSize(1);
        ack(second, 11);
        FakeNetwork.Request third = net.next(ApiKey.PRODUCE);
        assertThat(seq(third).baseSequence()).isEqualTo(2);
        ack(third, 12);
        assertThat(fs.get(2).join().offset()).isEqualTo(12);
        send(0, 3);
        FakeNetwork.Request next = net.next(ApiKey.PRODUCE);
        assertThat(seq(next).baseSequence()).isEqualTo(3);
        ack(next, 13);
    }

    @Test
    void twoRoundsOfRetriesWithFiveInFlightKeepTheOrderAndThenPipelineAgain() {
        startIdempotent();
        List<CompletableFuture<RecordMetadata>> fs = sendMany(0, 0, 5);
        List<FakeNetwork.Request> round1 = pendingProduce();
        assertThat(round1).as("five sequenced batches in flight on one partition").hasSize(5);
        round1.get(0).respondError(ErrorCode.STORAGE_ERROR, "disk");
        for (int i = 1; i < 5; i++) {
            round1.get(i).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "gap");
        }
        net.advanceMs(100);
        resendOneAtATime(0, 5, 100);
        fs.addAll(sendMany(0, 5, 10));
        List<FakeNetwork.Request> round2 = pendingProduce();
        assertThat(round2).extracting(r -> seq(r).baseSequence()).containsExactly(5, 6, 7, 8, 9);
        ack(round2.get(0), 105);
        round2.get(1).respondError(ErrorCode.STORAGE_ERROR, "disk");
        for (int i = 2; i < 5; i++) {
            round2.get(i).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "gap");
        }
        assertThat(pendingProduce()).as("nothing before the backoff").isEmpty();
        net.advanceMs(100);
        resendOneAtATime(6, 10, 106);
        for (int i = 0; i < 10; i++) {
            assertThat(fs.get(i).join().offset()).as("record %d", i).isEqualTo(100 + i);
        }
        sendMany(0, 10, 15);
        assertThat(pendingProduce()).as("no retry left: five in flight again")
                .extracting(r -> seq(r).baseSequence()).containsExactly(10, 11, 12, 13, 14);
        pendingProduce().forEach(r -> ack(r, 200));
    }

    /** Acknowledges the resends of sequences {@code from..to-1}, checking each goes out alone and in order. */
    private void resendOneAtATime(int from, int to, long firstOffset) {
        for (int s = from; s < to; s++) {
            List<FakeNetwork.Request> pending = pendingProduce();
            assertThat(pending).as("retries one at a time, in order").hasSize(1);
            assertThat(seq(pending.get(0)).baseSequence()).isEqualTo(s);
            ack(pending.get(0), firstOffset + s - from);
        }
    }

    @Test
    void noReplyClosesTheConnectionAndResendsOnANewOne() {
        startIdempotent();
        List<CompletableFuture<RecordMetadata>> fs = sendMany(0, 0, 2);
        List<FakeNetwork.Request> sent = pendingProduce();
        FakeNetwork.FakeConnection c1 = sent.get(0).connection();
        net.advance(Duration.ofMillis(net.requestTimeoutNanos() / 1_000_000 + 1));
        assertThat(sent.get(0).outcome()).isEqualTo("timeout");
        assertThat(c1.isOpen()).as("closed before anything is resent (B.12.4)").isFalse();
        assertThat(sent.get(1).outcome()).isIn("disconnect", "timeout");
        net.advanceMs(100);
        FakeNetwork.Request resend = net.next(ApiKey.PRODUCE);
        assertThat(resend.connection()).as("a new connection").isNotSameAs(c1);
        assertThat(seq(resend).baseSequence()).isZero();
        ack(resend, 0);
        FakeNetwork.Request resend2 = net.next(ApiKey.PRODUCE);
        assertThat(seq(resend2).baseSequence()).isEqualTo(1);
        assertThat(resend2.connection()).isSameAs(resend.connection());
        ack(resend2, 1);
        assertThat(fs).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void outOfOrderAfterALossFailsTheBatchAndTheLaterOnesThenTakesANewProducerId() {
        startIdempotent();
        List<CompletableFuture<RecordMetadata>> fs = sendMany(0, 0, 3);
        List<FakeNetwork.Request> sent = pendingProduce();
        sent.get(0).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "broker lost batches");
        assertThat(failure(fs.get(0))).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(failure(fs.get(1))).as("every later unacknowledged batch fails")
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(failure(fs.get(2))).isInstanceOf(OutOfOrderSequenceException.class);
        CompletableFuture<RecordMetadata> later = send(0, 3);
        assertThat(net.pending(ApiKey.INIT_PRODUCER_ID)).as("waits for the batches in flight under the old id")
                .isEmpty();
        sent.get(1).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "gap");
        sent.get(2).respondError(ErrorCode.OUT_OF_ORDER_SEQUENCE, "gap");
        answerInitProducerId(2000);
        FakeNetwork.Request r = net.next(ApiKey.PRODUCE);
        assertThat(seq(r)).as("every partition starts again at 0 under the new id")
                .isEqualTo(new ProducerSequence(2000, (short) 0, 0));
        ack(r, 5);
        assertThat(later.join().offset()).isEqualTo(5);
    }

    @Test
    void unknownProducerIdTakesANewIdAndResendsWithNewSequences() {
        startIdempotent();
        List<CompletableFuture<RecordMetadata>> fs = sendMany(0, 0, 2);
        List<FakeNetwork.Request> sent = pendingProduce();
        sent.get(0).respondError(ErrorCode.UNKNOWN_PRODUCER_ID, "expired");
        sent.get(1).respondError(ErrorCode.UNKNOWN_PRODUCER_ID, "expired");
        answerInitProducerId(3000);
        FakeNetwork.Request r0 = net.next(ApiKey.PRODUCE);
        assertThat(seq(r0)).isEqualTo(new ProducerSequence(3000, (short) 0, 0));
        ack(r0, 0);
        FakeNetwork.Request r1 = net.next(ApiKey.PRODUCE);
        assertThat(seq(r1)).isEqualTo(new ProducerSequence(3000, (short) 0, 1));
        ack(r1, 1);
        assertThat(fs.get(1).join().offset()).isEqualTo(1);
    }

    @Test
    void invalidEpochFailsTheProducer() {
        startIdempotent();
        CompletableFuture<RecordMetadata> f = send(0, 0);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.INVALID_PRODUCER_EPOCH, "epoch");
        assertThat(failure(f)).isInstanceOf(InvalidProducerEpochException.class);
        assertThat(producer.idempotenceMode()).isEqualTo("FAILED");
        assertThat(failure(send(0, 1))).isInstanceOf(InvalidProducerEpochException.class);
    }

    @Test
    void finalErrorFailsOnlyThatBatch() {
        startIdempotent();
        CompletableFuture<RecordMetadata> f = send(0, 0);
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.INVALID_REQUEST, "bad");
        assertThat(failure(f)).isInstanceOf(StreamBusException.class);
        assertThat(producer.idempotenceMode()).isEqualTo("SEQUENCED");
    }
}
