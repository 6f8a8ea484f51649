package io.streambus.client.internal.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.client.ClientConfig;
import io.streambus.client.consumer.RebalanceListener;
import io.streambus.client.internal.ClientContext;
import io.streambus.client.internal.net.FakeNetwork;
import io.streambus.common.TopicPartition;
import io.streambus.protocol.ApiKey;
import io.streambus.protocol.PartitionOffsetResult;
import io.streambus.protocol.PartitionResult;
import io.streambus.protocol.TopicPartitions;
import io.streambus.protocol.core.ListTopicsResponse;
import io.streambus.protocol.core.TopicInfo;
import io.streambus.protocol.group.Assignment;
import io.streambus.protocol.group.JoinGroupRequest;
import io.streambus.protocol.group.JoinGroupResponse;
import io.streambus.protocol.group.OffsetCommitRequest;
import io.streambus.protocol.group.OffsetCommitResponse;
import io.streambus.protocol.group.OffsetFetchRequest;
import io.streambus.protocol.group.OffsetFetchResponse;
import io.streambus.protocol.group.Subscription;
import io.streambus.protocol.group.SyncGroupResponse;
import java.time.Duration;
import org.awaitility.core.ConditionFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A group consumer on the scripted {@link FakeNetwork} with a manual clock and a {@link FakeEngine}, for unit tests
 * of the membership without a broker. The coordinator thread is not started: the test runs each
 * {@link GroupMembership#runOnce()} step on a "coordinator" executor and each consumer call on a "consumer"
 * executor, and plays the broker on its own thread, answering the requests they send (both block on them as they
 * would on a real network). Everything that happens is in {@link #events}, in order: engine calls, listener
 * callbacks, and "sent X" for each request the test takes from the fake.
 */
final class GroupTestKit implements AutoCloseable {
    static final String GROUP = "g";
    static final String TOPIC = "t";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    static final int HEARTBEAT_MS = 1000;
    static final int BACKOFF_MS = 100;
    private static final long WAIT_SECONDS = 5;

    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final FakeNetwork net;
    final ClientContext ctx;
    final FakeEngine engine = new FakeEngine(events);
    final DefaultGroupConsumer<String, String> consumer;
    final GroupMembership membership;
    final RebalanceListener listener = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add("revoked " + new TreeSet<>(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add("assigned " + new TreeSet<>(partitions));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add("lost " + new TreeSet<>(partitions));
        }
    };
    private final ExecutorService coordinatorThread = Executors.newSingleThreadExecutor(
            r -> new Thread(r, "test-coordinator"));
    private final ExecutorService consumerThread = Executors.newSingleThreadExecutor(
            r -> new Thread(r, "test-consumer"));

    GroupTestKit() {
        this(Map.of());
    }

    GroupTestKit(Map<String, ?> overrides) {
        this(overrides, net -> { });
    }

    /** A kit whose fake broker is set up by {@code broker} before the consumer is created. */
    GroupTestKit(Map<String, ?> overrides, java.util.function.Consumer<FakeNetwork> broker) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(ClientConfig.CLIENT_ID, "c");
        settings.put(ClientConfig.HEARTBEAT_INTERVAL_MS, HEARTBEAT_MS);
        settings.put(ClientConfig.RETRY_BACKOFF_MS, BACKOFF_MS);
        settings.put(ClientConfig.RETRY_BACKOFF_MAX_MS, BACKOFF_MS * 8);
        settings.put(ClientConfig.ENABLE_AUTO_COMMIT, true);
        settings.putAll(overrides);
        ClientConfig config = FakeNetwork.config(settings);
        net = new FakeNetwork(config);
        broker.accept(net);
        ctx = net.newContext();
        GroupNetwork network = new GroupNetwork(ctx);
        consumer = new DefaultGroupConsumer<>(GROUP, ctx.clientId(),
                GroupSettings.of(config, network.requestTimeoutNanos(), network.apiTimeoutNanos()), network,
                net.time(), false, () -> engine, FakeEngine::positions);
        membership = consumer.membership();
    }

    // ---- threads -----------------------------------------------------------------------------------------------

    /** Starts one coordinator step; it may block on a request the test has to answer. */
    Future<Long> step() {
        return coordinatorThread.submit(membership::runOnce);
    }

    /** Runs coordinator steps until one sends a request of type {@code key}, which it then waits for. */
    Future<Long> stepUntil(ApiKey key) throws Exception {
        int before = net.requests(key).size();
        for (int i = 0; i < 5; i++) {
            Future<Long> f = step();
            waiting().until(() -> f.isDone() || net.requests(key).size() > before);
            if (net.requests(key).size() > before) {
                return f;
            }
            f.get();
        }
        throw new AssertionError("no " + key + " after 5 coordinator steps; sent: " + net.requests());
    }

    /** A bounded wait that checks often: the other threads answer within microseconds once unblocked. */
    private static ConditionFactory waiting() {
        return await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1));
    }

    /** Runs one coordinator step that must not send anything, and returns what it asks to wait. */
    long idleStep() throws Exception {
        int before = net.requests().size();
        long wait = done(step());
        assertThat(net.requests()).as("requests of an idle step").hasSize(before);
        return wait;
    }

    /** Runs {@code call} on the consumer thread. */
    <T> Future<T> onConsumer(Callable<T> call) {
        return consumerThread.submit(call);
    }

    /** Runs {@code call} on the consumer thread. */
    Future<?> onConsumer(Runnable call) {
        return consumerThread.submit(call);
    }

    /** Waits (bounded) for a step or call to end, rethrowing what it threw. */
    static <T> T done(Future<T> f) throws Exception {
        try {
            return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    // ---- the broker's side -------------------------------------------------------------------------------------

    /** The oldest unanswered request of type {@code key}, once sent (bounded wait); logged as "sent KEY". */
    FakeNetwork.Request expect(ApiKey key) {
        waiting().until(() -> !net.pending(key).isEmpty());
        events.add("sent " + key);
        return net.next(key);
    }

    /** Subscribes to {@link #TOPIC} with the recording listener. */
    void subscribe() {
        consumer.subscribe(List.of(TOPIC), listener);
    }

    /** Answers JoinGroup as the group would for a follower (the leader is another member). */
    static JoinGroupResponse follower(int generation, String memberId) {
        return new JoinGroupResponse(generation, "range", memberId, "leader-x", List.of());
    }

    /**
     * Joins as a follower: the steps up to JoinGroup, answered with {@code generation}/{@code memberId}, then
     * SyncGroup answered with {@code partitions}. Returns the JoinGroup request.
     */
    JoinGroupRequest join(int generation, String memberId, List<TopicPartition> partitions) throws Exception {
        Future<Long> f = stepUntil(ApiKey.JOIN_GROUP);
        FakeNetwork.Request join = expect(ApiKey.JOIN_GROUP);
        JoinGroupRequest body = join.body(JoinGroupRequest.class);
        join.respond(follower(generation, memberId));
        sync(partitions);
        assertThat(done(f)).isZero();
        return body;
    }

    /** Answers the SyncGroup in flight with {@code partitions}. */
    void sync(List<TopicPartition> partitions) {
        expect(ApiKey.SYNC_GROUP).respond(new SyncGroupResponse(new Assignment(partitions).toBytes()));
    }

    /** A poll that applies the assignment handed over, answering its OffsetFetch with {@code committed}. */
    void pollApplying(Map<TopicPartition, Long> committed) throws Exception {
        Future<?> p = onConsumer(() -> consumer.poll(Duration.ZERO));
        FakeNetwork.Request fetch = expect(ApiKey.OFFSET_FETCH);
        Map<String, List<PartitionOffsetResult>> byTopic = new HashMap<>();
        for (TopicPartitions.Topic<Integer> t : fetch.body(OffsetFetchRequest.class).partitions().topics()) {
            for (int p0 : t.partitions()) {
                Long off = committed.get(new TopicPartition(t.name(), p0));
                byTopic.computeIfAbsent(t.name(), x -> new ArrayList<>())
                        .add(new PartitionOffsetResult(p0, off == null ? -1 : off, "", 0));
            }
        }
        fetch.respond(new OffsetFetchResponse(TopicPartitions.of(byTopic)));
        done(p);
    }

    /** Subscribes and joins as follower {@code m-1} of generation 1 owning {@code partitions}, applied by a poll. */
    void stableMember(List<TopicPartition> partitions) throws Exception {
        subscribe();
        join(1, "m-1", partitions);
        pollApplying(Map.of());
        assertThat(consumer.assignment()).containsExactlyInAnyOrderElementsOf(partitions);
        assertThat(membership.state()).isEqualTo(MemberState.STABLE);
    }

    /** Lets a heartbeat fall due and answers it with {@code code} (0: success). Returns the step's result. */
    long heartbeat(int code) throws Exception {
        net.advanceMs(HEARTBEAT_MS);
        Future<Long> f = stepUntil(ApiKey.HEARTBEAT);
        FakeNetwork.Request hb = expect(ApiKey.HEARTBEAT);
        if (code == 0) {
            hb.respond(new io.streambus.protocol.group.HeartbeatResponse());
        } else {
            hb.respondError(code, "scripted");
        }
        return done(f);
    }

    /** Answers an OffsetCommit with {@code code} for every partition; returns the request. */
    static OffsetCommitRequest answerCommit(FakeNetwork.Request commit, int code) {
        OffsetCommitRequest req = commit.body(OffsetCommitRequest.class);
        Map<String, List<PartitionResult>> byTopic = new HashMap<>();
        req.offsets().topics().forEach(t -> t.partitions().forEach(p -> byTopic
                .computeIfAbsent(t.name(), x -> new ArrayList<>()).add(new PartitionResult(p.partition(), code))));
        commit.respond(new OffsetCommitResponse(TopicPartitions.of(byTopic)));
        return req;
    }

    /** Answers ListTopics with these partition counts. */
    static void answerTopics(FakeNetwork.Request listTopics, Map<String, Integer> counts) {
        List<TopicInfo> topics = new ArrayList<>();
        counts.forEach((name, n) -> topics.add(new TopicInfo(name, n)));
        listTopics.respond(new ListTopicsResponse(topics));
    }

    /** The subscription a JoinGroup carries (B.6.2). */
    static Subscription subscriptionOf(JoinGroupRequest join) {
        return Subscription.fromBytes(join.protocols().get(0).metadata());
    }

    @Override
    public void close() {
        coordinatorThread.shutdownNow();
        consumerThread.shutdownNow();
        ctx.close(Duration.ofSeconds(1));
    }
}
