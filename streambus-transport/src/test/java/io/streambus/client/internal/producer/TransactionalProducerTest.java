package io.streambus.client.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.client.StreamBusException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.consumer.CommitFailedException;
import io.streambus.client.consumer.ConsumerGroupMetadata;
import io.streambus.client.consumer.OffsetAndMetadata;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.Errors;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.internal.net.ManualTime;
import io.streambus.client.producer.InvalidPidMappingException;
import io.streambus.client.producer.InvalidProducerEpochException;
import io.streambus.client.producer.InvalidTxnStateException;
import io.streambus.client.producer.OutOfOrderSequenceException;
import io.streambus.client.producer.ProducerFencedException;
import io.streambus.client.producer.ProducerRecord;
import io.streambus.client.producer.RecordMetadata;
import io.streambus.client.producer.TransactionAbortedException;
import io.streambus.client.producer.UnknownProducerIdException;
import io.streambus.client.producer.XaBranchException;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.internal.share.ShareConsumerImpl;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.client.share.ShareRecord;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import io.streambus.protocol.share.ShareRecords;
import io.streambus.protocol.txn.ProducerIdAndEpoch;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.Frames;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.core.ProduceRequest;
import io.streambus.protocol.core.ProduceResponse;
import io.streambus.protocol.txn.AddOffsetsToTxnRequest;
import io.streambus.protocol.txn.AddOffsetsToTxnResponse;
import io.streambus.protocol.txn.AddPartitionsToTxnRequest;
import io.streambus.protocol.txn.AddPartitionsToTxnResponse;
import io.streambus.protocol.txn.EndTxnRequest;
import io.streambus.protocol.txn.EndTxnResponse;
import io.streambus.protocol.txn.EndXaBranchRequest;
import io.streambus.protocol.txn.EndXaBranchResponse;
import io.streambus.protocol.txn.InitProducerIdRequest;
import io.streambus.protocol.txn.InitProducerIdResponse;
import io.streambus.protocol.txn.InitXaBranchRequest;
import io.streambus.protocol.txn.InitXaBranchResponse;
import io.streambus.protocol.txn.PrepareTxnRequest;
import io.streambus.protocol.txn.PrepareTxnResponse;
import io.streambus.protocol.txn.TxnOffsetCommitRequest;
import io.streambus.protocol.txn.TxnOffsetCommitResponse;
import io.streambus.protocol.txn.XaAction;
import io.streambus.protocol.txn.Xid;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The transactional producer (spec B.7) and its XA branch side (B.7.8) over the scripted {@link FakeNetwork}: the
 * request sequence, the state machine, fencing, and the typed mapping of every transaction code. Blocking methods
 * run on a helper thread while the test answers the fake broker.
 */
class TransactionalProducerTest {
    private static final String TOPIC = "t";
    private static final String TXN_ID = "app-1";

    private final TrackingAllocator alloc = new TrackingAllocator();
    private FakeNetwork net;
    private ProducerImpl<String, String> producer;

    private void start(BrokerCapabilities caps, Map<String, ?> settings, boolean xa) {
        Map<String, Object> m = new HashMap<>(Map.of("linger.ms", 0, "retries", 5, "retry.backoff.ms", 100,
                "retry.backoff.max.ms", 100));
        if (!xa) {
            m.put("transactional.id", TXN_ID);
        }
        m.putAll(settings);
        net = new FakeNetwork(FakeNetwork.config(m), new ManualTime(), alloc);
        net.capabilities(caps);
        ClientContext ctx = net.newContext();
        producer = new ProducerImpl<>(ctx, Serdes.stringSerializer(), Serdes.stringSerializer(), ctx.config(), xa);
    }

    @AfterEach
    void tearDown() {
        if (producer != null) {
            producer.close(Duration.ZERO);
            net.disconnectAll();
            assertThat(producer.bufferedBytes()).isZero();
            net.close();
            alloc.assertAllReleased();
        }
    }

    private static CompletableFuture<Void> async(Runnable r) {
        return CompletableFuture.runAsync(r);
    }

    private FakeNetwork.Request awaitRequest(ApiKey key) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(key).isEmpty());
        return net.next(key);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        await().atMost(Duration.ofSeconds(10)).until(f::isDone);
        assertThat(f).isCompletedExceptionally();
        return Errors.unwrap(f.handle((v, e) -> e).join());
    }

    private void init(long pid, short epoch) {
        CompletableFuture<Void> f = async(producer::initTransactions);
        FakeNetwork.Request r = awaitRequest(ApiKey.INIT_PRODUCER_ID);
        InitProducerIdRequest body = r.body(InitProducerIdRequest.class);
        assertThat(body.transactionalId()).isEqualTo(TXN_ID);
        assertThat(body.transactionTimeoutMs()).isEqualTo(60_000);
        r.respond(new InitProducerIdResponse(pid, epoch));
        f.join();
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    private CompletableFuture<RecordMetadata> send(int partition) {
        return producer.send(new ProducerRecord<>(TOPIC, partition, "k", "v"));
    }

    private static void addOk(FakeNetwork.Request r) {
        AddPartitionsToTxnRequest req = r.body(AddPartitionsToTxnRequest.class);
        r.respond(new AddPartitionsToTxnResponse(TopicPartitions.of(TOPIC,
                List.of(new PartitionResult(req.partitions().topics().get(0).partitions().get(0), 0)))));
    }

    private static void ack(FakeNetwork.Request r, long offset) {
        r.respond(new ProduceResponse(offset, 1, offset + 1));
    }

    @Test
    void commitFlowAddsPartitionsSendsTransactionalSequencedProduceAndEndsWithEndTxn() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(42, (short) 3);
        producer.beginTransaction();
        assertThat(producer.transactionState()).isEqualTo("IN_TRANSACTION");
        CompletableFuture<RecordMetadata> f = send(0);
        FakeNetwork.Request add = net.next(ApiKey.ADD_PARTITIONS_TO_TXN);
        assertThat(add.body(AddPartitionsToTxnRequest.class).producerId()).isEqualTo(42);
        assertThat(net.pending(ApiKey.PRODUCE)).as("the batch waits for its partition to join").isEmpty();
        addOk(add);
        FakeNetwork.Request produce = net.next(ApiKey.PRODUCE);
        assertThat(produce.flags() & (Frames.FLAG_TRANSACTIONAL | Frames.FLAG_SEQUENCED))
                .isEqualTo(Frames.FLAG_TRANSACTIONAL | Frames.FLAG_SEQUENCED);
        ProduceRequest body = produce.body(ProduceRequest.class);
        assertThat(body.transaction().producerEpoch()).isEqualTo((short) 3);
        assertThat(body.sequence().baseSequence()).isZero();
        ack(produce, 7);
        send(0);
        assertThat(net.pending(ApiKey.ADD_PARTITIONS_TO_TXN)).as("added once per transaction").isEmpty();
        ack(net.next(ApiKey.PRODUCE), 8);

        CompletableFuture<Void> offsets = async(() -> producer.sendOffsetsToTransaction(
                Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(11)),
                new ConsumerGroupMetadata("g", 4, "m-1")));
        FakeNetwork.Request addOffsets = awaitRequest(ApiKey.ADD_OFFSETS_TO_TXN);
        assertThat(addOffsets.body(AddOffsetsToTxnRequest.class).groupId()).isEqualTo("g");
        addOffsets.respond(new AddOffsetsToTxnResponse());
        FakeNetwork.Request commitOffsets = awaitRequest(ApiKey.TXN_OFFSET_COMMIT);
        assertThat(commitOffsets.body(TxnOffsetCommitRequest.class).offsets().topics().get(0).partitions().get(0)
                .offset()).isEqualTo(11);
        commitOffsets.respond(new TxnOffsetCommitResponse(TopicPartitions.of("in",
                List.of(new PartitionResult(0, 0)))));
        offsets.join();

        CompletableFuture<Void> commit = async(producer::commitTransaction);
        FakeNetwork.Request end = awaitRequest(ApiKey.END_TXN);
        assertThat(end.body(EndTxnRequest.class).commit()).isTrue();
        end.respond(new EndTxnResponse());
        commit.join();
        assertThat(f.join().offset()).isEqualTo(7);
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    // ---- offsets of a generation the consumer lost (TxnOffsetCommit carries none, B.7.5) -------------------------

    @Test
    void offsetsOfAGenerationNoLongerHeldAreRefusedBeforeAnythingIsSent() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(42, (short) 3);
        producer.beginTransaction();
        ConsumerGroupMetadata lost = ConsumerGroupMetadata.ofMember("g", 4, "m-1", () -> false);
        assertThatThrownBy(() -> producer.sendOffsetsToTransaction(
                Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(11)), lost))
                .isInstanceOf(CommitFailedException.class).hasMessageContaining("generation 4");
        assertThat(net.pending(ApiKey.ADD_OFFSETS_TO_TXN)).isEmpty();
        assertThat(net.pending(ApiKey.TXN_OFFSET_COMMIT)).isEmpty();
        assertThatThrownBy(producer::commitTransaction).hasMessageContaining("abort");
        producer.abortTransaction(); // nothing was added: no EndTxn needed
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    @Test
    void aGenerationLostAfterItsOffsetsWereStagedMakesTheCommitFail() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(42, (short) 3);
        producer.beginTransaction();
        java.util.concurrent.atomic.AtomicBoolean held = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompletableFuture<Void> offsets = async(() -> producer.sendOffsetsToTransaction(
                Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(11)),
                ConsumerGroupMetadata.ofMember("g", 4, "m-1", held::get)));
        awaitRequest(ApiKey.ADD_OFFSETS_TO_TXN).respond(new AddOffsetsToTxnResponse());
        awaitRequest(ApiKey.TXN_OFFSET_COMMIT).respond(new TxnOffsetCommitResponse(TopicPartitions.of("in",
                List.of(new PartitionResult(0, 0)))));
        offsets.join();

        held.set(false); // the consumer was fenced meanwhile: another member may read in-0 from the last commit
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(CommitFailedException.class);
        assertThat(net.pending(ApiKey.END_TXN)).as("no commit is sent").isEmpty();
        CompletableFuture<Void> abort = async(producer::abortTransaction);
        FakeNetwork.Request end = awaitRequest(ApiKey.END_TXN);
        assertThat(end.body(EndTxnRequest.class).commit()).isFalse();
        end.respond(new EndTxnResponse());
        abort.join();
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    // ---- share acknowledgements in the transaction (B.13.15) ---------------------------------------------------

    private static final BrokerCapabilities TXN_SHARE_CAPS = new BrokerCapabilities(false,
            FakeNetwork.EOS_CAPABILITIES.requestTypes(), FakeNetwork.EOS_CAPABILITIES.featureBits()
            | BrokerCapabilities.SHARE_GROUPS | BrokerCapabilities.TXN_SHARE_ACKS, "fake");

    /** A share consumer of group "q" on the same fake broker, holding the records at {@code offsets} of in-0. */
    private ShareConsumerImpl<String, String> shareConsumerWith(long... offsets) {
        ShareConsumerImpl<String, String> c = new ShareConsumerImpl<>("q", "cid", net, net.time(),
                FakeNetwork.config(Map.of("share.acknowledgement.mode", "explicit")), Serdes.stringDeserializer(),
                Serdes.stringDeserializer(), () -> { });
        c.subscribe(List.of("in"));
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respond(new ShareGroupHeartbeatResponse("m1", 5000,
                TopicPartitions.of("in", List.of(0))));
        ShareRecords.Builder b = new ShareRecords.Builder(alloc, 64);
        for (long o : offsets) {
            b.append(1, o, 0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), List.of());
        }
        net.next(ApiKey.SHARE_FETCH).respond(new ShareFetchResponse(30_000, TopicPartitions.of("in", List.of(
                new ShareFetchPartitionData(0, 0, 0, List.of(), false, b.finish())))));
        return c;
    }

    private static void answerFetches(FakeNetwork net) {
        for (FakeNetwork.Request f : net.pending(ApiKey.SHARE_FETCH)) {
            f.respond(new ShareFetchResponse(30_000, TopicPartitions.of("in", List.of())));
        }
    }

    @Test
    void shareAcknowledgementsJoinTheTransactionAfterAddOffsetsToTxnOncePerGroup() {
        start(TXN_SHARE_CAPS, Map.of(), false);
        init(42, (short) 3);
        ShareConsumerImpl<String, String> consumer = shareConsumerWith(0, 1, 2);
        List<ShareRecord<String, String>> got = consumer.poll(Duration.ZERO);
        assertThatThrownBy(() -> producer.sendAcknowledgementsToTransaction(Map.of(got.get(0),
                AcknowledgeType.ACCEPT), consumer)).as("no transaction open")
                .isInstanceOf(IllegalStateException.class);
        producer.beginTransaction();
        CompletableFuture<Void> first = async(() -> producer.sendAcknowledgementsToTransaction(
                Map.of(got.get(0), AcknowledgeType.ACCEPT), consumer));
        FakeNetwork.Request add = awaitRequest(ApiKey.ADD_OFFSETS_TO_TXN);
        assertThat(add.body(AddOffsetsToTxnRequest.class).groupId()).isEqualTo("q");
        add.respond(new AddOffsetsToTxnResponse());
        FakeNetwork.Request stage = awaitRequest(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(stage.flags() & Frames.FLAG_TRANSACTIONAL).isEqualTo(Frames.FLAG_TRANSACTIONAL);
        assertThat(stage.body(ShareAcknowledgeRequest.class).transaction())
                .isEqualTo(new ProducerIdAndEpoch(42, (short) 3));
        stage.respond(new ShareAcknowledgeResponse(30_000, TopicPartitions.of("in",
                List.of(new ShareAcknowledgePartitionResult(0, 0, List.of())))));
        first.join();
        // The group is in the transaction now: the next staging goes out alone; a record not staged (52) makes
        // the transaction abortable.
        CompletableFuture<Void> second = async(() -> producer.sendAcknowledgementsToTransaction(
                Map.of(got.get(1), AcknowledgeType.REJECT), consumer));
        FakeNetwork.Request again = awaitRequest(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(net.requests(ApiKey.ADD_OFFSETS_TO_TXN)).hasSize(1);
        again.respond(new ShareAcknowledgeResponse(30_000, TopicPartitions.of("in",
                List.of(new ShareAcknowledgePartitionResult(0, ErrorCode.INVALID_RECORD_STATE,
                        List.of(new OffsetRange(1, 1)))))));
        assertThat(failure(second)).isInstanceOf(InvalidRecordStateException.class);
        assertThat(producer.transactionState()).isEqualTo("ABORTABLE_ERROR");
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(StreamBusException.class)
                .hasMessageContaining("abort");
        CompletableFuture<Void> abort = async(producer::abortTransaction);
        awaitRequest(ApiKey.END_TXN).respond(new EndTxnResponse());
        abort.join();
        answerFetches(net);
        consumer.close(Duration.ZERO);
        answerFetches(net);
    }

    @Test
    void aBrokerWithoutTxnShareAcksIsRefusedBeforeAnythingIsSent() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        net.capabilities(new BrokerCapabilities(false, FakeNetwork.EOS_CAPABILITIES.requestTypes(),
                FakeNetwork.EOS_CAPABILITIES.featureBits() | BrokerCapabilities.SHARE_GROUPS, "fake"));
        init(1, (short) 0);
        ShareConsumerImpl<String, String> consumer = shareConsumerWith(5);
        List<ShareRecord<String, String>> got = consumer.poll(Duration.ZERO);
        producer.beginTransaction();
        assertThatThrownBy(() -> producer.sendAcknowledgementsToTransaction(Map.of(got.get(0),
                AcknowledgeType.ACCEPT), consumer)).isInstanceOfSatisfying(UnsupportedFeatureException.class,
                        e -> assertThat(e.capability()).isEqualTo(BrokerCapabilities.CAP_TXN_SHARE_ACKS));
        assertThat(net.requests(ApiKey.ADD_OFFSETS_TO_TXN)).isEmpty();
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        assertThat(producer.transactionState()).as("the transaction is unaffected").isEqualTo("IN_TRANSACTION");
        answerFetches(net);
        consumer.close(Duration.ZERO);
        answerFetches(net);
    }

    @Test
    void recordsSentWhileThePartitionJoinsGoOutTogetherAfterwards() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        CompletableFuture<RecordMetadata> a = send(0);
        CompletableFuture<RecordMetadata> b = send(0);
        CompletableFuture<RecordMetadata> c = send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        FakeNetwork.Request produce = net.next(ApiKey.PRODUCE);
        assertThat(produce.body(ProduceRequest.class).messages().count()).as("one batch, none lost").isEqualTo(3);
        produce.respond(new ProduceResponse(0, 3, 3));
        assertThat(c.join().offset()).isEqualTo(2);
        assertThat(a).isCompleted();
        assertThat(b).isCompleted();
    }

    @Test
    void sendOutsideATransactionIsRefusedAndStateTransitionsAreChecked() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        assertThatThrownBy(producer::beginTransaction).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UNINITIALIZED");
        init(1, (short) 0);
        assertThatThrownBy(() -> send(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("beginTransaction");
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("READY");
        assertThatThrownBy(producer::abortTransaction).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("READY");
        assertThat(TransactionManager.State.READY.canMoveTo(TransactionManager.State.COMMITTING)).isFalse();
        assertThat(TransactionManager.State.FATAL_ERROR.canMoveTo(TransactionManager.State.READY)).isFalse();
        assertThat(TransactionManager.State.ABORTABLE_ERROR.canMoveTo(TransactionManager.State.COMMITTING))
                .isFalse();
        producer.beginTransaction();
        assertThatThrownBy(producer::beginTransaction).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("IN_TRANSACTION");
        producer.commitTransaction(); // nothing added: nothing to send
        assertThat(net.requests(ApiKey.END_TXN)).isEmpty();
    }

    @Test
    void nonTransactionalProducerRefusesTransactionalCalls() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of("transactional.id", ""), false);
        assertThatThrownBy(producer::initTransactions).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transactional.id");
        net.next(ApiKey.INIT_PRODUCER_ID).respond(new InitProducerIdResponse(5, (short) 0));
    }

    @Test
    void transactionsOnABrokerWithoutThemFailAtOnceNamingTheCapability() {
        start(FakeNetwork.FULL_CAPABILITIES, Map.of(), false);
        assertThatThrownBy(producer::initTransactions).isInstanceOf(UnsupportedFeatureException.class)
                .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability()).isEqualTo("transactions"));
        assertThat(net.requests()).isEmpty();
    }

    @Test
    void xaOnABrokerWithoutTwoPhaseCommitFailsAtOnce() {
        BrokerCapabilities txnOnly = new BrokerCapabilities(false, FakeNetwork.EOS_CAPABILITIES.requestTypes(),
                FakeNetwork.EOS_CAPABILITIES.featureBits() & ~BrokerCapabilities.TWO_PHASE_COMMIT, "txn-only");
        start(txnOnly, Map.of(), true);
        assertThatThrownBy(() -> producer.startXaBranch("app", xid(), Duration.ZERO))
                .isInstanceOf(UnsupportedFeatureException.class)
                .satisfies(e -> assertThat(((UnsupportedFeatureException) e).capability())
                        .isEqualTo("two-phase-commit"));
    }

    @Test
    void fencingIsFatalAndTyped() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        CompletableFuture<RecordMetadata> f = send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.PRODUCER_FENCED, "newer epoch");
        assertThat(failure(f)).isInstanceOf(ProducerFencedException.class);
        assertThat(producer.transactionState()).isEqualTo("FATAL_ERROR");
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(ProducerFencedException.class);
        assertThatThrownBy(producer::abortTransaction).isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void fencedOnEndTxnIsFatal() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        ack(net.next(ApiKey.PRODUCE), 0);
        CompletableFuture<Void> commit = async(producer::commitTransaction);
        awaitRequest(ApiKey.END_TXN).respondError(ErrorCode.PRODUCER_FENCED, "zombie");
        assertThat(failure(commit)).isInstanceOf(ProducerFencedException.class);
        assertThat(producer.transactionState()).isEqualTo("FATAL_ERROR");
    }

    @Test
    void abortedByTheBrokerIsAbortableThenANewTransactionWorks() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        ack(net.next(ApiKey.PRODUCE), 0);
        CompletableFuture<Void> commit = async(producer::commitTransaction);
        awaitRequest(ApiKey.END_TXN).respondError(ErrorCode.TRANSACTION_ABORTED, "timed out");
        assertThat(failure(commit)).isInstanceOf(TransactionAbortedException.class);
        assertThat(producer.transactionState()).isEqualTo("ABORTABLE_ERROR");
        assertThatThrownBy(producer::beginTransaction).isInstanceOf(StreamBusException.class);
        CompletableFuture<Void> abort = async(producer::abortTransaction);
        FakeNetwork.Request end = awaitRequest(ApiKey.END_TXN);
        assertThat(end.body(EndTxnRequest.class).commit()).isFalse();
        end.respond(new EndTxnResponse());
        abort.join();
        producer.beginTransaction();
        assertThat(producer.transactionState()).isEqualTo("IN_TRANSACTION");
    }

    @Test
    void aFailedSendMakesCommitThrowAndOnlyAbortIsAllowed() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        CompletableFuture<RecordMetadata> f = send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.INVALID_REQUEST, "bad");
        assertThat(failure(f)).isInstanceOf(StreamBusException.class);
        assertThat(producer.transactionState()).isEqualTo("ABORTABLE_ERROR");
        assertThatThrownBy(producer::commitTransaction).isInstanceOf(StreamBusException.class)
                .hasMessageContaining("abort");
        assertThat(net.requests(ApiKey.END_TXN)).isEmpty();
        CompletableFuture<Void> abort = async(producer::abortTransaction);
        awaitRequest(ApiKey.END_TXN).respond(new EndTxnResponse());
        // the refused batch spent sequence 0 under epoch 0: the abort takes the next epoch
        awaitRequest(ApiKey.INIT_PRODUCER_ID).respond(new InitProducerIdResponse(1, (short) 1));
        abort.join();
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    /**
     * The broker restarted with the transaction open: it aborted it, so the retried batch (sequence 1) is refused
     * with 38 and nothing is stored; the broker still expects sequence 1. Continuing with sequence 2 under the same
     * epoch would get 47 in every later transaction (seen as an endless loop of a transacted Camel route); the abort
     * instead takes a new epoch and the next transaction starts at sequence 0 (B.7.2, B.12.3 step 6.1, B.12.6).
     */
    @Test
    void abortAfterARefusedSequencedBatchTakesANewEpochAndRestartsSequencesAtZero() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        ack(net.next(ApiKey.PRODUCE), 0);
        CompletableFuture<RecordMetadata> refused = send(0);
        FakeNetwork.Request second = net.next(ApiKey.PRODUCE);
        assertThat(second.body(ProduceRequest.class).sequence().baseSequence()).isEqualTo(1);
        second.respondError(ErrorCode.TRANSACTION_ABORTED, "aborted by the broker (restart)");
        assertThat(failure(refused)).isInstanceOf(TransactionAbortedException.class);
        assertThat(producer.transactionState()).isEqualTo("ABORTABLE_ERROR");

        CompletableFuture<Void> abort = async(producer::abortTransaction);
        awaitRequest(ApiKey.END_TXN).respond(new EndTxnResponse());
        FakeNetwork.Request reinit = awaitRequest(ApiKey.INIT_PRODUCER_ID);
        assertThat(reinit.body(InitProducerIdRequest.class).transactionalId()).isEqualTo(TXN_ID);
        reinit.respond(new InitProducerIdResponse(1, (short) 1));
        abort.join();
        assertThat(producer.transactionState()).isEqualTo("READY");

        producer.beginTransaction();
        CompletableFuture<RecordMetadata> next = send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        FakeNetwork.Request produce = net.next(ApiKey.PRODUCE);
        ProduceRequest body = produce.body(ProduceRequest.class);
        assertThat(body.sequence().producerEpoch()).isEqualTo((short) 1);
        assertThat(body.transaction().producerEpoch()).isEqualTo((short) 1);
        assertThat(body.sequence().baseSequence()).as("sequences restart under the new epoch").isZero();
        ack(produce, 1);
        assertThat(next.join().offset()).isEqualTo(1);
    }

    /** An abort after a failure that spent no sequence (the partition never joined) keeps the epoch. */
    @Test
    void abortAfterAFailedAddPartitionsKeepsTheEpoch() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), false);
        init(1, (short) 0);
        producer.beginTransaction();
        CompletableFuture<RecordMetadata> f = send(0);
        net.next(ApiKey.ADD_PARTITIONS_TO_TXN).respondError(ErrorCode.INVALID_REQUEST, "bad");
        assertThat(failure(f)).isInstanceOf(StreamBusException.class);
        producer.abortTransaction(); // nothing joined the transaction: no EndTxn either
        assertThat(net.requests(ApiKey.INIT_PRODUCER_ID)).as("only initTransactions").hasSize(1);
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    @Test
    void everyTransactionCodeMapsToItsType() {
        assertThat(TxnErrors.map(ErrorCode.INVALID_PRODUCER_EPOCH, "", "x")).isInstanceOf(
                InvalidProducerEpochException.class);
        assertThat(TxnErrors.map(ErrorCode.INVALID_TRANSACTION_STATE, "", "x")).isInstanceOf(
                InvalidTxnStateException.class);
        assertThat(TxnErrors.map(ErrorCode.INVALID_PRODUCER_ID_MAPPING, "", "x")).isInstanceOf(
                InvalidPidMappingException.class);
        assertThat(TxnErrors.map(ErrorCode.PRODUCER_FENCED, "", "x")).isInstanceOf(ProducerFencedException.class);
        assertThat(TxnErrors.map(ErrorCode.TRANSACTION_ABORTED, "", "x")).isInstanceOf(
                TransactionAbortedException.class);
        assertThat(TxnErrors.map(ErrorCode.OUT_OF_ORDER_SEQUENCE, "", "x")).isInstanceOf(
                OutOfOrderSequenceException.class);
        assertThat(TxnErrors.map(ErrorCode.UNKNOWN_PRODUCER_ID, "", "x")).isInstanceOf(
                UnknownProducerIdException.class);
        assertThat(TxnErrors.map(ErrorCode.CONCURRENT_TRANSACTIONS, "", "x").isRetriable()).isTrue();
        assertThat(TxnErrors.map(ErrorCode.TRANSACTION_COORDINATOR_NOT_AVAILABLE, "", "x").isRetriable()).isTrue();
        assertThat(TxnErrors.isFatal(TxnErrors.map(ErrorCode.PRODUCER_FENCED, "", "x"))).isTrue();
        assertThat(TxnErrors.isFatal(TxnErrors.map(ErrorCode.TRANSACTION_ABORTED, "", "x"))).isFalse();
        Map<Integer, Integer> xa = Map.ofEntries(Map.entry(ErrorCode.UNKNOWN_XID, XaBranchException.XAER_NOTA),
                Map.entry(ErrorCode.DUPLICATE_XID, XaBranchException.XAER_DUPID),
                Map.entry(ErrorCode.HEURISTIC_COMMIT, XaBranchException.XA_HEURCOM),
                Map.entry(ErrorCode.HEURISTIC_ROLLBACK, XaBranchException.XA_HEURRB),
                Map.entry(ErrorCode.TRANSACTION_ABORTED, XaBranchException.XA_RBROLLBACK),
                Map.entry(ErrorCode.PRODUCER_FENCED, XaBranchException.XA_RBROLLBACK),
                Map.entry(ErrorCode.INVALID_PRODUCER_ID_MAPPING, XaBranchException.XAER_NOTA),
                Map.entry(ErrorCode.INVALID_TRANSACTION_STATE, XaBranchException.XAER_PROTO),
                Map.entry(ErrorCode.STORAGE_ERROR, XaBranchException.XAER_RMFAIL),
                Map.entry(ErrorCode.INVALID_REQUEST, XaBranchException.XAER_RMERR),
                Map.entry(ErrorCode.AUTHORIZATION_FAILED, XaBranchException.XAER_RMERR),
                Map.entry(ErrorCode.CONCURRENT_TRANSACTIONS, XaBranchException.XAER_RMFAIL));
        xa.forEach((code, expected) -> assertThat(XaBranchException.of(Errors.fromCode(code, "", "x"), "op")
                .xaErrorCode()).as("code %d", code).isEqualTo(expected));
    }

    private static Xid xid() {
        return new Xid(131077, "tm1.000042".getBytes(StandardCharsets.US_ASCII), "br1".getBytes(
                StandardCharsets.US_ASCII));
    }

    @Test
    void xaBranchStartSendPrepare() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), true);
        assertThatThrownBy(() -> send(0)).as("an XA producer sends only within a branch")
                .isInstanceOf(IllegalStateException.class);
        CompletableFuture<Void> started = async(() -> producer.startXaBranch("jms.app1", xid(), Duration.ZERO));
        FakeNetwork.Request init = awaitRequest(ApiKey.INIT_XA_BRANCH);
        assertThat(init.body(InitXaBranchRequest.class).transactionalId())
                .isEqualTo("jms.app1:xa:00020005:746d312e303030303432:627231");
        init.respond(new InitXaBranchResponse(77, (short) 0));
        started.join();
        assertThat(producer.xaBranch()).isEqualTo(xid());
        CompletableFuture<RecordMetadata> f = send(0);
        FakeNetwork.Request add = net.next(ApiKey.ADD_PARTITIONS_TO_TXN);
        assertThat(add.body(AddPartitionsToTxnRequest.class).transactionalId()).startsWith("jms.app1:xa:");
        addOk(add);
        CompletableFuture<Void> prepared = async(producer::prepareXaBranch);
        ack(net.next(ApiKey.PRODUCE), 3);
        FakeNetwork.Request prepare = awaitRequest(ApiKey.PREPARE_TXN);
        assertThat(prepare.body(PrepareTxnRequest.class).producerId()).isEqualTo(77);
        prepare.respond(new PrepareTxnResponse());
        prepared.join();
        assertThat(f.join().offset()).isEqualTo(3);
        assertThat(producer.xaBranch()).as("decided by Xid from now on").isNull();
        assertThat(producer.transactionState()).isEqualTo("READY");
    }

    @Test
    void xaPrepareAfterAFailedRecordRollsBackAndReportsRbRollback() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), true);
        CompletableFuture<Void> started = async(() -> producer.startXaBranch("p", xid(), Duration.ofSeconds(30)));
        FakeNetwork.Request init = awaitRequest(ApiKey.INIT_XA_BRANCH);
        assertThat(init.body(InitXaBranchRequest.class).transactionTimeoutMs()).isEqualTo(30_000);
        init.respond(new InitXaBranchResponse(5, (short) 0));
        started.join();
        send(0);
        addOk(net.next(ApiKey.ADD_PARTITIONS_TO_TXN));
        net.next(ApiKey.PRODUCE).respondError(ErrorCode.INVALID_TRANSACTION_STATE, "prepared elsewhere");
        CompletableFuture<Void> prepared = async(producer::prepareXaBranch);
        FakeNetwork.Request rollback = awaitRequest(ApiKey.END_XA_BRANCH);
        assertThat(rollback.body(EndXaBranchRequest.class).action()).isEqualTo(XaAction.ROLLBACK);
        rollback.respond(new EndXaBranchResponse());
        Throwable e = failure(prepared);
        assertThat(e).isInstanceOf(XaBranchException.class);
        assertThat(((XaBranchException) e).xaErrorCode()).isEqualTo(XaBranchException.XA_RBROLLBACK);
    }

    @Test
    void duplicateXidMapsToXaerDupid() {
        start(FakeNetwork.EOS_CAPABILITIES, Map.of(), true);
        CompletableFuture<Void> started = async(() -> producer.startXaBranch("p", xid(), Duration.ZERO));
        awaitRequest(ApiKey.INIT_XA_BRANCH).respondError(ErrorCode.DUPLICATE_XID, "exists");
        Throwable e = failure(started);
        assertThat(((XaBranchException) e).xaErrorCode()).isEqualTo(XaBranchException.XAER_DUPID);
        assertThat(producer.transactionState()).isEqualTo("UNINITIALIZED");
    }
}
