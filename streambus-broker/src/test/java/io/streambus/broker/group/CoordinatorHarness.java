package io.streambus.broker.group;

import io.streambus.protocol.group.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real coordinator over a real offset store in a temporary directory, driven by a {@link ManualTimer}. Topics and
 * ACLs are small real implementations of the SPI interfaces.
 */
abstract class CoordinatorHarness {

    static final int SESSION = 30_000;
    static final int REBALANCE = 10_000;

    @TempDir
    Path dataDir;

    final ManualTimer timer = new ManualTimer();
    final Map<String, Integer> topicPartitions = new ConcurrentHashMap<>(Map.of("orders", 3, "payments", 1));
    /** "principal|GROUP|ACTION|name" or "principal|TOPIC|ACTION|name" entries that are denied. */
    final Set<String> denied = ConcurrentHashMap.newKeySet();
    final GroupAuthorizer acl = new GroupAuthorizer() {
        @Override
        public boolean authorizeGroup(String principal, GroupAction action, String groupId) {
            return !denied.contains(principal + "|GROUP|" + action + "|" + groupId);
        }

        @Override
        public boolean authorizeTopic(String principal, GroupAction action, String topic) {
            return !denied.contains(principal + "|TOPIC|" + action + "|" + topic);
        }
    };

    OffsetStore store;
    GroupCoordinator coordinator;

    GroupCoordinatorConfig config() {
        return GroupCoordinatorConfig.builder().build();
    }

    @BeforeEach
    void start() throws Exception {
        store = OffsetStore.open(dataDir);
        coordinator = newCoordinator();
    }

    GroupCoordinator newCoordinator() {
        return new GroupCoordinator(config(), store, topic -> topicPartitions.getOrDefault(topic, -1), acl, timer);
    }

    @AfterEach
    void stop() {
        coordinator.close();
        store.close();
    }

    /** Closes coordinator and store and opens both again on the same directory (a broker restart). */
    void restart() throws Exception {
        coordinator.close();
        store.close();
        store = OffsetStore.open(dataDir);
        coordinator = newCoordinator();
    }

    static byte[] subscription(String... topics) {
        return new Subscription(List.of(topics)).toBytes();
    }

    static List<Protocol> protocols(String... names) {
        List<Protocol> out = new ArrayList<>();
        for (String n : names) {
            out.add(new Protocol(n, subscription("orders")));
        }
        return out;
    }

    CompletableFuture<JoinResult> join(Object conn, String group, String memberId, String clientId) {
        return coordinator.joinGroup(new JoinRequest(conn, "alice", group, SESSION, REBALANCE, memberId, clientId, "consumer",
                protocols("range", "roundrobin")));
    }

    CompletableFuture<JoinResult> join(Object conn, String group, String memberId, String clientId,
                                       List<Protocol> protocols) {
        return coordinator.joinGroup(new JoinRequest(conn, "alice", group, SESSION, REBALANCE, memberId, clientId, "consumer",
                protocols));
    }

    CompletableFuture<SyncResult> sync(String group, int generation, String memberId,
                                       MemberAssignment... assignments) {
        return coordinator.syncGroup("alice", group, generation, memberId, List.of(assignments));
    }

    int heartbeat(String group, int generation, String memberId) {
        return get(coordinator.heartbeat("alice", group, generation, memberId));
    }

    static <T> T get(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future did not complete normally", e);
        }
    }

    static JoinResult joined(CompletableFuture<JoinResult> f) {
        assertThat(f).as("join answered").isDone();
        JoinResult r = get(f);
        assertThat(r.errorCode()).as("join error code").isZero();
        return r;
    }

    GroupCoordinator.GroupSnapshot snap(String group) {
        return coordinator.snapshot(group);
    }

    /** A member that joined alone and synced: returns its JoinResult. */
    JoinResult stableSingle(String group, String clientId) {
        JoinResult r = joined(join("conn-" + clientId, group, "", clientId));
        assertThat(get(sync(group, r.generation(), r.memberId(),
                new MemberAssignment(r.memberId(), new byte[] {1}))).errorCode()).isZero();
        return r;
    }

    static List<TopicData<CommitPartition>> commits(String topic, Object... partitionOffsetPairs) {
        List<CommitPartition> list = new ArrayList<>();
        for (int i = 0; i < partitionOffsetPairs.length; i += 2) {
            list.add(new CommitPartition((Integer) partitionOffsetPairs[i],
                    ((Number) partitionOffsetPairs[i + 1]).longValue(), "m"));
        }
        return List.of(new TopicData<>(topic, list));
    }

    /** Every per-partition code of a commit result, flattened. */
    static List<Integer> codes(OffsetCommitResult r) {
        List<Integer> out = new ArrayList<>();
        r.topics().forEach(t -> t.partitions().forEach(p -> out.add(p.errorCode())));
        return out;
    }

    long fetched(String group, String topic, int partition) {
        OffsetFetchResult r = get(coordinator.offsetFetch("alice", group,
                List.of(new TopicData<>(topic, List.of(partition)))));
        assertThat(r.errorCode()).isZero();
        return r.topics().get(0).partitions().get(0).offset();
    }
}
