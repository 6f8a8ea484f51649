package io.streambus.itests.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streambus.camel.StreamBusConstants;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** batching=true: one exchange per poll with a List of record exchanges, committed as a whole. */
class BatchingConsumerTest extends CamelTestBase {

    private static final String FAST = "&autoOffsetReset=earliest&sessionTimeoutMs=6000&heartbeatIntervalMs=500"
            + "&rebalanceTimeoutMs=5000&pollTimeoutMs=200&autoCommitIntervalMs=200";

    @SuppressWarnings("unchecked")
    private static List<String> bodies(Exchange batch) {
        return ((List<Exchange>) batch.getIn().getBody(List.class)).stream()
                .map(e -> e.getIn().getBody(String.class)).toList();
    }

    @Test
    void batchesAreListsOfRecordExchangesCommittedAsAWhole() throws Exception {
        String topic = BrokerSupport.uniqueTopic("batch");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("b", 0, 35));
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<Long> offsets = new CopyOnWriteArrayList<>();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batch-g&batching=true&maxPollRecords=10" + FAST)).process(e -> {
                    batches.add(bodies(e));
                    assertThat(e.getIn().getHeader(StreamBusConstants.BATCH_SIZE, Integer.class))
                            .isEqualTo(batches.get(batches.size() - 1).size());
                    @SuppressWarnings("unchecked")
                    List<Exchange> items = e.getIn().getBody(List.class);
                    items.forEach(i -> offsets.add(i.getIn().getHeader(StreamBusConstants.OFFSET, Long.class)));
                });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> offsets.size() == 35);
        assertThat(batches).allMatch(b -> !b.isEmpty() && b.size() <= 10);
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(values("b", 0, 35));
        assertThat(offsets).isSorted();
        c.stop();
        assertThat(sb.committed("batch-g", topic, 0)).isEqualTo(35);
    }

    @Test
    void aFailedBatchWithBreakOnFirstErrorComesAgainWhole() throws Exception {
        String topic = BrokerSupport.uniqueTopic("batchbreak");
        sb.createTopic(topic, 1);
        sb.produce(topic, 0, values("x", 0, 5));
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batchbreak-g&batching=true&maxPollRecords=5&breakOnFirstError=true" + FAST))
                        .process(e -> {
                            List<String> b = bodies(e);
                            batches.add(b);
                            if (b.contains("x2") && failures.incrementAndGet() == 1) {
                                throw new IllegalStateException("first attempt fails");
                            }
                        });
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> failures.get() >= 1
                && batches.stream().flatMap(List::stream).filter("x4"::equals).count() >= 2);
        List<String> seen = batches.stream().flatMap(List::stream).toList();
        String firstOfFailed = batches.stream().filter(b -> b.contains("x2")).findFirst().orElseThrow().get(0);
        assertThat(seen.stream().filter(firstOfFailed::equals).count())
                .as("the failed batch was read again from its start").isEqualTo(2);
        c.stop();
        assertThat(sb.committed("batchbreak-g", topic, 0)).isEqualTo(5);
    }

    @Test
    void batchingIntervalGathersPollsUntilFullAndHeldRecordsAreNotCommitted() throws Exception {
        String topic = BrokerSupport.uniqueTopic("batchiv");
        sb.createTopic(topic, 1);
        for (int i = 0; i < 25; i++) {
            sb.produce(topic, 0, List.of("v" + i)); // 25 separate sends
        }
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        String from = uri(topic, "groupId=batchiv-g&batching=true&maxPollRecords=10&batchingIntervalMs=600000"
                + FAST);
        CamelContext c = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(from).process(e -> batches.add(bodies(e)));
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> batches.size() >= 2);
        holdsFor(Duration.ofSeconds(1), () -> batches.size() == 2);
        assertThat(batches).as("full batches of maxPollRecords; the last 5 wait for the interval")
                .containsExactly(values("v", 0, 10), values("v", 10, 20));
        c.stop();
        assertThat(sb.committed("batchiv-g", topic, 0)).as("held records are not committed").isEqualTo(20);

        List<List<String>> after = new CopyOnWriteArrayList<>();
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batchiv-g&batching=true&maxPollRecords=10&batchingIntervalMs=300" + FAST))
                        .process(e -> after.add(bodies(e)));
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> after.size() == 1);
        assertThat(after).as("the interval completes a batch that is not full")
                .containsExactly(values("v", 20, 25));
    }

    @Test
    void recordsHeldForABatchGoToTheNewOwnerWhenTheirPartitionMoves() throws Exception {
        String topic = BrokerSupport.uniqueTopic("batchmove");
        sb.createTopic(topic, 2);
        sb.produce(topic, 0, values("a", 0, 3));
        sb.produce(topic, 1, values("b", 0, 3));
        List<String> routedByHolder = new CopyOnWriteArrayList<>();
        List<String> routedByOther = new CopyOnWriteArrayList<>();
        // The holder gathers for 10 minutes: it routes nothing while these records are all there is.
        CamelContext holder = start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batchmove-g&batching=true&batchingIntervalMs=600000" + FAST))
                        .process(e -> routedByHolder.addAll(bodies(e)));
            }
        });
        start(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri(topic, "groupId=batchmove-g&batching=true" + FAST))
                        .process(e -> routedByOther.addAll(bodies(e)));
            }
        });
        // The second member gets one partition at the rebalance; when the holder stops, the other one as well.
        await().atMost(Duration.ofSeconds(30)).until(() -> routedByOther.size() == 3);
        holder.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> routedByOther.size() == 6);
        holdsFor(Duration.ofSeconds(1), () -> routedByOther.size() == 6);
        assertThat(routedByHolder).isEmpty();
        assertThat(routedByOther).containsExactlyInAnyOrderElementsOf(
                Stream.concat(values("a", 0, 3).stream(), values("b", 0, 3).stream()).toList());
    }
}
