package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConsumer;
import io.streambus.camel.consumer.StreamBusConsumerTaskInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Consumer groups: assignment over consumer threads and route instances, rebalancing, seekTo once, commits. */
class GroupConsumerTest extends CamelTestBase {

    private static final String FAST_GROUP = "&sessionTimeoutMs=6000&heartbeatIntervalMs=500&rebalanceTimeoutMs=5000"
            + "&pollTimeoutMs=200&autoCommitIntervalMs=200";

    /** Counts deliveries per value, to see losses and duplicates. */
    private static final class Deliveries {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

        void add(String v) {
            counts.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
        }

        int distinct() {
            return counts.size();
        }

        int total() {
            return counts.values().stream().mapToInt(AtomicInteger::get).sum();
        }
    }

    private RouteBuilder counting(String routeId, String from, Deliveries d) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from(from).routeId(routeId).process(e -> d.add(e.getIn().getBody(String.class)));
            }
        };
    }

    private static void produceAll(String topic, int partitions, int perPartition, String prefix) {
        for (int p = 0; p < partitions; p++) {
            sb.produce(topic, p, values(prefix + p + "-", 0, perPartition));
        }
    }

    @Test
    void groupRoundTripCommitsEveryPartition() throws Exception {
        String topic = BrokerSupport.uniqueTopic("group");
        sb.createTopic(topic, 3);
        produceAll(topic, 3, 20, "a");
        Deliveries d = new Deliveries();
        CamelContext c = start(counting("g", uri(topic, "groupId=rt-g&autoOffsetReset=earliest" + FAST_GROUP), d));
        await().atMost(Duration.ofSeconds(20)).until(() -> d.distinct() == 60);
        c.stop();
        for (int p = 0; p < 3; p++) {
            assertThat(sb.committed("rt-g", topic, p)).isEqualTo(20);
        }
        assertThat(d.total()).isEqualTo(60);

        // restart: the group resumes right after the last processed record of each partition
        produceAll(topic, 3, 5, "b");
        Deliveries again = new Deliveries();
        start(counting("g2", uri(topic, "groupId=rt-g&autoOffsetReset=earliest" + FAST_GROUP), again));
        await().atMost(Duration.ofSeconds(20)).until(() -> again.distinct() == 15);
        holdsFor(Duration.ofMillis(300), () -> again.total() == 15);
        assertThat(again.total()).isEqualTo(15);
        assertThat(again.counts.keySet()).allMatch(v -> v.startsWith("b"));
    }

    @Test
    void consumersCountSharesPartitionsAndASecondInstanceTriggersARebalanceWithoutLossOrDuplicates()
            throws Exception {
        String topic = BrokerSupport.uniqueTopic("rebalance");
        sb.createTopic(topic, 6);
        String from = uri(topic, "groupId=rb-g&autoOffsetReset=earliest&consumersCount=3" + FAST_GROUP);
        Deliveries d = new Deliveries();
        CamelContext first = start(counting("first", from, d));
        StreamBusConsumer c1 = (StreamBusConsumer) first.getRoute("first").getConsumer();
        // the first task to join may own all 6 until the other two join: wait for the settled generation
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(c1.getTasks()).hasSize(3);
            for (StreamBusConsumerTaskInfo t : c1.getTasks()) {
                assertThat(t.partitions()).as("balanced over 3 threads").hasSize(2);
            }
        });
        produceAll(topic, 6, 50, "a");
        await().atMost(Duration.ofSeconds(20)).until(() -> d.distinct() == 300);

        // a second application instance joins the group: the partitions are shared, nothing lost or read twice
        Deliveries d2 = new Deliveries();
        CamelContext second = start(counting("second", from, d2));
        StreamBusConsumer c2 = (StreamBusConsumer) second.getRoute("second").getConsumer();
        produceAll(topic, 6, 50, "b");
        await().atMost(Duration.ofSeconds(30)).until(() -> assigned(c1) + assigned(c2) == 6 && assigned(c2) > 0);
        produceAll(topic, 6, 50, "c");
        await().atMost(Duration.ofSeconds(30)).until(() -> d.distinct() + d2.distinct() == 900);
        holdsFor(Duration.ofMillis(500), () -> d.total() + d2.total() == 900);
        List<String> both = new ArrayList<>(d.counts.keySet());
        both.retainAll(d2.counts.keySet());
        assertThat(both).as("no record processed by both instances").isEmpty();
        assertThat(d.total() + d2.total()).as("no record processed twice").isEqualTo(900);
        assertThat(d2.distinct()).isPositive();
    }

    @Test
    void seekToBeginningIsNotRepeatedWhenPartitionsMoveBetweenThreadsOfTheRoute() throws Exception {
        String topic = BrokerSupport.uniqueTopic("seekonce");
        sb.createTopic(topic, 4);
        produceAll(topic, 4, 25, "a");
        Deliveries d = new Deliveries();
        CamelContext c = start(counting("s", uri(topic, "groupId=so-g&seekTo=BEGINNING&consumersCount=2"
                + FAST_GROUP), d));
        StreamBusConsumer consumer = (StreamBusConsumer) c.getRoute("s").getConsumer();
        await().atMost(Duration.ofSeconds(20)).until(() -> d.distinct() == 100);
        await().atMost(Duration.ofSeconds(20)).until(() -> consumer.getTasks().stream()
                .allMatch(t -> !t.partitions().isEmpty()));
        produceAll(topic, 4, 25, "b");
        await().atMost(Duration.ofSeconds(20)).until(() -> d.distinct() == 200);
        holdsFor(Duration.ofMillis(500), () -> d.total() == 200);
        assertThat(d.total()).as("partitions moved between threads were not sought to the beginning again")
                .isEqualTo(200);
    }

    @Test
    void aStoppingInstanceCommitsAndHandsItsPartitionsOver() throws Exception {
        String topic = BrokerSupport.uniqueTopic("handover");
        sb.createTopic(topic, 4);
        String from = uri(topic, "groupId=ho-g&autoOffsetReset=earliest&consumersCount=2" + FAST_GROUP);
        Deliveries d1 = new Deliveries();
        Deliveries d2 = new Deliveries();
        CamelContext first = start(counting("one", from, d1));
        CamelContext second = start(counting("two", from, d2));
        StreamBusConsumer c2 = (StreamBusConsumer) second.getRoute("two").getConsumer();
        produceAll(topic, 4, 50, "a");
        await().atMost(Duration.ofSeconds(20)).until(() -> d1.distinct() + d2.distinct() == 200);
        first.stop(); // graceful: commits what it processed and leaves the group
        await().atMost(Duration.ofSeconds(20)).until(() -> assigned(c2) == 4);
        produceAll(topic, 4, 50, "b");
        await().atMost(Duration.ofSeconds(20)).until(() -> d1.distinct() + d2.distinct() == 400);
        holdsFor(Duration.ofMillis(500), () -> d1.total() + d2.total() == 400);
        assertThat(d1.total() + d2.total()).as("nothing processed twice across the hand-over").isEqualTo(400);
    }

    @Test
    void breakOnFirstErrorInAGroupRereadsTheFailedRecord() throws Exception {
        String topic = BrokerSupport.uniqueTopic("gbreak");
        sb.createTopic(topic, 2);
        produceAll(topic, 2, 10, "a");
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        Deliveries ok = new Deliveries();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=gb-g&autoOffsetReset=earliest&breakOnFirstError=true" + FAST_GROUP))
                        .process(e -> {
                            String v = e.getIn().getBody(String.class);
                            int n = attempts.computeIfAbsent(v, k -> new AtomicInteger()).incrementAndGet();
                            if (v.equals("a1-4") && n < 3) {
                                throw new IllegalStateException("fail " + v);
                            }
                            ok.add(v);
                        });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> ok.distinct() == 20);
        holdsFor(Duration.ofMillis(300), () -> ok.total() == 20);
        assertThat(ok.total()).isEqualTo(20);
        assertThat(attempts.get("a1-4")).hasValue(3);
        assertThat(attempts.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(22);
        await().atMost(Duration.ofSeconds(10)).until(() -> sb.committed("gb-g", topic, 1) == 10);
    }

    @Test
    void topicPatternSubscribesToMatchingTopics() throws Exception {
        String prefix = BrokerSupport.uniqueTopic("pattern");
        sb.createTopic(prefix + "-x", 1);
        sb.createTopic(prefix + "-y", 2);
        sb.createTopic(BrokerSupport.uniqueTopic("other"), 1);
        sb.produce(prefix + "-x", 0, values("x", 0, 3));
        sb.produce(prefix + "-y", 1, values("y", 0, 3));
        Deliveries d = new Deliveries();
        start(counting("p", "streambus:" + prefix + "-.*?brokers=" + sb.brokers + "&topicIsPattern=true"
                + "&groupId=pat-g&autoOffsetReset=earliest" + FAST_GROUP, d));
        await().atMost(Duration.ofSeconds(20)).until(() -> d.distinct() == 6);
        assertThat(d.counts.keySet()).containsExactlyInAnyOrder("x0", "x1", "x2", "y0", "y1", "y2");
    }

    @Test
    void manualCommitGroupCommitsOnlyWhatTheRouteCommits() throws Exception {
        String topic = BrokerSupport.uniqueTopic("gmanual");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("m", 0, 10));
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=gm-g&autoOffsetReset=earliest&allowManualCommit=true" + FAST_GROUP))
                        .filter(header("CamelStreamBusOffset").isEqualTo(4L))
                        .process(e -> e.getIn().getHeader("CamelStreamBusManualCommit",
                                io.streambus.camel.consumer.StreamBusManualCommit.class).commitSync());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> sb.committed("gm-g", topic, 0) == 5);
        c.stop();
        assertThat(sb.committed("gm-g", topic, 0)).as("no commit on revocation or shutdown").isEqualTo(5);
    }

    private static int assigned(StreamBusConsumer c) {
        int n = 0;
        for (StreamBusConsumerTaskInfo t : c.getTasks()) {
            n += t.partitions().size();
        }
        return n;
    }
}
