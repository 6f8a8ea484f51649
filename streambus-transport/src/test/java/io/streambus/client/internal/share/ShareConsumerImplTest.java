package io.streambus.client.internal.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streambus.client.BrokerErrorException;
import io.streambus.client.UnsupportedFeatureException;
import io.streambus.client.WakeupException;
import io.streambus.client.admin.BrokerCapabilities;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.client.internal.net.ManualTime;
import io.streambus.client.metrics.MetricsCollector;
import io.streambus.client.serialization.Serdes;
import io.streambus.client.share.AcknowledgeType;
import io.streambus.client.share.InvalidFilterException;
import io.streambus.client.share.InvalidRecordStateException;
import io.streambus.client.share.ShareRecord;
import io.streambus.common.Header;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.ErrorCode;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.TrackingAllocator;
import io.streambus.protocol.share.Acknowledgement;
import io.streambus.protocol.share.OffsetRange;
import io.streambus.protocol.share.ShareAcknowledgePartitionResult;
import io.streambus.protocol.share.ShareAcknowledgeRequest;
import io.streambus.protocol.share.ShareAcknowledgeResponse;
import io.streambus.protocol.share.ShareFetchPartitionData;
import io.streambus.protocol.share.ShareFetchRequest;
import io.streambus.protocol.share.ShareFetchResponse;
import io.streambus.protocol.share.ShareGroupHeartbeatRequest;
import io.streambus.protocol.share.ShareGroupHeartbeatResponse;
import io.streambus.protocol.share.ShareRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The share consumer over the scripted {@link FakeNetwork} and its manual clock (spec B.13.12): membership by
 * heartbeat, fetches on a dedicated connection with piggy-backed acknowledgements, implicit and explicit modes,
 * commit results, lock renewal, close, and every reaction of B.13.12's table. Every record buffer must be released
 * by the end of each test ({@link TrackingAllocator}).
 */
class ShareConsumerImplTest {
    static final BrokerCapabilities SHARE_CAPS = new BrokerCapabilities(false,
            FakeNetwork.FULL_CAPABILITIES.requestTypes(), FakeNetwork.FULL_CAPABILITIES.featureBits()
            | BrokerCapabilities.SHARE_GROUPS, "fake");
    /** A broker with share groups, transactions and TXN_SHARE_ACKS (B.13.15). */
    static final BrokerCapabilities TXN_SHARE_CAPS = new BrokerCapabilities(false,
            FakeNetwork.EOS_CAPABILITIES.requestTypes(), FakeNetwork.EOS_CAPABILITIES.featureBits()
            | BrokerCapabilities.SHARE_GROUPS | BrokerCapabilities.TXN_SHARE_ACKS, "fake");
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final int LOCK_MS = 30_000;

    private final TrackingAllocator alloc = new TrackingAllocator();
    private FakeNetwork net;
    private ShareConsumerImpl<String, String> consumer;
    private final List<String> callbacks = new ArrayList<>();
    private final List<String> acknowledged = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void start(Map<String, ?> settings) {
        Map<String, Object> m = new HashMap<>(Map.of("retry.backoff.ms", 100, "retry.backoff.max.ms", 100));
        m.putAll(settings);
        net = new FakeNetwork(FakeNetwork.config(m), new ManualTime(), alloc);
        net.capabilities(SHARE_CAPS);
        consumer = new ShareConsumerImpl<>("g", "cid", net, net.time(), FakeNetwork.config(m),
                Serdes.stringDeserializer(), Serdes.stringDeserializer(), new MetricsCollector() {
                    @Override
                    public void recordShareAcknowledge(TopicPartition partition, String type, int records) {
                        acknowledged.add(partition + " " + type + " " + records);
                    }
                }, () -> { });
        consumer.setAcknowledgementCommitCallback((tp, offsets, e) -> callbacks.add(tp + " " + offsets + " "
                + (e == null ? "ok" : e.getClass().getSimpleName())));
    }

    @AfterEach
    void tearDown() {
        if (net != null) {
            for (FakeNetwork.Request r : net.pending(ApiKey.SHARE_FETCH)) {
                r.respond(fetchReply(TP, 99)); // a late reply is released too
            }
            net.close();
            alloc.assertAllReleased();
        }
    }

    // ---- script helpers ----------------------------------------------------------------------------------------

    private ShareFetchResponse fetchReply(TopicPartition tp, long... offsets) {
        return new ShareFetchResponse(LOCK_MS, TopicPartitions.of(tp.topic(), List.of(data(tp.partition(), 1,
                0, List.of(), false, offsets))));
    }

    private ShareFetchPartitionData data(int partition, int deliveryCount, int ackError, List<OffsetRange> unapplied,
                                         boolean limit, long... offsets) {
        ShareRecords.Builder b = new ShareRecords.Builder(alloc, 64);
        for (long o : offsets) {
            b.append(deliveryCount, o, TimeUnit.MILLISECONDS.toNanos(1_700_000_000_000L + o),
                    "k".getBytes(StandardCharsets.UTF_8), ("v" + o).getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("h", "x".getBytes(StandardCharsets.UTF_8))));
        }
        return new ShareFetchPartitionData(partition, 0, ackError, unapplied, limit, b.finish());
    }

    /** Answers the pending heartbeat: member m1, the given interval, partition 0 of t. */
    private FakeNetwork.Request join() {
        FakeNetwork.Request hb = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        hb.respond(new ShareGroupHeartbeatResponse("m1", 5000, TopicPartitions.of("t", List.of(0))));
        return hb;
    }

    private FakeNetwork.Request fetch() {
        return net.next(ApiKey.SHARE_FETCH);
    }

    private List<Long> offsets(List<ShareRecord<String, String>> records) {
        List<Long> out = new ArrayList<>();
        records.forEach(r -> out.add(r.offset()));
        return out;
    }

    private static List<Acknowledgement> acks(FakeNetwork.Request r) {
        if (r.apiKey() == ApiKey.SHARE_FETCH) {
            return r.body(ShareFetchRequest.class).partitions().topics().get(0).partitions().get(0).acknowledgements();
        }
        return r.body(ShareAcknowledgeRequest.class).partitions().topics().get(0).partitions().get(0)
                .acknowledgements();
    }

    private static Acknowledgement ack(long first, long last, io.streambus.protocol.share.AcknowledgeType type) {
        return new Acknowledgement(first, last, type);
    }

    private static ShareAcknowledgeResponse ackReply(int code, List<OffsetRange> unapplied) {
        return new ShareAcknowledgeResponse(LOCK_MS, TopicPartitions.of("t", List.of(
                new ShareAcknowledgePartitionResult(0, code, unapplied))));
    }

    /** Subscribed, joined, and the first fetch answered with {@code offsets}; returns them polled. */
    private List<ShareRecord<String, String>> subscribedWith(long... offsets) {
        consumer.subscribe(List.of("t"));
        join();
        fetch().respond(fetchReply(TP, offsets));
        return consumer.poll(Duration.ZERO);
    }

    // ---- membership and fetching -------------------------------------------------------------------------------

    @Test
    void joinsWithItsSubscriptionThenHeartbeatsAtTheRepliedIntervalOnTheSharedPath() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.JOINING);
        FakeNetwork.Request hb = join();
        ShareGroupHeartbeatRequest q = hb.body(ShareGroupHeartbeatRequest.class);
        assertThat(q.memberId()).isEmpty();
        assertThat(q.subscribedTopics()).containsExactly("t");
        assertThat(q.leave()).isFalse();
        assertThat(hb.connection()).as("heartbeats go on the shared path").isNull();
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.STABLE);

        FakeNetwork.Request f = fetch();
        assertThat(f.connection()).as("ShareFetch on a dedicated connection (B.13.12 rule 3)").isNotNull();
        assertThat(f.deadlineNanos() - f.sentAtNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500 + 5000));
        ShareFetchRequest fq = f.body(ShareFetchRequest.class);
        assertThat(fq.memberId()).isEqualTo("m1");
        assertThat(fq.maxWaitMs()).isEqualTo(500);

        net.advanceMs(4999);
        assertThat(net.pending(ApiKey.SHARE_GROUP_HEARTBEAT)).isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request next = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(next.body(ShareGroupHeartbeatRequest.class).memberId()).isEqualTo("m1");
        assertThat(next.body(ShareGroupHeartbeatRequest.class).subscribedTopics()).containsExactly("t");
        next.respond(new ShareGroupHeartbeatResponse("m1", 5000, TopicPartitions.of("t", List.of(0))));
        f.respond(fetchReply(TP));
    }

    @Test
    void recordsCarryTheirDeliveryCountAndPrefetchIsBounded() {
        start(Map.of("share.prefetch.max.records", 4, "max.poll.records", 3));
        consumer.subscribe(List.of("t"));
        join();
        FakeNetwork.Request f = fetch();
        assertThat(f.body(ShareFetchRequest.class).partitions().topics().get(0).partitions().get(0).maxRecords())
                .isEqualTo(4);
        f.respond(new ShareFetchResponse(LOCK_MS, TopicPartitions.of("t", List.of(data(0, 3, 0, List.of(), false,
                10, 11, 12, 13)))));
        assertThat(net.pending(ApiKey.SHARE_FETCH)).as("the prefetch bound is reached").isEmpty();
        List<ShareRecord<String, String>> polled = consumer.poll(Duration.ZERO);
        assertThat(offsets(polled)).containsExactly(10L, 11L, 12L);
        assertThat(polled.get(0).deliveryCount()).isEqualTo(3);
        assertThat(polled.get(0).value()).isEqualTo("v10");
        assertThat(polled.get(0).header("h").value()).isEqualTo("x".getBytes(StandardCharsets.UTF_8));
        FakeNetwork.Request more = fetch();
        assertThat(more.body(ShareFetchRequest.class).partitions().topics().get(0).partitions().get(0).maxRecords())
                .as("room left: 4 minus the one still buffered").isEqualTo(3);
        more.respond(fetchReply(TP));
    }

    @Test
    void theFilterTravelsInEveryShareFetch() {
        start(Map.of("share.filter", "color = 'red'"));
        consumer.subscribe(List.of("t"));
        join();
        FakeNetwork.Request f = fetch();
        assertThat(f.body(ShareFetchRequest.class).filter()).isEqualTo("color = 'red'");
        f.respond(fetchReply(TP));
    }

    // ---- acknowledgement modes ---------------------------------------------------------------------------------

    @Test
    void implicitModeAcceptsThePreviousPollAtOnceOnTheSharedPathWhileAFetchIsHeld() {
        start(Map.of());
        assertThat(offsets(subscribedWith(0, 1, 2, 4))).containsExactly(0L, 1L, 2L, 4L);
        FakeNetwork.Request held = fetch();
        assertThat(acks(held)).as("nothing acknowledged before the next poll").isEmpty();
        assertThat(consumer.poll(Duration.ZERO)).isEmpty();
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(a.connection()).as("not behind the held fetch (B.13.12 rule 3)").isNull();
        assertThat(net.pending(ApiKey.SHARE_FETCH)).as("the fetch is still held").containsExactly(held);
        assertThat(acks(a)).containsExactly(ack(0, 2, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(4, 4, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        assertThat(acknowledged).as("confirmed only by the reply").isEmpty();
        a.respond(ackReply(0, List.of()));
        assertThat(acknowledged).containsExactly("t-0 ACCEPT 4");
        held.respond(fetchReply(TP, 5));
        FakeNetwork.Request next = fetch();
        assertThat(acks(next)).as("sent once").isEmpty();
        next.respond(fetchReply(TP));
        assertThat(offsets(consumer.poll(Duration.ZERO))).containsExactly(5L);
        assertThat(callbacks).containsExactly("t-0 [0, 1, 2, 4] ok");
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).hasSize(1);
    }

    @Test
    void acknowledgementsMadeWhileAFetchIsHeldRideOnTheFetchSentWhenItReturns() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1);
        FakeNetwork.Request held = fetch();
        consumer.acknowledge(polled.get(0));
        consumer.acknowledge(polled.get(1), AcknowledgeType.RELEASE);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).as("acknowledge() only records them").isEmpty();
        held.respond(fetchReply(TP));
        FakeNetwork.Request carrying = fetch();
        assertThat(acks(carrying)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(1, 1, io.streambus.protocol.share.AcknowledgeType.RELEASE));
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        carrying.respond(fetchReply(TP));
        consumer.poll(Duration.ZERO);
        assertThat(callbacks).containsExactly("t-0 [0, 1] ok");
        assertThat(acknowledged).containsExactlyInAnyOrder("t-0 ACCEPT 1", "t-0 RELEASE 1");
    }

    @Test
    void acknowledgementsGoOnAShareAcknowledgeWhenNoFetchCanCarryThem() {
        start(Map.of("share.prefetch.max.records", 2, "max.poll.records", 2));
        assertThat(offsets(subscribedWith(0, 1))).containsExactly(0L, 1L);
        FakeNetwork.Request held = fetch();
        consumer.poll(Duration.ZERO);
        held.respond(fetchReply(TP, 2, 3)); // the prefetch bound is reached: no fetch follows
        assertThat(net.pending(ApiKey.SHARE_FETCH)).isEmpty();
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(a.connection()).as("acknowledgements go on the shared path").isNull();
        assertThat(acks(a)).containsExactly(ack(0, 1, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        a.respond(ackReply(0, List.of()));
        assertThat(offsets(consumer.poll(Duration.ZERO))).containsExactly(2L, 3L);
        assertThat(callbacks).containsExactly("t-0 [0, 1] ok");
        fetch().respond(fetchReply(TP));
    }

    @Test
    void acknowledgementsMadeWhileAShareAcknowledgeIsOnTheWireGoTogetherWhenItIsAnswered() {
        // One record per poll, as the JMS provider polls: one ShareAcknowledge per record would be applied one by one.
        start(Map.of("share.acknowledgement.mode", "explicit", "max.poll.records", 1));
        List<ShareRecord<String, String>> polled = new ArrayList<>(subscribedWith(0, 1, 2, 3, 4));
        FakeNetwork.Request held = fetch();
        consumer.acknowledge(polled.get(0));
        polled.addAll(consumer.poll(Duration.ZERO));
        FakeNetwork.Request first = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(first)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        consumer.acknowledge(polled.get(1));
        polled.addAll(consumer.poll(Duration.ZERO));
        consumer.acknowledge(polled.get(2), AcknowledgeType.RELEASE);
        polled.addAll(consumer.poll(Duration.ZERO));
        assertThat(offsets(polled)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).as("held back behind the one on the wire")
                .containsExactly(first);

        first.respond(ackReply(0, List.of()));
        FakeNetwork.Request second = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(second)).as("everything held back, in one request").containsExactly(
                ack(1, 1, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(2, 2, io.streambus.protocol.share.AcknowledgeType.RELEASE));

        consumer.acknowledge(polled.get(3));
        consumer.commitAsync();
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).as("commitAsync waits for the request on the wire too")
                .containsExactly(second);
        second.respond(ackReply(0, List.of()));
        FakeNetwork.Request third = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(third)).containsExactly(ack(3, 3, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        third.respond(ackReply(0, List.of()));
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).hasSize(3);
        assertThat(acknowledged).containsExactly("t-0 ACCEPT 1", "t-0 ACCEPT 1", "t-0 RELEASE 1", "t-0 ACCEPT 1");
        consumer.acknowledge(consumer.poll(Duration.ZERO).get(0));
        assertThat(callbacks).containsExactly("t-0 [0] ok", "t-0 [1, 2] ok", "t-0 [3] ok");
        held.respond(fetchReply(TP));
        assertThat(acks(fetch())).as("the last one rides on the next fetch")
                .containsExactly(ack(4, 4, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
    }

    @Test
    void aPolledRecordTheApplicationNeverSawIsReturnedUncountedAndCannotBeStaged() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        net.capabilities(TXN_SHARE_CAPS);
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1);
        FakeNetwork.Request held = fetch();
        assertThatThrownBy(() -> consumer.stage(Map.of(polled.get(1), AcknowledgeType.RETURN),
                new io.streambus.protocol.txn.ProducerIdAndEpoch(7, (short) 1), System.nanoTime()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RETURN");
        consumer.acknowledge(polled.get(0));
        consumer.acknowledge(polled.get(1), AcknowledgeType.RETURN);
        consumer.commitAsync();
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(1, 1, io.streambus.protocol.share.AcknowledgeType.RETURN));
        a.respond(ackReply(0, List.of()));
        held.respond(fetchReply(TP));
        fetch().respond(fetchReply(TP));
    }

    @Test
    void aFetchWaitsUntilHalfThePrefetchBoundIsFree() {
        start(Map.of("share.prefetch.max.records", 4, "max.poll.records", 1));
        assertThat(offsets(subscribedWith(10, 11, 12, 13))).containsExactly(10L);
        assertThat(net.pending(ApiKey.SHARE_FETCH)).as("3 of 4 buffered: no fetch for 1 record").isEmpty();
        assertThat(offsets(consumer.poll(Duration.ZERO))).containsExactly(11L);
        FakeNetwork.Request f = fetch();
        assertThat(f.body(ShareFetchRequest.class).partitions().topics().get(0).partitions().get(0).maxRecords())
                .as("half of the bound is free").isEqualTo(2);
        assertThat(f.body(ShareFetchRequest.class).partitions().topics().get(0).partitions().get(0)
                .acknowledgements()).as("10, accepted by the second poll, rides on the fetch its take made room for")
                .containsExactly(new Acknowledgement(10, 10, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        f.respond(fetchReply(TP));
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
    }

    // ---- transactional acknowledgements (B.13.15) --------------------------------------------------------------

    /** Runs {@code stage} on another thread (it blocks for the reply) and returns the request it sent. */
    private CompletableFuture<Void> stageAsync(Map<ShareRecord<String, String>, AcknowledgeType> acks) {
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> consumer.stage(acks,
                new io.streambus.protocol.txn.ProducerIdAndEpoch(7, (short) 1),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(10)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty()
                || done.isDone());
        return done;
    }

    @Test
    void stagedRecordsLeaveTheConsumerAndTheOthersAreReleased() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        net.capabilities(TXN_SHARE_CAPS);
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1, 2, 3);
        Map<ShareRecord<String, String>, AcknowledgeType> acks = new java.util.LinkedHashMap<>();
        acks.put(polled.get(0), AcknowledgeType.ACCEPT);
        acks.put(polled.get(1), AcknowledgeType.ACCEPT);
        acks.put(polled.get(2), AcknowledgeType.REJECT);
        FakeNetwork.Request held = fetch();
        CompletableFuture<Void> done = stageAsync(acks);
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(a.connection()).as("transactional acknowledgements do not wait behind the held fetch").isNull();
        assertThat(held.isPending()).isTrue();
        ShareAcknowledgeRequest q = a.body(ShareAcknowledgeRequest.class);
        assertThat(q.transaction()).isEqualTo(new io.streambus.protocol.txn.ProducerIdAndEpoch(7, (short) 1));
        assertThat(q.memberId()).isEqualTo("m1");
        assertThat(acks(a)).containsExactly(ack(0, 1, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(2, 2, io.streambus.protocol.share.AcknowledgeType.REJECT));
        // 2 was not staged (its lock ended): 52.
        a.respond(ackReply(ErrorCode.INVALID_RECORD_STATE, List.of(new OffsetRange(2, 2))));
        assertThatThrownBy(done::join).hasCauseInstanceOf(InvalidRecordStateException.class);
        // Staged records are no longer held; a staged record cannot be acknowledged or staged again.
        consumer.acknowledge(polled.get(0)); // ignored: no longer held
        assertThatThrownBy(() -> consumer.stage(Map.of(polled.get(3), AcknowledgeType.RENEW),
                new io.streambus.protocol.txn.ProducerIdAndEpoch(7, (short) 1), System.nanoTime()))
                .isInstanceOf(IllegalArgumentException.class);
        consumer.acknowledge(polled.get(3), AcknowledgeType.ACCEPT);
        // The record that was not staged is released with the next acknowledgements (without the flag).
        consumer.commitAsync();
        FakeNetwork.Request plain = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(plain.body(ShareAcknowledgeRequest.class).transaction()).isNull();
        assertThat(acks(plain)).containsExactly(ack(2, 2, io.streambus.protocol.share.AcknowledgeType.RELEASE),
                ack(3, 3, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        plain.respond(ackReply(0, List.of()));
        for (FakeNetwork.Request f : net.pending(ApiKey.SHARE_FETCH)) {
            f.respond(fetchReply(TP));
        }
    }

    @Test
    void aRequestLevelFailureStagesNothingAndReleasesEverything() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        net.capabilities(TXN_SHARE_CAPS);
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1);
        CompletableFuture<Void> done = stageAsync(Map.of(polled.get(0), AcknowledgeType.ACCEPT,
                polled.get(1), AcknowledgeType.ACCEPT));
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respondError(ErrorCode.INVALID_TRANSACTION_STATE, "group not added");
        assertThatThrownBy(done::join).hasCauseInstanceOf(BrokerErrorException.class)
                .hasMessageContaining("group not added");
        // Both stay the consumer's, released: a new poll is allowed in explicit mode.
        consumer.commitAsync();
        List<Acknowledgement> sent = new ArrayList<>();
        for (FakeNetwork.Request r : net.requests(ApiKey.SHARE_ACKNOWLEDGE)) {
            if (r.isPending()) {
                sent.addAll(acks(r));
                r.respond(ackReply(0, List.of()));
            }
        }
        for (FakeNetwork.Request f : net.pending(ApiKey.SHARE_FETCH)) {
            sent.addAll(acks(f));
            f.respond(fetchReply(TP));
        }
        assertThat(sent).containsExactly(ack(0, 1, io.streambus.protocol.share.AcknowledgeType.RELEASE));
    }

    @Test
    void theFlagIsNeverSentToABrokerWithoutTxnShareAcks() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(0);
        assertThat(SHARE_CAPS.supportsTxnShareAcks()).isFalse();
        CompletableFuture<Void> done = stageAsync(Map.of(polled.get(0), AcknowledgeType.ACCEPT));
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).as("nothing was sent").isEmpty();
        assertThatThrownBy(done::join).hasCauseInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining(BrokerCapabilities.CAP_TXN_SHARE_ACKS);
        for (FakeNetwork.Request f : net.pending(ApiKey.SHARE_FETCH)) {
            f.respond(fetchReply(TP));
        }
    }

    @Test
    void explicitModeNeedsEveryRecordAcknowledgedAndSendsOneRangePerRunOfAType() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1, 2, 3, 4);
        FakeNetwork.Request held = fetch();
        consumer.acknowledge(polled.get(0));
        consumer.acknowledge(polled.get(1), AcknowledgeType.ACCEPT);
        consumer.acknowledge(polled.get(2), AcknowledgeType.REJECT);
        consumer.acknowledge(polled.get(3), AcknowledgeType.RELEASE);
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("t-0@4");
        consumer.acknowledge(polled.get(4), AcknowledgeType.RELEASE);
        consumer.poll(Duration.ZERO);
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(a.connection()).as("not behind the held fetch").isNull();
        assertThat(acks(a)).containsExactly(ack(0, 1, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(2, 2, io.streambus.protocol.share.AcknowledgeType.REJECT),
                ack(3, 4, io.streambus.protocol.share.AcknowledgeType.RELEASE));
        assertThatThrownBy(() -> consumer.acknowledge(polled.get(0))).as("already sent")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SENDING");
        a.respond(ackReply(0, List.of()));
        held.respond(fetchReply(TP));
    }

    @Test
    void commitSyncReportsPerPartitionResultsAndNeverRepeatsUnappliedAcknowledgements() throws Exception {
        start(Map.of());
        subscribedWith(0, 1, 2);
        FakeNetwork.Request held = fetch();
        CompletableFuture<Map<TopicPartition, Optional<Exception>>> result =
                CompletableFuture.supplyAsync(() -> consumer.commitSync(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 2, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        a.respond(ackReply(ErrorCode.INVALID_RECORD_STATE, List.of(new OffsetRange(1, 2))));
        Map<TopicPartition, Optional<Exception>> r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.get(TP)).get().isInstanceOfSatisfying(InvalidRecordStateException.class,
                e -> assertThat(e.offsets()).containsExactlyInAnyOrder(1L, 2L));
        assertThat(callbacks).containsExactly("t-0 [0, 1, 2] InvalidRecordStateException");
        assertThat(acknowledged).as("only the applied acknowledgement is counted").containsExactly("t-0 ACCEPT 1");
        consumer.commitAsync();
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).as("52 is not retried (B.13.12)").isEmpty();
        held.respond(fetchReply(TP));
    }

    @Test
    void commitSyncWithNothingPendingReturnsAnEmptyResult() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        subscribedWith(0);
        assertThat(consumer.commitSync(Duration.ZERO)).isEmpty();
        fetch().respond(fetchReply(TP));
    }

    // ---- lock renewal ------------------------------------------------------------------------------------------

    @Test
    void locksOfRecordsTheApplicationHoldsAreRenewedOnceHalfOfTheLockHasPassed() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(7, 8);
        FakeNetwork.Request held = fetch();
        assertThat(consumer.acquisitionLockTimeoutMs()).contains(LOCK_MS);
        net.advanceMs(LOCK_MS / 2 - 1);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request renew = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(renew)).containsExactly(ack(7, 8, io.streambus.protocol.share.AcknowledgeType.RENEW));
        renew.respond(ackReply(0, List.of()));
        // The lock now ends LOCK_MS after the renewal was sent: no second renewal until half of that has passed.
        net.advanceMs(LOCK_MS / 4);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        consumer.acknowledge(polled.get(0));
        consumer.acknowledge(polled.get(1));
        consumer.commitAsync();
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respond(ackReply(0, List.of()));
        net.advanceMs(LOCK_MS);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).as("acknowledged records are not renewed").isEmpty();
        // the held fetch timed out meanwhile and was sent again; tearDown answers it
    }

    @Test
    void renewalsComeEarlierWhenAcknowledgementRoundTripsAreSlowComparedWithTheLock() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        consumer.subscribe(List.of("t"));
        join();
        long t0 = net.time().nanoTime();
        fetch().respond(new ShareFetchResponse(1000, TopicPartitions.of("t", List.of(data(0, 1, 0, List.of(),
                false, 7, 8)))));
        assertThat(consumer.poll(Duration.ZERO)).hasSize(2);
        FakeNetwork.Request held = fetch();
        // Quick round trips: renewed once half of the 1 s lock has passed, as the spec recommends.
        net.advanceMs(499);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        net.advanceMs(1);
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respond(new ShareAcknowledgeResponse(1000, TopicPartitions.of("t",
                List.of(new ShareAcknowledgePartitionResult(0, 0, List.of())))));
        net.advanceMs(499);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request slow = net.next(ApiKey.SHARE_ACKNOWLEDGE); // sent at 1000 ms: the lock ends at 2000
        // Answered after 300 ms: a renewal now gets four such round trips (capped at 7/8 of the lock) before the
        // lock ends, so the next one goes at the next check (1375 ms) instead of at 1500 ms.
        net.advanceMs(300);
        slow.respond(new ShareAcknowledgeResponse(1000, TopicPartitions.of("t",
                List.of(new ShareAcknowledgePartitionResult(0, 0, List.of())))));
        net.advanceMs(74);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request early = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(early)).containsExactly(ack(7, 8, io.streambus.protocol.share.AcknowledgeType.RENEW));
        assertThat(early.sentAtNanos() - t0).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1375));
        early.respond(ackReply(0, List.of()));
        held.respond(fetchReply(TP));
    }

    @Test
    void theRenewalThresholdIsHalfTheLockRaisedByRoundTripsAndCappedAtSevenEighths() {
        assertThat(LockRenewer.thresholdNanos(8000, 1000, 0)).isEqualTo(4000);
        assertThat(LockRenewer.thresholdNanos(8000, 1000, 1000)).isEqualTo(5000);
        assertThat(LockRenewer.thresholdNanos(8000, 1000, 5000)).isEqualTo(7000);
    }

    @Test
    void anExplicitRenewIsSentAtOnceAndTheRecordStillNeedsItsAcknowledgement() {
        start(Map.of("share.acknowledgement.mode", "explicit", "share.lock.auto.renew", false));
        List<ShareRecord<String, String>> polled = subscribedWith(3);
        FakeNetwork.Request held = fetch();
        consumer.acknowledge(polled.get(0), AcknowledgeType.RENEW);
        FakeNetwork.Request renew = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(renew)).containsExactly(ack(3, 3, io.streambus.protocol.share.AcknowledgeType.RENEW));
        renew.respond(ackReply(0, List.of()));
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        net.advanceMs(LOCK_MS * 2);
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).as("auto renewal off").isEmpty();
        // the held fetch timed out meanwhile and was sent again; tearDown answers it
    }

    @Test
    void aPrefetchedRecordWhoseLockHasEndedIsNeverHandedOut() {
        start(Map.of("max.poll.records", 1));
        List<ShareRecord<String, String>> first = subscribedWith(0, 1);
        assertThat(offsets(first)).containsExactly(0L);
        FakeNetwork.Request held = fetch();
        net.advanceMs(LOCK_MS);
        assertThat(consumer.poll(Duration.ZERO)).isEmpty();
        // the held fetch timed out meanwhile and was sent again; tearDown answers it
    }

    // ---- close and unsubscribe ---------------------------------------------------------------------------------

    @Test
    void closeReleasesWhatTheApplicationHoldsReturnsWhatItNeverSawAndWhatTheFetchInFlightBroughtThenLeaves()
            throws Exception {
        start(Map.of("share.acknowledgement.mode", "explicit", "max.poll.records", 2));
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1, 2, 3);
        consumer.acknowledge(polled.get(0));
        FakeNetwork.Request held = fetch();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> consumer.close(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        assertThat(held.isPending()).as("the held fetch's connection stays open: closing it would not stop the "
                + "broker from acquiring into it").isTrue();
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(1, 1, io.streambus.protocol.share.AcknowledgeType.RELEASE),
                ack(2, 3, io.streambus.protocol.share.AcknowledgeType.RETURN));
        a.respond(ackReply(0, List.of()));
        assertThat(net.pending(ApiKey.SHARE_GROUP_HEARTBEAT)).as("no leave while a fetch is in flight").isEmpty();
        // The broker answers the held fetch with the record just released (acquired again: count 2) and a new one.
        held.respond(new ShareFetchResponse(LOCK_MS, TopicPartitions.of("t", List.of(data(0, 2, 0, List.of(),
                false, 1, 4)))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        FakeNetwork.Request returned = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(returned)).as("never handed out: RETURNed, no delivery counted (B.13.8)").containsExactly(
                ack(1, 1, io.streambus.protocol.share.AcknowledgeType.RETURN),
                ack(4, 4, io.streambus.protocol.share.AcknowledgeType.RETURN));
        assertThat(net.pending(ApiKey.SHARE_GROUP_HEARTBEAT)).as("the RETURN is answered before the leave")
                .isEmpty();
        returned.respond(ackReply(0, List.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_GROUP_HEARTBEAT).isEmpty());
        assertThat(held.connection().isOpen()).as("closed once nothing is in flight").isFalse();
        FakeNetwork.Request leave = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(leave.body(ShareGroupHeartbeatRequest.class).leave()).isTrue();
        assertThat(leave.body(ShareGroupHeartbeatRequest.class).memberId()).isEqualTo("m1");
        assertThat(leave.body(ShareGroupHeartbeatRequest.class).subscribedTopics()).isEmpty();
        leave.respondError(ErrorCode.UNKNOWN_MEMBER_ID, "gone already"); // 20 on leave is success
        closed.get(10, TimeUnit.SECONDS);
        assertThat(net.requests(ApiKey.SHARE_FETCH)).as("no fetch sent while closing").hasSize(2);
        assertThat(acknowledged).containsExactly("t-0 ACCEPT 1", "t-0 RELEASE 1", "t-0 RETURN 2", "t-0 RETURN 2");
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.CLOSED);
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWaitsForTheFetchInFlightWhoseReplyAnswersTheAcknowledgementsItCarries() throws Exception {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(0);
        FakeNetwork.Request f = fetch();
        consumer.acknowledge(polled.get(0));
        f.respond(fetchReply(TP));
        FakeNetwork.Request withAcks = fetch();
        assertThat(acks(withAcks)).hasSize(1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> consumer.close(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            net.runDue();
            return withAcks.isPending() && !closed.isDone();
        });
        withAcks.respond(fetchReply(TP));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_GROUP_HEARTBEAT).isEmpty());
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).as("answered by the fetch: not sent again").isEmpty();
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respond(new ShareGroupHeartbeatResponse("m1", 0,
                TopicPartitions.empty()));
        closed.get(10, TimeUnit.SECONDS);
        assertThat(callbacks).containsExactly("t-0 [0] ok");
    }

    @Test
    void aFetchInFlightAtCloseThatTimesOutHasTheAcknowledgementsItCarriedSentAgain() throws Exception {
        start(Map.of("share.acknowledgement.mode", "explicit", "max.poll.records", 1));
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1);
        FakeNetwork.Request f = fetch();
        consumer.acknowledge(polled.get(0));
        f.respond(fetchReply(TP));
        FakeNetwork.Request withAcks = fetch();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> consumer.close(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        FakeNetwork.Request returned = net.next(ApiKey.SHARE_ACKNOWLEDGE); // close has begun
        assertThat(acks(returned)).containsExactly(ack(1, 1, io.streambus.protocol.share.AcknowledgeType.RETURN));
        returned.respond(ackReply(0, List.of()));
        net.advanceMs(500 + 5000 + 1); // past its request timeout: max wait + 5 s (B.13.12 rule 3)
        assertThat(withAcks.outcome()).isEqualTo("timeout");
        join(); // the periodic heartbeat, due meanwhile
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            net.runDue();
            return !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty();
        });
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        a.respond(ackReply(0, List.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_GROUP_HEARTBEAT).isEmpty());
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respond(new ShareGroupHeartbeatResponse("m1", 0,
                TopicPartitions.empty()));
        closed.get(10, TimeUnit.SECONDS);
        assertThat(callbacks).containsExactly("t-0 [1] ok", "t-0 [0] ok");
        assertThat(net.requests(ApiKey.SHARE_FETCH)).as("no fetch sent while closing").hasSize(3);
    }

    @Test
    void closeGivesUpOnAnUnansweredFetchAtItsTimeoutThenClosesTheConnectionAndLeaves() throws Exception {
        start(Map.of("max.poll.records", 1));
        subscribedWith(0, 1);
        FakeNetwork.Request held = fetch();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> consumer.close(Duration.ofSeconds(2)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respond(ackReply(0, List.of())); // close has begun
        net.advanceMs(1999);
        assertThat(held.isPending()).isTrue();
        assertThat(net.pending(ApiKey.SHARE_GROUP_HEARTBEAT)).isEmpty();
        net.advanceMs(1);
        await().atMost(Duration.ofSeconds(10)).until(closed::isDone);
        closed.get();
        assertThat(held.outcome()).isEqualTo("disconnect");
        assertThat(net.requests(ApiKey.SHARE_GROUP_HEARTBEAT).get(1).body(ShareGroupHeartbeatRequest.class).leave())
                .as("the leave is still sent, without waiting for its answer").isTrue();
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.CLOSED);
    }

    @Test
    void implicitCloseAcceptsTheLastPoll() throws Exception {
        start(Map.of());
        subscribedWith(4, 5);
        FakeNetwork.Request held = fetch();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> consumer.close(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(4, 5, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        a.respond(ackReply(0, List.of()));
        held.respond(fetchReply(TP));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_GROUP_HEARTBEAT).isEmpty());
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respond(new ShareGroupHeartbeatResponse("m1", 0,
                TopicPartitions.empty()));
        closed.get(10, TimeUnit.SECONDS);
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).hasSize(1);
    }

    // ---- B.13.12 reactions -------------------------------------------------------------------------------------

    @Test
    void unknownMemberOnAFetchForgetsTheMemberAndEveryRecordAndJoinsAgain() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(0, 1);
        fetch().respondError(ErrorCode.UNKNOWN_MEMBER_ID, "session expired");
        net.runDue();
        FakeNetwork.Request rejoin = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(rejoin.body(ShareGroupHeartbeatRequest.class).memberId()).as("joins with an empty id").isEmpty();
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.JOINING);
        consumer.acknowledge(polled.get(0)); // no longer held: ignored, it will be delivered again
        rejoin.respond(new ShareGroupHeartbeatResponse("m2", 5000, TopicPartitions.of("t", List.of(0))));
        assertThat(consumer.poll(Duration.ZERO)).as("the lost records are not acknowledgeable any more").isEmpty();
        FakeNetwork.Request f = fetch();
        assertThat(f.body(ShareFetchRequest.class).memberId()).isEqualTo("m2");
        assertThat(acks(f)).isEmpty();
        f.respond(fetchReply(TP));
    }

    @Test
    void unknownGroupOnAShareAcknowledgeFailsTheAcknowledgementsAndJoinsAgain() {
        start(Map.of());
        subscribedWith(0);
        FakeNetwork.Request held = fetch();
        consumer.commitAsync();
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respondError(ErrorCode.UNKNOWN_CONSUMER_GROUP_ID, "deleted");
        net.runDue();
        consumer.commitAsync();
        assertThat(callbacks).containsExactly("t-0 [0] BrokerErrorException");
        assertThat(net.next(ApiKey.SHARE_GROUP_HEARTBEAT).body(ShareGroupHeartbeatRequest.class).memberId())
                .isEmpty();
        held.respond(fetchReply(TP));
    }

    @Test
    void groupTypeMismatchFailsTheConsumer() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respondError(ErrorCode.GROUP_TYPE_MISMATCH, "a consumer group");
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOfSatisfying(BrokerErrorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.GROUP_TYPE_MISMATCH));
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.FAILED);
        net.advanceMs(60_000);
        assertThat(net.pending(ApiKey.SHARE_GROUP_HEARTBEAT)).as("no more heartbeats").isEmpty();
    }

    @Test
    void authorizationFailureFailsTheConsumer() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respondError(ErrorCode.AUTHORIZATION_FAILED, "topic t");
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(
                io.streambus.client.AuthorizationException.class);
    }

    @Test
    void anInvalidFilterFailsTheConsumer() {
        start(Map.of("share.filter", "color = "));
        consumer.subscribe(List.of("t"));
        join();
        fetch().respondError(ErrorCode.INVALID_FILTER, "does not parse");
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("does not parse");
    }

    @Test
    void partitionNotAssignedDropsThePartitionAndHeartbeatsAtOnce() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        join();
        FakeNetwork.Request f = fetch();
        f.respond(new ShareFetchResponse(LOCK_MS, TopicPartitions.of("t", List.of(
                ShareFetchPartitionData.failed(0, ErrorCode.PARTITION_NOT_ASSIGNED)))));
        net.runDue();
        FakeNetwork.Request hb = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(hb.body(ShareGroupHeartbeatRequest.class).memberId()).isEqualTo("m1");
        assertThat(net.pending(ApiKey.SHARE_FETCH)).as("the partition is not fetched meanwhile").isEmpty();
        hb.respond(new ShareGroupHeartbeatResponse("m1", 5000, TopicPartitions.of("t", List.of(0))));
        fetch().respond(fetchReply(TP));
    }

    @Test
    void aStorageErrorOnAPartitionsAcknowledgementsIsRetriedAfterABackoff() {
        start(Map.of());
        subscribedWith(0, 1);
        FakeNetwork.Request held = fetch();
        consumer.commitAsync();
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respond(ackReply(ErrorCode.STORAGE_ERROR, List.of()));
        assertThat(net.pending(ApiKey.SHARE_ACKNOWLEDGE)).isEmpty();
        net.advanceMs(200);
        FakeNetwork.Request again = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(again)).containsExactly(ack(0, 1, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        again.respond(ackReply(0, List.of()));
        consumer.commitAsync();
        assertThat(callbacks).containsExactly("t-0 [0, 1] ok");
        held.respond(fetchReply(TP));
    }

    @Test
    void aRequestTimeoutStatusIsRetriedAfterABackoff() {
        start(Map.of());
        subscribedWith(0);
        FakeNetwork.Request held = fetch();
        consumer.commitAsync();
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respondError(ErrorCode.REQUEST_TIMEOUT, "busy");
        net.advanceMs(200);
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respond(ackReply(0, List.of()));
        consumer.commitAsync();
        assertThat(callbacks).containsExactly("t-0 [0] ok");
        held.respond(fetchReply(TP));
    }

    @Test
    void aRetryIsNeverSentUnderTheMemberIdOfALaterJoin() {
        start(Map.of());
        subscribedWith(0);
        FakeNetwork.Request held = fetch();
        consumer.commitAsync();
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respondError(ErrorCode.REQUEST_TIMEOUT, "busy"); // retried after 100 ms
        held.respondError(ErrorCode.UNKNOWN_MEMBER_ID, "broker restarted");
        net.runDue();
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respond(new ShareGroupHeartbeatResponse("m2", 5000,
                TopicPartitions.of("t", List.of(0))));
        FakeNetwork.Request f = fetch();
        assertThat(f.body(ShareFetchRequest.class).memberId()).isEqualTo("m2");
        assertThat(acks(f)).isEmpty();
        f.respond(fetchReply(TP, 0)); // the same record, delivered again to the new member
        net.advanceMs(200);
        // Sent as m2, the acceptance of m1's delivery would accept m2's and report success for a delivery that ended.
        assertThat(net.requests(ApiKey.SHARE_ACKNOWLEDGE)).hasSize(1);
        consumer.commitAsync();
        assertThat(callbacks).containsExactly("t-0 [0] StreamBusException");
        List<ShareRecord<String, String>> again = consumer.poll(Duration.ZERO);
        assertThat(offsets(again)).containsExactly(0L);
        assertThat(again.get(0).deliveryCount()).isEqualTo(1);
        fetch().respond(fetchReply(TP));
    }

    @Test
    void aPartitionAtItsInFlightLimitWithoutRecordsIsLeftOutForOneSecondWhenTheMemberHasAFilter() {
        start(Map.of("share.filter", "color = 'red'"));
        consumer.subscribe(List.of("t"));
        join();
        fetch().respond(new ShareFetchResponse(LOCK_MS, TopicPartitions.of("t", List.of(data(0, 1, 0, List.of(),
                true)))));
        assertThat(net.pending(ApiKey.SHARE_FETCH)).isEmpty();
        net.advanceMs(999);
        assertThat(net.pending(ApiKey.SHARE_FETCH)).isEmpty();
        net.advanceMs(1);
        fetch().respond(fetchReply(TP));
    }

    @Test
    void withoutAFilterAFullWindowIsLeftOutOnlyForTheFetchBackoffAndAcknowledgementsGoMeanwhile() {
        start(Map.of("fetch.backoff.ms", 50));
        subscribedWith(0);
        // The window is full of records other members hold: they free it when they acknowledge.
        fetch().respond(new ShareFetchResponse(LOCK_MS, TopicPartitions.of("t", List.of(data(0, 1, 0, List.of(),
                true)))));
        assertThat(net.pending(ApiKey.SHARE_FETCH)).isEmpty();
        consumer.poll(Duration.ZERO);
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        a.respond(ackReply(0, List.of()));
        net.advanceMs(49);
        assertThat(net.pending(ApiKey.SHARE_FETCH)).isEmpty();
        net.advanceMs(1);
        FakeNetwork.Request again = fetch();
        assertThat(acks(again)).as("already sent on their own").isEmpty();
        again.respond(fetchReply(TP));
    }

    @Test
    void theBackoffOfAMemberWithoutAFilterIsBoundedByOneSecond() {
        assertThat(InFlightLimitBackoff.forFilter("", 60_000).backoffNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(InFlightLimitBackoff.forFilter(null, 0).backoffNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(InFlightLimitBackoff.forFilter(null, 100).warn()).isFalse();
        assertThat(InFlightLimitBackoff.forFilter("a = 1", 100)).isEqualTo(InFlightLimitBackoff.FILTERED);
    }

    @Test
    void aLostFetchConnectionIsReopenedAfterABackoffAndItsAcknowledgementsSentOnTheirOwn() {
        start(Map.of("share.acknowledgement.mode", "explicit"));
        List<ShareRecord<String, String>> polled = subscribedWith(0);
        FakeNetwork.Request f = fetch();
        consumer.acknowledge(polled.get(0));
        f.respond(fetchReply(TP));
        FakeNetwork.Request withAcks = fetch();
        assertThat(acks(withAcks)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        withAcks.connection().close();
        net.advanceMs(200);
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT));
        a.respond(ackReply(0, List.of()));
        FakeNetwork.Request refetch = fetch();
        assertThat(refetch.connection()).isNotSameAs(withAcks.connection());
        refetch.respond(fetchReply(TP));
        consumer.poll(Duration.ZERO);
        assertThat(callbacks).containsExactly("t-0 [0] ok");
    }

    @Test
    void aRetriableHeartbeatFailureIsRetriedAfterABackoff() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        net.next(ApiKey.SHARE_GROUP_HEARTBEAT).respondError(ErrorCode.REQUEST_TIMEOUT, "busy");
        assertThat(net.pending(ApiKey.SHARE_GROUP_HEARTBEAT)).isEmpty();
        net.advanceMs(200);
        join();
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.STABLE);
        fetch().respond(fetchReply(TP));
    }

    @Test
    void aTopicGoneOnAShareAcknowledgeDropsThePartitionAndHeartbeatsAtOnce() {
        start(Map.of());
        subscribedWith(0);
        FakeNetwork.Request held = fetch();
        consumer.commitAsync();
        net.next(ApiKey.SHARE_ACKNOWLEDGE).respond(ackReply(ErrorCode.TOPIC_NOT_FOUND, List.of()));
        FakeNetwork.Request hb = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(hb.body(ShareGroupHeartbeatRequest.class).memberId()).isEqualTo("m1");
        hb.respond(new ShareGroupHeartbeatResponse("m1", 5000, TopicPartitions.empty()));
        consumer.commitAsync();
        assertThat(callbacks).containsExactly("t-0 [0] BrokerErrorException");
        held.respond(fetchReply(TP, 1)); // fetched before the assignment changed: dropped with the partition
        assertThat(consumer.poll(Duration.ZERO)).isEmpty();
    }

    @Test
    void aPartitionAuthorizationFailureOnAFetchFailsTheConsumer() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        join();
        fetch().respond(new ShareFetchResponse(LOCK_MS, TopicPartitions.of("t", List.of(
                ShareFetchPartitionData.failed(0, ErrorCode.AUTHORIZATION_FAILED)))));
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO))
                .isInstanceOf(io.streambus.client.AuthorizationException.class);
    }

    @Test
    void unsubscribeReturnsWhatWasNeverSeenAndWhatTheFetchInFlightBroughtLeavesAndASubscribeJoinsAfresh()
            throws Exception {
        start(Map.of("max.poll.records", 1));
        subscribedWith(0, 1, 2);
        FakeNetwork.Request held = fetch();
        CompletableFuture<Void> left = CompletableFuture.runAsync(consumer::unsubscribe);
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        FakeNetwork.Request a = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(a)).containsExactly(ack(0, 0, io.streambus.protocol.share.AcknowledgeType.ACCEPT),
                ack(1, 2, io.streambus.protocol.share.AcknowledgeType.RETURN));
        a.respond(ackReply(0, List.of()));
        held.respond(fetchReply(TP, 3));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_ACKNOWLEDGE).isEmpty());
        FakeNetwork.Request returned = net.next(ApiKey.SHARE_ACKNOWLEDGE);
        assertThat(acks(returned)).containsExactly(ack(3, 3, io.streambus.protocol.share.AcknowledgeType.RETURN));
        returned.respond(ackReply(0, List.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> !net.pending(ApiKey.SHARE_GROUP_HEARTBEAT).isEmpty());
        assertThat(net.requests(ApiKey.SHARE_FETCH)).as("no fetch sent while unsubscribing").hasSize(2);
        FakeNetwork.Request leave = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(leave.body(ShareGroupHeartbeatRequest.class).leave()).isTrue();
        leave.respond(new ShareGroupHeartbeatResponse("m1", 0, TopicPartitions.empty()));
        left.get(10, TimeUnit.SECONDS);
        assertThat(consumer.memberState()).isEqualTo(ShareMemberState.UNSUBSCRIBED);
        assertThat(consumer.subscription()).isEmpty();
        assertThatThrownBy(() -> consumer.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        consumer.subscribe(List.of("t"));
        FakeNetwork.Request rejoin = net.next(ApiKey.SHARE_GROUP_HEARTBEAT);
        assertThat(rejoin.body(ShareGroupHeartbeatRequest.class).memberId()).isEmpty();
        rejoin.respond(new ShareGroupHeartbeatResponse("m2", 5000, TopicPartitions.of("t", List.of(0))));
        FakeNetwork.Request f = fetch();
        assertThat(f.connection()).as("a new fetch connection").isNotSameAs(held.connection());
        assertThat(f.body(ShareFetchRequest.class).memberId()).isEqualTo("m2");
        f.respond(fetchReply(TP));
    }

    @Test
    void wakeupInterruptsPoll() {
        start(Map.of());
        consumer.subscribe(List.of("t"));
        consumer.wakeup();
        assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(5))).isInstanceOf(WakeupException.class);
    }

    @Test
    void aBrokerWithoutShareGroupsFailsAtOnce() {
        net = new FakeNetwork(FakeNetwork.config(Map.of()), new ManualTime(), alloc);
        ClientContext ctx = net.newContext();
        assertThatThrownBy(() -> ctx.newShareConsumer("g", Serdes.stringDeserializer(), Serdes.stringDeserializer(),
                ctx.config())).isInstanceOfSatisfying(UnsupportedFeatureException.class,
                        e -> assertThat(e.capability()).isEqualTo("share-groups"));
        assertThat(net.requests()).isEmpty();
    }

    @Test
    void stateMachinesRefuseIllegalTransitionsNamingBothStates() {
        assertThatThrownBy(() -> ShareMemberState.UNSUBSCRIBED.moveTo(ShareMemberState.STABLE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("UNSUBSCRIBED")
                .hasMessageContaining("STABLE");
        assertThatThrownBy(() -> ShareMemberState.CLOSED.moveTo(ShareMemberState.JOINING))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ShareMemberState.STABLE.moveTo(ShareMemberState.JOINING)).isEqualTo(ShareMemberState.JOINING);
        assertThatThrownBy(() -> RecordState.DONE.moveTo(RecordState.ACKNOWLEDGED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DONE")
                .hasMessageContaining("ACKNOWLEDGED");
        assertThatThrownBy(() -> RecordState.PREFETCHED.moveTo(RecordState.SENDING))
                .isInstanceOf(IllegalStateException.class);
        Set<RecordState> fromSending = new HashSet<>();
        for (RecordState s : RecordState.values()) {
            try {
                RecordState.SENDING.moveTo(s);
                fromSending.add(s);
            } catch (IllegalStateException e) {
                // not allowed
            }
        }
        assertThat(fromSending).containsExactlyInAnyOrder(RecordState.DONE, RecordState.LOST);
    }

    @Test
    void rangesCoverOnlyConsecutiveOffsetsOfOneType() {
        var accept = io.streambus.protocol.share.AcknowledgeType.ACCEPT;
        var reject = io.streambus.protocol.share.AcknowledgeType.REJECT;
        assertThat(Acknowledger.ranges(List.of(1L, 2L, 3L, 5L, 6L, 7L), List.of(accept, accept, accept, accept,
                reject, reject))).containsExactly(ack(1, 3, accept), ack(5, 5, accept), ack(6, 7, reject));
    }
}
