package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.testkit.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * Scenario (b): network partitions between a Camel group consumer route and the broker, made by a
 * {@link FaultProxy} black hole (neither side learns anything; the connections it held stay dead). Partitions of
 * 1, 2 and 3 s ({@code -Dstreambus.slow=true}: 1, 5, 10, 20 and 40 s, longer than the session timeout) while a
 * producer keeps writing directly to the broker. The route must survive, every record must arrive, duplicates are
 * bounded: every delivered record is committed before a partition starts, and a member silent for longer than the
 * session timeout gives up its partitions itself (B.6.1), so only a partition that ends just before the session
 * does may repeat records: those its member fetched after the heal and before it learnt that it had been expired
 * (at-least-once). Prints one SCENARIO-B line.
 */
class NetworkPartitionTest extends CamelTestBase {
    private static final boolean SLOW = Boolean.getBoolean("streambus.slow");
    private static final List<Integer> PARTITION_SECONDS = SLOW ? List.of(1, 5, 10, 20, 40) : List.of(1, 2, 3);
    private static final int SESSION_TIMEOUT_MS = 6000;
    /**
     * How much longer than the partition a member may stay silent: a heartbeat sent just before the partition, and
     * up to a request timeout for the client to give up a dead connection after the heal.
     */
    private static final int SILENCE_SLACK_MS = 500 + 2000;
    private static final String CLIENT = "&sessionTimeoutMs=" + SESSION_TIMEOUT_MS
            + "&heartbeatIntervalMs=500&rebalanceTimeoutMs=5000"
            + "&pollTimeoutMs=200&autoCommitIntervalMs=200&requestTimeoutMs=2000&connectTimeoutMs=2000";

    private boolean committedToEnd(String topic) throws Exception {
        for (int p = 0; p < 2; p++) {
            if (sb.committed("partitioned", topic, p) != sb.endOffset(topic, p)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void routeSurvivesPartitionsWithoutLosingRecords() throws Exception {
        String topic = BrokerSupport.uniqueTopic("partition");
        sb.createTopic(topic, 2);
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (FaultProxy proxy = FaultProxy.start(Integer.parseInt(sb.brokers.substring(sb.brokers.lastIndexOf(':') + 1)))) {
            start(new RouteBuilder() {
                @Override
                public void configure() {
                    from("streambus:" + topic + "?brokers=" + proxy.address() + "&groupId=partitioned"
                            + "&autoOffsetReset=earliest" + CLIENT).routeId("partitioned")
                            .process(e -> seen.computeIfAbsent(e.getIn().getBody(String.class),
                                    k -> new AtomicInteger()).incrementAndGet());
                }
            });
            int produced = 0;
            int mayRepeat = 0;
            List<Long> catchUpMs = new ArrayList<>();
            for (int round = 0; round <= PARTITION_SECONDS.size(); round++) {
                for (int p = 0; p < 2; p++) {
                    sb.produce(topic, p, values("r" + round + "-p" + p + "-", 0, 50));
                    produced += 50;
                }
                int expected = produced;
                long t0 = System.nanoTime();
                await().atMost(Duration.ofSeconds(90)).until(() -> seen.size() == expected);
                if (round > 0) {
                    catchUpMs.add((System.nanoTime() - t0) / 1_000_000);
                }
                if (round == PARTITION_SECONDS.size()) {
                    break;
                }
                // Everything delivered so far is committed before the partition starts, so the only records that
                // may legitimately arrive twice are those a member fetched after the heal but before it learnt that
                // its session had expired: at most the records written during a partition longer than the session.
                await().atMost(Duration.ofSeconds(30)).until(() -> committedToEnd(topic));
                proxy.blackHole(true);
                for (int p = 0; p < 2; p++) {
                    sb.produce(topic, p, values("during" + round + "-p" + p + "-", 0, 25));
                    produced += 50 / 2;
                }
                long partitionMs = PARTITION_SECONDS.get(round) * 1000L;
                if (partitionMs < SESSION_TIMEOUT_MS && partitionMs + SILENCE_SLACK_MS >= SESSION_TIMEOUT_MS) {
                    // the session may end after the heal: what the member fetches before it learns so (the records
                    // written during the partition and the next round's) may come again; a partition that outlasts
                    // the session timeout ends the member's session on its side before the heal, so nothing repeats
                    mayRepeat += 50 + 100;
                }
                Thread.sleep(PARTITION_SECONDS.get(round) * 1000L); // the partition's length: elapsed time itself
                proxy.blackHole(false);
            }
            int duplicates = seen.values().stream().mapToInt(a -> a.get() - 1).sum();
            System.out.printf("SCENARIO-B partitions=%s s, produced=%d, delivered distinct=%d, duplicates=%d, "
                    + "allowed=%d, catch-up after each heal (ms)=%s%n", PARTITION_SECONDS, produced, seen.size(),
                    duplicates, mayRepeat, catchUpMs);
            assertThat(seen).hasSize(produced);
            assertThat(duplicates).as("records delivered twice").isLessThanOrEqualTo(mayRepeat);
        }
    }
}
